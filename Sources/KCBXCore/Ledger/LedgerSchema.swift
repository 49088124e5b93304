@_implementationOnly import GRDB

/// The ledger file's schema: the append-only event table and the projections rebuilt from it.
enum LedgerSchema {
    /// Schema version recorded in `ledger_meta` (and as migration `v<N>`).
    static let version = 1

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
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
            try createProjections(db, schema: "main")
            try db.execute(sql: "INSERT INTO ledger_meta(key, value) VALUES ('schema_version', ?), ('head_seq', '0'), ('head_hash', ?)",
                           arguments: [String(version), LedgerEvent.genesisHash])
        }
        return m
    }

    /// Refuses a file that is not a ledger, was written by a newer KCBX, or records a schema
    /// version other than `version` (docs/ledger.md). Returns whether the file already holds a ledger.
    static func checkFile(_ db: Database, path: String, migrator: DatabaseMigrator) throws -> Bool {
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
        guard recorded == String(version) else {
            throw KCBXError.storage("\(path) records ledger schema_version \(recorded.map { "'\($0)'" } ?? "(none)"); this KCBX reads schema_version \(version) only (docs/ledger.md): open it with the KCBX that wrote it")
        }
        return true
    }

    /// The schema objects (type, name, table, SQL) a ledger of `version` holds, as SQLite records
    /// them: made by running the migrations on an empty in-memory database.
    static let expectedObjects: [SchemaObject] = {
        guard let q = try? DatabaseQueue(), (try? migrator.migrate(q)) != nil,
              let objects = try? q.read({ db in try SchemaObject.all(db, schema: "main") }) else { return [] }
        return objects
    }()

    struct SchemaObject: Hashable {
        var type: String, name: String, table: String, sql: String
        static func all(_ db: Database, schema: String) throws -> [SchemaObject] {
            try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, COALESCE(sql, '') AS sql FROM \(schema).sqlite_master ORDER BY type, name")
                .map { SchemaObject(type: $0["type"], name: $0["name"], table: $0["tbl_name"], sql: $0["sql"]) }
        }
    }

    /// Names of the triggers that keep `events` append-only; verify() checks they are still there.
    static let appendOnlyTriggers = ["events_no_delete", "events_no_update"]

    /// Projection tables (current state), created in `schema` (`main`, or an attached rebuild).
    static func createProjections(_ db: Database, schema: String) throws {
        try db.execute(sql: """
            CREATE TABLE \(schema).students (
                key TEXT PRIMARY KEY NOT NULL, resident_id TEXT NOT NULL, registry_number TEXT NOT NULL, name TEXT NOT NULL,
                sex INTEGER NOT NULL, birth_date TEXT NOT NULL, address TEXT NOT NULL, region_code TEXT NOT NULL,
                school_id TEXT NOT NULL, school_name TEXT NOT NULL, township_code TEXT NOT NULL, grade INTEGER NOT NULL,
                registration TEXT NOT NULL, registration_date TEXT NOT NULL, expert_opinion TEXT NOT NULL,
                groups TEXT NOT NULL, updated_seq INTEGER NOT NULL);
            CREATE INDEX \(schema).students_school ON students(school_id);
            CREATE INDEX \(schema).students_township ON students(township_code);
            CREATE TABLE \(schema).marks (
                student TEXT NOT NULL, day INTEGER NOT NULL, kind INTEGER NOT NULL,
                leave_from INTEGER NOT NULL, leave_to INTEGER NOT NULL, slip TEXT NOT NULL,
                PRIMARY KEY (student, day)) WITHOUT ROWID;
            CREATE TABLE \(schema).calendar (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), json TEXT NOT NULL);
            CREATE TABLE \(schema).cases (
                id INTEGER PRIMARY KEY NOT NULL, student TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
                reason TEXT NOT NULL, dismissal TEXT NOT NULL, plan TEXT NOT NULL, person TEXT NOT NULL,
                return_school TEXT NOT NULL, placement TEXT NOT NULL, return_date TEXT NOT NULL, opinion_ref TEXT NOT NULL,
                opened_on TEXT NOT NULL, verified_on TEXT NOT NULL, closed_on TEXT NOT NULL, relapse_of INTEGER NOT NULL,
                source TEXT NOT NULL, flags TEXT NOT NULL, updated_seq INTEGER NOT NULL);
            CREATE INDEX \(schema).cases_student ON cases(student);
            CREATE INDEX \(schema).cases_status ON cases(status);
            """)
    }

    /// Projection tables with the key columns verify() reports a difference by.
    static let projections: [(table: String, key: String)] = [
        ("students", "key"), ("marks", "student || ' ' || day"), ("calendar", "id"), ("cases", "id"),
    ]
}
