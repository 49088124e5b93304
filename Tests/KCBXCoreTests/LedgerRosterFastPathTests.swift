import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// The roster CSV's common rows are checked from their bytes (`RosterCSVRow.commonStudent`); every
/// other row goes the string path (`LedgerStudentRow.validated`). The two must agree: a row the
/// byte path accepts is the student the string path makes of it, and a row it declines is left
/// to the string path, which names the field and rule (docs/ledger.md "Roster CSV").
@Suite struct LedgerRosterFastPathTests {
    static let header =
        "resident_id,registry_number,name,sex,birth_date,address,region_code,school_id,school_name,township_code,grade,registration,registration_date,expert_opinion,special_groups"

    /// Writes `lines` under `header` and returns each data row's byte result, string result and problems.
    func both(_ lines: [String], header: String = header) throws -> [(
        fast: LedgerStudent?, slow: LedgerStudent?, problems: [LedgerRowProblem]
    )] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-fast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("roster.csv").path
        try ([header] + lines).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let asOf = CivilDate.utcDate(of: LF.now)
        var out: [(LedgerStudent?, LedgerStudent?, [LedgerRowProblem])] = []
        try LedgerStudentRow.readCSVRows(path: path) { n, r in
            var problems: [LedgerRowProblem] = []
            let slow = r.row.validated(row: n, asOf: asOf, problems: &problems)
            out.append((r.commonStudent(asOf: asOf), slow, problems))
        }
        return out
    }

    @Test func commonRowsTakeTheBytePathAndGiveTheSameStudent() throws {
        let a = LF.kidA
        let b = LF.kidB
        let c = LF.kidC
        let rows = try both([
            "\(a),G\(a),马小明,1,2016-03-10,西吉县吉强镇1村,640422,S-A1,吉强一小,640422100,4,enrolled,,,",
            "\(b),,王小花,,,西吉县吉强镇2村,,S-A1,吉强一小,640422100,5,,,,registered_poor;left_behind|registered_poor",
            "\(c),,李小军,1,,,,,,640422100,,none,,,",
            "\(a),G\(a),\"马,小明\",1,2016-03-10,\"西吉县\"\"吉强\"\"镇\",640423,S-A1,,640422100,4,transferred_out,2025-09-01,,disabled",
            "\(b),,王小花,2,2015-07-21,,,S-A1,,640422101,5,suspended,,专家组意见2025-3号,",
        ])
        #expect(rows.count == 5)
        for (i, r) in rows.enumerated() {
            #expect(r.problems.isEmpty, "row \(i + 2): \(r.problems)")
            #expect(r.fast != nil, "row \(i + 2) should take the byte path")
            #expect(r.fast == r.slow, "row \(i + 2)")
        }
        #expect(rows[1].fast?.groups == ["left_behind", "registered_poor"])
        #expect(rows[2].fast?.registration == "none" && rows[2].fast?.regionCode == "640422")
        #expect(rows[3].fast?.address == "西吉县\"吉强\"镇" && rows[3].fast?.registrationDate == "2025-09-01")
    }

    /// Rows the byte path declines — other spellings and every kind of bad field — are left to
    /// the string path: the good ones give the same student, the bad ones their named problems.
    @Test func otherRowsGoTheStringPath() throws {
        let a = LF.kidA
        let withX = (1...999).map { LF.rid("20100101", $0) }.first { $0.hasSuffix("X") } ?? ""
        let lower = String(withX.dropLast()) + "x"
        let wrongCheck = String(a.dropLast()) + (a.hasSuffix("0") ? "1" : "0")
        let lines = [
            " \(a),,马小明,1,,,,S-A1,,640422100,4,,,,",  // needs trimming
            "\(a),,马小明,男,,,,S-A1,,640422100,4,,,,",  // sex spelled 男
            "\(a),,马小明,,20160310,,,S-A1,,640422100,4,,,,",  // YYYYMMDD
            "\(a),,马小明,,,,,S-A1,,640422100,04,,,,",  // grade 04
            "\(a),,马小明,,,,,S-A1,,640422100,4,,,,left_behind ; disabled",  // spaced codes
            "\(a),g\(a),马小明,,,,,S-A1,,640422100,4,,,,",  // lower-case g
            "\(lower),,马小明,,,,,S-A1,,640422100,4,,,,",  // lower-case x (if valid)
            ",L2025XJ0007,马小明,1,2016-03-10,,640422,S-A1,,640422100,4,,,,",  // L number
            "\(a),,马小明,2,,,,S-A1,,640422100,4,,,,",  // sex against the ID
            "\(a),,马小明,,2016-03-11,,,S-A1,,640422100,4,,,,",  // birth date against the ID
            "\(a),,,,,,,S-A1,,640422100,4,,,,",  // no name
            "\(a),,\(String(repeating: "马", count: 51)),,,,,S-A1,,640422100,4,,,,",  // name too long
            "\(a),,马小明,,,,,S-A1,,64042210,4,,,,",  // township 8 digits
            "\(a),,马小明,,,,,,,640422100,4,,,,",  // grade without a school
            "\(a),,马小明,,,,,S-A1,,640422100,,,,,",  // enrolled without a grade
            "\(a),,马小明,,,,,S-A1,,640422100,4,graduated,,,",  // graduated without a date
            "\(a),,马小明,,,,,S-A1,,640422100,4,deferred,,,",  // deferred without an opinion
            "\(a),,马小明,,,,,S-A1,,640422100,4,,2099-01-01,,",  // registration date in the future
            "\(a),,马小明,,,,,S-A1,,640422100,4,,,,left_behind;nobody",  // unknown group
            "\(a),,马小明,,,,,S A1,,640422100,4,,,,",  // school id with a space
            "\(wrongCheck),,马小明,,,,,S-A1,,640422100,4,,,,",  // bad check character
        ]
        let rows = try both(lines)
        #expect(rows.count == lines.count && withX.count == 18)
        for (i, r) in rows.enumerated() {
            #expect(r.fast == nil, "row \(i + 2) should go the string path")
            if i < 8 {
                #expect(r.slow != nil && r.problems.isEmpty, "row \(i + 2): \(r.problems)")
            } else {
                #expect(r.slow == nil && !r.problems.isEmpty, "row \(i + 2) must be refused")
            }
        }
        #expect(rows[8].problems.map(\.field) == ["sex"])
        #expect(rows[12].problems.map(\.field) == ["township_code"])
        #expect(rows[18].problems.first?.rule.contains("'nobody' is not a special group") == true)
    }

    /// A first roster (empty `students`) is written without per-row lookups and with the school
    /// and township indexes built after the rows: the schema is the one verify expects, the
    /// indexes answer, a bad first batch leaves the indexes in place, and a key met twice in the
    /// batch still names both rows.
    @Test func firstRosterRebuildsTheIndexesTheSchemaExpects() throws {
        let p = LF.path()
        let l = try LF.open(p)
        try l.setCalendar(LF.calendar)
        var bad = LF.roster
        bad.append(LF.roster[0])
        var problems: [LedgerRowProblem] = []
        #expect(throws: KCBXError.self) { try l.importStudents(bad, firstRow: 2, problems: &problems) }
        #expect(problems.map(\.row) == [6] && problems[0].rule.contains("already in row 2"))
        let indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'students' AND sql IS NOT NULL ORDER BY name"
        #expect(try DatabaseQueue(path: p).read { try String.fetchAll($0, sql: indexes) } == ["students_school", "students_township"])
        let r = try l.importStudents(LF.roster)
        #expect(r.added == 4)
        try l.verify()
        let plan = try DatabaseQueue(path: p).read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT key FROM students WHERE township_code = ?", arguments: [LF.townB])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("students_township") })
        let objects = try DatabaseQueue(path: p).read { try LedgerSchema.SchemaObject.all($0, schema: "main") }
        #expect(Set(LedgerSchema.expectedObjects).isSubset(of: Set(objects)))
        #expect(try l.importStudents(LF.roster).unchanged == 4)
    }

    /// A later batch mixing new, changed and unchanged rows (one lookup statement reused row after
    /// row) links each changed child once to its event and verifies.
    @Test func laterBatchMixingNewAndChangedRowsLinksEachChildOnce() throws {
        let (p, l) = try LF.seeded()
        var changed = LF.roster[1]
        changed.address = "西吉县吉强镇9村"
        let new1 = LF.row(LF.rid("20160401", 71), "新生甲")
        let new2 = LF.row(LF.rid("20160402", 82), "新生乙")
        let r = try l.importStudents([new1, changed, LF.roster[0], new2, LF.roster[2]])
        #expect(r.added == 2 && r.updated == 1 && r.unchanged == 2)
        let links = try DatabaseQueue(path: p).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM student_events WHERE seq = (SELECT MAX(seq) FROM student_events)")
        }
        #expect(links == 3)
        try l.verify()
    }

    /// Random rows drawn from each column's tricky values (seeded): whenever the byte path
    /// accepts a row, the string path accepts it too and gives the same student.
    @Test func randomRowsAgreeWhenTheBytePathAcceptsThem() throws {
        struct SplitMix: RandomNumberGenerator {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }
        var rng = SplitMix(state: 13)
        let a = LF.kidA
        let b = LF.kidB
        let withX = (1...999).map { LF.rid("20100101", $0) }.first { $0.hasSuffix("X") } ?? a
        let ids = [
            a, b, withX, String(withX.dropLast()) + "x", String(a.dropLast()) + "9", "", "６" + String(a.dropFirst()), String(a.dropLast()),
        ]
        let births: [String: String] = [a: "2016-03-10", b: "2015-07-21", withX: "2010-01-01"]
        let columns: [[String]] = [
            [],  // resident_id: from ids
            [],  // registry_number: from the ID
            ["马小明", "", String(repeating: "马", count: 51), "a\u{1}b", " 马", "马\u{3000}", "耀", "e\u{301}", "马\"小"],
            ["", "1", "2", "男", "女", "m", "3", " 1"],
            [],  // birth_date: from the ID
            ["", "西吉县吉强镇1村", String(repeating: "a", count: 201), "耀", "村,组"],
            ["", "640422", "64042", "64042a"],
            ["", "S-A1", "S A1", String(repeating: "a", count: 33)],
            ["", "吉强一小", String(repeating: "a", count: 101)],
            ["640422100", "640422100", "64042210", "", "6404221000"],
            ["", "0", "4", "9", "10", "04", "+4", "x"],
            [
                "", "", "enrolled", "none", "deferred", "suspended", "home_delivered", "transferred_out", "graduated", "elsewhere",
                "Enrolled", " none",
            ],
            ["", "", "2025-09-01", "2099-01-01", "20250901", "2025-9-1"],
            ["", "", "专家组意见", String(repeating: "a", count: 201)],
            ["", "left_behind", "left_behind;disabled", "disabled|left_behind;", "nobody", "left_behind ; disabled", ";;"],
        ]
        func pick(_ values: [String]) -> String { values[Int(rng.next() % UInt64(values.count))] }
        var lines: [String] = []
        for _ in 0..<3000 {
            let id = pick(ids)
            let birth = births[id] ?? "2016-03-10"
            var cells: [String] = []
            for (c, values) in columns.enumerated() {
                switch c {
                case 0: cells.append(id)
                case 1: cells.append(rng.next() % 2 == 0 ? "G" + id : pick(["", "g" + id, "G" + b, "L2025XJ7", "G" + id + " "]))
                case 4: cells.append(pick(["", birth, birth, "2016-03-11", birth.replacingOccurrences(of: "-", with: "")]))
                default:
                    // Mostly the common value, so that whole rows reach the byte path.
                    let common = ["", "", "马小明", "", "", "", "", "S-A1", "", "640422100", "4", "", "", "", ""][c]
                    cells.append(rng.next() % 4 == 0 ? pick(values) : common)
                }
            }
            lines.append(cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ","))
        }
        let rows = try both(lines)
        #expect(rows.count == lines.count)
        var fast = 0
        for (i, r) in rows.enumerated() where r.fast != nil {
            fast += 1
            #expect(r.fast == r.slow && r.problems.isEmpty, "row \(i + 2): \(lines[i])")
        }
        #expect(fast > 100)
    }
}
