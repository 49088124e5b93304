@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// A point of the chain a host keeps outside the file (seq and hash) to detect a rewrite of the
/// whole file, which the chain alone cannot.
public struct LedgerAnchor: Hashable, Sendable, Codable {
    public var seq: Int64
    public var hash: String
    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
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

    /// `verify` without throwing for integrity problems: returns them all (at most 50). With
    /// `receivedHeads`, also checks each head received upward (see `verify(receivedHeads:publicKey:)`).
    public func check(anchor: LedgerAnchor? = nil, receivedHeads: [LedgerHead] = [], publicKey: [UInt8]? = nil) throws -> LedgerVerification
    {
        try check(anchor: anchor, receivedHeads: receivedHeads, publicKey: publicKey, marksBudget: MarksReplay.defaultBudget)
    }

    /// `check` rebuilding the marks in ranges of at most about `marksBudget` marks (`MarksReplay`).
    func check(anchor: LedgerAnchor?, receivedHeads: [LedgerHead], publicKey: [UInt8]?, marksBudget: Int) throws -> LedgerVerification {
        if !receivedHeads.isEmpty {
            guard publicKey?.count == 32 else {
                throw KCBXError.invalidInput(
                    field: "public_key", rule: "received heads are checked with the county's 32-byte Ed25519 public key")
            }
        }
        do {
            // The state rebuilt from the events (but the marks: MarksReplay) goes to an attached
            // temporary database, a file SQLite deletes when it is detached, with a bounded page
            // cache, so a city's roster does not have to fit in memory; a read-only connection
            // attaches read-only, so there it goes to TEMP (always writable), created inside the
            // transaction that is rolled back.
            let rebuilt = isReadOnly ? "temp" : "rebuilt"
            return try pool.writeWithoutTransaction { db in
                if !isReadOnly {
                    try db.execute(sql: "ATTACH DATABASE '' AS rebuilt; PRAGMA rebuilt.journal_mode = MEMORY")
                    try Self.createRebuilt(db, schema: rebuilt)
                }
                try db.execute(sql: "PRAGMA \(rebuilt).cache_size = -\(Self.rebuiltCacheKiB)")
                defer {
                    if isReadOnly {
                        for (table, _) in LedgerSchema.projections { try? db.execute(sql: "DROP TABLE IF EXISTS temp.\(table)") }
                    } else {
                        try? db.execute(sql: "DETACH DATABASE rebuilt")
                    }
                }
                var v = LedgerVerification()
                try db.inTransaction(.deferred) {
                    if isReadOnly { try Self.createRebuilt(db, schema: rebuilt) }
                    var marks = MarksReplay(budget: marksBudget)
                    try checkChain(db, anchor: anchor, heads: receivedHeads, publicKey: publicKey ?? [], rebuilt: rebuilt, &marks, &v)
                    try checkSchema(db, &v)
                    try compareProjections(db, rebuilt: rebuilt, &marks, &v)
                    return .rollback
                }
                return v
            }
        } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    /// The page cache of the rebuilt copy (KiB): 32 MB.
    private static let rebuiltCacheKiB = 32 * 1024

    /// The projections the events are replayed into, without the secondary indexes (by school,
    /// township, student, status): nothing reads the copy by them, and each costs every insert.
    private static func createRebuilt(_ db: Database, schema: String) throws {
        try LedgerSchema.createProjections(db, schema: schema)
        for index in ["students_school", "students_township", "cases_student", "cases_status"] {
            try db.execute(sql: "DROP INDEX \(schema).\(index)")
        }
    }

    private static let marksKind = Array(EventKind.marksRecorded.rawValue.utf8)
    private static let createdKind = Array(EventKind.created.rawValue.utf8)
    private static let profileChangedKind = Array(EventKind.profileChanged.rawValue.utf8)

    private func checkChain(
        _ db: Database, anchor: LedgerAnchor?, heads: [LedgerHead], publicKey: [UInt8], rebuilt: String,
        _ marks: inout MarksReplay, _ v: inout LedgerVerification
    ) throws {
        func problem(_ seq: Int64, _ text: String) {
            if v.firstBadSeq == 0 && seq > 0 { v.firstBadSeq = seq }
            if v.problems.count < 50 { v.problems.append(text) }
        }
        // Heads received upward: only those the county's key signed count.
        var headsAt: [Int64: [LedgerHead]] = [:]
        for h in heads {
            if h.isSigned(by: publicKey) {
                headsAt[h.seq, default: []].append(h)
            } else {
                problem(
                    0,
                    "the head received for #\(h.seq) (signed \(h.at) by \(h.unit)) does not carry a valid signature of the given public key: it was not counted"
                )
            }
        }
        var profile: (id: String, hash: String?, seq: Int64)? = nil
        let projector = Projector(schema: rebuilt)
        var expectedSeq: Int64 = 1
        var prevHash = Array(LedgerEvent.genesisHash.utf8)
        var rebuildOK = true
        var anchorSeen = false
        var chain = try EventChainReader(db)
        while try chain.next() {
            let seq = chain.seq
            v.events += 1
            if seq != expectedSeq {
                problem(
                    expectedSeq,
                    seq > expectedSeq
                        ? "event\(seq - expectedSeq > 1 ? "s" : "") #\(expectedSeq)\(seq - expectedSeq > 1 ? "-#\(seq - 1)" : "") deleted: the chain jumps from #\(expectedSeq - 1) to #\(seq)"
                        : "\(chain.label) is out of order after #\(expectedSeq - 1)")
            }
            if !chain.hashMatches {
                problem(seq, "\(chain.label) was edited or moved: its content does not match its hash")
            } else if seq == expectedSeq && !chain.column(EventChainReader.prevHash, equals: prevHash) {
                problem(
                    seq,
                    "\(chain.label) does not follow event #\(seq - 1): its previous hash differs (an earlier event was replaced or reordered)"
                )
            }
            let storedHash = chain.text(EventChainReader.hash)
            if let anchor, anchor.seq == seq {
                anchorSeen = true
                if anchor.hash != storedHash {
                    problem(seq, "\(chain.label) differs from the anchor kept outside the file (the file was rewritten)")
                }
            }
            let isMarks = chain.column(EventChainReader.kind, equals: Self.marksKind)
            if !isMarks && chain.column(EventChainReader.kind, equals: Self.createdKind),
                let p = try? PayloadCoding.decode(CreatedPayload.self, chain.text(EventChainReader.payload), seq: seq)
            {
                profile = (p.profile, p.profileHash, seq)
            } else if !isMarks && chain.column(EventChainReader.kind, equals: Self.profileChangedKind),
                let p = try? PayloadCoding.decode(ProfileChangedPayload.self, chain.text(EventChainReader.payload), seq: seq)
            {
                profile = (p.profile, p.profileHash, seq)
            }
            for h in headsAt[seq] ?? [] {
                if h.hash != storedHash {
                    problem(
                        seq,
                        "\(chain.label) differs from the head received upward for #\(seq) (signed \(h.at) by \(h.unit)): the ledger was forked or rewritten at or before #\(seq)"
                    )
                } else if let p = profile, let ph = p.hash, ph != h.profileHash {
                    problem(
                        seq,
                        "the head received upward for #\(seq) (signed \(h.at)) names profile \(h.profile) (sha256 \(h.profileHash.prefix(16))…), the ledger has \(p.id) (sha256 \(ph.prefix(16))…) in force there"
                    )
                }
            }
            if rebuildOK {
                do {
                    // Attendance (the bulk of a ledger) is rebuilt apart, without a database
                    // (MarksReplay); every other event goes through the projector.
                    if isMarks {
                        try marks.add(seq: seq, payload: chain.text(EventChainReader.payload), students: rebuilt, db)
                    } else {
                        try projector.apply(
                            kind: chain.text(EventChainReader.kind), student: chain.text(EventChainReader.student), caseID: chain.caseID,
                            payload: chain.text(EventChainReader.payload), seq: seq, db)
                    }
                } catch {
                    problem(seq, "\(chain.label) cannot be replayed: \(error)")
                    rebuildOK = false
                }
            }
            prevHash = Array(chain.bytes(EventChainReader.hash))
            expectedSeq = seq + 1
            v.head = LedgerAnchor(seq: seq, hash: storedHash)
        }
        if let anchor, !anchorSeen, anchor.seq > 0 {
            problem(anchor.seq, "event #\(anchor.seq) of the anchor kept outside the file is missing (the newest events were deleted)")
        }
        for (seq, hs) in headsAt.sorted(by: { $0.key < $1.key }) where seq > v.head.seq {
            for h in hs {
                problem(
                    v.head.seq + 1,
                    "the ledger was rolled back: a head for #\(seq) was received upward (signed \(h.at) by \(h.unit)) but the newest event is #\(v.head.seq); events #\(v.head.seq + 1)-#\(seq) are gone (deleted, a copy from an earlier day, or lost from the WAL)"
                )
            }
        }
        let meta = Dictionary(
            try Row.fetchAll(db, sql: "SELECT key, value FROM main.ledger_meta").map { ($0["key"] as String, $0["value"] as String) },
            uniquingKeysWith: { a, _ in a })
        let headSeq = Int64(meta["head_seq"] ?? "") ?? -1
        if headSeq > v.head.seq {
            let lost = headSeq == v.head.seq + 1 ? "event #\(headSeq) was" : "events #\(v.head.seq + 1)-#\(headSeq) were"
            problem(v.head.seq + 1, "\(lost) deleted: the ledger head records #\(headSeq), the newest event is #\(v.head.seq)")
        } else if headSeq != v.head.seq || meta["head_hash"] != v.head.hash {
            problem(0, "the recorded ledger head (#\(headSeq)) does not match the newest event #\(v.head.seq)")
        }
        if let profile, let hash = profile.hash {
            if meta["profile_id"] != profile.id || meta["profile_hash"] != hash {
                problem(
                    0,
                    "the profile recorded in ledger_meta ('\(meta["profile_id"] ?? "")', sha256 \((meta["profile_hash"] ?? "").prefix(16))…) is not the one event #\(profile.seq) set ('\(profile.id)', sha256 \(hash.prefix(16))…): ledger_meta was edited outside the ledger"
                )
            }
        }
        let triggers = Set(try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_master WHERE type = 'trigger'"))
        for t in LedgerSchema.appendOnlyTriggers where !triggers.contains(t) {
            problem(0, "the append-only trigger \(t) was removed from the events table")
        }
        if !rebuildOK { v.problems.append("the current-state tables were not compared: the events could not be replayed") }
    }

    /// Compares the file's schema (sqlite_master) with the schema of its version: a trigger, view,
    /// index or table that KCBX does not create (a planted trigger runs inside every write), or one
    /// changed or removed, is a problem.
    private func checkSchema(_ db: Database, _ v: inout LedgerVerification) throws {
        let expected = Dictionary(LedgerSchema.expectedObjects.map { ("\($0.type) \($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        guard !expected.isEmpty else { throw KCBXError.storage("the expected ledger schema could not be built") }
        let found = try LedgerSchema.SchemaObject.all(db, schema: "main")
        func add(_ text: String) { if v.problems.count < 50 { v.problems.append(text) } }
        for o in found {
            let key = "\(o.type) \(o.name)"
            guard let e = expected[key] else {
                add(
                    "the schema has \(o.type) \(o.name) on \(o.table), which KCBX does not create (planted in the file: \(String(o.sql.prefix(160))))"
                )
                continue
            }
            if e != o { add("the schema's \(o.type) \(o.name) was changed outside KCBX: \(String(o.sql.prefix(160)))") }
        }
        let names = Set(found.map { "\($0.type) \($0.name)" })
        for (key, e) in expected.sorted(by: { $0.key < $1.key }) where !names.contains(key) {
            if e.type == "trigger" && LedgerSchema.appendOnlyTriggers.contains(e.name) { continue }  // reported above
            add("the schema's \(e.type) \(e.name) was removed from the file")
        }
    }

    private func compareProjections(_ db: Database, rebuilt: String, _ marks: inout MarksReplay, _ v: inout LedgerVerification) throws {
        guard !v.problems.contains(where: { $0.hasPrefix("the current-state tables were not compared") }) else { return }
        for (table, key) in LedgerSchema.projections {
            if table == "mark_months" {
                try marks.compare(db, rebuilt: rebuilt) { if v.problems.count < 50 { v.problems.append($0) } }
                continue
            }
            if table == "mark_leaves" { continue }  // compared with mark_months (MarksComparison)
            // Equal tables (the usual case) are seen in one ordered pass over both; only a
            // difference runs the set queries below that name the rows.
            if let order = Self.primaryKeys[table], try sameRows(db, table: table, order: order, rebuilt: rebuilt) { continue }
            let mainKey = key.replacing("$S", with: "main")
            let rebuiltKey = key.replacing("$S", with: rebuilt)
            let sql = """
                SELECT 'stored' AS side, k FROM (SELECT CAST(\(mainKey) AS TEXT) AS k, * FROM main.\(table) EXCEPT SELECT CAST(\(rebuiltKey) AS TEXT), * FROM \(rebuilt).\(table))
                UNION ALL
                SELECT 'events' AS side, k FROM (SELECT CAST(\(rebuiltKey) AS TEXT) AS k, * FROM \(rebuilt).\(table) EXCEPT SELECT CAST(\(mainKey) AS TEXT), * FROM main.\(table))
                ORDER BY k LIMIT 10
                """
            var reported = Set<String>()
            for row in try Row.fetchAll(db, sql: sql) {
                let k: String = row["k"]
                guard reported.insert(k).inserted else { continue }
                let inStored =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM main.\(table) WHERE CAST(\(mainKey) AS TEXT) = ?)", arguments: [k]) ?? false
                let inEvents =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM \(rebuilt).\(table) WHERE CAST(\(rebuiltKey) AS TEXT) = ?)", arguments: [k])
                    ?? false
                let what =
                    inStored && inEvents
                    ? "was edited outside the ledger: it differs from the state the events give"
                    : inStored ? "was added outside the ledger: no event creates it" : "was deleted outside the ledger"
                let last = try lastEvent(table: table, key: k, db)
                if v.problems.count < 50 { v.problems.append("\(table) row \(k) \(what)\(last)") }
            }
        }
    }

    /// The order both copies of each projection are read in: a unique key, the integer one where
    /// there is one (students by `id`: the table's own order, no index lookups). The marks are
    /// compared by `MarksComparison`.
    private static let primaryKeys = ["students": "id", "calendar": "id", "cases": "id", "student_events": "sid, seq"]

    /// True when `main.table` and `rebuilt.table` hold the same rows, value for value (read in
    /// key order through prepared statements). False at the first difference.
    private func sameRows(_ db: Database, table: String, order: String, rebuilt: String) throws -> Bool {
        let a = try db.makeStatement(sql: "SELECT * FROM main.\(table) ORDER BY \(order)")
        let b = try db.makeStatement(sql: "SELECT * FROM \(rebuilt).\(table) ORDER BY \(order)")
        let ha = a.sqliteStatement
        let hb = b.sqliteStatement
        defer {
            sqlite3_reset(ha)
            sqlite3_reset(hb)
        }
        let n = sqlite3_column_count(ha)
        guard n == sqlite3_column_count(hb) else { return false }
        while true {
            let ra = sqlite3_step(ha)
            let rb = sqlite3_step(hb)
            for rc in [ra, rb] where rc != SQLITE_ROW && rc != SQLITE_DONE { throw ledgerSQLiteError(rc, db) }
            if ra == SQLITE_DONE || rb == SQLITE_DONE { return ra == rb }
            for i in 0..<n {
                let t = sqlite3_column_type(ha, i)
                guard t == sqlite3_column_type(hb, i) else { return false }
                switch t {
                case SQLITE_NULL: continue
                case SQLITE_INTEGER: guard sqlite3_column_int64(ha, i) == sqlite3_column_int64(hb, i) else { return false }
                case SQLITE_FLOAT: guard sqlite3_column_double(ha, i) == sqlite3_column_double(hb, i) else { return false }
                default:
                    let pa = sqlite3_column_blob(ha, i)
                    let pb = sqlite3_column_blob(hb, i)
                    let na = sqlite3_column_bytes(ha, i)
                    let nb = sqlite3_column_bytes(hb, i)
                    guard na == nb else { return false }
                    if na > 0 { guard let pa, let pb, memcmp(pa, pb, Int(na)) == 0 else { return false } }
                }
            }
        }
    }

    private func lastEvent(table: String, key: String, _ db: Database) throws -> String {
        let row: Row?
        switch table {
        case "students", "student_events":
            row = try RosterReplay.lastEvent(key: String(key.split(separator: " ").first ?? ""), db)
        case "cases":
            row = try Row.fetchOne(
                db, sql: "SELECT seq, kind FROM main.events WHERE case_id = ? ORDER BY seq DESC LIMIT 1", arguments: [Int64(key) ?? 0])
        default:
            row = try Row.fetchOne(
                db, sql: "SELECT seq, kind FROM main.events WHERE kind = ? ORDER BY seq DESC LIMIT 1",
                arguments: [EventKind.calendarSet.rawValue])
        }
        guard let row else { return "" }
        return " (last event about it: #\(row["seq"] as Int64) \(row["kind"] as String))"
    }
}
