@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// One attendance batch streamed into the open write transaction (`importMarkStream`) in two
/// passes over the rows. The first (`scan`) only finds the days marked more than once and the
/// row of each one's last mark. The second (`add`) checks each row as it comes and writes it
/// with one prepared upsert that tells whether it changed anything (a day marked several times:
/// only its last mark, so the batch means what its later rows say and a re-import changes
/// nothing); the changed marks go into `marks.recorded` events of up to 5,000 marks as they
/// accumulate. Memory holds the batch's children (a small record and a bitmap of the
/// calendar's days each) and its repeated days, never its rows. After the first bad row
/// nothing more is written; the caller rolls the transaction back.
final class MarkBatch {
    static let chunkSize = 5000

    private struct Child {
        var slot: Int32
        var sid: Int64
        var birth: CivilDate
    }
    private let actor: LedgerActor
    private let db: Database
    private let calendar: SchoolCalendar
    private let today: CivilDate
    private let base: Int32, days: Int, words: Int
    private var result = LedgerMarkImportResult()
    private(set) var problems: [LedgerRowProblem] = []
    private(set) var outside: [(row: Int, key: String)] = []
    /// Children met so far by key (nil slot: on no roster, or outside the jurisdiction).
    private var children: [String: Child?] = [:]
    private var slots = 0
    /// One bit a child and calendar day: seen in the first pass.
    private var seen: [UInt64] = []
    /// Days marked more than once: the row of the last mark (first pass), and the previous mark
    /// met in the second pass (to name conflicts).
    private var lastRow: [Int64: Int] = [:]
    private var previous: [Int64: (row: Int, mark: PackedMark)] = [:]
    private var chunk: [PackedMark] = []
    private let student: Statement, upsert: Statement

    init(ledger: Ledger, db: Database, calendar: SchoolCalendar, today: CivilDate) throws {
        actor = ledger.actor
        self.db = db
        self.calendar = calendar
        self.today = today
        base = calendar.firstDay.dayNumber
        days = Int(calendar.lastDay.dayNumber - base) + 1
        words = (days + 63) / 64
        student = try db.makeStatement(sql: "SELECT id, birth_date, school_id, township_code FROM students WHERE key = ?")
        upsert = try db.makeStatement(
            sql: """
                INSERT INTO marks (sid, day, kind, leave_from, leave_to, slip) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sid, day) DO UPDATE SET kind = excluded.kind, leave_from = excluded.leave_from,
                    leave_to = excluded.leave_to, slip = excluded.slip
                WHERE kind IS NOT excluded.kind OR leave_from IS NOT excluded.leave_from
                   OR leave_to IS NOT excluded.leave_to OR slip IS NOT excluded.slip
                """)
        chunk.reserveCapacity(Self.chunkSize)
    }

    /// First pass: notes the days marked more than once (rows that do not parse are left to `add`).
    func scan(row n: Int, student rawKey: String, date rawDate: String) throws {
        guard let c = try lookup(rawKey.ledgerTrimmed, row: n, recordOutside: false), let date = ledgerParseDate(rawDate),
            date.dayNumber >= base, Int(date.dayNumber - base) < days
        else { return }
        let offset = Int(date.dayNumber - base)
        let bit = Int(c.slot) * words + offset / 64
        let mask = UInt64(1) << UInt64(offset % 64)
        if seen[bit] & mask != 0 { lastRow[Int64(c.slot) << 32 | Int64(offset)] = n }
        seen[bit] |= mask
    }

    /// Checks one row (the same rules and words as ever: docs/ledger.md) and, while the batch
    /// has no problem, writes it.
    func add(
        row n: Int, student rawKey: String, date rawDate: String, kind rawKind: String,
        leaveFrom: String, leaveTo: String, slip rawSlip: String, _ w: inout EventWriter
    ) throws {
        func bad(_ f: String, _ rule: String) { problems.append(LedgerRowProblem(row: n, field: f, rule: rule)) }
        result.rows += 1
        let key = rawKey.ledgerTrimmed
        let child = try lookup(key, row: n)
        if child == nil { bad("student", "'\(IDMask.key(key))' is not on the roster of \(actor.level.rawValue) \(actor.unitCode)") }
        guard let date = ledgerParseDate(rawDate) else {
            bad("date", "'\(rawDate)' is not a date YYYY-MM-DD")
            return
        }
        if date > today { bad("date", "\(date) is in the future (today is \(today))") }
        if let c = child, date < c.birth { bad("date", "\(date) is before the child's birth on \(c.birth)") }
        if !calendar.isSchoolDay(date), let why = calendar.whyNotSchoolDay(date) { bad("date", "\(date) is not a school day: \(why)") }
        guard let kind = ledgerParseMarkKind(rawKind) else {
            bad("kind", "'\(rawKind)' is not a mark kind (0 present, 1 approved_leave, 2 unexcused, 3 late, 4 left_early)")
            return
        }
        var lf: Int32 = 0
        var lt: Int32 = 0
        let slip = rawSlip.ledgerTrimmed
        if kind == .approvedLeave {
            if !leaveFrom.ledgerTrimmed.isEmpty || !leaveTo.ledgerTrimmed.isEmpty {
                let from = ledgerParseDate(leaveFrom.ledgerTrimmed.isEmpty ? rawDate : leaveFrom)
                let to = ledgerParseDate(leaveTo.ledgerTrimmed.isEmpty ? rawDate : leaveTo)
                if let from, let to, from <= date, date <= to, calendar.contains(from), calendar.contains(to) {
                    lf = from.yyyymmdd
                    lt = to.yyyymmdd
                } else {
                    bad("leave_from", "the leave span must be dates YYYY-MM-DD inside the calendar that contain \(date)")
                }
            }
            if slip.count > 100 { bad("slip", "must be at most 100 characters") }
        } else if !leaveFrom.ledgerTrimmed.isEmpty || !leaveTo.ledgerTrimmed.isEmpty || !slip.isEmpty {
            bad("leave_from", "a leave span or slip is only for approved_leave marks")
        }
        guard problems.isEmpty, let c = child else { return }
        let mark = PackedMark(
            sid: c.sid, day: date.yyyymmdd, kind: kind.rawValue, leaveFrom: lf, leaveTo: lt, slip: kind == .approvedLeave ? slip : "")
        let k = Int64(c.slot) << 32 | Int64(date.dayNumber - base)
        if let last = lastRow[k] {
            if let p = previous[k], p.mark != mark {
                let was = MarkKind(rawValue: p.mark.kind).map { "\($0)" } ?? String(p.mark.kind)
                result.conflicts.append(
                    LedgerRowProblem(
                        row: n, field: "kind",
                        rule: "\(IDMask.key(key)) on \(date): replaces row \(p.row) (\(was) → \(kind)); the later mark wins"))
            }
            previous[k] = (n, mark)
            guard n == last else { return }  // a later row of this batch gives the day's mark
        }
        guard try write(mark) else {
            result.unchanged += 1
            return
        }
        result.changed += 1
        chunk.append(mark)
        if chunk.count == Self.chunkSize { try flush(&w) }
    }

    /// Appends the changed marks gathered so far as one event (already applied to `marks`).
    func flush(_ w: inout EventWriter) throws {
        guard !chunk.isEmpty else { return }
        try w.append(
            db, .marksRecorded, text: PackedMarks.encode(chunk),
            reason: "attendance: \(chunk.count) mark\(chunk.count == 1 ? "" : "s")", applied: true)
        chunk.removeAll(keepingCapacity: true)
    }

    func finish() -> LedgerMarkImportResult { result }

    // MARK: SQLite, through prepared statements with bound arguments

    private var lastKey = "", lastChild: Child? = nil

    private func lookup(_ key: String, row n: Int, recordOutside: Bool = true) throws -> Child? {
        // Files come child by child: the previous row's child first, without hashing.
        if let c = lastChild, key == lastKey { return c }
        let c = try lookupNew(key, row: n, recordOutside: recordOutside)
        if c != nil {
            lastKey = key
            lastChild = c
        }
        return c
    }

    private func lookupNew(_ key: String, row n: Int, recordOutside: Bool) throws -> Child? {
        if let known = children[key] { return known }
        let h = student.sqliteStatement
        defer { sqlite3_reset(h) }
        bind(h, 1, key)
        var child: Child? = nil
        let rc = sqlite3_step(h)
        if rc == SQLITE_ROW {
            let birth = (try? CivilDate(iso: text(h, 1))) ?? CivilDate(dayNumber: 0)
            if actor.covers(schoolID: text(h, 2), townshipCode: text(h, 3)) {
                child = Child(slot: Int32(slots), sid: sqlite3_column_int64(h, 0), birth: birth)
                slots += 1
                seen.append(contentsOf: repeatElement(0, count: words))
            } else if recordOutside {
                outside.append((n, key))
            }
        } else if rc != SQLITE_DONE {
            throw failure(rc)
        }
        // A child outside the jurisdiction is remembered as unknown, and named once a row.
        if child != nil || rc != SQLITE_ROW { children[key] = .some(child) }
        return child
    }

    /// Writes `m`; true when it added or changed a mark.
    private func write(_ m: PackedMark) throws -> Bool {
        let h = upsert.sqliteStatement
        defer { sqlite3_reset(h) }
        sqlite3_bind_int64(h, 1, m.sid)
        sqlite3_bind_int64(h, 2, Int64(m.day))
        sqlite3_bind_int64(h, 3, Int64(m.kind))
        sqlite3_bind_int64(h, 4, Int64(m.leaveFrom))
        sqlite3_bind_int64(h, 5, Int64(m.leaveTo))
        bind(h, 6, m.slip)
        let rc = sqlite3_step(h)
        guard rc == SQLITE_DONE else { throw failure(rc) }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    private func failure(_ rc: Int32) -> DatabaseError { ledgerSQLiteError(rc, db) }
}

/// The error of a failed raw step, with SQLite's message.
func ledgerSQLiteError(_ rc: Int32, _ db: Database) -> DatabaseError {
    DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
}

private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Binds `s` as text (SQLite copies it).
func ledgerBind(_ h: OpaquePointer, _ i: Int32, _ s: String) {
    var s = s
    s.withUTF8 { b in
        if let p = b.baseAddress, b.count > 0 {
            _ = p.withMemoryRebound(to: CChar.self, capacity: b.count) { sqlite3_bind_text(h, i, $0, Int32(b.count), sqliteTransient) }
        } else {
            _ = sqlite3_bind_text(h, i, "", 0, sqliteTransient)
        }
    }
}

private func bind(_ h: OpaquePointer, _ i: Int32, _ s: String) { ledgerBind(h, i, s) }

/// Column `i` of the current row as text ("" for NULL).
func ledgerText(_ h: OpaquePointer, _ i: Int32) -> String {
    guard let p = sqlite3_column_text(h, i) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, i))), as: UTF8.self)
}

private func text(_ h: OpaquePointer, _ i: Int32) -> String { ledgerText(h, i) }
