import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// File format v4's stored marks (docs/ledger.md "File format v4"): `MarkMonthsWriter` keeps the
/// day's mark as the last one applied (DOMAIN.md §7: a later mark replaces the day's), says
/// exactly when a mark changed the stored one, gives the same months whether it holds every
/// month until the end or flushes after each; `MarkMonths.scan` reads back exactly what was
/// written, for any range of ids and days, spans and slips included.
@Suite struct MarkMonthsTests {
    func database() throws -> DatabaseQueue {
        let q = try DatabaseQueue()
        try q.write { db in try db.execute(sql: LedgerSchema.markTables(schema: "main")) }
        return q
    }

    /// A deterministic mix over 6 children and Sept–Nov 2025: kinds, a few approved leaves with
    /// a span or slip, and days marked again (sometimes the same, sometimes not).
    func marks(_ n: Int, seed: UInt64) -> [PackedMark] {
        var r = seed
        func next(_ bound: Int) -> Int {
            r = r &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((r >> 33) % UInt64(bound))
        }
        return (0..<n).map { _ in
            let month = 9 + next(3)
            let day = 1 + next(month == 9 || month == 11 ? 30 : 31)
            let date = Int32(2025_00_00 + month * 100 + day)
            var m = PackedMark(sid: Int64(1 + next(6)), day: date, kind: UInt8(next(5)))
            if m.kind == 1, next(3) == 0 {
                m.leaveFrom = date
                m.leaveTo = date + Int32(next(2))
                m.slip = next(2) == 0 ? "假条-\(next(9))" : ""
            }
            return m
        }
    }

    /// The state a replay gives: the last mark of each child and day.
    func expected(_ marks: [PackedMark]) -> [String] {
        var last: [String: PackedMark] = [:]
        for m in marks { last["\(m.sid) \(m.day)"] = m }
        return last.values.map { "\($0.sid) \($0.day) \($0.kind) \($0.leaveFrom) \($0.leaveTo) \($0.slip)" }.sorted()
    }

    func stored(_ db: Database, ids: ClosedRange<Int64> = 1...6, from: Int32 = 2025_09_01, through: Int32 = 2025_11_30) throws
        -> [String]
    {
        var out: [String] = []
        try MarkMonths.scan(db, ids: ids.lowerBound, ids.upperBound, from: from, through: through, slips: true) { s, d, k, lf, lt, slip in
            out.append("\(s) \(d) \(k) \(lf) \(lt) \(slip)")
        }
        return out
    }

    @Test func theLastMarkOfADayIsStoredAndChangesAreCountedExactly() throws {
        let all = marks(2_000, seed: 7)
        let q = try database()
        var changed = 0
        var state: [String: String] = [:]
        try q.write { db in
            let w = MarkMonthsWriter()
            for m in all {
                let key = "\(m.sid) \(m.day)"
                let value = "\(m.kind) \(m.leaveFrom) \(m.leaveTo) \(m.slip)"
                let did = try w.apply(m, db)
                #expect(did == (state[key] != value), "changed exactly when the day's mark differs")
                if did { changed += 1 }
                state[key] = value
            }
            try w.flush(db)
        }
        let got = try q.read { db in try stored(db) }
        #expect(got == expected(all))
        #expect(changed > 0)
        // The same marks again change nothing.
        try q.write { db in
            let w = MarkMonthsWriter()
            for m in all.suffix(500) { _ = try w.apply(m, db) }
            try w.flush(db)
            let again = MarkMonthsWriter()
            for m in expected(all).compactMap({ line -> PackedMark? in
                let f = line.split(separator: " ", omittingEmptySubsequences: false)
                return PackedMark(
                    sid: Int64(f[0]) ?? 0, day: Int32(f[1]) ?? 0, kind: UInt8(f[2]) ?? 0, leaveFrom: Int32(f[3]) ?? 0,
                    leaveTo: Int32(f[4]) ?? 0, slip: String(f[5]))
            }) {
                #expect(try !again.apply(m, db))
            }
        }
    }

    @Test func flushingAfterEveryMonthGivesTheSameMonths() throws {
        let all = marks(1_500, seed: 11)
        func run(limit: Int) throws -> [String] {
            let q = try database()
            try q.write { db in
                let w = MarkMonthsWriter(limit: limit)
                for m in all { _ = try w.apply(m, db) }
                try w.flush(db)
            }
            return try q.read { db in
                try Row.fetchAll(db, sql: "SELECT sid, month, hex(days) FROM mark_months ORDER BY sid, month").map {
                    "\($0[0] as Int64) \($0[1] as Int64) \($0[2] as String)"
                }
                    + Row.fetchAll(db, sql: "SELECT * FROM mark_leaves ORDER BY sid, day").map {
                        "\($0[0] as Int64) \($0[1] as Int64) \($0[2] as Int64) \($0[3] as Int64) \($0[4] as String)"
                    }
            }
        }
        let whole = try run(limit: 1_000_000)
        #expect(whole == (try run(limit: 1)))
        #expect(whole == (try run(limit: 3)))
    }

    @Test func scanReadsAnyRangeOfIdsAndDays() throws {
        let all = marks(1_200, seed: 3)
        let q = try database()
        try q.write { db in
            let w = MarkMonthsWriter()
            for m in all { _ = try w.apply(m, db) }
            try w.flush(db)
        }
        let want = expected(all)
        try q.read { db in
            for (ids, from, through) in [(2...2, 2025_09_15, 2025_10_10), (3...5, 2025_10_31, 2025_11_01), (1...6, 2025_09_30, 2025_09_30)]
                as [(ClosedRange<Int64>, Int32, Int32)]
            {
                let got = try stored(db, ids: ids, from: from, through: through)
                let filtered = want.filter { line in
                    let f = line.split(separator: " ")
                    let s = Int64(f[0]) ?? 0
                    let d = Int32(f[1]) ?? 0
                    return ids.contains(s) && d >= from && d <= through
                }
                #expect(got == filtered, "ids \(ids), \(from)–\(through)")
            }
        }
    }

    @Test func aStoredMonthThatIsNoMonthIsRefusedByName() throws {
        let q = try database()
        try q.write { db in
            try db.execute(sql: "INSERT INTO mark_months VALUES (4, 202509, x'00')")
            try db.execute(
                sql: "INSERT INTO mark_months VALUES (5, 202509, ?)", arguments: [Data([0x80] + [UInt8](repeating: 0, count: 30))])
        }
        try q.write { db in
            #expect { _ = try MarkMonthsWriter().apply(PackedMark(sid: 4, day: 2025_09_02, kind: 0), db) } throws: { e in
                "\(e)".contains("student id 4 for month 202509 are unreadable (1 bytes, not 31)")
            }
            #expect { _ = try MarkMonthsWriter().apply(PackedMark(sid: 5, day: 2025_09_02, kind: 0), db) } throws: { e in
                "\(e)".contains("day 1 has the leave flag without a mark")
            }
            #expect { _ = try MarkMonthsWriter().apply(PackedMark(sid: 1, day: 2025_09_02, kind: 200), db) } throws: { e in
                "\(e)".contains("outside what the ledger stores")
            }
        }
        try q.read { db in
            #expect { _ = try stored(db, ids: 4...4) } throws: { e in "\(e)".contains("month 202509 are unreadable") }
        }
    }
}
