@_implementationOnly import Crypto
@_implementationOnly import GRDB

extension PolicyProfile {
    /// SHA-256 (lower-case hex) of the profile's canonical form: its file-format JSON, compact,
    /// keys sorted. Two profiles with the same id but any different value differ here.
    public var canonicalHash: String {
        SHA256.hash(data: Array(json(pretty: false).utf8)).map { b in
            let s = String(b, radix: 16)
            return b < 16 ? "0" + s : s
        }.joined()
    }
}

/// The profile in force as `ledger_meta` records it (`profile_id`, `profile_hash`, `profile_seq`:
/// the event that set it). The events are the authority; verify() checks the two agree.
struct LedgerProfileRecord: Equatable {
    var id: String
    /// nil for a ledger created before profiles were bound (its event #1 names only the id).
    var hash: String?
    var seq: Int64

    static func read(_ db: Database) throws -> LedgerProfileRecord {
        let meta = Dictionary(
            try Row.fetchAll(db, sql: "SELECT key, value FROM ledger_meta WHERE key LIKE 'profile_%'")
                .map { ($0["key"] as String, $0["value"] as String) }, uniquingKeysWith: { a, _ in a })
        if let id = meta["profile_id"], let hash = meta["profile_hash"] {
            return LedgerProfileRecord(id: id, hash: hash, seq: Int64(meta["profile_seq"] ?? "") ?? 0)
        }
        // A ledger created before the binding: the id named by event #1.
        let payload =
            try String.fetchOne(
                db, sql: "SELECT payload FROM events WHERE seq = 1 AND kind = ?",
                arguments: [EventKind.created.rawValue]) ?? "{}"
        let created = try PayloadCoding.decode(CreatedPayload.self, payload, seq: 1)
        return LedgerProfileRecord(id: created.profile, hash: created.profileHash, seq: 1)
    }

    func store(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO ledger_meta(key, value) VALUES ('profile_id', ?), ('profile_hash', ?), ('profile_seq', ?)",
            arguments: [id, hash ?? "", String(seq)])
    }

    /// `id (sha256 0123abcd…)` for messages.
    var label: String { hash.map { "'\(id)' (sha256 \($0.prefix(16))…)" } ?? "'\(id)'" }
}

extension Ledger {
    /// The profile the ledger records as in force.
    public func recordedProfile() throws -> (id: String, hash: String?) {
        let r = try read { db in try LedgerProfileRecord.read(db) }
        return (r.id, r.hash)
    }

    /// Checks the opening profile against the recorded one; with `change` (a reason), records the
    /// change when the actor is county level or above, else records the refused attempt.
    func bindProfile(change: String?) throws {
        let recorded = try read { db in try LedgerProfileRecord.read(db) }
        let same = recorded.hash.map { $0 == profileHash } ?? (recorded.id == policy.id)
        let opening = LedgerProfileRecord(id: policy.id, hash: profileHash, seq: 0)
        guard let change else {
            if same { return }
            throw KCBXError.ruleViolation(
                rule:
                    "the profile in force is part of the ledger (docs/ledger.md, Profile): changing it is an attributed event by county level or above",
                detail:
                    "\(path) is under profile \(recorded.label) (set by event #\(recorded.seq)); it was opened with \(opening.label): open it with the recorded profile, or record the change (changeProfile / kcbx_ledger_change_profile / kcbx change-profile)"
            )
        }
        if same && recorded.hash != nil { return }
        try write { db, w in
            guard [.county, .city, .province].contains(actor.level) else {
                throw LedgerRefusal(
                    operation: "change the ledger's profile from \(recorded.label) to \(opening.label)", student: "", caseID: 0,
                    detail: "changing the profile in force needs county level or above")
            }
            try w.append(
                db, .profileChanged,
                payload: ProfileChangedPayload(
                    fromProfile: recorded.id, fromHash: recorded.hash ?? "", profile: policy.id,
                    profileHash: profileHash, profileJSON: policy.json(pretty: false)),
                reason: change)
            try LedgerProfileRecord(id: policy.id, hash: profileHash, seq: w.seq).store(db)
        }
    }

    /// `profile <id> sha256 <hash>`: names the profile in every sweep summary and report.
    var profileNote: String { "政策档案 profile \(policy.id), sha256 \(profileHash)" }
}

/// What a ledger file records about itself, read without opening it as an actor.
public struct LedgerFileInfo: Sendable {
    /// The profile in force: id, SHA-256, and the profile itself when the ledger recorded it.
    public var profileID: String
    public var profileHash: String?
    public var profile: PolicyProfile?
    /// Who created the ledger (event #1).
    public var creator: LedgerActor
}

extension Ledger {
    /// Reads the profile in force and the creator from the file at `path` (read-only; nothing is
    /// recorded), e.g. to open a ledger under the profile it records.
    public static func inspect(path: String) throws -> LedgerFileInfo {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let q = try DatabaseQueue(path: path, configuration: config)
            return try q.read { db in
                guard try LedgerSchema.checkFile(db, path: path, migrator: LedgerSchema.migrator) else {
                    throw KCBXError.storage("\(path) is not a KCBX ledger")
                }
                let r = try LedgerProfileRecord.read(db)
                guard let first = try Row.fetchOne(db, sql: "SELECT * FROM events WHERE seq = 1"),
                    first["kind"] as String == EventKind.created.rawValue
                else {
                    throw KCBXError.integrity("\(path) has no creation event #1")
                }
                let creator = LedgerEvent(row: first).actor
                var json: String? = nil
                if r.seq > 0, let payload = try String.fetchOne(db, sql: "SELECT payload FROM events WHERE seq = ?", arguments: [r.seq]) {
                    let seq = r.seq
                    if let p = try? PayloadCoding.decode(ProfileChangedPayload.self, payload, seq: seq) {
                        json = p.profileJSON
                    } else if let p = try? PayloadCoding.decode(CreatedPayload.self, payload, seq: seq) {
                        json = p.profileJSON
                    }
                }
                let profile = try json.map { try PolicyProfile(json: $0, origin: "\(path) event #\(r.seq)") }
                return LedgerFileInfo(profileID: r.id, profileHash: r.hash, profile: profile, creator: creator)
            }
        } catch { throw Ledger.storageError(error, path: path, timeout: 10) }
    }
}
