import FoundationEssentials
@_implementationOnly import GRDB

/// A 台账 (DOMAIN.md §4): one SQLite file of hash-chained events and the current state derived
/// from them, opened by one actor under one policy profile. Several handles and processes may use
/// the same file at once: WAL, a bounded busy timeout, writes in IMMEDIATE transactions.
public final class Ledger: Sendable {
    public let path: String
    public let policy: PolicyProfile
    public let actor: LedgerActor
    let pool: DatabasePool
    let clock: @Sendable () -> Date
    /// Seconds a write waits for another connection's lock before failing with `.storage`.
    public let busyTimeout: Double

    /// Opens (creating when missing) the ledger at `path`. The file's schema is migrated to the
    /// current version; a file written by a newer library is refused.
    public init(path: String, policy: PolicyProfile, actor: LedgerActor, busyTimeout: Double = 10,
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        guard !path.isEmpty else { throw KCBXError.invalidInput(field: "path", rule: "must not be empty") }
        guard busyTimeout > 0, busyTimeout <= 600 else {
            throw KCBXError.invalidInput(field: "busy_timeout", rule: "must be in (0, 600] seconds, got \(busyTimeout)")
        }
        try policy.validate()
        self.path = path; self.policy = policy; self.actor = actor; self.clock = clock; self.busyTimeout = busyTimeout
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "kcbx-ledger"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // Durable commits: GRDB sets NORMAL for WAL; a ledger entry must survive a power cut.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let migrator = LedgerSchema.migrator
            let superseded = try pool.read { db in
                try db.tableExists("grdb_migrations") ? try migrator.hasBeenSuperseded(db) : false
            }
            if superseded {
                throw KCBXError.storage("\(path) was written by a newer KCBX (unknown schema migration); upgrade the library")
            }
            try pool.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                if !tables.isEmpty && !tables.contains("grdb_migrations") {
                    throw KCBXError.storage("\(path) is an SQLite file but not a KCBX ledger (tables: \(tables.sorted().joined(separator: ", ")))")
                }
            }
            try migrator.migrate(pool)
            try write { db, w in
                if w.seq == 0 {
                    try w.append(db, .created, payload: CreatedPayload(profile: policy.id, region: policy.regionCode, schema: LedgerSchema.version),
                                 reason: "ledger created under \(policy.id)")
                }
            }
        } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    /// Runs `body` in one IMMEDIATE transaction with an event writer positioned at the chain's
    /// head: all of it is applied or none. A `LedgerRefusal` thrown by `body` is recorded as an
    /// `access.refused` event in its own transaction and surfaces as `.permissionDenied`.
    func write<T>(_ body: (Database, inout EventWriter) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    var w = try EventWriter(ledger: self, db)
                    result = try body(db, &w)
                    try w.finish(db)
                    return .commit
                }
                return result!
            }
        } catch let refusal as LedgerRefusal {
            try recordRefusal(refusal)
            throw KCBXError.permissionDenied(refusal.message(actor))
        } catch {
            throw Ledger.storageError(error, path: path, timeout: busyTimeout)
        }
    }

    /// Runs `body` on a consistent read snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    /// Records a refused read and throws `.permissionDenied`: reads outside the jurisdiction are
    /// refused and recorded like writes.
    func refuseRead(_ operation: String, student: String = "", caseID: Int64 = 0, _ detail: String) throws -> Never {
        let r = LedgerRefusal(operation: operation, student: student, caseID: caseID, detail: detail)
        try recordRefusal(r)
        throw KCBXError.permissionDenied(r.message(actor))
    }

    func recordRefusal(_ r: LedgerRefusal) throws {
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    var w = try EventWriter(ledger: self, db)
                    try w.append(db, .accessRefused, student: r.student, caseID: r.caseID,
                                 payload: RefusedPayload(operation: r.operation, detail: r.detail), reason: r.message(actor))
                    try w.finish(db)
                    return .commit
                }
            }
        } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    /// Maps GRDB and SQLite failures to `.storage`, keeping KCBX errors as they are.
    static func storageError(_ error: Error, path: String, timeout: Double) -> Error {
        if error is KCBXError { return error }
        if let e = error as? DatabaseError {
            if e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
                return KCBXError.storage("\(path) is busy: another connection held the write lock longer than the busy timeout (\(timeout) s)")
            }
            if e.resultCode == .SQLITE_NOTADB { return KCBXError.storage("\(path) is not an SQLite database") }
            return KCBXError.storage("\(path): \(e.message ?? "\(e.resultCode)")")
        }
        return KCBXError.storage("\(path): \(error)")
    }
}

/// An out-of-jurisdiction attempt, thrown inside a write and recorded after its rollback.
struct LedgerRefusal: Error {
    let operation: String
    let student: String
    let caseID: Int64
    let detail: String

    func message(_ actor: LedgerActor) -> String { "\(actor) may not \(operation): \(detail)" }
}

/// Appends events at the chain's head inside one transaction and applies each to the projection.
struct EventWriter {
    let actor: LedgerActor
    let clock: @Sendable () -> Date
    private(set) var seq: Int64
    private(set) var hash: String
    private(set) var appended = 0
    private let projector = Projector(schema: "main")

    init(ledger: Ledger, _ db: Database) throws {
        actor = ledger.actor; clock = ledger.clock
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") {
            seq = row["seq"]; hash = row["hash"]
        } else { seq = 0; hash = LedgerEvent.genesisHash }
    }

    /// Appends one event and applies it; returns its seq.
    @discardableResult
    mutating func append<P: Encodable>(_ db: Database, _ kind: EventKind, student: String = "", caseID: Int64 = 0,
                                       payload: P, reason: String) throws -> Int64 {
        let text = try PayloadCoding.encode(payload)
        let next = seq + 1, at = ledgerTimestamp(clock())
        let h = LedgerEvent.chainHash(prev: hash, canonical: LedgerEvent.canonicalBytes(
            seq: next, at: at, actor: actor.fields, kind: kind.rawValue, student: student, caseID: caseID, reason: reason, payload: text))
        try db.cachedStatement(sql: """
            INSERT INTO events (seq, at, actor_level, actor_unit, actor_person, actor_role, kind, student, case_id, reason, payload, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [next, at, actor.level.rawValue, actor.unitCode, actor.person, actor.role, kind.rawValue,
                             student, caseID, reason, text, hash, h])
        try projector.apply(kind: kind.rawValue, student: student, caseID: caseID, payload: text, seq: next, db, decoded: payload)
        seq = next; hash = h; appended += 1
        return next
    }

    /// Records the new head in `ledger_meta` (so deleting the newest events is detected).
    func finish(_ db: Database) throws {
        guard appended > 0 else { return }
        try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_seq'", arguments: [String(seq)])
        try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_hash'", arguments: [hash])
    }
}
