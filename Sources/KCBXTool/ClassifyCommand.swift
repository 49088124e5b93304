import ArgumentParser
import KCBXCore

/// `kcbx classify`: every child's status as of a date, from roster, attendance and calendar files.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify every child as of a date (在校/请假/三线预警/疑似辍学/辍学/失学 …) and print the county table (seed 001 附件1).",
        discussion:
            "Roster and attendance use the ledger's CSV columns (docs/ledger.md); the calendar is a calendar JSON file (docs/calendar-format.md)."
    )
    @Option(help: "Roster CSV (resident_id, birth_date, grade, registration, special_groups, …).") var roster: String
    @Option(help: "Attendance CSV (student,date,kind).") var attendance: String
    @Option(help: "School calendar JSON.") var calendar: String
    @Option(help: "Policy profile id or file.") var policy = "guyuan-2021"
    @OptionGroup(title: "Date") var day: RequiredAsOfOptions
    var asOf: String { day.asOf }
    @Option(help: "Unit name printed on the table.") var unit = "西吉县"
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }
    @Option(help: "List children whose status is at least this (three_line_alert, suspected_dropout, dropout).") var list =
        "three_line_alert"

    func run() throws {
        do {
            let profile = try loadPolicy(policy)
            let cal = try SchoolCalendar.load(path: calendar)
            let on = try CivilDate(iso: asOf, field: "--as-of")
            let rosterFile = try CSVFile(path: roster)
            let idCol = try rosterFile.column("resident_id")
            let gradeCol = rosterFile.optionalColumn("grade")
            let birthCol = rosterFile.optionalColumn("birth_date")
            let regCol = rosterFile.optionalColumn("registration")
            let groupCol = rosterFile.optionalColumn("special_groups")
            let nameCol = rosterFile.optionalColumn("name")
            var index: [String: Int32] = [:]
            var facts: [ChildFacts] = []
            for (i, r) in rosterFile.rows.enumerated() {
                let id = rosterFile.cell(r, idCol).uppercased()
                index[id] = Int32(i)
                let birthText = rosterFile.cell(r, birthCol)
                let birth =
                    birthText.isEmpty
                    ? try ResidentID(id).birthDate : try CivilDate(iso: birthText, field: rosterFile.field(row: i, "birth_date"))
                let reg = rosterFile.cell(r, regCol)
                let registration: RegistrationState =
                    reg == "none"
                    ? .none
                    : reg == "deferred"
                        ? .deferred
                        : reg == "suspended"
                            ? .suspended
                            : reg == "home_delivered" ? .homeDelivered : .enrolled
                let groups = try rosterFile.cell(r, groupCol).split(whereSeparator: { $0 == ";" || $0 == "|" })
                    .map { try SpecialGroup(code: String($0), field: rosterFile.field(row: i, "special_groups")) }
                facts.append(
                    ChildFacts(
                        birthDate: birth, grade: Int(rosterFile.cell(r, gradeCol)), registration: registration,
                        studyingElsewhere: reg == "elsewhere", groups: groups))
            }
            // Marks stream into three columns (no file of rows held): the reader's memory is a chunk and a row.
            var s = 0
            var d = 0
            var k = 0
            var mc: [Int32] = []
            var md: [Int32] = []
            var mk: [Int8] = []
            try StrictCSVReader.read(
                path: attendance,
                header: { h in
                    func col(_ name: String) throws -> Int {
                        guard let i = h.firstIndex(of: name) else {
                            throw KCBXError.invalidInput(
                                field: "\(attendance): column \(name)",
                                rule: "is required (columns: \(KCBXError.quote(h.joined(separator: ","), limit: 200)))")
                        }
                        return i
                    }
                    s = try col("student")
                    d = try col("date")
                    k = try col("kind")
                },
                row: { n, r in
                    func cell(_ i: Int) -> String { CSVFile.trimmed(r[i]) }
                    guard let c = index[cell(s).uppercased()] else {
                        throw KCBXError.invalidInput(field: "\(attendance) row \(n) student", rule: "'\(cell(s))' is not in the roster")
                    }
                    let kindText = cell(k)
                    guard let kind = MarkKind.allCases.first(where: { $0.label == kindText || String($0.rawValue) == kindText }) else {
                        throw KCBXError.invalidInput(
                            field: "\(attendance) row \(n) kind",
                            rule: "'\(kindText)' is not a mark kind (present, approved_leave, unexcused, late, left_early)")
                    }
                    mc.append(c)
                    md.append(try CivilDate(iso: cell(d), field: "\(attendance) row \(n) date").dayNumber)
                    mk.append(Int8(kind.rawValue))
                })
            let table = try Classifier(profile: profile, calendar: cal).classifyMany(
                children: facts, markChild: mc, markDate: md, markKind: mk, asOf: on, today: on)
            var summary = StageSummary()
            var listed = TextTable(headers: ["身份证号", "姓名", "年级", "状态", "起始", "规则", "预警", "风险"])
            let threshold = ChildStatus.allCases.first { $0.label == list }?.attendanceSeverity ?? 2
            for i in 0..<table.rows {
                let row = try table.row(i)
                let f = facts[i]
                let stage =
                    f.grade.map { Stage(grade: $0) } ?? f.birthDate.map { SchoolAge(birthDate: $0).expectedStage(on: on) } ?? .beyond
                summary.add(stage: stage, status: row.status, reason: row.proposedReason)
                if (row.status.attendanceSeverity ?? -1) >= threshold || row.status == .outOfSchool {
                    let r = rosterFile.rows[i]
                    listed.rows.append([
                        rosterFile.cell(r, idCol), rosterFile.cell(r, nameCol), f.grade.map(String.init) ?? "",
                        row.status.chinese, row.since?.description ?? "", row.rule.label,
                        row.alerts.labels.joined(separator: ","), row.riskFlags.labels.joined(separator: ","),
                    ])
                }
            }
            print(render(summary.table(unit: unit, date: on, withAlert: profile.duration(.threeLineAlertAfter) != nil), format))
            print("")
            print(format == .table ? "需跟进的学生（\(listed.rows.count)）\n" + listed.render(.table) : listed.render(format))
        } catch { throw fail(error) }
    }
}
