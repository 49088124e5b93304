import Foundation
import Testing

@testable import KCBXCore

/// Shared fixtures for the ledger tests: a county (西吉县 640422) with two townships and three
/// schools, a fixed "today", the 2025-2026 calendar, valid resident IDs.
enum LF {
    static let county = "640422"
    static let townA = "640422100", townB = "640422101"
    static let schoolA1 = "S-A1", schoolA2 = "S-A2", schoolB1 = "S-B1"
    /// "Today" for every test ledger: 2025-12-15 12:00 UTC.
    static let now = Date(timeIntervalSince1970: Double(try! CivilDate(year: 2025, month: 12, day: 15).dayNumber) * 86_400 + 43_200)

    static func date(_ iso: String) -> CivilDate { try! CivilDate(iso: iso) }

    /// A valid resident ID registered in 西吉县.
    static func rid(_ birth: String, _ seq: Int) -> String {
        let s = String(seq)
        let first17 = county + birth + String(repeating: "0", count: 3 - s.count) + s
        return first17 + String(ResidentID.checkCharacter(for: first17)!)
    }

    static func actor(_ level: UnitLevel, _ unit: String, _ person: String = "测试员") -> LedgerActor {
        try! LedgerActor(level: level, unitCode: unit, person: person)
    }

    static let countyActor = actor(.county, county, "李科长")
    static let schoolA1Actor = actor(.school, schoolA1, "王老师")
    static let townAActor = actor(.township, townA, "马专干")

    /// A fresh ledger file path in a new temporary directory.
    static func path(_ name: String = "ledger") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-ledger-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(name).sqlite").path
    }

    static func open(_ path: String, _ actor: LedgerActor = countyActor, profile: String = "guyuan-2021") throws -> Ledger {
        try Ledger(path: path, policy: try PolicyProfile.builtin(profile), actor: actor, clock: { now })
    }

    static func open(_ path: String, _ actor: LedgerActor = countyActor, policy: PolicyProfile) throws -> Ledger {
        try Ledger(path: path, policy: policy, actor: actor, clock: { now })
    }

    /// The 2025-2026 school year: autumn term from 1 Sept, National Day week off, two make-up Saturdays/Sundays.
    static let calendar: SchoolCalendar = try! SchoolCalendar.standard(
        schoolYear: 2025, holidays: [SchoolHoliday(name: "国庆节、中秋节", span: try! DateSpan(from: date("2025-10-01"), to: date("2025-10-08")))],
        makeUpDays: [date("2025-09-28"), date("2025-10-11")], name: "西吉县 2025-2026 学年校历")

    static func row(
        _ id: String, _ name: String, school: String = schoolA1, town: String = townA, grade: Int = 4,
        registration: String = "", groups: String = "", address: String = "西吉县吉强镇1村"
    ) -> LedgerStudentRow {
        var r = LedgerStudentRow()
        r.residentID = id
        r.name = name
        r.schoolID = school
        r.townshipCode = town
        r.grade = school.isEmpty ? "" : String(grade)
        r.registration = registration
        r.specialGroups = groups
        r.address = address
        r.registryNumber = school.isEmpty ? "" : "G" + id
        return r
    }

    static let kidA = rid("20160310", 11)  // boy, grade 4, school A1
    static let kidB = rid("20150721", 22)  // girl, grade 5, school A1, registered poor
    static let kidC = rid("20170102", 31)  // boy, no registration (失学 candidate), township A
    static let kidD = rid("20140505", 42)  // girl, grade 6, school B1, township B, disabled

    static var roster: [LedgerStudentRow] {
        [
            row(kidA, "马小明"), row(kidB, "王小花", grade: 5, groups: "registered_poor;left_behind"),
            row(kidC, "李小军", school: "", registration: "none"),
            row(kidD, "杨小红", school: schoolB1, town: townB, grade: 6, groups: "disabled"),
        ]
    }

    /// A ledger with the calendar and the roster loaded by the county.
    static func seeded(profile: String = "guyuan-2021") throws -> (String, Ledger) {
        let p = path()
        let l = try open(p, profile: profile)
        try l.setCalendar(calendar)
        _ = try l.importStudents(roster)
        return (p, l)
    }

    /// Marks `kind` for `student` on every school day from `from` through `through`.
    static func marks(_ l: Ledger, _ student: String, _ kind: MarkKind, _ from: String, _ through: String) throws {
        let rows = calendar.schoolDayList(from: date(from), through: date(through)).map {
            LedgerMarkRow(student: student, date: $0.description, kind: String(kind.rawValue))
        }
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarks(rows, problems: &problems)
    }

    /// Number of events in the file.
    static func eventCount(_ l: Ledger) throws -> Int64 { try l.head().seq }
}
