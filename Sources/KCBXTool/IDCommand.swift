import ArgumentParser
import KCBXCore

/// `kcbx id`: validate resident IDs and show school age.
struct IDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Validate resident IDs (GB 11643-1999) and show sex, birth date and school age on a date.")
    @Argument(help: "One or more 18-character resident IDs.") var ids: [String]
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        let on: CivilDate
        do { on = try asOf.map { try CivilDate(iso: $0, field: "--as-of") } ?? CivilDate.today() } catch { throw fail(error) }
        var t = TextTable(headers: ["id", "valid", "region", "birth", "sex", "age", "entry", "grade", "stage", "problem"])
        var bad = 0
        for raw in ids {
            switch ResidentID.check(raw, asOf: on) {
            case .success(let id):
                let a = SchoolAge(birthDate: id.birthDate)
                t.rows.append([
                    id.text, "yes", id.regionCode, id.birthDate.description, id.sex.label, String(a.age(on: on)),
                    String(a.entryYear), String(a.expectedGrade(on: on)), a.expectedStage(on: on).label, "",
                ])
            case .failure(let f):
                bad += 1
                t.rows.append([raw, "no", "", "", "", "", "", "", "", "\(f.problem.part): \(f.message)"])
            }
        }
        print(t.render(format))
        if bad > 0 { throw ExitStatus.invalidInput.code }
    }
}
