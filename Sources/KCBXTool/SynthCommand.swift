import ArgumentParser
import Foundation
import KCBXCore
import KCBXSynthesis

/// `kcbx synth`: a deterministic synthetic county or province as CSV files, streamed to disk.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract:
            "Generate a synthetic county or province (deterministic from --seed) as CSV files: household and student registries, roster, schools, calendar, attendance, poverty and 三类 lists, planted truth.",
        discussion: """
            The defaults reproduce data/sample byte for byte (西吉县 640422, 2,000 children, seed 2025,
            --planted 0.05, as of 2025-10-20). --counties N spreads --children over N counties of 宁夏
            (西吉县 first, then 原州区, 隆德县 …; beyond 22, made-up codes 6490xx), each with its own region
            code, so resident IDs stay valid and unique up to 1,000,000 children a county (5,000,000 needs
            at least 5 counties). Files are written child by child: memory stays flat at any size.
            Planted patterns (planted.csv): three-day absences, suspected dropouts, dropouts, leave inside
            a streak, out-of-school children, identity conflicts, missing marks, chronic absence,
            studying elsewhere, migrants, mistyped IDs. File formats: docs/data-formats.md.
            """)
    @Option(help: ArgumentHelp("Output directory (created when missing).", valueName: "dir")) var out: String
    @Option(help: "School-age children in all.") var children = 2000
    @Option(help: "Counties (shared evenly); 1-121.") var counties = 1
    @Option(help: "Townships per county (default: 6 up to 15,000 children a county, then one per 2,500).") var townships: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 2025
    @Option(help: "County region code (GB/T 2260) of a single county (default 640422 西吉县).") var region: String?
    @Option(name: .customLong("county-name"), help: "Name of that county (default 西吉县).") var countyName = "西吉县"
    @Option(help: "Share of children with a planted problem (0-1); 0.05 made data/sample.") var planted = 0.05
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Reference date YYYY-MM-DD for ages, grades and the last attendance day.", valueName: "date")) var asOf =
        "2025-10-20"
    @Flag(name: .customLong("no-attendance"), help: "Do not write attendance.csv (registries only, e.g. for reconciliation at scale).")
    var noAttendance = false
    @Option(
        help: ArgumentHelp(
            "Also build this ledger from the county (import, sweep on --as-of) and plant false entries for the audit (台账信息不实); the answer key goes to false_entries.csv. One county, with attendance.",
            valueName: "path")) var ledger: String?
    @Option(name: .customLong("ledger-policy"), help: ArgumentHelp("Profile of that ledger (default guyuan-2021).", valueName: "name|file"))
    var ledgerPolicy = "guyuan-2021"
    @OptionGroup var progress: ProgressOptions

    func run() throws {
        do {
            var o = SyntheticProvinceOptions()
            o.children = children
            o.counties = counties
            o.townships = townships
            o.seed = seed
            o.plantedShare = planted
            o.attendance = !noAttendance
            if let region {
                guard counties == 1 else {
                    throw KCBXError.invalidInput(field: "--region", rule: "names a single county; leave it out with --counties")
                }
                o.regions = [(region, countyName)]
            }
            let counter = progress.counter("children written")
            let s = try SyntheticProvince.write(o, referenceDate: try CivilDate(iso: asOf, field: "--as-of"), to: out) {
                counter.update($0, of: $1)
            }
            let where_ = s.counties.count == 1 ? "\(s.counties[0].name) \(s.counties[0].code)" : "\(s.counties.count) counties"
            print("wrote \(s.children) children (\(where_)), \(s.schools) schools, \(s.marks) attendance marks to \(out)")
            if let ledger {
                guard s.counties.count == 1, !noAttendance else {
                    throw KCBXError.invalidInput(
                        field: "--ledger", rule: "plants false entries in one county with attendance (no --counties, no --no-attendance)")
                }
                try plantLedger(ledger, county: s.counties[0].code, asOf: try CivilDate(iso: asOf, field: "--as-of"))
            }
        } catch { throw fail(error) }
    }
}

extension SynthCommand {
    /// The county's ledger from the files just written, swept on `asOf`, with false entries planted
    /// (`SyntheticLedger.plant`) and the answer key written to false_entries.csv.
    func plantLedger(_ path: String, county: String, asOf: CivilDate) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw KCBXError.invalidInput(field: "--ledger", rule: "\(path) exists; the synthetic ledger is made fresh")
        }
        let l = try Ledger(
            path: path, policy: try loadPolicy(ledgerPolicy),
            actor: try LedgerActor(level: .county, unitCode: county, person: "kcbx synth", role: "示例数据"))
        let calendar = try SchoolCalendar.load(path: out + "/calendar.json")
        _ = try l.setCalendar(calendar)
        var problems: [LedgerRowProblem] = []
        _ = try l.importStudentsCSV(path: out + "/roster.csv", problems: &problems)
        _ = try l.importMarksCSV(path: out + "/attendance.csv", problems: &problems)
        _ = try l.sweep(asOf: asOf)
        let roster = try CSVFile(path: out + "/roster.csv")
        let planted = try CSVFile(path: out + "/planted.csv")
        let (rid, school) = (try roster.column("resident_id"), try roster.column("school_id"))
        let schools = Dictionary(roster.rows.map { (roster.cell($0, rid), roster.cell($0, school)) }, uniquingKeysWith: { a, _ in a })
        let (pid, pattern) = (try planted.column("resident_id"), try planted.column("pattern"))
        let dropouts = planted.rows.filter { planted.cell($0, pattern) == PlantedPattern.dropout.rawValue }.map { planted.cell($0, pid) }
            .compactMap { id -> (student: String, school: String)? in
                guard let s = schools[id], !s.isEmpty else { return nil }
                return (id, s)
            }.sorted { $0.student < $1.student }
        let result = try SyntheticLedger.plant(in: l, dropouts: dropouts, calendar: calendar, asOf: asOf, seed: seed)
        try result.answerKey.writeCSV(to: out + "/false_entries.csv")
        print(
            "ledger \(path) under \(l.policy.id): swept on \(asOf), \(result.answerKey.rows.count) entries planted (answer key \(out)/false_entries.csv); audit it with kcbx audit --as-of \(result.auditDate)"
        )
    }
}

func writeText(_ text: String, to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw KCBXError.storage("cannot write \(path)") }
}
