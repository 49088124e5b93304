import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Migration `v4` on a ledger that v3 code wrote (Tests/fixtures/ledger-v3, made by
/// make_ledger_v3.sh with the code of commit 63ac5c9): the marks move from one `marks` row a
/// child and day to one `mark_months` row a child and month with the spans and slips in
/// `mark_leaves` (docs/ledger.md "File format v4"); the migrated file verifies with the v3 code's
/// head, holds every mark v3 code stored (DOMAIN.md §7: a later mark replaces the day's), reports
/// what v3 code reported (seed 001 附件1), and a re-import records nothing. A `marks` row that is no
/// mark stops the migration by name and leaves the file as it was (seed 002: 台账数据填报不实).
@Suite struct LedgerMigrationV4Tests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/ledger-v3")

    func copy() throws -> String {
        let p = LF.path("v3")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("ledger-v3.kcbx").path, toPath: p)
        return p
    }

    func open(_ p: String) throws -> Ledger { try LedgerMigrationTests.open(p) }

    func expected(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func schemaVersion(_ p: String) throws -> String? { try LedgerMigrationTests.schemaVersion(p) }

    @Test func aV3FileMigratesWithEveryMarkAndVerifies() throws {
        let p = try copy()
        #expect(try schemaVersion(p) == "3")
        let l = try open(p)
        #expect(try schemaVersion(p) == "4")
        let v = try l.verify()
        let ev = try #require(try expected("expected-verify.json") as? [String: Any])
        #expect(v.isIntact && v.head.seq == ev["head_seq"] as? Int64 ?? -1 && v.head.hash == ev["head_hash"] as? String)
        let marks = try l.read { db in try StoredMarks.all(db) }
        let em = try #require(try expected("expected-marks.json") as? [[String: Any]]).map {
            "\($0["student"] ?? "") \($0["day"] ?? "") \($0["kind"] ?? "") \($0["leave_from"] ?? "") \($0["leave_to"] ?? "") \($0["slip"] ?? "")"
        }
        #expect(marks.count == 1700 && marks == em)
        #expect(marks.contains { $0.hasSuffix(" 20251028 1 20251027 20251029 请假条-101") }, "the leave keeps its span and slip")
        let tables = try l.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        #expect(!tables.contains("marks") && tables.contains("mark_months") && tables.contains("mark_leaves"))
        let r = try l.report(.guyuanAttachment1, asOf: LF.date("2025-10-31"))
        let er = try #require(try expected("expected-report.json") as? [String: Any])
        #expect(r.rows == er["rows"] as? [[String]] && r.headers == er["columns"] as? [String])
    }

    @Test func marksImportedAgainAfterTheMigrationRecordNothing() throws {
        let p = try copy()
        let l = try open(p)
        let rows = try l.read { db in try StoredMarks.all(db) }.map { line -> LedgerMarkRow in
            let f = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let day = "\(f[1].prefix(4))-\(f[1].dropFirst(4).prefix(2))-\(f[1].suffix(2))"
            func iso(_ v: String) -> String { v == "0" ? "" : "\(v.prefix(4))-\(v.dropFirst(4).prefix(2))-\(v.suffix(2))" }
            return LedgerMarkRow(
                student: f[0], date: day, kind: f[2], leaveFrom: iso(f[3]), leaveTo: iso(f[4]), slip: f.count > 5 ? f[5] : "")
        }
        let head = try l.head()
        var problems: [LedgerRowProblem] = []
        let r = try l.importMarks(rows, problems: &problems)
        #expect(problems.isEmpty && r.changed == 0 && r.unchanged == 1700)
        #expect(try l.head() == head, "nothing recorded")
    }

    @Test func aMarksRowThatIsNoMarkStopsTheMigrationByNameAndChangesNothing() throws {
        let p = try copy()
        try DatabaseQueue(path: p).write { db in
            try db.execute(sql: "UPDATE marks SET kind = 'x' WHERE (sid, day) = (SELECT sid, day FROM marks LIMIT 1)")
        }
        #expect { _ = try open(p) } throws: { e in
            if case KCBXError.storage(let m) = e { return m.contains("kind x) is not a mark this KCBX can carry into file format v4") }
            return false
        }
        #expect(try schemaVersion(p) == "3", "the file is left as it was")
        let tables = try DatabaseQueue(path: p).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        #expect(tables.contains("marks") && !tables.contains("mark_months"))
    }
}
