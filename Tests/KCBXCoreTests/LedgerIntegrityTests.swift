import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Attribution and integrity (seed 002: 台账数据填报不实): the events are hash-chained; verify()
/// finds any row edited, deleted or reordered directly in the SQLite file and names the event.
@Suite struct LedgerIntegrityTests {
    /// A ledger with a few cases; returns its path, the ledger and the seq of a case.verified event.
    func sample() throws -> (String, Ledger, Int64) {
        let (p, l) = try LF.seeded()
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .G, on: LF.date("2025-09-17"))
        let verified = try l.head().seq
        try l.startPersuasion(c.id, plan: "一人一案", person: "马老师", on: LF.date("2025-09-18"))
        try l.recordAction(c.id, .homeVisit, on: LF.date("2025-09-19"))
        return (p, l, verified)
    }

    /// Opens the file behind the ledger's back, drops the append-only triggers, runs `sql`.
    func tamper(_ path: String, _ sql: String, dropTriggers: Bool = true) throws {
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in
            if dropTriggers { try db.execute(sql: "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete") }
            try db.execute(sql: sql)
        }
    }

    func integrityMessage(_ l: Ledger) -> String? {
        do {
            try l.verify()
            return nil
        } catch let KCBXError.integrity(m) { return m } catch { return "\(error)" }
    }

    @Test func intactLedgerVerifies() throws {
        let (_, l, _) = try sample()
        let v = try l.verify()
        #expect(v.isIntact && v.events == v.head.seq && v.head.hash.count == 64 && v.firstBadSeq == 0)
        #expect(try l.verify(anchor: v.head).isIntact)
        // Every event says who, which unit, when, why.
        let e = try #require(try l.events().last)
        #expect(e.actor == LF.countyActor && e.kind == "case.action" && e.at.hasPrefix("2025-12-15T12:00:00") && e.reason == "家访")
    }

    @Test func appendOnlyTriggersRefuseEdits() throws {
        let (p, _, _) = try sample()
        #expect(throws: DatabaseError.self) { try tamper(p, "UPDATE events SET reason = 'x' WHERE seq = 3", dropTriggers: false) }
        #expect(throws: DatabaseError.self) { try tamper(p, "DELETE FROM events WHERE seq = 3", dropTriggers: false) }
    }

    @Test func editedEventIsNamed() throws {
        let (p, l, verified) = try sample()
        try tamper(p, "UPDATE events SET payload = replace(payload, '\"G\"', '\"E\"') WHERE seq = \(verified)")
        let m = try #require(integrityMessage(l))
        #expect(m.contains("event #\(verified) case.verified") && m.contains("was edited or moved"))
        #expect(try l.check().firstBadSeq == verified)
        #expect(try l.check().problems.contains { $0.contains("append-only trigger") })
    }

    @Test func deletedEventIsNamed() throws {
        let (p, l, verified) = try sample()
        try tamper(p, "DELETE FROM events WHERE seq = \(verified)")
        let m = try #require(integrityMessage(l))
        #expect(m.contains("#\(verified) deleted"))
        #expect(try l.check().firstBadSeq == verified)
    }

    @Test func deletedNewestEventsAreFound() throws {
        let (p, l, _) = try sample()
        let head = try l.head()
        try tamper(p, "DELETE FROM events WHERE seq = \(head.seq)")
        #expect(try #require(integrityMessage(l)).contains("event #\(head.seq) was deleted"))
        // Even with the recorded head rewritten too, the anchor kept outside the file catches it.
        let prev = try DatabaseQueue(path: p).read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")!
        }
        try tamper(
            p,
            "UPDATE ledger_meta SET value = '\(prev["seq"] as Int64)' WHERE key = 'head_seq'; UPDATE ledger_meta SET value = '\(prev["hash"] as String)' WHERE key = 'head_hash'",
            dropTriggers: false)
        let v = try l.check(anchor: head)
        #expect(v.problems.contains { $0.contains("anchor") && $0.contains("#\(head.seq)") })
    }

    @Test func reorderedEventsAreNamed() throws {
        let (p, l, verified) = try sample()
        let a = verified
        let b = verified + 1
        try tamper(
            p,
            "UPDATE events SET seq = -1 WHERE seq = \(a); UPDATE events SET seq = \(a) WHERE seq = \(b); UPDATE events SET seq = \(b) WHERE seq = -1"
        )
        let m = try #require(integrityMessage(l))
        #expect(m.contains("event #\(a)") && m.contains("edited or moved"))
    }

    @Test func editedCurrentStateIsFound() throws {
        let (p, l, _) = try sample()
        try tamper(p, "UPDATE cases SET status = 'closed' WHERE id = 1", dropTriggers: false)
        let m = try #require(integrityMessage(l))
        #expect(m.contains("cases row 1 was edited outside the ledger") && m.contains("last event about it: #"))
        try tamper(
            p, "UPDATE cases SET status = 'persuading' WHERE id = 1; DELETE FROM students WHERE key = '\(LF.kidD)'", dropTriggers: false)
        #expect(try #require(integrityMessage(l)).contains("students row \(LF.kidD) was deleted outside the ledger"))
        try DatabaseQueue(path: p).write { db in
            let a = try Int64.fetchOne(db, sql: "SELECT id FROM students WHERE key = ?", arguments: [LF.kidA]) ?? 0
            try StoredMarks.setKind(db, sid: a, day: 20_250_901, 0)
        }
        #expect(try l.check().problems.contains { $0.contains("marks row \(LF.kidA) 20250901 was added outside the ledger") })
    }

    /// A file that is not a ledger, or a newer schema, is refused rather than damaged.
    @Test func foreignFilesAreRefused() throws {
        let p = LF.path("foreign")
        try DatabaseQueue(path: p).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect { _ = try LF.open(p) } throws: { e in
            if case KCBXError.storage(let m) = e { return m.contains("not a KCBX ledger") } else { return false }
        }
        let junk = LF.path("junk")
        try Data("this is not sqlite at all, not at all, not at all, not at all, not at all".utf8).write(to: URL(fileURLWithPath: junk))
        #expect { _ = try LF.open(junk) } throws: { e in if case KCBXError.storage = e { return true } else { return false } }
        let (newer, _) = try LF.seeded()
        try DatabaseQueue(path: newer).write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99')") }
        #expect { _ = try LF.open(newer) } throws: { e in
            if case KCBXError.storage(let m) = e { return m.contains("newer") } else { return false }
        }
    }
}
