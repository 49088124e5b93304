@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One roster batch streamed into the open write transaction (`importStudentStream`) in one
/// pass: each row is validated as it comes; while the batch has no problem, a changed student is
/// written to `students` with one prepared upsert and appended to the pending
/// `students.upserted` event (packed, up to `chunkSize` students), whose seq goes to
/// `student_events` for each of them when the event is appended. Memory holds the batch's keys
/// (to name duplicate rows) and one pending event, never its rows. The caller rolls back on any
/// problem or refusal.
final class RosterBatch {
    static let chunkSize = 5000

    private let ledger: Ledger
    private let actor: LedgerActor
    private let db: Database
    private let asOf: CivilDate
    private var result = LedgerImportResult()
    private(set) var problems: [LedgerRowProblem] = []
    /// The first row outside the jurisdiction (thrown once every row is checked and none is bad).
    private(set) var refusal: LedgerRefusal?
    /// Rows of the batch by key (resident IDs packed, other keys as text): duplicates are named.
    private var rowsByID: [UInt64: Int32] = [:]
    private var rowsByKey: [String: Int32] = [:]
    private var records: [UInt8] = []
    private var sids: [Int64] = []
    private var firstRow = 0, lastRow = 0, added = 0, updated = 0
    private let find: Statement, upsert: Statement, link: Statement

    /// The roster was empty when the batch began: no row can be stored yet (a key met twice in the
    /// batch is a problem, after which nothing is written), so rows are not looked up, and the
    /// school and township indexes are dropped and built once after the rows (`finish`), in the
    /// same transaction (a rollback restores them).
    private let firstRoster: Bool

    init(ledger: Ledger, db: Database, asOf: CivilDate) throws {
        self.ledger = ledger
        actor = ledger.actor
        self.db = db
        self.asOf = asOf
        firstRoster = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM students)") ?? false
        if firstRoster { try db.execute(sql: LedgerSchema.dropStudentIndexes(schema: "main")) }
        find = try db.makeStatement(sql: "SELECT id, \(StudentUpsert.columns) FROM students WHERE key = ?")
        upsert = try db.makeStatement(sql: StudentUpsert.sql(schema: "main"))
        link = try db.makeStatement(sql: StudentUpsert.linkSQL(schema: "main"))
    }

    /// Checks one row (docs/ledger.md) and, while the batch has no problem, writes it.
    func add(row n: Int, _ row: LedgerStudentRow, _ w: inout EventWriter) throws {
        result.rows += 1
        guard let s = row.validated(row: n, asOf: asOf, problems: &problems) else { return }
        try accept(row: n, s, &w)
    }

    /// `add` for a CSV row: the common form is checked from its bytes (`commonStudent`), any
    /// other row as text.
    func add(row n: Int, csv r: RosterCSVRow, _ w: inout EventWriter) throws {
        guard let s = r.commonStudent(asOf: asOf) else { return try add(row: n, r.row, &w) }
        result.rows += 1
        try accept(row: n, s, &w)
    }

    /// A valid student of row `n`: named when its key is already in the batch, else checked
    /// against the jurisdiction and, when changed, written.
    private func accept(row n: Int, _ s: LedgerStudent, _ w: inout EventWriter) throws {
        if let earlier = remember(s.key, row: n) {
            problems.append(
                LedgerRowProblem(row: n, field: "resident_id", rule: "student \(s.key) is already in row \(earlier) of this batch"))
            return
        }
        guard problems.isEmpty, refusal == nil else { return }
        let h = find.sqliteStatement
        let looked = !firstRoster
        defer { if looked { sqlite3_reset(h) } }
        var stored = false
        if looked {
            ledgerBind(h, 1, s.key)
            let rc = sqlite3_step(h)
            guard rc == SQLITE_ROW || rc == SQLITE_DONE else { throw ledgerSQLiteError(rc, db) }
            stored = rc == SQLITE_ROW
        }
        // Checked before "unchanged": re-importing another unit's exact row is refused, not confirmed.
        var covered = actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode)
        if covered, stored, !StudentUpsert.equal(h, 8, s.schoolID) || !StudentUpsert.equal(h, 10, s.townshipCode) {
            covered = actor.covers(schoolID: ledgerText(h, 8), townshipCode: ledgerText(h, 10))
        }
        guard covered else {
            refusal = LedgerRefusal(
                operation: "import students", student: s.key, caseID: 0,
                detail: "row \(n): \(ledger.outsideDetail(s.key)); the batch was not applied")
            return
        }
        if stored, StudentUpsert.same(h, s) {
            result.unchanged += 1
            return
        }
        let sid = stored ? sqlite3_column_int64(h, 0) : 0
        if looked { sqlite3_reset(h) }
        let newID = try StudentUpsert.write(upsert.sqliteStatement, s, seq: w.seq + 1, db)
        if records.isEmpty { firstRow = n }
        lastRow = n
        sids.append(stored ? sid : newID)
        if stored { updated += 1 } else { added += 1 }
        PackedStudents.append(s, to: &records)
        if sids.count == Self.chunkSize { try flush(&w) }
    }

    /// Appends the changed students gathered so far as one event (already applied to `students`)
    /// and links each to it in `student_events`.
    func flush(_ w: inout EventWriter) throws {
        guard !sids.isEmpty else { return }
        let what = [added > 0 ? "\(added) added" : "", updated > 0 ? "\(updated) updated" : ""].filter { !$0.isEmpty }
        let seq = try w.append(
            db, .studentsUpserted, text: PackedStudents.payload(records),
            reason: "roster import rows \(firstRow)-\(lastRow): \(what.joined(separator: ", "))", applied: true)
        let h = link.sqliteStatement
        for sid in sids { try StudentUpsert.link(h, sid: sid, seq: seq, db) }
        result.added += added
        result.updated += updated
        records.removeAll(keepingCapacity: true)
        sids.removeAll(keepingCapacity: true)
        added = 0
        updated = 0
    }

    /// The batch's counts, once every row is written and flushed; builds the indexes dropped for a first roster.
    func finish() throws -> LedgerImportResult {
        if firstRoster { try db.execute(sql: LedgerSchema.studentIndexes(schema: "main")) }
        return result
    }

    /// Notes `key` at row `n`; the earlier row when the key was already in the batch.
    private func remember(_ key: String, row n: Int) -> Int? {
        var packed: UInt64?
        if key.utf8.count == 18 { packed = key.utf8.withContiguousStorageIfAvailable { ResidentKeys.pack($0) } ?? nil }
        let row = Int32(clamping: n)
        if let packed {
            if let e = rowsByID[packed] { return Int(e) }
            rowsByID[packed] = row
        } else {
            if let e = rowsByKey[key] { return Int(e) }
            rowsByKey[key] = row
        }
        return nil
    }
}

/// The one upsert of a student row, used by imports (`RosterBatch`) and replays (`Projector`):
/// a new key gets the next integer id, an existing one keeps it (marks refer to it).
enum StudentUpsert {
    /// The stored columns in the order `same` reads them (after `id`, at index 1…).
    static let columns = """
        resident_id, registry_number, name, sex, birth_date, address, region_code, school_id, school_name, township_code, grade, \
        registration, registration_date, expert_opinion, groups
        """

    static func sql(schema: String) -> String {
        """
        INSERT INTO \(schema).students (key, resident_id, registry_number, name, sex, birth_date, address,
            region_code, school_id, school_name, township_code, grade, registration, registration_date, expert_opinion,
            groups, updated_seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET resident_id = excluded.resident_id, registry_number = excluded.registry_number,
            name = excluded.name, sex = excluded.sex, birth_date = excluded.birth_date, address = excluded.address,
            region_code = excluded.region_code, school_id = excluded.school_id, school_name = excluded.school_name,
            township_code = excluded.township_code, grade = excluded.grade, registration = excluded.registration,
            registration_date = excluded.registration_date, expert_opinion = excluded.expert_opinion,
            groups = excluded.groups, updated_seq = excluded.updated_seq
        """
    }

    static func linkSQL(schema: String) -> String { "INSERT INTO \(schema).student_events (sid, seq) VALUES (?, ?)" }

    /// Writes `s` as of event `seq`; returns the row's id (the new one for a new key).
    @discardableResult
    static func write(_ h: OpaquePointer, _ s: LedgerStudent, seq: Int64, _ db: Database) throws -> Int64 {
        defer { sqlite3_reset(h) }
        ledgerBind(h, 1, s.key)
        ledgerBind(h, 2, s.residentID)
        ledgerBind(h, 3, s.registryNumber)
        ledgerBind(h, 4, s.name)
        sqlite3_bind_int64(h, 5, Int64(s.sex))
        ledgerBind(h, 6, s.birthDate)
        ledgerBind(h, 7, s.address)
        ledgerBind(h, 8, s.regionCode)
        ledgerBind(h, 9, s.schoolID)
        ledgerBind(h, 10, s.schoolName)
        ledgerBind(h, 11, s.townshipCode)
        sqlite3_bind_int64(h, 12, Int64(s.grade))
        ledgerBind(h, 13, s.registration)
        ledgerBind(h, 14, s.registrationDate)
        ledgerBind(h, 15, s.expertOpinion)
        ledgerBind(h, 16, s.groups.isEmpty ? "" : s.groups.count == 1 ? s.groups[0] : s.groups.joined(separator: ";"))
        sqlite3_bind_int64(h, 17, seq)
        let rc = sqlite3_step(h)
        guard rc == SQLITE_DONE else { throw ledgerSQLiteError(rc, db) }
        return sqlite3_last_insert_rowid(db.sqliteConnection)
    }

    /// Records that event `seq` changed student `sid` (a `students.upserted` event names many).
    static func link(_ h: OpaquePointer, sid: Int64, seq: Int64, _ db: Database) throws {
        defer { sqlite3_reset(h) }
        sqlite3_bind_int64(h, 1, sid)
        sqlite3_bind_int64(h, 2, seq)
        let rc = sqlite3_step(h)
        guard rc == SQLITE_DONE else { throw ledgerSQLiteError(rc, db) }
    }

    /// True when column `i` of the current row holds exactly `t`'s bytes.
    static func equal(_ h: OpaquePointer, _ i: Int32, _ t: String) -> Bool {
        let n = Int(sqlite3_column_bytes(h, i))
        var t = t
        return t.withUTF8 { b in
            guard b.count == n else { return false }
            guard n > 0 else { return true }
            guard let p = sqlite3_column_text(h, i), let q = b.baseAddress else { return false }
            return memcmp(p, q, n) == 0
        }
    }

    /// True when the current row of `SELECT id, <columns>` holds `s` exactly.
    static func same(_ h: OpaquePointer, _ s: LedgerStudent) -> Bool {
        equal(h, 1, s.residentID) && equal(h, 2, s.registryNumber) && equal(h, 3, s.name)
            && sqlite3_column_int64(h, 4) == Int64(s.sex) && equal(h, 5, s.birthDate) && equal(h, 6, s.address)
            && equal(h, 7, s.regionCode) && equal(h, 8, s.schoolID) && equal(h, 9, s.schoolName) && equal(h, 10, s.townshipCode)
            && sqlite3_column_int64(h, 11) == Int64(s.grade) && equal(h, 12, s.registration) && equal(h, 13, s.registrationDate)
            && equal(h, 14, s.expertOpinion) && equal(h, 15, s.groups.joined(separator: ";"))
    }
}

extension LedgerSchema {
    /// Drops the indexes `studentIndexes` creates (a first roster builds them after its rows).
    static func dropStudentIndexes(schema: String) -> String {
        "DROP INDEX \(schema).students_school; DROP INDEX \(schema).students_township;"
    }
}
