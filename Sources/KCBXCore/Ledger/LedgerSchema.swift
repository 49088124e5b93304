@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// The ledger file's schema: the append-only event table and the projections rebuilt from it.
enum LedgerSchema {
    /// Schema version recorded in `ledger_meta` (and as migration `v<N>`). Files of versions 1–3
    /// are upgraded in place (migrations `v2`, `v3`, `v4`) when opened read-write.
    static let version = 4

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        at TEXT NOT NULL,
                        actor_level TEXT NOT NULL, actor_unit TEXT NOT NULL, actor_person TEXT NOT NULL, actor_role TEXT NOT NULL,
                        kind TEXT NOT NULL, student TEXT NOT NULL, case_id INTEGER NOT NULL, reason TEXT NOT NULL,
                        payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
                    CREATE INDEX events_case ON events(case_id);
                    CREATE INDEX events_student ON events(student);
                    CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
                    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
                    """)
            try createProjectionsV1(db)
            try db.execute(
                sql: "INSERT INTO ledger_meta(key, value) VALUES ('schema_version', '1'), ('head_seq', '0'), ('head_hash', ?)",
                arguments: [LedgerEvent.genesisHash])
        }
        m.registerMigration("v2", migrate: migrateToV2)
        m.registerMigration("v3", migrate: migrateToV3)
        m.registerMigration("v4", migrate: migrateToV4)
        return m
    }

    /// Migration `v2` (docs/ledger.md, "File format v2"), in the migration's one transaction:
    /// students get an integer `id` (in the order of their first `student.upserted` event, the
    /// order a replay of the events gives them), `marks` is keyed by (`sid`, `day`). The events
    /// are not touched: v1 attendance payloads keep their JSON and their hashes.
    static func migrateToV2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE students RENAME TO students_v1;
                \(studentsTable(schema: "main"))
                INSERT INTO students (key, resident_id, registry_number, name, sex, birth_date, address, region_code, school_id,
                    school_name, township_code, grade, registration, registration_date, expert_opinion, groups, updated_seq, id)
                SELECT s.key, s.resident_id, s.registry_number, s.name, s.sex, s.birth_date, s.address, s.region_code, s.school_id,
                    s.school_name, s.township_code, s.grade, s.registration, s.registration_date, s.expert_opinion, s.groups, s.updated_seq,
                    ROW_NUMBER() OVER (ORDER BY COALESCE(f.first, 9223372036854775807), s.key)
                FROM students_v1 s LEFT JOIN (SELECT student, MIN(seq) AS first FROM events WHERE kind = 'student.upserted' GROUP BY student) f
                    ON f.student = s.key;
                DROP TABLE students_v1;
                \(studentIndexes(schema: "main"))
                ALTER TABLE marks RENAME TO marks_v1;
                \(marksTableV2(schema: "main"))
                INSERT INTO marks (sid, day, kind, leave_from, leave_to, slip)
                SELECT s.id, m.day, m.kind, m.leave_from, m.leave_to, m.slip FROM marks_v1 m JOIN students s ON s.key = m.student ORDER BY 1, 2;
                DROP TABLE marks_v1;
                UPDATE ledger_meta SET value = '2' WHERE key = 'schema_version';
                """)
    }

    /// Migration `v3` (docs/ledger.md, "File format v3"): `student_events`, which links each
    /// student to the packed roster events (`students.upserted`) that changed it. Files before v3
    /// hold no such event, so the table starts empty.
    static func migrateToV3(_ db: Database) throws {
        try db.execute(sql: studentEventsTable(schema: "main") + "\nUPDATE ledger_meta SET value = '3' WHERE key = 'schema_version';")
    }

    /// Migration `v4` (docs/ledger.md, "File format v4"): the `marks` rows (one a child and day)
    /// become `mark_months` rows (one a child and month, `MarkMonths`) and `mark_leaves` rows (the
    /// marks with a leave span or slip), written by `MarkMonthsWriter` as the projector writes
    /// them. A row that is no mark (a kind or day out of range, a value of another type: the file
    /// was edited outside the ledger) stops the migration, naming it; nothing is changed then.
    static func migrateToV4(_ db: Database) throws {
        try db.execute(sql: markTables(schema: "main"))
        let writer = MarkMonthsWriter(schema: "main")
        let rows = try db.makeStatement(sql: "SELECT sid, day, kind, leave_from, leave_to, slip FROM marks ORDER BY sid, day")
        try SweepColumns.each(rows, db, bind: { _ in }) { h in
            let sid = sqlite3_column_int64(h, 0)
            let day = sqlite3_column_int64(h, 1)
            let kind = sqlite3_column_int64(h, 2)
            let integers = (0...4).allSatisfy { sqlite3_column_type(h, Int32($0)) == SQLITE_INTEGER }
            guard integers, sqlite3_column_type(h, 5) == SQLITE_TEXT, (0...Int64(MarkMonths.maxKind)).contains(kind),
                let day32 = Int32(exactly: day), (try? CivilDate(yyyymmdd: day32)) != nil
            else {
                throw KCBXError.storage(
                    "marks row (sid \(ledgerText(h, 0)), day \(ledgerText(h, 1)), kind \(ledgerText(h, 2))) is not a mark this KCBX can carry into file format v\(version): the file was changed outside the ledger; verify it with the KCBX that wrote it"
                )
            }
            let mark = PackedMark(
                sid: sid, day: day32, kind: UInt8(kind), leaveFrom: Int32(clamping: sqlite3_column_int64(h, 3)),
                leaveTo: Int32(clamping: sqlite3_column_int64(h, 4)), slip: ledgerText(h, 5))
            _ = try writer.apply(mark, db)
        }
        try writer.flush(db)
        try db.execute(sql: "DROP TABLE marks; UPDATE ledger_meta SET value = '4' WHERE key = 'schema_version';")
    }

    /// (student id, event seq) for every student a `students.upserted` event changed: a child's
    /// history finds its roster changes here (per-child `student.upserted` events name it in `events.student`).
    static func studentEventsTable(schema: String) -> String {
        """
        CREATE TABLE \(schema).student_events (sid INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (sid, seq)) WITHOUT ROWID;
        """
    }

    /// Refuses a file that is not a ledger, was written by a newer KCBX, or records a schema
    /// version other than `version` (docs/ledger.md). Returns whether the file already holds a ledger.
    /// A version 1 file is accepted when it can be migrated (`readOnly` false) and refused
    /// read-only, saying how to upgrade it.
    static func checkFile(_ db: Database, path: String, migrator: DatabaseMigrator, readOnly: Bool = false) throws -> Bool {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if tables.isEmpty { return false }
        guard tables.contains("grdb_migrations") else {
            throw KCBXError.storage("\(path) is an SQLite file but not a KCBX ledger (tables: \(tables.sorted().joined(separator: ", ")))")
        }
        if try migrator.hasBeenSuperseded(db) {
            throw KCBXError.storage("\(path) was written by a newer KCBX (unknown schema migration); upgrade the library")
        }
        guard tables.contains("ledger_meta") else { return false }
        let recorded = try String.fetchOne(db, sql: "SELECT value FROM ledger_meta WHERE key = 'schema_version'")
        if let r = recorded, let v = Int(r), (1..<version).contains(v), try !migrator.appliedIdentifiers(db).contains("v\(version)") {
            guard !readOnly else {
                throw KCBXError.storage(
                    "\(path) is a ledger in file format v\(v) (schema_version \(v)) and is open read-only, so it cannot be upgraded to format v\(version), which this KCBX reads: open it once where it can be written (any kcbx command on a writable copy upgrades it in place, in one transaction; docs/ledger.md), or read it with a KCBX before format v\(version)"
                )
            }
            return true
        }
        guard recorded == String(version) else {
            throw KCBXError.storage(
                "\(path) records ledger schema_version \(recorded.map { "'\($0)'" } ?? "(none)"); this KCBX reads schema_version \(version) only (docs/ledger.md): open it with the KCBX that wrote it"
            )
        }
        return true
    }

    /// The schema objects (type, name, table, SQL) a ledger of `version` holds, as SQLite records
    /// them: made by running the migrations on an empty in-memory database.
    static let expectedObjects: [SchemaObject] = {
        guard let q = try? DatabaseQueue(), (try? migrator.migrate(q)) != nil,
            let objects = try? q.read({ db in try SchemaObject.all(db, schema: "main") })
        else { return [] }
        return objects
    }()

    struct SchemaObject: Hashable {
        var type: String, name: String, table: String, sql: String
        static func all(_ db: Database, schema: String) throws -> [SchemaObject] {
            try Row.fetchAll(
                db, sql: "SELECT type, name, tbl_name, COALESCE(sql, '') AS sql FROM \(schema).sqlite_master ORDER BY type, name"
            )
            .map { SchemaObject(type: $0["type"], name: $0["name"], table: $0["tbl_name"], sql: $0["sql"]) }
        }
    }

    /// Names of the triggers that keep `events` append-only; verify() checks they are still there.
    static let appendOnlyTriggers = ["events_no_delete", "events_no_update"]

    /// Projection tables (current state) of the current version, created in `schema` (`main`
    /// through the migrations, or an attached rebuild for verify()).
    static func createProjections(_ db: Database, schema: String) throws {
        try db.execute(
            sql: studentsTable(schema: schema) + "\n" + studentIndexes(schema: schema) + "\n" + markTables(schema: schema) + "\n"
                + casesTables(schema: schema) + "\n" + studentEventsTable(schema: schema))
    }

    /// Students: `key` (resident ID or registry number) stays the public key; `id` is the file's
    /// own integer key, which `marks` and packed attendance payloads use.
    static func studentsTable(schema: String) -> String {
        """
        CREATE TABLE \(schema).students (
            key TEXT NOT NULL UNIQUE, resident_id TEXT NOT NULL, registry_number TEXT NOT NULL, name TEXT NOT NULL,
            sex INTEGER NOT NULL, birth_date TEXT NOT NULL, address TEXT NOT NULL, region_code TEXT NOT NULL,
            school_id TEXT NOT NULL, school_name TEXT NOT NULL, township_code TEXT NOT NULL, grade INTEGER NOT NULL,
            registration TEXT NOT NULL, registration_date TEXT NOT NULL, expert_opinion TEXT NOT NULL,
            groups TEXT NOT NULL, updated_seq INTEGER NOT NULL, id INTEGER PRIMARY KEY NOT NULL);
        """
    }

    static func studentIndexes(schema: String) -> String {
        """
        CREATE INDEX \(schema).students_school ON students(school_id);
        CREATE INDEX \(schema).students_township ON students(township_code);
        """
    }

    /// File format v4's marks (`MarkMonths`): a child's month of marks in one row, `month`
    /// YYYYMM; the leave span and slip of the few marks with one in `mark_leaves` (`day` YYYYMMDD).
    static func markTables(schema: String) -> String {
        """
        CREATE TABLE \(schema).mark_months (
            sid INTEGER NOT NULL, month INTEGER NOT NULL, days BLOB NOT NULL, PRIMARY KEY (sid, month)) WITHOUT ROWID;
        CREATE TABLE \(schema).mark_leaves (
            sid INTEGER NOT NULL, day INTEGER NOT NULL, leave_from INTEGER NOT NULL, leave_to INTEGER NOT NULL, slip TEXT NOT NULL,
            PRIMARY KEY (sid, day)) WITHOUT ROWID;
        """
    }

    /// File format v2 and v3's marks, as migration `v2` made them (frozen: `v4` replaces them):
    /// one row a child and day, `sid` is `students.id`, `day` YYYYMMDD.
    static func marksTableV2(schema: String) -> String {
        """
        CREATE TABLE \(schema).marks (
            sid INTEGER NOT NULL, day INTEGER NOT NULL, kind INTEGER NOT NULL,
            leave_from INTEGER NOT NULL, leave_to INTEGER NOT NULL, slip TEXT NOT NULL,
            PRIMARY KEY (sid, day)) WITHOUT ROWID;
        """
    }

    static func casesTables(schema: String) -> String {
        """
        CREATE TABLE \(schema).calendar (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), json TEXT NOT NULL);
        CREATE TABLE \(schema).cases (
            id INTEGER PRIMARY KEY NOT NULL, student TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
            reason TEXT NOT NULL, dismissal TEXT NOT NULL, plan TEXT NOT NULL, person TEXT NOT NULL,
            return_school TEXT NOT NULL, placement TEXT NOT NULL, return_date TEXT NOT NULL, opinion_ref TEXT NOT NULL,
            opened_on TEXT NOT NULL, verified_on TEXT NOT NULL, closed_on TEXT NOT NULL, relapse_of INTEGER NOT NULL,
            source TEXT NOT NULL, flags TEXT NOT NULL, updated_seq INTEGER NOT NULL);
        CREATE INDEX \(schema).cases_student ON cases(student);
        CREATE INDEX \(schema).cases_status ON cases(status);
        """
    }

    /// The projections of file format v1, as migration `v1` made them (frozen: `v2` upgrades them).
    static func createProjectionsV1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE students (
                    key TEXT PRIMARY KEY NOT NULL, resident_id TEXT NOT NULL, registry_number TEXT NOT NULL, name TEXT NOT NULL,
                    sex INTEGER NOT NULL, birth_date TEXT NOT NULL, address TEXT NOT NULL, region_code TEXT NOT NULL,
                    school_id TEXT NOT NULL, school_name TEXT NOT NULL, township_code TEXT NOT NULL, grade INTEGER NOT NULL,
                    registration TEXT NOT NULL, registration_date TEXT NOT NULL, expert_opinion TEXT NOT NULL,
                    groups TEXT NOT NULL, updated_seq INTEGER NOT NULL);
                CREATE INDEX students_school ON students(school_id);
                CREATE INDEX students_township ON students(township_code);
                CREATE TABLE marks (
                    student TEXT NOT NULL, day INTEGER NOT NULL, kind INTEGER NOT NULL,
                    leave_from INTEGER NOT NULL, leave_to INTEGER NOT NULL, slip TEXT NOT NULL,
                    PRIMARY KEY (student, day)) WITHOUT ROWID;
                \(casesTables(schema: "main"))
                """)
    }

    /// Projection tables with the key columns verify() reports a difference by (`$S`: the
    /// schema of the copy read). `mark_months` and `mark_leaves` are compared by `MarksComparison`.
    static let projections: [(table: String, key: String)] = [
        ("students", "key"), ("mark_months", ""), ("mark_leaves", ""), ("calendar", "id"), ("cases", "id"),
        ("student_events", "(SELECT key FROM $S.students WHERE id = sid) || ' #' || seq"),
    ]
}
