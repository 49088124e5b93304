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
    /// Why the file was opened read-only (a read-only file, directory or mount), nil when writable.
    /// A read-only ledger verifies, reports, lists and exports; every write is refused.
    public let readOnlyReason: String?
    /// SHA-256 (hex) of `policy`'s canonical form, as recorded in the ledger.
    public let profileHash: String

    public var isReadOnly: Bool { readOnlyReason != nil }

    /// Opens (creating when missing) the ledger at `path`. The file's schema is migrated to the
    /// current version; a file of another schema version is refused. The profile in force is part
    /// of the ledger: a new ledger records `policy` (id and hash), and an existing one opened with
    /// another profile is refused (record the change with `changeProfile`). A file the process may
    /// not write (mode, directory, read-only mount) opens read-only.
    public convenience init(
        path: String, policy: PolicyProfile, actor: LedgerActor, busyTimeout: Double = 10,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try self.init(path: path, policy: policy, actor: actor, busyTimeout: busyTimeout, clock: clock, profileChange: nil)
    }

    /// Opens the ledger at `path` and records that the profile in force is now `policy`: an
    /// attributed `profile.changed` event (who, when, why, old and new id and hash). Needs county
    /// level or above; a lower actor's attempt is refused and recorded. Nothing is recorded when
    /// `policy` is already in force.
    public static func changeProfile(
        path: String, to policy: PolicyProfile, actor: LedgerActor, reason: String,
        busyTimeout: Double = 10, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Ledger {
        let why = reason.ledgerTrimmed
        guard !why.isEmpty, why.count <= 2000 else {
            throw KCBXError.invalidInput(field: "reason", rule: "changing the profile needs a reason of 1-2000 characters")
        }
        return try Ledger(path: path, policy: policy, actor: actor, busyTimeout: busyTimeout, clock: clock, profileChange: why)
    }

    init(
        path: String, policy: PolicyProfile, actor: LedgerActor, busyTimeout: Double,
        clock: @escaping @Sendable () -> Date, profileChange: String?
    ) throws {
        guard !path.isEmpty else { throw KCBXError.invalidInput(field: "path", rule: "must not be empty") }
        guard busyTimeout > 0, busyTimeout <= 600 else {
            throw KCBXError.invalidInput(field: "busy_timeout", rule: "must be in (0, 600] seconds, got \(busyTimeout)")
        }
        try policy.validate()
        self.path = path
        self.policy = policy
        self.actor = actor
        self.clock = clock
        self.busyTimeout = busyTimeout
        profileHash = policy.canonicalHash
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "kcbx-ledger"
        do {
            var reason = LedgerFileAccess.readOnlyReason(path)
            var opened: DatabasePool?
            if reason == nil {
                do { opened = try DatabasePool(path: path, configuration: config) } catch let e as DatabaseError {
                    // Refused by the OS or the mount although the checks above passed (EROFS, ACLs).
                    guard LedgerFileAccess.isPermissionFailure(e), LedgerFileAccess.exists(path) else { throw e }
                    reason = "the file could not be opened for writing (\(e.resultCode))"
                }
            }
            if opened == nil {
                guard LedgerFileAccess.exists(path) else {
                    throw KCBXError.storage("\(path) does not exist and cannot be created: \(reason ?? "read-only")")
                }
                config.readonly = true
                do { opened = try DatabasePool(path: path, configuration: config) } catch let e as DatabaseError
                    where e.resultCode == .SQLITE_CANTOPEN
                {
                    // A read-only directory or mount without the -shm file: SQLite can read the
                    // file only as immutable, which is right when no WAL holds newer commits.
                    guard LedgerFileAccess.walIsEmpty(path) else {
                        throw KCBXError.storage(
                            "\(path) is read-only and its -wal file holds commits that need the -shm file, which cannot be created (\(reason ?? "read-only")): open it where it can be written once, or copy it with its -wal"
                        )
                    }
                    opened = try DatabasePool(path: LedgerFileAccess.immutableURI(path), configuration: config)
                }
            }
            guard let pool = opened else { throw KCBXError.storage("\(path) could not be opened") }
            self.pool = pool
            readOnlyReason = reason
            // Durable commits: GRDB sets NORMAL for WAL; a ledger entry must survive a power cut.
            if reason == nil { try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") } }
            let migrator = LedgerSchema.migrator
            let isLedger = try pool.read { db in try LedgerSchema.checkFile(db, path: path, migrator: migrator, readOnly: reason != nil) }
            if let reason {
                guard isLedger else { throw KCBXError.storage("\(path) is not a KCBX ledger, and it is read-only (\(reason))") }
            } else {
                try migrator.migrate(pool)
                try write { db, w in
                    if w.seq == 0 {
                        try w.append(
                            db, .created,
                            payload: CreatedPayload(
                                profile: policy.id, region: policy.regionCode, schema: LedgerSchema.version,
                                profileHash: profileHash, profileJSON: policy.json(pretty: false)),
                            reason: "ledger created under \(policy.id)")
                        try LedgerProfileRecord(id: policy.id, hash: profileHash, seq: w.seq).store(db)
                    }
                }
            }
            try bindProfile(change: profileChange)
        } catch { throw Ledger.storageError(error, path: path, timeout: busyTimeout) }
    }

    /// Runs `body` in one IMMEDIATE transaction with an event writer positioned at the chain's
    /// head: all of it is applied or none. A `LedgerRefusal` thrown by `body` is recorded as an
    /// `access.refused` event in its own transaction and surfaces as `.permissionDenied`.
    func write<T>(_ body: (Database, inout EventWriter) throws -> T) throws -> T {
        try requireWritable()
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    var w = try EventWriter(ledger: self, db)
                    result = try body(db, &w)
                    try w.finish(db)
                    return .commit
                }
                guard let result else { throw KCBXError.storage("\(path): the write returned no result") }
                return result
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
        // A read-only ledger cannot record the refusal; the caller still gets it.
        guard readOnlyReason == nil else { return }
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    var w = try EventWriter(ledger: self, db)
                    try w.append(
                        db, .accessRefused, student: r.student, caseID: r.caseID,
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
                return KCBXError.storage(
                    "\(path) is busy: another connection held the write lock longer than the busy timeout (\(timeout) s)")
            }
            if e.resultCode == .SQLITE_NOTADB { return KCBXError.storage("\(path) is not an SQLite database") }
            if e.resultCode == .SQLITE_READONLY {
                return KCBXError.storage("\(path) is read-only: the write was refused and nothing was recorded")
            }
            if e.resultCode == .SQLITE_FULL { return KCBXError.storage("\(path): the disk is full; nothing of this write was recorded") }
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
        actor = ledger.actor
        clock = ledger.clock
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") {
            seq = row["seq"]
            hash = row["hash"]
        } else {
            seq = 0
            hash = LedgerEvent.genesisHash
        }
    }

    /// Appends one event and applies it (unless the caller already did: `applied`); returns its seq.
    @discardableResult
    mutating func append<P: Encodable>(
        _ db: Database, _ kind: EventKind, student: String = "", caseID: Int64 = 0,
        payload: P, reason: String, applied: Bool = false
    ) throws -> Int64 {
        let text = try PayloadCoding.encode(payload)
        return try append(db, kind, student: student, caseID: caseID, text: text, reason: reason, applied: applied, decoded: payload)
    }

    /// Appends one event whose payload text is already encoded (a packed attendance payload:
    /// `PackedMarks`); applies it unless `applied`.
    @discardableResult
    mutating func append(
        _ db: Database, _ kind: EventKind, student: String = "", caseID: Int64 = 0,
        text: String, reason: String, applied: Bool = false, decoded: Any? = nil
    ) throws -> Int64 {
        let next = seq + 1
        let at = ledgerTimestamp(clock())
        let h = LedgerEvent.chainHash(
            prev: hash,
            canonical: LedgerEvent.canonicalBytes(
                seq: next, at: at, actor: actor.fields, kind: kind.rawValue, student: student, caseID: caseID, reason: reason, payload: text
            ))
        try db.cachedStatement(
            sql: """
                INSERT INTO events (seq, at, actor_level, actor_unit, actor_person, actor_role, kind, student, case_id, reason, payload, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            next, at, actor.level.rawValue, actor.unitCode, actor.person, actor.role, kind.rawValue,
            student, caseID, reason, text, hash, h,
        ])
        if !applied {
            try projector.apply(kind: kind.rawValue, student: student, caseID: caseID, payload: text, seq: next, db, decoded: decoded)
        }
        seq = next
        hash = h
        appended += 1
        return next
    }

    /// Records the new head in `ledger_meta` (so deleting the newest events is detected).
    func finish(_ db: Database) throws {
        guard appended > 0 else { return }
        try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_seq'", arguments: [String(seq)])
        try db.execute(sql: "UPDATE ledger_meta SET value = ? WHERE key = 'head_hash'", arguments: [hash])
    }
}
