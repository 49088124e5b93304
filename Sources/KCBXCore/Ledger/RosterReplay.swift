@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// Replays a `students.upserted` event (packed roster payload) into the projection tables of
/// `schema`: each student through the one upsert (`StudentUpsert`) and its link to the event in
/// `student_events`, as the import wrote them. Used by the live projection and by verify.
enum RosterReplay {
    static func apply(payload: String, seq: Int64, schema: String, _ db: Database) throws {
        let upsert = try db.cachedStatement(sql: StudentUpsert.sql(schema: schema)).sqliteStatement
        let link = try db.cachedStatement(sql: StudentUpsert.linkSQL(schema: schema)).sqliteStatement
        let find = try db.cachedStatement(sql: "SELECT id FROM \(schema).students WHERE key = ?").sqliteStatement
        var count = 0
        try PackedStudents.decode(payload, seq: seq) { s in
            // `last_insert_rowid` is only the row's id for a new key: an existing one is looked up.
            ledgerBind(find, 1, s.key)
            let rc = sqlite3_step(find)
            let known: Int64? = rc == SQLITE_ROW ? sqlite3_column_int64(find, 0) : nil
            sqlite3_reset(find)
            guard rc == SQLITE_ROW || rc == SQLITE_DONE else { throw ledgerSQLiteError(rc, db) }
            let id = try StudentUpsert.write(upsert, s, seq: seq, db)
            do { try StudentUpsert.link(link, sid: known ?? id, seq: seq, db) } catch {
                throw KCBXError.integrity("event #\(seq) names student \(IDMask.key(s.key)) twice")
            }
            count += 1
        }
        guard count > 0 else { throw KCBXError.integrity("event #\(seq) is a roster event without students") }
    }
}

/// A child's roster changes, wherever they are recorded: per-child `student.upserted` events
/// (file formats v1, v2) name the child in `events.student`; packed `students.upserted` events
/// (v3) are linked to it through `student_events`.
extension RosterReplay {
    private static let eventsOfSQL = """
        SELECT * FROM events WHERE student = ?
        UNION ALL
        SELECT e.* FROM student_events l JOIN students s ON s.id = l.sid JOIN events e ON e.seq = l.seq WHERE s.key = ?
        ORDER BY seq
        """

    /// Every event about student `key`, oldest first. A packed roster event is shown as the
    /// child's own change: `student` the child's key, the payload the child's record as the v1
    /// `student.upserted` JSON (never the other children of its batch); seq, time, actor, reason
    /// and hashes as recorded.
    static func events(of key: String, _ db: Database) throws -> [LedgerEvent] {
        try Row.fetchAll(db, sql: eventsOfSQL, arguments: [key, key]).map { row in
            let e = LedgerEvent(row: row)
            guard e.kind == EventKind.studentsUpserted.rawValue else { return e }
            return LedgerEvent(
                seq: e.seq, at: e.at, actor: e.actor, kind: e.kind, student: key, caseID: e.caseID, reason: e.reason,
                payload: try PackedStudents.readableJSON(e.payload, seq: e.seq, only: key), prevHash: e.prevHash, hash: e.hash)
        }
    }

    /// The recorded versions of student `key`'s roster row, newest first, with their seqs.
    static func versions(of key: String, _ db: Database) throws -> [(seq: Int64, student: LedgerStudent)] {
        var out: [(seq: Int64, student: LedgerStudent)] = []
        for row in try Row.fetchAll(db, sql: eventsOfSQL, arguments: [key, key]).reversed() {
            let seq: Int64 = row["seq"]
            let payload: String = row["payload"]
            switch row["kind"] as String {
            case EventKind.studentUpserted.rawValue: out.append((seq, try PayloadCoding.decode(LedgerStudent.self, payload, seq: seq)))
            case EventKind.studentsUpserted.rawValue:
                try PackedStudents.decode(payload, seq: seq) { s in if s.key == key { out.append((seq, s)) } }
            default: continue
            }
        }
        return out
    }

    /// The newest event about student `key` (verify's messages name it).
    static func lastEvent(key: String, _ db: Database) throws -> Row? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT seq, kind FROM main.events WHERE seq = (SELECT MAX(seq) FROM (
                    SELECT seq FROM main.events WHERE student = ?
                    UNION ALL SELECT l.seq FROM main.student_events l JOIN main.students s ON s.id = l.sid WHERE s.key = ?))
                """, arguments: [key, key])
    }
}
