import Foundation

@testable import KCBXCore

/// What the harnesses share: a fixed "today", the 2025-2026 calendar, a small county ledger.
enum Fixture {
    /// 2025-12-15, "today" for every harness (a fixed date keeps runs reproducible).
    static let asOf: CivilDate = orDie { try CivilDate(iso: "2025-12-15") }
    static let now = Date(timeIntervalSince1970: Double(asOf.dayNumber) * 86_400 + 43_200)
    static let county = "640422"
    static let policy: PolicyProfile = orDie { try PolicyProfile.builtin("guyuan-2021") }
    static let calendar: SchoolCalendar = orDie {
        try SchoolCalendar.standard(
            schoolYear: 2025,
            holidays: [
                SchoolHoliday(name: "国庆节", span: try DateSpan(from: try CivilDate(iso: "2025-10-01"), to: try CivilDate(iso: "2025-10-08")))
            ], makeUpDays: [try CivilDate(iso: "2025-09-28"), try CivilDate(iso: "2025-10-11")], name: "fuzz")
    }

    /// A valid resident ID of the county born on `birth` (YYYYMMDD) with sequence `seq`.
    static func rid(_ birth: String, _ seq: Int) -> String {
        let first17 = county + birth + String(format: "%03d", seq)
        return first17 + String(ResidentID.checkCharacter(for: first17) ?? "0")
    }

    /// The four children of the small ledger (the Swift tests' LedgerFixtures roster).
    static let kids = [rid("20160310", 11), rid("20150721", 22), rid("20170102", 31), rid("20140505", 42)]

    /// A fresh directory for this process's files, removed at exit.
    static let directory: String = {
        let d = NSTemporaryDirectory() + "kcbx-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "kcbx-fuzz-\(getpid())") }
        return d
    }()

    /// A county ledger with the calendar, four students and a sweep with two months of marks
    /// (so cases and obligations exist for the listing filters).
    static let ledger: Ledger = orDie {
        let l = try Ledger(
            path: directory + "/ledger.sqlite", policy: policy,
            actor: try LedgerActor(level: .county, unitCode: county, person: "fuzz"), clock: { now })
        try l.setCalendar(calendar)
        func row(_ id: String, _ name: String, school: String, town: String, grade: Int, groups: String = "") -> LedgerStudentRow {
            var r = LedgerStudentRow()
            r.residentID = id
            r.name = name
            r.schoolID = school
            r.townshipCode = town
            r.grade = school.isEmpty ? "" : String(grade)
            r.specialGroups = groups
            r.registration = school.isEmpty ? "none" : ""
            r.registryNumber = school.isEmpty ? "" : "G" + id
            return r
        }
        _ = try l.importStudents([
            row(kids[0], "马小明", school: "S-A1", town: "640422100", grade: 4),
            row(kids[1], "王小花", school: "S-A1", town: "640422100", grade: 5, groups: "registered_poor;left_behind"),
            row(kids[2], "李小军", school: "", town: "640422100", grade: 0),
            row(kids[3], "杨小红", school: "S-B1", town: "640422101", grade: 6, groups: "disabled"),
        ])
        var marks: [LedgerMarkRow] = []
        for d in calendar.schoolDayList(from: try CivilDate(iso: "2025-10-13"), through: try CivilDate(iso: "2025-12-12")) {
            marks.append(LedgerMarkRow(student: kids[0], date: d.description, kind: "unexcused"))
            marks.append(LedgerMarkRow(student: kids[1], date: d.description, kind: d.dayNumber % 3 == 0 ? "unexcused" : "present"))
            marks.append(LedgerMarkRow(student: kids[3], date: d.description, kind: "present"))
        }
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarks(marks, problems: &problems)
        _ = try l.sweep(asOf: asOf)
        return l
    }

    /// Writes `text` to this process's scratch file and returns its path (for the file-reading APIs).
    static func file(_ data: [UInt8], _ name: String) -> String {
        let p = directory + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(data))
        return p
    }
}

/// Fixture set-up that cannot fail unless the library itself is broken.
func orDie<T>(_ make: () throws -> T) -> T {
    do { return try make() } catch { fatalError("fuzz fixture: \(error)") }
}
