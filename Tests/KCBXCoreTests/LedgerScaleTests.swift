import Foundation
import KCBXSynthesis
import Testing

@testable import KCBXCore

/// A county-sized ledger (the synthetic 西吉县, 1000 children, seed 001's jurisdiction): roster,
/// six weeks of marks, sweep and verify stay all-or-nothing and idempotent at that size.
@Suite struct LedgerScaleTests {
    static func county() -> SyntheticCounty {
        var options = SyntheticCountyOptions()
        options.children = 1000
        options.plantedShare = 0.08
        return try! SyntheticCounty(options: options, referenceDate: LF.date("2025-10-17"))
    }

    /// The synthetic county's roster and six weeks of marks in a new ledger.
    static func load(_ county: SyntheticCounty, profile: String = "guyuan-2021") throws -> (Ledger, Int) {
        let l = try LF.open(LF.path(), profile: profile)
        try l.setCalendar(LF.calendar)
        let rows: [LedgerStudentRow] = county.children.map { c in
            var r = LedgerStudentRow()
            r.residentID = c.residentID
            r.name = c.name
            r.address = c.address
            r.townshipCode = "640422" + String(100 + c.township)
            if let s = c.school {
                r.schoolID = county.schools[s].id
                r.schoolName = county.schools[s].name
                r.grade = String(c.grade)
            } else {
                r.registration = "none"
            }
            r.specialGroups = c.groups.map(\.rawValue).joined(separator: ";")
            return r
        }
        #expect(try l.importStudents(rows).added == 1000)
        // Everyone present 1 Sept .. 17 Oct, except the planted suspected and dropout children,
        // away without leave from 22 Sept.
        let days = LF.calendar.schoolDayList(from: LF.date("2025-09-01"), through: LF.date("2025-10-17"))
        var keys: [String] = []
        var dates: [Int32] = []
        var kinds: [Int] = []
        for c in county.children where c.school != nil {
            let away = c.pattern == .suspected || c.pattern == .dropout
            for d in days {
                keys.append(c.residentID)
                dates.append(d.yyyymmdd)
                kinds.append(away && d >= LF.date("2025-09-22") ? 2 : 0)
            }
        }
        var problems: [LedgerRowProblem] = []
        #expect(try l.importMarks(students: keys, dates: dates, kinds: kinds, problems: &problems).changed == keys.count)
        return (l, keys.count)
    }

    @Test func countySizedSweep() throws {
        let county = Self.county()
        let t0 = Date()
        let (l, markCount) = try Self.load(county)
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
        print(
            "ledger scale: import \(markCount) marks + 1000 students \(t1.timeIntervalSince(t0)) s, sweep \(t2.timeIntervalSince(t1)) s, resweep + verify \(t3.timeIntervalSince(t2)) s"
        )
    }

    /// The bulk sweep (all children through `classifyMany`) records exactly the events the
    /// child-by-child sweep records: same cases, kinds, dates, rule texts; and a promotion sweep too.
    @Test func bulkSweepRecordsWhatTheChildByChildSweepRecords() throws {
        let county = Self.county()
        let (bulk, _) = try Self.load(county)
        let (single, _) = try Self.load(county)
        var opened = 0
        for asOf in ["2025-09-19", "2025-09-30", "2025-10-17"] {
            let a = try bulk.sweep(asOf: LF.date(asOf), bulk: true)
            let b = try single.sweep(asOf: LF.date(asOf), bulk: false)
            #expect(a == b)
            opened += a.opened.count
        }
        #expect(opened > 10)
        func tail(_ l: Ledger) throws -> [String] {
            try l.events(after: 0, limit: 100_000).filter { $0.kind.hasPrefix("case.") }
                .map { "\($0.kind) \($0.student) \($0.caseID) \($0.reason) \($0.payload)" }
        }
        #expect(try tail(bulk) == tail(single))
        #expect(try tail(bulk).count > 10)
    }

    /// A child whose data the classifier refuses does not stop the sweep: the bulk call falls back
    /// to one child at a time and reports that child in `skipped`.
    @Test func sweepSkipsAChildTheClassifierRefuses() throws {
        let (_, l) = try LF.seeded()
        // Born 2025-09-20, after the as-of date 2025-09-15 (registered with a fixed "today" in December).
        _ = try l.importStudents([LF.row(LF.rid("20250920", 77), "新生儿", school: "", registration: "none")])
        let s = try l.sweep(asOf: LF.date("2025-09-15"))
        #expect(s.skipped.keys.sorted() == [LF.rid("20250920", 77)])
        #expect(s.skipped.values.first?.contains("birth_date") == true)
        #expect(s.classified == 4)
    }
}
