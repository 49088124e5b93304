@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// Compares rebuilt marks (`MarkRun`s in id order) with the stored `mark_months` (read once in
/// its primary-key order through one prepared statement, each month's days decoded in place) and
/// `mark_leaves`: a mark only in the file was added, a mark only in the events was deleted, a mark
/// in both with another kind, span or slip was edited; a month row that is no month of marks is
/// unreadable, and a `mark_leaves` row no mark points to was added. The first `named` differences
/// are named with the student's key, the day and the event that recorded the day's mark; the rest
/// are counted.
struct MarksComparison {
    static let named = 10

    private let db: Database
    private let rebuilt: String
    private let months: Statement
    private let leave: Statement
    private var started = false
    private var done = false
    /// The stored month being read: its student id, YYYYMM, days and the next day to look at.
    private var sid: Int64 = 0
    private var month: Int64 = 0
    private var days = [UInt8](repeating: 0, count: MarkMonths.width)
    private var next = MarkMonths.width
    /// The current stored mark (day YYYYMMDD and its byte), when `hasMark`.
    private var hasMark = false
    private var day: Int64 = 0
    private var byte: UInt8 = 0
    private(set) var differences = 0

    init(_ db: Database, rebuilt: String) throws {
        self.db = db
        self.rebuilt = rebuilt
        months = try db.makeStatement(sql: "SELECT sid, month, days FROM main.mark_months ORDER BY sid, month")
        leave = try db.makeStatement(sql: "SELECT leave_from, leave_to, slip FROM main.mark_leaves WHERE sid = ? AND day = ?")
    }

    /// Compares `run` with the stored marks whose id is at most `through` (every one left for Int64.max).
    mutating func compare(_ run: MarkRun, through: Int64, _ problem: (String) -> Void) throws {
        if !started {
            started = true
            try step(problem)
        }
        var i = 0
        let entries = run.entries
        while true {
            guard hasMark && sid <= through else {
                guard i < entries.count else { return }
                try report(.deleted, run, entries[i], problem)
                i += 1
                continue
            }
            guard i < entries.count else {
                try report(.added, run, nil, problem)
                try step(problem)
                continue
            }
            let e = entries[i]
            let rs = run.sid(e)
            let rd = run.day(e)
            if sid < rs || (sid == rs && day < rd) {
                try report(.added, run, nil, problem)
                try step(problem)
            } else if sid > rs || day > rd {
                try report(.deleted, run, e, problem)
                i += 1
            } else {
                if try !same(run, e) { try report(.edited, run, e, problem) }
                i += 1
                try step(problem)
            }
        }
    }

    /// Reports the stored marks left (added), the `mark_leaves` rows no stored mark points to,
    /// then the count of differences not named.
    mutating func finish(_ problem: (String) -> Void) throws {
        try compare(MarkRun(), through: Int64.max, problem)
        let rows = try db.makeStatement(sql: "SELECT sid, day FROM main.mark_leaves ORDER BY sid, day")
        let month = try db.makeStatement(sql: "SELECT days FROM main.mark_months WHERE sid = ? AND month = ?")
        var orphans: [(sid: String, day: String, key: Int64?)] = []
        try SweepColumns.each(rows, db, bind: { _ in }) { h in
            let typed = sqlite3_column_type(h, 0) == SQLITE_INTEGER && sqlite3_column_type(h, 1) == SQLITE_INTEGER
            let sid = sqlite3_column_int64(h, 0)
            let day = sqlite3_column_int64(h, 1)
            var flagged = false
            if typed, (1...31).contains(day % 100) {
                try SweepColumns.each(
                    month, db,
                    bind: { m in
                        sqlite3_bind_int64(m, 1, sid)
                        sqlite3_bind_int64(m, 2, day / 100)
                    }
                ) { m in
                    let p = sqlite3_column_blob(m, 0)?.assumingMemoryBound(to: UInt8.self)
                    if let p, MarkMonths.problem(p, Int(sqlite3_column_bytes(m, 0))) == nil {
                        flagged = p[Int(day % 100) - 1] & MarkMonths.leaveFlag != 0
                    }
                }
            }
            if !flagged { orphans.append((ledgerText(h, 0), ledgerText(h, 1), typed ? sid : nil)) }
        }
        for o in orphans {
            differences += 1
            guard differences <= Self.named else { continue }
            let who = try o.key.map { try key($0, schema: "main") } ?? o.sid
            problem("mark_leaves row \(who) \(o.day) was added outside the ledger: no stored mark of that day carries a leave")
        }
        if differences > Self.named {
            problem("marks: \(differences - Self.named) more rows differ from the state the events give (\(differences) in all)")
        }
    }

    private enum Difference { case added, deleted, edited }

    /// Moves to the next stored mark, reading (and checking) the next month row when this one ends.
    private mutating func step(_ problem: (String) -> Void) throws {
        while !done {
            while next < MarkMonths.width {
                let d = next
                next += 1
                if days[d] != 0 {
                    hasMark = true
                    day = month * 100 + Int64(d + 1)
                    byte = days[d]
                    return
                }
            }
            let h = months.sqliteStatement
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE {
                done = true
                break
            }
            guard rc == SQLITE_ROW else { throw ledgerSQLiteError(rc, db) }
            if let why = unreadable(h) {
                differences += 1
                if differences <= Self.named {
                    let who =
                        sqlite3_column_type(h, 0) == SQLITE_INTEGER ? try key(sqlite3_column_int64(h, 0), schema: "main") : ledgerText(h, 0)
                    problem("mark_months row \(who) \(ledgerText(h, 1)) is unreadable (\(why)): it was changed outside the ledger")
                }
                continue
            }
            sid = sqlite3_column_int64(h, 0)
            month = sqlite3_column_int64(h, 1)
            if let p = sqlite3_column_blob(h, 2)?.assumingMemoryBound(to: UInt8.self) {
                for d in 0..<MarkMonths.width { days[d] = p[d] }
            }
            next = 0
        }
        hasMark = false
    }

    /// Why the current month row is no month of marks, nil when it is one.
    private func unreadable(_ h: OpaquePointer) -> String? {
        guard sqlite3_column_type(h, 0) == SQLITE_INTEGER, sqlite3_column_type(h, 1) == SQLITE_INTEGER else {
            return "its student id or month is not an integer"
        }
        guard sqlite3_column_type(h, 2) == SQLITE_BLOB else { return "its days are not a blob" }
        let p = sqlite3_column_blob(h, 2)?.assumingMemoryBound(to: UInt8.self)
        if let why = MarkMonths.problem(p, Int(sqlite3_column_bytes(h, 2))) { return why }
        let m = sqlite3_column_int64(h, 1)
        guard m >= 190_001, m <= 299_912, (1...12).contains(m % 100), let p else { return "month \(m) is no month" }
        for d in 0..<MarkMonths.width where p[d] != 0 {
            guard (try? CivilDate(yyyymmdd: Int32(m * 100) + Int32(d + 1))) != nil else { return "day \(d + 1) is not in month \(m)" }
        }
        return nil
    }

    /// The stored leave span and slip of the current mark (nil when its row is missing).
    private func storedLeave() throws -> (from: String, to: String, slip: String, typed: Bool)? {
        var out: (String, String, String, Bool)?
        try SweepColumns.each(
            leave, db,
            bind: { h in
                sqlite3_bind_int64(h, 1, sid)
                sqlite3_bind_int64(h, 2, day)
            }
        ) { h in
            let typed =
                sqlite3_column_type(h, 0) == SQLITE_INTEGER && sqlite3_column_type(h, 1) == SQLITE_INTEGER
                && sqlite3_column_type(h, 2) == SQLITE_TEXT
            out = (ledgerText(h, 0), ledgerText(h, 1), ledgerText(h, 2), typed)
        }
        return out
    }

    /// The stored mark equals rebuilt entry `e`: kind, span and slip.
    private func same(_ run: MarkRun, _ e: MarkRun.Entry) throws -> Bool {
        guard Int64(MarkMonths.kind(byte)) == run.kind(e) else { return false }
        let x = run.extra(e)
        let flagged = byte & MarkMonths.leaveFlag != 0
        guard flagged == (x != nil) else { return false }
        guard let x else { return true }
        guard let s = try storedLeave(), s.typed else { return false }
        return s.from == String(x.leaveFrom) && s.to == String(x.leaveTo) && s.slip == x.slip
    }

    private mutating func report(_ d: Difference, _ run: MarkRun, _ e: MarkRun.Entry?, _ problem: (String) -> Void) throws {
        differences += 1
        guard differences <= Self.named else { return }
        let what: String
        switch d {
        case .added: what = "was added outside the ledger: no event creates it"
        case .deleted: what = "was deleted outside the ledger"
        case .edited: what = "was edited outside the ledger: it differs from the state the events give (\(try changes(run, e)))"
        }
        let row: String
        if d == .deleted, let e {
            row = "\(try key(run.sid(e), schema: rebuilt)) \(run.day(e))"
        } else {
            row = "\(try key(sid, schema: "main")) \(day)"
        }
        let last = e.map { " (last event about it: #\(run.seq($0)) \(EventKind.marksRecorded.rawValue))" } ?? ""
        problem("marks row \(row) \(what)\(last)")
    }

    /// The stored mark's values against the rebuilt ones, e.g. `kind 0 in the file, 2 from the events`.
    private func changes(_ run: MarkRun, _ e: MarkRun.Entry?) throws -> String {
        guard let e else { return "" }
        let x = run.extra(e)
        let rebuilt = ["\(run.kind(e))", "\(x?.leaveFrom ?? 0)", "\(x?.leaveTo ?? 0)", KCBXError.quote(x?.slip ?? "")]
        var file = ["\(MarkMonths.kind(byte))", "0", "0", KCBXError.quote("")]
        if byte & MarkMonths.leaveFlag != 0 {
            if let s = try storedLeave() {
                file[1] = s.from
                file[2] = s.to
                file[3] = KCBXError.quote(s.slip)
            } else {
                file[1] = "(no mark_leaves row)"
                file[2] = file[1]
                file[3] = file[1]
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
