import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Migration `v2` on a ledger that v1 code wrote (Tests/fixtures/ledger-v1, made by
/// make_ledger_v1.sh at commit b2b5714): the migrated file verifies, answers what v1 code
/// answered (expected-*.json), takes new imports, and a v1 event edited before the migration is
/// still named by verify after it.
@Suite struct LedgerMigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/ledger-v1")
    static let actor = LF.actor(.county, "640422", "王老师")

    /// A copy of the v1 fixture in a fresh directory.
    func copy() throws -> String {
        let p = LF.path("v1")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("ledger-v1.kcbx").path, toPath: p)
        return p
    }

    func open(_ p: String) throws -> Ledger { try Self.open(p) }

    /// The fixture's ledger opened as the county that made it (any format: opening migrates).
    static func open(_ p: String) throws -> Ledger {
        try Ledger(path: p, policy: try PolicyProfile.builtin("guyuan-2021"), actor: actor)
    }

    func expected(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    func schemaVersion(_ p: String) throws -> String? { try Self.schemaVersion(p) }

    /// `ledger_meta.schema_version` of the file at `p`.
    static func schemaVersion(_ p: String) throws -> String? {
        try DatabaseQueue(path: p).read { db in try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'schema_version'") }
    }

    @Test func migratedV1FileVerifiesAndAnswersAsV1CodeDid() throws {
        let p = try copy()
        #expect(try schemaVersion(p) == "1")
        let l = try open(p)
        #expect(try schemaVersion(p) == "4")
        // verify: the same chain, byte for byte (the v1 attendance payloads keep their JSON).
        let v = try l.verify()
        let ev = try #require(try expected("expected-verify.json") as? [String: Any])
        #expect(v.isIntact && v.events == ev["events"] as? Int64 ?? -1)
        #expect(v.head.seq == ev["head_seq"] as? Int64 ?? -1 && v.head.hash == ev["head_hash"] as? String)
        // marks: every (student key, day) with its kind, span and slip, now one row a child and month.
        let marks = try l.read { db in try StoredMarks.all(db) }
        let em = try #require(try expected("expected-marks.json") as? [[String: Any]]).map {
            "\($0["student"] ?? "") \($0["day"] ?? "") \($0["kind"] ?? "") \($0["leave_from"] ?? "") \($0["leave_to"] ?? "") \($0["slip"] ?? "")"
        }
        #expect(marks.count == 1696 && marks == em)
        #expect(marks.contains { $0.hasSuffix("1 20251013 20251014 请假条-007") }, "the leave mark keeps its span and slip")
        // cases (DOMAIN.md §2-§4: status, reason, plan and person as the actions left them)
        let cases = try l.cases()
        let ec = try #require(try expected("expected-cases.json") as? [[String: Any]])
        #expect(cases.count == ec.count && cases.count == 12)
        for (c, e) in zip(cases, ec) {
            #expect(c.id == e["id"] as? Int64 && c.status.rawValue == e["status"] as? String && c.kind.rawValue == e["kind"] as? String)
            #expect(c.reason == e["reason"] as? String && c.plan == e["plan"] as? String && c.person == e["person"] as? String)
            #expect(c.dismissal == e["dismissal"] as? String)
        }
        // the report (seed 001 附件1) as of 2025-10-20, cell for cell
        let r = try l.report(.guyuanAttachment1, asOf: LF.date("2025-10-20"))
        let er = try #require(try expected("expected-report.json") as? [String: Any])
        #expect(r.rows == er["rows"] as? [[String]] && r.headers == er["columns"] as? [String])
        // the history of case 1: the same events, hashes and all
        let h = try l.history(case: 1)
        let eh = try #require(try expected("expected-history-case1.json") as? [[String: Any]])
        #expect(h.map(\.seq) == eh.map { $0["seq"] as? Int64 ?? -1 } && h.map(\.hash) == eh.map { $0["hash"] as? String ?? "" })
    }

    @Test func importsAfterTheMigrationWorkAndAReimportRecordsNothing() throws {
        let p = try copy()
        let l = try open(p)
        let before = try l.head()
        let maxID = try l.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM students") } ?? 0
        // a new child: the next integer id
        var row = LF.row(LF.rid("20150506", 71), "新同学", school: "640422132", town: "640422103", grade: 4)
        row.sex = "1"
        row.birthDate = "2015-05-06"
        row.regionCode = "640422"
        row.schoolName = "新营小学"
        let added = try l.importStudents([row])
        #expect(added.added == 1)
        let newID = try l.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM students WHERE key = ?", arguments: [LF.rid("20150506", 71)])
        }
        #expect(newID == maxID + 1)
        // marks for the new child and for a child the v1 code imported (packed payload)
        let old = try #require(try l.read { db in try String.fetchOne(db, sql: "SELECT key FROM students WHERE id = 1") })
        let rows = [
            LedgerMarkRow(student: LF.rid("20150506", 71), date: "2025-10-21", kind: "present"),
            LedgerMarkRow(student: old, date: "2025-10-21", kind: "unexcused"),
            LedgerMarkRow(
                student: old, date: "2025-10-22", kind: "approved_leave", leaveFrom: "2025-10-22", leaveTo: "2025-10-23", slip: "假条 8"),
        ]
        var problems: [LedgerRowProblem] = []
        let r = try l.importMarks(rows, problems: &problems)
        #expect(r.changed == 3 && problems.isEmpty)
        let payload = try l.read { db in try String.fetchOne(db, sql: "SELECT payload FROM events ORDER BY seq DESC LIMIT 1") } ?? ""
        #expect(payload.hasPrefix(PackedMarks.prefix), "new attendance events carry the packed payload")
        let head = try l.head()
        let again = try l.importMarks(rows, problems: &problems)
        let headAfter = try l.head()
        #expect(again.changed == 0 && again.unchanged == 3 && headAfter == head, "re-import records nothing")
        #expect(head.seq == before.seq + 2)
        let v = try l.verify()
        #expect(v.isIntact && v.events == head.seq)
        let kept = try l.read { db in try l.marks(of: old, from: LF.date("2025-10-21"), through: LF.date("2025-10-22"), db) }
        #expect(kept.map(\.kind) == [.unexcused, .approvedLeave])
    }

    @Test func aV1EventEditedBeforeTheMigrationIsNamedAfterIt() throws {
        let p = try copy()
        let seq = try DatabaseQueue(path: p).writeWithoutTransaction { db -> Int64 in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            let seq = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM events WHERE kind = 'attendance.recorded'") ?? 0
            try db.execute(sql: "UPDATE events SET payload = replace(payload, '\"k\":2', '\"k\":0') WHERE seq = ?", arguments: [seq])
            try db.execute(
                sql:
                    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END"
            )
            return seq
        }
        let l = try open(p)
        #expect(try schemaVersion(p) == "4")
        let v = try l.check()
        #expect(v.firstBadSeq == seq)
        #expect(
            v.problems.first?.contains("event #\(seq) attendance.recorded") == true
                && v.problems.first?.contains("was edited or moved") == true)
    }

    @Test func aReadOnlyV1FileIsRefusedSayingHowToUpgradeIt() throws {
        let p = try copy()
        chmod(p, 0o444)
        defer { chmod(p, 0o644) }
        do {
            _ = try open(p)
            Issue.record("a read-only v1 file opened")
        } catch let KCBXError.storage(m) {
            #expect(m.contains("file format v1") && m.contains("read-only") && m.contains("open it once where it can be written"))
        }
        #expect(try schemaVersion(p) == "1", "nothing was migrated")
    }

    /// A fresh file and a migrated one have the same schema (verify compares the file's schema
    /// with the one the migrations make), and a planted trigger is still named.
    @Test func migratedSchemaIsTheSchemaOfAFreshFileAndAPlantedTriggerIsNamed() throws {
        let p = try copy()
        let l = try open(p)
        let fresh = LF.path("fresh")
        _ = try open(fresh)
        let schema = { (path: String) in try DatabaseQueue(path: path).read { db in try LedgerSchema.SchemaObject.all(db, schema: "main") }
        }
        let migrated = try schema(p)
        let made = try schema(fresh)
        #expect(migrated == made)
        try DatabaseQueue(path: p).write { db in
            try db.execute(sql: "CREATE TRIGGER sneaky AFTER INSERT ON mark_months BEGIN SELECT 1; END")
        }
        #expect(try l.check().problems.contains { $0.contains("trigger sneaky") })
    }
}
