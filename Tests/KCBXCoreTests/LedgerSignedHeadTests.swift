import Foundation
import GRDB
import Testing

@testable import KCBXCore

/// Signed heads (周上报、月汇总 carry the ledger's head, signed with the county's Ed25519 key; the
/// level above keeps them): a rolled-back, copied-back or forked ledger is named with the seq,
/// which verify() alone cannot see.
@Suite struct LedgerSignedHeadTests {
    let key = LedgerSigningKey()

    func sql(_ path: String, _ text: String) throws {
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in try db.execute(sql: text) }
    }

    func actions(_ l: Ledger, _ n: Int) throws {
        for i in 0..<n {
            try l.recordStudentAction(student: LF.kidA, .note, on: LF.date("2025-09-03"), note: "记录 \(i)")
        }
    }

    /// A consistent copy of the ledger file (as a backup made on that day).
    func copy(_ l: Ledger) throws -> String {
        let out = LF.path("copy")
        try l.pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [out]) }
        return out
    }

    @Test func signedHeadRoundTripsAndVerifies() throws {
        let (_, l) = try LF.seeded()
        let h = try l.signedHead(key: key)
        #expect(h.seq == (try l.head().seq) && h.unit == "county 640422" && h.profile == "guyuan-2021" && h.profileHash == l.profileHash)
        #expect(h.isSigned(by: key.publicKey) && !h.isSigned(by: LedgerSigningKey().publicKey))
        let parsed = try LedgerHead.list(h.json + "\n\n" + h.json)
        #expect(parsed == [h, h])
        #expect(try LedgerHead.list("[\(h.json)]") == [h])
        try actions(l, 3)
        #expect(try l.verify(receivedHeads: parsed, publicKey: key.publicKey).isIntact)
        // The report sent upward carries the head.
        let r = try l.report(.guyuanAttachment1, asOf: LF.date("2025-12-15"), signingKey: key)
        let line = try #require(r.notes.first { $0.hasPrefix(Ledger.signedHeadNotePrefix) })
        let sent = try LedgerHead.list(String(line.dropFirst(Ledger.signedHeadNotePrefix.count)))
        #expect(sent.first?.seq == (try l.head().seq))
        // Signing again (after more events) replaces the head: one head a report, the newest.
        var again = r
        try actions(l, 1)
        try l.sign(&again, key: key)
        let heads = again.notes.filter { $0.hasPrefix(Ledger.signedHeadNotePrefix) }
        #expect(heads.count == 1 && heads != [line])
        // A tampered head (another seq, same signature) does not count.
        var forged = h
        forged.seq += 1
        #expect(try l.check(receivedHeads: [forged], publicKey: key.publicKey).problems.first?.contains("valid signature") == true)
    }

    @Test func deletedNewestEventsWithFixedHeadPassPlainVerifyButNotTheReceivedHead() throws {
        let (p, l) = try LF.seeded()
        try actions(l, 5)
        let sent = try l.signedHead(key: key)  // 周上报: the head goes upward
        let keep = sent.seq - 3
        // Someone with write access deletes the newest three events and fixes the head (the
        // actions touch no projection, so the current-state tables agree).
        let hash = try #require(try l.events(after: keep - 1, limit: 1).first?.hash)
        try sql(
            p,
            """
            DROP TRIGGER events_no_delete;
            DELETE FROM events WHERE seq > \(keep);
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
            UPDATE ledger_meta SET value = '\(keep)' WHERE key = 'head_seq';
            UPDATE ledger_meta SET value = '\(hash)' WHERE key = 'head_hash';
            """)
        #expect(try l.verify().isIntact)  // the gap verify() alone cannot see
        do {
            try l.verify(receivedHeads: [sent], publicKey: key.publicKey)
            Issue.record("a rolled-back ledger verified against its received head")
        } catch let KCBXError.integrity(m) {
            #expect(m.contains("rolled back") && m.contains("#\(sent.seq)") && m.contains("newest event is #\(keep)"))
        }
        #expect(try l.check(receivedHeads: [sent], publicKey: key.publicKey).firstBadSeq == keep + 1)
    }

    @Test func ledgerCopiedBackFromYesterdayIsNamed() throws {
        let (p, l) = try LF.seeded()
        try actions(l, 2)
        let yesterday = try copy(l)
        let monday = try l.signedHead(key: key)
        try actions(l, 4)
        let friday = try l.signedHead(key: key)
        // The file is replaced by yesterday's copy.
        let back = try LF.open(yesterday)
        #expect(try back.verify().isIntact)
        let v = try back.check(receivedHeads: [monday, friday], publicKey: key.publicKey)
        #expect(v.problems.count == 1 && v.problems[0].contains("rolled back") && v.problems[0].contains("#\(friday.seq)"))
        _ = p
    }

    @Test func forkedLedgerIsNamedAtTheSeq() throws {
        let (_, l) = try LF.seeded()
        let base = try copy(l)
        try actions(l, 3)
        let sent = try l.signedHead(key: key)
        // The copy is written on with other events: same seqs, other hashes.
        let fork = try LF.open(base)
        try fork.recordStudentAction(student: LF.kidB, .homeVisit, on: LF.date("2025-09-04"))
        try actions(fork, 3)
        let v = try fork.check(receivedHeads: [sent], publicKey: key.publicKey)
        #expect(v.firstBadSeq == sent.seq && v.problems.first?.contains("forked or rewritten at or before #\(sent.seq)") == true)
    }

    /// SQLite drops WAL frames after a bad checksum: acknowledged events vanish and the ledger
    /// is consistent, so verify() passes; the received head names the loss.
    @Test func corruptedWALLosesEventsThatOnlyAReceivedHeadNames() throws {
        let (p, l) = try LF.seeded()
        try l.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try actions(l, 20)
        let sent = try l.signedHead(key: key)
        // Copy the file and its WAL while the ledger is open (nothing checkpointed yet).
        let dir = LF.path("wal")
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: p + suffix, toPath: dir + suffix) }
        var wal = try Data(contentsOf: URL(fileURLWithPath: dir + "-wal"))
        #expect(wal.count > 20 * 4096)
        let at = wal.count / 2
        for i in at..<(at + 64) { wal[i] ^= 0xA5 }
        try wal.write(to: URL(fileURLWithPath: dir + "-wal"))
        let damaged = try LF.open(dir)
        let v = try damaged.verify()
        #expect(v.isIntact && v.head.seq < sent.seq)  // acknowledged events are gone, verify says intact
        let named = try damaged.check(receivedHeads: [sent], publicKey: key.publicKey)
        #expect(named.problems.first?.contains("rolled back") == true && named.firstBadSeq == v.head.seq + 1)
    }

    @Test func signingKeyRejectsWrongSizes() throws {
        #expect(throws: KCBXError.self) { _ = try LedgerSigningKey(rawRepresentation: [1, 2, 3]) }
        #expect(throws: KCBXError.self) { _ = try LedgerSigningKey(hex: "zz") }
        #expect(try LedgerSigningKey(rawRepresentation: key.rawRepresentation).publicKey == key.publicKey)
        #expect(throws: KCBXError.self) { _ = try LedgerHead.list("{\"seq\": 1}") }
    }
}
