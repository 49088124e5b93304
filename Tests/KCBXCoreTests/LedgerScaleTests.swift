import Foundation
import Testing
@testable import KCBXCore

/// A county-sized ledger (the synthetic 西吉县, 1000 children, seed 001's jurisdiction): roster,
/// six weeks of marks, sweep and verify stay all-or-nothing and idempotent at that size.
@Suite struct LedgerScaleTests {
    @Test func countySizedSweep() throws {
        var options = SyntheticCountyOptions()
        options.children = 1000
        options.plantedShare = 0.08
        let county = SyntheticCounty(options: options, referenceDate: LF.date("2025-10-17"))
        let l = try LF.open(LF.path())
        try l.setCalendar(LF.calendar)
        let rows: [LedgerStudentRow] = county.children.map { c in
            var r = LedgerStudentRow()
            r.residentID = c.residentID; r.name = c.name; r.address = c.address
            r.townshipCode = "640422" + String(100 + c.township)
            if let s = c.school {
                r.schoolID = county.schools[s].id; r.schoolName = county.schools[s].name; r.grade = String(c.grade)
            } else { r.registration = "none" }
            r.specialGroups = c.groups.map(\.rawValue).joined(separator: ";")
            return r
        }
        let t0 = Date()
        #expect(try l.importStudents(rows).added == 1000)
        // Everyone present 1 Sept .. 17 Oct, except the planted suspected and dropout children,
        // away without leave from 22 Sept.
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-10-17"))
        var keys: [String] = [], dates: [Int32] = [], kinds: [Int] = []
        for c in county.children where c.school != nil {
            let away = c.pattern == .suspected || c.pattern == .dropout
            for d in days {
                keys.append(c.residentID); dates.append(d.yyyymmdd)
                kinds.append(away && d >= LF.date("2025-09-22") ? 2 : 0)
            }
        }
        var problems: [LedgerRowProblem] = []
        #expect(try l.importMarks(students: keys, dates: dates, kinds: kinds, problems: &problems).changed == keys.count)
        let t1 = Date()
        let s = try l.sweep(asOf: LF.date("2025-10-17"))
        let planted = county.children.filter { $0.school != nil && ($0.pattern == .suspected || $0.pattern == .dropout) }.count
        #expect(planted > 0 && s.classified + s.skipped.count == 1000)
        #expect(s.statuses["suspected_dropout", default: 0] == planted)
        #expect(s.opened.count == planted + s.statuses["out_of_school", default: 0])
        let t2 = Date()
        #expect(try l.sweep(asOf: LF.date("2025-10-17")).changes == 0)
        let v = try l.verify()
        let t3 = Date()
        #expect(v.isIntact)
        print("ledger scale: import \(keys.count) marks + 1000 students \(t1.timeIntervalSince(t0)) s, sweep \(t2.timeIntervalSince(t1)) s, resweep + verify \(t3.timeIntervalSince(t2)) s")
    }
}
