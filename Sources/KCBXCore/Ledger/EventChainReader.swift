@_implementationOnly import Crypto
@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Steps `events` in seq order through one prepared statement and checks each event's hash from
/// the bytes SQLite holds: the canonical bytes (`LedgerEvent.canonicalBytes`) are assembled in
/// one reused buffer, no Swift string per field. The one hash check of `verify` and
/// `verifyIncrementally`; strings are made only for what a caller asks (`text`, `label`).
struct EventChainReader {
    /// The columns read, in this order (indexes below).
    static let columns =
        "seq, at, actor_level, actor_unit, actor_person, actor_role, kind, student, case_id, reason, payload, prev_hash, hash"
    static let at: Int32 = 1, level: Int32 = 2, unit: Int32 = 3, person: Int32 = 4, role: Int32 = 5, kind: Int32 = 6
    static let student: Int32 = 7, caseID: Int32 = 8, reason: Int32 = 9, payload: Int32 = 10, prevHash: Int32 = 11, hash: Int32 = 12

    private let statement: Statement
    private let db: Database
    private var canonical: [UInt8] = []
    private var prev: [UInt8] = []
    /// The current event's seq and case id.
    private(set) var seq: Int64 = 0
    private(set) var caseID: Int64 = 0
    /// True when the current event's content gives its stored hash.
    private(set) var hashMatches = false

    /// Reads the events after `afterSeq` (all of them for 0) of `schema`.
    init(_ db: Database, schema: String = "main", afterSeq: Int64 = 0) throws {
        self.db = db
        statement = try db.makeStatement(sql: "SELECT \(Self.columns) FROM \(schema).events WHERE seq > ? ORDER BY seq")
        let h = statement.sqliteStatement
        sqlite3_reset(h)
        sqlite3_bind_int64(h, 1, afterSeq)
        canonical.reserveCapacity(1 << 16)
    }

    /// Moves to the next event and checks its hash; false after the last.
    mutating func next() throws -> Bool {
        let h = statement.sqliteStatement
        let rc = sqlite3_step(h)
        if rc == SQLITE_DONE { return false }
        guard rc == SQLITE_ROW else { throw ledgerSQLiteError(rc, db) }
        seq = sqlite3_column_int64(h, 0)
        caseID = sqlite3_column_int64(h, Self.caseID)
        canonical.removeAll(keepingCapacity: true)
        canonical.append(contentsOf: LedgerEvent.canonicalTag)
        LedgerEvent.appendCanonicalField(String(seq).utf8, to: &canonical)
        for c in Self.at...Self.student { appendField(column: c) }
        LedgerEvent.appendCanonicalField(String(caseID).utf8, to: &canonical)
        appendField(column: Self.reason)
        appendField(column: Self.payload)
        var sha = SHA256()
        ledgerHexBytes(bytes(Self.prevHash), into: &prev)  // as LedgerEvent.chainHash reads it
        prev.withUnsafeBytes { sha.update(bufferPointer: $0) }
        canonical.withUnsafeBytes { sha.update(bufferPointer: $0) }
        let stored = bytes(Self.hash)
        hashMatches =
            stored.count == 64
            && sha.finalize().withUnsafeBytes { d in
                var i = 0
                for b in d {
                    guard stored[i] == Self.hexDigits[Int(b >> 4)], stored[i + 1] == Self.hexDigits[Int(b & 15)] else { return false }
                    i += 2
                }
                return true
            }
        return true
    }

    /// Column `i` of the current event as SQLite holds it (as text), valid until `next()`.
    func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
        let h = statement.sqliteStatement
        guard let p = sqlite3_column_text(h, i) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, i)))
    }

    /// Column `i` of the current event as a string.
    func text(_ i: Int32) -> String { String(decoding: bytes(i), as: UTF8.self) }

    /// True when column `i` of this event holds the same bytes as `other`.
    func column(_ i: Int32, equals other: [UInt8]) -> Bool {
        let b = bytes(i)
        guard b.count == other.count else { return false }
        guard let p = b.baseAddress, b.count > 0 else { return true }
        return memcmp(p, other, b.count) == 0
    }

    /// `event #N kind (at, level unit person)`: how messages name the current event.
    var label: String {
        "event #\(seq) \(text(Self.kind)) (\(text(Self.at)), \(text(Self.level)) \(text(Self.unit)) \(text(Self.person)))"
    }

    private mutating func appendField(column i: Int32) {
        LedgerEvent.appendCanonicalField(bytes(i), to: &canonical)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
