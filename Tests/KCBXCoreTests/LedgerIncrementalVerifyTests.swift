import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Incremental verify (issue 13): from a head kept outside the file, only what came after it is
/// read, and an edit after it, a rewrite of the anchor or a deletion is still named (seed 002:
/// 台账数据填报不实 — the record must show any change).
@Suite struct LedgerIncrementalVerifyTests {
    private func tamper(_ path: String, _ sql: String) throws {
        let q = try DatabaseQueue(path: path)
        try q.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test func readsOnlyTheEventsAfterTheAnchor() throws {
        let (_, l) = try LF.seeded()
        let full = try l.verify()
        let anchor = try l.head()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-01", "2025-09-05")
        let v = try l.verifyIncrementally(since: anchor)
        #expect(v.events == (try l.head()).seq - anchor.seq && v.events < full.events)
        #expect(v.head == (try l.head()))
        #expect(try l.verifyIncrementally(since: try l.head()).events == 0)
    }

    @Test func anEditAfterTheAnchorIsNamed() throws {
        let (p, l) = try LF.seeded()
        let anchor = try l.head()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-01", "2025-09-05")
        try LF.marks(l, LF.kidB, .unexcused, "2025-09-01", "2025-09-05")
        let edited = anchor.seq + 1
        try tamper(p, "UPDATE events SET reason = 'edited' WHERE seq = \(edited)")
        #expect { _ = try l.verifyIncrementally(since: anchor) } throws: { e in
            guard case KCBXError.integrity(let text) = e else { return false }
            return text.contains("#\(edited)") && text.contains("edited or moved")
        }
    }

    @Test func aRewrittenAnchorIsNamed() throws {
        let (p, l) = try LF.seeded()
        let anchor = try l.head()
        try tamper(p, "UPDATE events SET hash = '\(String(repeating: "a", count: 64))' WHERE seq = \(anchor.seq)")
        #expect { _ = try l.verifyIncrementally(since: anchor) } throws: { e in
            guard case KCBXError.integrity(let text) = e else { return false }
            return text.contains("differs from the anchor")
        }
    }
}
