@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// One row's fields as bytes, valid during the call (CSV fields already trimmed as
/// `CSVFile.trimmed` trims; array and row forms as given).
struct MarkFieldBytes {
    var student, date, kind, leaveFrom, leaveTo, slip: UnsafeBufferPointer<UInt8>
}

/// Calls `body` with the UTF-8 bytes of six strings (the row and array forms of a marks import).
func withMarkFieldBytes<R>(
    _ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String, _ body: (MarkFieldBytes) throws -> R
) rethrows -> R {
    var (a, b, c, d, e, f) = (a, b, c, d, e, f)
    return try a.withUTF8 { a in
        try b.withUTF8 { b in
            try c.withUTF8 { c in
                try d.withUTF8 { d in
                    try e.withUTF8 { e in
                        try f.withUTF8 { f in try body(MarkFieldBytes(student: a, date: b, kind: c, leaveFrom: d, leaveTo: e, slip: f)) }
                    }
                }
            }
        }
    }
}

/// The check of one attendance batch (`importMarkStream`, phase 1), on a read snapshot without
/// the write lock: each row is checked as it comes (the same rules and words as ever:
/// docs/ledger.md), its student resolved to the integer id once per child (a map built as the
/// children are met; consecutive rows of one child compare bytes, no `String`), and the good
/// marks go into a `MarkSpool`. A day marked more than once in the batch is found in the same
/// pass (one bit a child and calendar day): the row of its last mark is kept, so the writing
/// phase writes only that one. Memory holds the batch's children and its repeated days, never
/// its rows. Nothing is written here.
final class MarkBatch {
    static let chunkSize = 5000

    private struct Child {
        var slot: Int32
        var sid: Int64
        var birth: CivilDate
    }
    private let actor: LedgerActor
    private let calendar: SchoolCalendar
    private let today: CivilDate
    let base: Int32
    /// Calendar days from `base` (the first) through the last.
    let days: Int
    private let words: Int
    private(set) var rows = 0
    private(set) var problems: [LedgerRowProblem] = []
    private(set) var outside: [(row: Int, key: String)] = []
    /// Children met so far: resident IDs (17 digits and a digit or `X`) packed into one integer
    /// (no `String` kept per child), other keys and keys on no roster by text (nil).
    private var byID: [UInt64: Int32] = [:]
    private var byText: [String: Child?] = [:]
    /// Each slot's student id and birth day number.
    private(set) var sids: [Int64] = []
    private var births: [Int32] = []
    /// One bit a child and calendar day: seen (while checking), then marked more than once.
    private(set) var seen: [UInt64] = []
    /// Days marked more than once: the row of the last mark.
    private(set) var lastRow: [Int64: Int] = [:]
    let spool = MarkSpool()
    /// A school day's offset + 1 by `YYYYMMDD − ymdBase` (0: not a school day or not a date).
    private var schoolDay: [Int32] = []
    private let ymdBase: Int32
    private let student: Statement
    private let db: Database

    init(ledger: Ledger, db: Database, calendar: SchoolCalendar, today: CivilDate) throws {
        actor = ledger.actor
        self.db = db
        self.calendar = calendar
        self.today = today
        base = calendar.firstDay.dayNumber
        days = Int(calendar.lastDay.dayNumber - base) + 1
        words = (days + 63) / 64
        ymdBase = calendar.firstDay.yyyymmdd
        let span = Int(calendar.lastDay.yyyymmdd - ymdBase) + 1
        if span <= 4_000_000 {
            schoolDay = [Int32](repeating: 0, count: span)
            for k in 0..<days {
                let d = CivilDate(dayNumber: base + Int32(k))
                if calendar.isSchoolDay(d) { schoolDay[Int(d.yyyymmdd - ymdBase)] = Int32(k) + 1 }
            }
        }
        student = try db.makeStatement(sql: "SELECT id, birth_date, school_id, township_code FROM students WHERE key = ?")
    }

    /// Checks one row and, while the batch has no problem, spools it.
    func check(row n: Int, _ f: MarkFieldBytes) throws {
        rows += 1
        // The common row: the previous row's child, a school day (YYYY-MM-DD, or YYYYMMDD as the
        // column forms give it) in the past after the
        // child's birth, a kind code or label, no span or slip: checked on its bytes.
        if let c = lastChild, f.leaveFrom.isEmpty, f.leaveTo.isEmpty, f.slip.isEmpty, f.student.elementsEqual(lastKeyBytes),
            let offset = fastDay(f.date), let kind = fastKind(f.kind), base + offset <= today.dayNumber,
            base + offset >= c.birth.dayNumber
        {
            if problems.isEmpty { try keep(c, offset: offset, kind: kind, lf: 0, lt: 0, slip: "", row: n) }
            return
        }
        let s = { (b: UnsafeBufferPointer<UInt8>) in String(decoding: b, as: UTF8.self) }
        try checkSlow(
            row: n, student: s(f.student), date: s(f.date), kind: s(f.kind), leaveFrom: s(f.leaveFrom), leaveTo: s(f.leaveTo),
            slip: s(f.slip), keyBytes: f.student)
    }

    /// A school day's offset from its bytes, YYYY-MM-DD or YYYYMMDD (the column forms' text).
    private func fastDay(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !schoolDay.isEmpty else { return nil }
        var v: Int32 = 0
        if b.count == 10, b[4] == 45, b[7] == 45 {
            for i in 0..<10 where i != 4 && i != 7 {
                let c = b[i] &- 48
                guard c <= 9 else { return nil }
                v = v * 10 + Int32(c)
            }
        } else if b.count == 8 {
            for c in b {
                let d = c &- 48
                guard d <= 9 else { return nil }
                v = v * 10 + Int32(d)
            }
        } else {
            return nil
        }
        let k = Int(v - ymdBase)
        guard k >= 0, k < schoolDay.count, schoolDay[k] > 0 else { return nil }
        return schoolDay[k] - 1
    }

    private func fastKind(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        if b.count == 1, b[0] >= 48, b[0] <= 52 { return b[0] - 48 }
        if b.elementsEqual("present".utf8) { return MarkKind.present.rawValue }
        if b.elementsEqual("unexcused".utf8) { return MarkKind.unexcused.rawValue }
        return nil
    }

    /// Every rule, on strings (the first row of each child, and any row off the common path).
    private func checkSlow(
        row n: Int, student rawKey: String, date rawDate: String, kind rawKind: String,
        leaveFrom: String, leaveTo: String, slip rawSlip: String, keyBytes: UnsafeBufferPointer<UInt8>
    ) throws {
        func bad(_ f: String, _ rule: String) { problems.append(LedgerRowProblem(row: n, field: f, rule: rule)) }
        let key = rawKey.ledgerTrimmed
        let child = try lookup(key, row: n)
        if let child {
            lastKeyBytes.removeAll(keepingCapacity: true)
            lastKeyBytes.append(contentsOf: keyBytes)
            lastChild = child
        } else {
            bad("student", "'\(IDMask.key(key))' is not on the roster of \(actor.level.rawValue) \(actor.unitCode)")
        }
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
        try keep(
            c, offset: date.dayNumber - base, kind: kind.rawValue, lf: lf, lt: lt, slip: kind == .approvedLeave ? slip : "", row: n)
    }

    /// Spools a good mark and notes a day marked before in this batch.
    private func keep(_ c: Child, offset: Int32, kind: UInt8, lf: Int32, lt: Int32, slip: String, row n: Int) throws {
        let bit = Int(c.slot) * words + Int(offset) / 64
        let mask = UInt64(1) << UInt64(offset % 64)
        if seen[bit] & mask != 0 { lastRow[Int64(c.slot) << 32 | Int64(offset)] = n }
        seen[bit] |= mask
        try spool.append(slot: c.slot, offset: offset, kind: kind, leaveFrom: lf, leaveTo: lt, slip: slip, row: n)
    }

    /// Ends the check: the spool is readable, `seen` now marks the days marked more than once,
    /// and the key maps are freed.
    func finish() throws {
        try spool.finish()
        for i in seen.indices { seen[i] = 0 }
        for k in lastRow.keys {
            let offset = Int(k & 0xFFFF_FFFF)
            seen[Int(k >> 32) * words + offset / 64] |= UInt64(1) << UInt64(offset % 64)
        }
        byID = [:]
        byText = [:]
        births = []
    }

    /// Whether (slot, offset) is a day marked more than once (after `finish`).
    func repeated(slot: Int32, offset: Int32) -> Bool {
        seen[Int(slot) * words + Int(offset) / 64] & (UInt64(1) << UInt64(offset % 64)) != 0
    }

    // MARK: students, through a prepared statement with bound arguments

    private var lastKeyBytes: [UInt8] = [], lastChild: Child? = nil

    /// A resident ID's exact text as one integer (17 digits × 11 + check, `X` = 10), else nil.
    private static func pack(_ key: String) -> UInt64? {
        var key = key
        return key.withUTF8 { b -> UInt64? in
            guard b.count == 18 else { return nil }
            var v: UInt64 = 0
            for i in 0..<17 {
                let d = b[i] &- 48
                guard d <= 9 else { return nil }
                v = v &* 10 &+ UInt64(d)
            }
            let c = b[17]
            if c >= 48 && c <= 57 { return v &* 11 &+ UInt64(c - 48) }
            return c == 88 ? v &* 11 &+ 10 : nil
        }
    }

    private func lookup(_ key: String, row n: Int) throws -> Child? {
        let packed = Self.pack(key)
        if let packed, let slot = byID[packed] {
            return Child(slot: slot, sid: sids[Int(slot)], birth: CivilDate(dayNumber: births[Int(slot)]))
        }
        if let known = byText[key] { return known }
        let h = student.sqliteStatement
        defer { sqlite3_reset(h) }
        bind(h, 1, key)
        var child: Child? = nil
        let rc = sqlite3_step(h)
        if rc == SQLITE_ROW {
            let birth = (try? CivilDate(iso: text(h, 1))) ?? CivilDate(dayNumber: 0)
            if actor.covers(schoolID: text(h, 2), townshipCode: text(h, 3)) {
                child = Child(slot: Int32(sids.count), sid: sqlite3_column_int64(h, 0), birth: birth)
                sids.append(sqlite3_column_int64(h, 0))
                births.append(birth.dayNumber)
                seen.append(contentsOf: repeatElement(0, count: words))
            } else {
                outside.append((n, key))
            }
        } else if rc != SQLITE_DONE {
            throw ledgerSQLiteError(rc, db)
        }
        // A child outside the jurisdiction is remembered as unknown, and named once a row.
        if let child, let packed {
            byID[packed] = child.slot
        } else if child != nil || rc != SQLITE_ROW {
            byText[key] = .some(child)
        }
        return child
    }
}

/// The error of a failed raw step, with SQLite's message.
func ledgerSQLiteError(_ rc: Int32, _ db: Database) -> DatabaseError {
    DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
}

/// SQLITE_TRANSIENT: SQLite copies what is bound.
let ledgerTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Binds `s` as text (SQLite copies it).
func ledgerBind(_ h: OpaquePointer, _ i: Int32, _ s: String) {
    var s = s
    s.withUTF8 { b in
        if let p = b.baseAddress, b.count > 0 {
            _ = p.withMemoryRebound(to: CChar.self, capacity: b.count) { sqlite3_bind_text(h, i, $0, Int32(b.count), ledgerTransient) }
        } else {
            _ = sqlite3_bind_text(h, i, "", 0, ledgerTransient)
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
