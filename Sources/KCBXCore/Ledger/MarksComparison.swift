@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// Compares rebuilt marks (`MarkRun`s in id order) with the stored `marks` table, read once in
/// its primary-key order through one prepared statement: a row only in the file was added, a
/// row only in the events was deleted, a row in both with another kind, span or slip (or
/// another SQLite type) was edited. The first `named` differences are named with the student's
/// key, the day and the event that recorded the day's mark; the rest are counted.
struct MarksComparison {
    static let named = 10

    private let db: Database
    private let rebuilt: String
    private let stored: Statement
    private var hasRow = false
    private var done = false
    /// The current stored row's columns (`sqlite3_column_value`: one call a column; the values
    /// are read with the `sqlite3_value_*` calls, on this connection's one thread, until the next step).
    private var values: [OpaquePointer?] = Array(repeating: nil, count: 6)
    private(set) var differences = 0

    init(_ db: Database, rebuilt: String) throws {
        self.db = db
        self.rebuilt = rebuilt
        stored = try db.makeStatement(sql: "SELECT sid, day, kind, leave_from, leave_to, slip FROM main.marks ORDER BY sid, day")
        try step()
    }

    /// Compares `run` with the stored rows whose id is at most `through` (every row left for Int64.max).
    mutating func compare(_ run: MarkRun, through: Int64, _ problem: (String) -> Void) throws {
        var i = 0
        let entries = run.entries
        while true {
            let rowHere = hasRow && (through == Int64.max || belongsBefore(through))
            if !rowHere {
                guard i < entries.count else { return }
                try report(.deleted, run, entries[i], problem)
                i += 1
                continue
            }
            // A row whose id or day is not an integer equals no rebuilt row.
            guard type(0) == SQLITE_INTEGER, type(1) == SQLITE_INTEGER else {
                try report(.added, run, nil, problem)
                try step()
                continue
            }
            let sid = int(0)
            let day = int(1)
            guard i < entries.count else {
                try report(.added, run, nil, problem)
                try step()
                continue
            }
            let e = entries[i]
            let rs = run.sid(e)
            let rd = run.day(e)
            if sid < rs || (sid == rs && day < rd) {
                try report(.added, run, nil, problem)
                try step()
            } else if sid > rs || day > rd {
                try report(.deleted, run, e, problem)
                i += 1
            } else {
                if !same(run, e) { try report(.edited, run, e, problem) }
                i += 1
                try step()
            }
        }
    }

    /// Adds the count of differences not named.
    func finish(_ problem: (String) -> Void) {
        if differences > Self.named {
            problem("marks: \(differences - Self.named) more rows differ from the state the events give (\(differences) in all)")
        }
    }

    private enum Difference { case added, deleted, edited }

    private mutating func step() throws {
        guard !done else { return }
        let rc = sqlite3_step(stored.sqliteStatement)
        if rc == SQLITE_ROW {
            hasRow = true
            for c in 0..<6 { values[c] = sqlite3_column_value(stored.sqliteStatement, Int32(c)) }
        } else if rc == SQLITE_DONE {
            hasRow = false
            done = true
        } else {
            throw ledgerSQLiteError(rc, db)
        }
    }

    /// True when the current stored row sorts at or before id `through` (a text or blob id sorts
    /// after every number, so only the last range takes it).
    private func belongsBefore(_ through: Int64) -> Bool {
        switch type(0) {
        case SQLITE_INTEGER: return int(0) <= through
        case SQLITE_FLOAT: return sqlite3_value_double(values[0]) < Double(through) + 1
        case SQLITE_NULL: return true
        default: return false
        }
    }

    private func type(_ c: Int) -> Int32 { sqlite3_value_type(values[c]) }
    private func int(_ c: Int) -> Int64 { sqlite3_value_int64(values[c]) }

    /// The stored row equals rebuilt entry `e`: kind, span and slip, with SQLite's types.
    private func same(_ run: MarkRun, _ e: MarkRun.Entry) -> Bool {
        for c in 2...4 where type(c) != SQLITE_INTEGER { return false }
        guard type(5) == SQLITE_TEXT, int(2) == run.kind(e) else { return false }
        let x = run.extra(e)
        guard int(3) == Int64(x?.leaveFrom ?? 0), int(4) == Int64(x?.leaveTo ?? 0) else { return false }
        let n = Int(sqlite3_value_bytes(values[5]))
        guard var slip = x?.slip else { return n == 0 }
        return slip.withUTF8 { s in
            guard s.count == n else { return false }
            guard n > 0, let a = sqlite3_value_text(values[5]), let b = s.baseAddress else { return n == 0 }
            return memcmp(a, b, n) == 0
        }
    }

    private mutating func report(_ d: Difference, _ run: MarkRun, _ e: MarkRun.Entry?, _ problem: (String) -> Void) throws {
        differences += 1
        guard differences <= Self.named else { return }
        let h = stored.sqliteStatement
        let what: String
        switch d {
        case .added: what = "was added outside the ledger: no event creates it"
        case .deleted: what = "was deleted outside the ledger"
        case .edited: what = "was edited outside the ledger: it differs from the state the events give (\(changes(run, e, h)))"
        }
        let row: String
        if d == .deleted, let e {
            row = "\(try key(run.sid(e), schema: rebuilt)) \(run.day(e))"
        } else {
            let sid = sqlite3_column_type(h, 0) == SQLITE_INTEGER ? try key(sqlite3_column_int64(h, 0), schema: "main") : ledgerText(h, 0)
            row = "\(sid) \(ledgerText(h, 1))"
        }
        let last = e.map { " (last event about it: #\(run.seq($0)) \(EventKind.marksRecorded.rawValue))" } ?? ""
        problem("marks row \(row) \(what)\(last)")
    }

    /// The stored row's values against the rebuilt ones, e.g. `kind 0 in the file, 2 from the events`.
    private func changes(_ run: MarkRun, _ e: MarkRun.Entry?, _ h: OpaquePointer) -> String {
        guard let e else { return "" }
        let x = run.extra(e)
        let rebuilt = ["\(run.kind(e))", "\(x?.leaveFrom ?? 0)", "\(x?.leaveTo ?? 0)", KCBXError.quote(x?.slip ?? "")]
        let file = (2...5).map { c -> String in
            let t = ledgerText(h, Int32(c))
            switch sqlite3_column_type(h, Int32(c)) {
            case SQLITE_INTEGER: return t
            case SQLITE_TEXT: return c == 5 ? KCBXError.quote(t) : "\(KCBXError.quote(t)) (text)"
            case SQLITE_NULL: return "NULL"
            default: return "\(KCBXError.quote(t)) (\(sqlite3_column_type(h, Int32(c)) == SQLITE_FLOAT ? "real" : "blob"))"
            }
        }
        let names = ["kind", "leave_from", "leave_to", "slip"]
        return names.indices.filter { file[$0] != rebuilt[$0] }.map {
            "\(names[$0]) \(file[$0]) in the file, \(rebuilt[$0]) from the events"
        }
        .joined(separator: ", ")
    }

    /// The student key of id `sid` in `schema`, or `id N` when no student has it.
    private func key(_ sid: Int64, schema: String) throws -> String {
        try String.fetchOne(db, sql: "SELECT key FROM \(schema).students WHERE id = ?", arguments: [sid]) ?? "id \(sid)"
    }
}
