@_implementationOnly import GRDB

/// A point of the chain a host keeps outside the file (seq and hash) to detect a rewrite of the
/// whole file, which the chain alone cannot.
public struct LedgerAnchor: Hashable, Sendable, Codable {
    public var seq: Int64
    public var hash: String
    public init(seq: Int64, hash: String) { self.seq = seq; self.hash = hash }
}

/// The outcome of checking a ledger file.
public struct LedgerVerification: Hashable, Sendable, Codable {
    /// Events read.
    public var events: Int64 = 0
    public var head = LedgerAnchor(seq: 0, hash: LedgerEvent.genesisHash)
    /// What is wrong, first problem first; empty when the file is intact.
    public var problems: [String] = []
    /// The first event found edited, deleted or out of place, 0 when none.
    public var firstBadSeq: Int64 = 0
    public var isIntact: Bool { problems.isEmpty }
}

extension Ledger {
    /// The newest event's seq and hash: keep it to pass to `verify(anchor:)` later.
    public func head() throws -> LedgerAnchor {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            return LedgerAnchor(seq: row?["seq"] ?? 0, hash: row?["hash"] ?? LedgerEvent.genesisHash)
        }
    }

    /// Checks the file: append-only triggers present, every event's hash (SHA-256 of the previous
    /// hash + its canonical bytes), seq without gaps, the recorded head, the optional external
    /// `anchor`, and that the current-state tables equal the state rebuilt from the events.
    /// Throws `.integrity` naming the first event (or row) found edited, deleted or reordered.
    @discardableResult
    public func verify(anchor: LedgerAnchor? = nil) throws -> LedgerVerification {
        let v = try check(anchor: anchor)
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
        return v
    }

    /// `verify` without throwing for integrity problems: returns them all (at most 50).
    public func check(anchor: LedgerAnchor? = nil) throws -> LedgerVerification {
        do {
            return try pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ':memory:' AS rebuilt")
                defer { try? db.execute(sql: "DETACH DATABASE rebuilt") }
                try LedgerSchema.createProjections(db, schema: "rebuilt")
                var v = LedgerVerification()
                try db.inTransaction(.deferred) {
                    try checkChain(db, anchor: anchor, &v)
                    try compareProjections(db, &v)
                    return .rollback
                }
                return v
            }
        } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    private func checkChain(_ db: Database, anchor: LedgerAnchor?, _ v: inout LedgerVerification) throws {
        func problem(_ seq: Int64, _ text: String) {
            if v.firstBadSeq == 0 && seq > 0 { v.firstBadSeq = seq }
            if v.problems.count < 50 { v.problems.append(text) }
        }
        let projector = Projector(schema: "rebuilt")
        var expectedSeq: Int64 = 1, prevHash = LedgerEvent.genesisHash, rebuildOK = true
        var anchorSeen = false
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM main.events ORDER BY seq")
        while let row = try rows.next() {
            let seq: Int64 = row["seq"], kind: String = row["kind"], at: String = row["at"]
            let label = "event #\(seq) \(kind) (\(at), \(row["actor_level"] as String) \(row["actor_unit"] as String) \(row["actor_person"] as String))"
            v.events += 1
            if seq != expectedSeq {
                problem(expectedSeq, seq > expectedSeq
                        ? "event\(seq - expectedSeq > 1 ? "s" : "") #\(expectedSeq)\(seq - expectedSeq > 1 ? "-#\(seq - 1)" : "") deleted: the chain jumps from #\(expectedSeq - 1) to #\(seq)"
                        : "\(label) is out of order after #\(expectedSeq - 1)")
            }
            let storedPrev: String = row["prev_hash"], storedHash: String = row["hash"]
            let canonical = LedgerEvent.canonicalBytes(
                seq: seq, at: at, actor: [row["actor_level"], row["actor_unit"], row["actor_person"], row["actor_role"]],
                kind: kind, student: row["student"], caseID: row["case_id"], reason: row["reason"], payload: row["payload"])
            if LedgerEvent.chainHash(prev: storedPrev, canonical: canonical) != storedHash {
                problem(seq, "\(label) was edited or moved: its content does not match its hash")
            } else if storedPrev != prevHash && seq == expectedSeq {
                problem(seq, "\(label) does not follow event #\(seq - 1): its previous hash differs (an earlier event was replaced or reordered)")
            }
            if let anchor, anchor.seq == seq {
                anchorSeen = true
                if anchor.hash != storedHash { problem(seq, "\(label) differs from the anchor kept outside the file (the file was rewritten)") }
            }
            if rebuildOK {
                do {
                    try projector.apply(kind: kind, student: row["student"], caseID: row["case_id"], payload: row["payload"], seq: seq, db)
                } catch {
                    problem(seq, "\(label) cannot be replayed: \(error)")
                    rebuildOK = false
                }
            }
            prevHash = storedHash
            expectedSeq = seq + 1
            v.head = LedgerAnchor(seq: seq, hash: storedHash)
        }
        if let anchor, !anchorSeen, anchor.seq > 0 {
            problem(anchor.seq, "event #\(anchor.seq) of the anchor kept outside the file is missing (the newest events were deleted)")
        }
        let meta = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM main.ledger_meta").map { ($0["key"] as String, $0["value"] as String) },
                              uniquingKeysWith: { a, _ in a })
        let headSeq = Int64(meta["head_seq"] ?? "") ?? -1
        if headSeq > v.head.seq {
            let lost = headSeq == v.head.seq + 1 ? "event #\(headSeq) was" : "events #\(v.head.seq + 1)-#\(headSeq) were"
            problem(v.head.seq + 1, "\(lost) deleted: the ledger head records #\(headSeq), the newest event is #\(v.head.seq)")
        } else if headSeq != v.head.seq || meta["head_hash"] != v.head.hash {
            problem(0, "the recorded ledger head (#\(headSeq)) does not match the newest event #\(v.head.seq)")
        }
        let triggers = Set(try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_master WHERE type = 'trigger'"))
        for t in LedgerSchema.appendOnlyTriggers where !triggers.contains(t) {
            problem(0, "the append-only trigger \(t) was removed from the events table")
        }
        if !rebuildOK { v.problems.append("the current-state tables were not compared: the events could not be replayed") }
    }

    private func compareProjections(_ db: Database, _ v: inout LedgerVerification) throws {
        guard !v.problems.contains(where: { $0.hasPrefix("the current-state tables were not compared") }) else { return }
        for (table, key) in LedgerSchema.projections {
            let sql = """
                SELECT 'stored' AS side, k FROM (SELECT CAST(\(key) AS TEXT) AS k, * FROM main.\(table) EXCEPT SELECT CAST(\(key) AS TEXT), * FROM rebuilt.\(table))
                UNION ALL
                SELECT 'events' AS side, k FROM (SELECT CAST(\(key) AS TEXT) AS k, * FROM rebuilt.\(table) EXCEPT SELECT CAST(\(key) AS TEXT), * FROM main.\(table))
                ORDER BY k LIMIT 10
                """
            var reported = Set<String>()
            for row in try Row.fetchAll(db, sql: sql) {
                let k: String = row["k"]
                guard reported.insert(k).inserted else { continue }
                let inStored = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM main.\(table) WHERE CAST(\(key) AS TEXT) = ?)", arguments: [k]) ?? false
                let inEvents = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rebuilt.\(table) WHERE CAST(\(key) AS TEXT) = ?)", arguments: [k]) ?? false
                let what = inStored && inEvents ? "was edited outside the ledger: it differs from the state the events give"
                    : inStored ? "was added outside the ledger: no event creates it" : "was deleted outside the ledger"
                let last = try lastEvent(table: table, key: k, db)
                if v.problems.count < 50 { v.problems.append("\(table) row \(k) \(what)\(last)") }
            }
        }
    }

    private func lastEvent(table: String, key: String, _ db: Database) throws -> String {
        let row: Row?
        switch table {
        case "students":
            row = try Row.fetchOne(db, sql: "SELECT seq, kind FROM main.events WHERE student = ? ORDER BY seq DESC LIMIT 1", arguments: [key])
        case "marks":
            let student = String(key.split(separator: " ").first ?? "")
            row = try Row.fetchOne(db, sql: "SELECT seq, kind FROM main.events WHERE kind = ? AND instr(payload, ?) > 0 ORDER BY seq DESC LIMIT 1",
                                   arguments: [EventKind.marksRecorded.rawValue, "\"\(student)\""])
        case "cases":
            row = try Row.fetchOne(db, sql: "SELECT seq, kind FROM main.events WHERE case_id = ? ORDER BY seq DESC LIMIT 1", arguments: [Int64(key) ?? 0])
        default:
            row = try Row.fetchOne(db, sql: "SELECT seq, kind FROM main.events WHERE kind = ? ORDER BY seq DESC LIMIT 1", arguments: [EventKind.calendarSet.rawValue])
        }
        guard let row else { return "" }
        return " (last event about it: #\(row["seq"] as Int64) \(row["kind"] as String))"
    }
}
