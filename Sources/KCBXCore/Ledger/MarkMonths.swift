@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// The attendance projection of file format v4 (docs/ledger.md, "File format v4"): one
/// `mark_months` row a child and calendar month holding a 31-byte blob `days`, byte `d − 1` for
/// day `d`:
///
/// - `0`: no mark that day;
/// - `1 + kind` (the MarkKind code) in bits 0–6;
/// - `0x80` when the mark carries a leave span or a slip, kept in the `mark_leaves` row of the
///   child and day (rare: approved leave with a slip).
///
/// A month of a child's marks is one row of about 40 bytes, so an import writes one row a child
/// and month, and the set-based reads step one row a child and month, not one a mark.
enum MarkMonths {
    static let width = 31
    static let leaveFlag: UInt8 = 0x80
    /// The largest kind a byte holds (bits 0–6 are `1 + kind`).
    static let maxKind: UInt8 = 126

    /// The day's byte for a mark of `kind` (`leave`: a span or slip in `mark_leaves`).
    @inline(__always)
    static func byte(kind: UInt8, leave: Bool) -> UInt8 {
        (kind &+ 1) | (leave ? leaveFlag : 0)
    }

    /// The MarkKind code in a nonzero day byte.
    @inline(__always)
    static func kind(_ byte: UInt8) -> UInt8 { (byte & 0x7F) &- 1 }

    /// `YYYYMM` of a `YYYYMMDD` day.
    @inline(__always)
    static func month(_ day: Int32) -> Int32 { day / 100 }

    /// The first problem with a stored `days` value of `n` bytes at `p`, nil when it is a month of
    /// marks (31 bytes, each 0 or `1 + kind` with or without the leave flag).
    static func problem(_ p: UnsafePointer<UInt8>?, _ n: Int) -> String? {
        guard n == width, let p else { return "\(n) bytes, not \(width)" }
        for i in 0..<width where p[i] == leaveFlag {
            return "day \(i + 1) has the leave flag without a mark"
        }
        return nil
    }

    /// Whether the mark carries what `mark_leaves` keeps.
    @inline(__always)
    static func hasLeave(_ m: PackedMark) -> Bool { m.leaveFrom != 0 || m.leaveTo != 0 || !m.slip.isEmpty }

    /// Calls `body` with the marks from `from` through `through` (YYYYMMDD) of the students with
    /// ids `low` through `high` in `schema`, by id and day: one range scan of `mark_months` (and
    /// of `mark_leaves` for the marks with a leave span or slip). `slips` reads each slip's text
    /// (else "" is passed). The one reader of the stored marks for the ledger's reads.
    static func scan(
        _ db: Database, schema: String = "main", ids low: Int64, _ high: Int64, from: Int32, through: Int32, slips: Bool,
        _ body: (_ sid: Int64, _ day: Int32, _ kind: UInt8, _ leaveFrom: Int32, _ leaveTo: Int32, _ slip: String) throws -> Void
    ) throws {
        let single = low == high
        let monthsSQL =
            single
            ? "SELECT sid, month, days FROM \(schema).mark_months WHERE sid = ?1 AND month BETWEEN ?3 AND ?4 ORDER BY month"
            : "SELECT sid, month, days FROM \(schema).mark_months WHERE sid BETWEEN ?1 AND ?2 AND month BETWEEN ?3 AND ?4 ORDER BY sid, month"
        let leavesSQL =
            single
            ? "SELECT sid, day, leave_from, leave_to, \(slips ? "slip" : "''") FROM \(schema).mark_leaves WHERE sid = ?1 AND day BETWEEN ?3 AND ?4 ORDER BY day"
            : "SELECT sid, day, leave_from, leave_to, \(slips ? "slip" : "''") FROM \(schema).mark_leaves WHERE sid BETWEEN ?1 AND ?2 AND day BETWEEN ?3 AND ?4 ORDER BY sid, day"
        func bind(_ h: OpaquePointer, _ a: Int64, _ b: Int64) {
            sqlite3_bind_int64(h, 1, low)
            sqlite3_bind_int64(h, 2, high)
            sqlite3_bind_int64(h, 3, a)
            sqlite3_bind_int64(h, 4, b)
        }
        // The few marks with a span or slip, in (id, day) order, merged in below.
        var leaves: [(sid: Int64, day: Int32, from: Int32, to: Int32, slip: String)] = []
        try SweepColumns.each(db.cachedStatement(sql: leavesSQL), db, bind: { bind($0, Int64(from), Int64(through)) }) { h in
            leaves.append(
                (
                    sqlite3_column_int64(h, 0), sqlite3_column_int(h, 1), sqlite3_column_int(h, 2), sqlite3_column_int(h, 3),
                    slips ? ledgerText(h, 4) : ""
                ))
        }
        var l = 0
        try SweepColumns.each(
            db.cachedStatement(sql: monthsSQL), db, bind: { bind($0, Int64(month(from)), Int64(month(through))) }
        ) { h in
            let sid = sqlite3_column_int64(h, 0)
            // The query keeps months between those of `from` and `through`; a stored value of
            // another type read as one is checked again here, so the day arithmetic cannot overflow.
            let m = sqlite3_column_int(h, 1)
            guard m >= month(from), m <= month(through) else { return }
            let n = Int(sqlite3_column_bytes(h, 2))
            let p = sqlite3_column_blob(h, 2)?.assumingMemoryBound(to: UInt8.self)
            if let why = problem(p, n) {
                throw KCBXError.integrity("the stored marks of student id \(sid) for month \(m) are unreadable (\(why)); run verify")
            }
            guard let p else { return }
            let first = max(1, from - m * 100)
            let last = min(Int32(width), through - m * 100)
            guard first <= last else { return }
            for d in first...last {
                let b = p[Int(d - 1)]
                if b == 0 { continue }
                let day = m * 100 + d
                if b & leaveFlag == 0 {
                    try body(sid, day, kind(b), 0, 0, "")
                    continue
                }
                while l < leaves.count && (leaves[l].sid < sid || (leaves[l].sid == sid && leaves[l].day < day)) { l += 1 }
                if l < leaves.count && leaves[l].sid == sid && leaves[l].day == day {
                    try body(sid, day, kind(b), leaves[l].from, leaves[l].to, leaves[l].slip)
                } else {
                    try body(sid, day, kind(b), 0, 0, "")
                }
            }
        }
    }
}

/// Records marks into `mark_months` / `mark_leaves` of `schema` (the one writer of the stored
/// marks: the attendance import, the projector, migration `v4`). The months a mark touches are
/// read once and kept here until `flush` writes those that changed, in key order; `apply` says
/// whether the mark changed the child's stored mark for its day.
final class MarkMonthsWriter {
    private let schema: String
    /// Months held before `apply` flushes on its own (about 12 MB).
    private let limit: Int
    private var slot: [Int64: Int] = [:]
    private var keys: [Int64] = []
    private var days: [UInt8] = []
    private var dirty: [Bool] = []
    private var lastKey: Int64 = -1
    private var lastSlot = 0

    init(schema: String = "main", limit: Int = 262_144) {
        self.schema = schema
        self.limit = max(1, limit)
    }

    private static func key(_ sid: Int64, _ month: Int32) -> Int64 { sid << 20 | Int64(month - 190_000) }

    /// Applies `m` (a later mark for the same child and day replaces an earlier one); true when
    /// the stored mark of the child's day changed.
    func apply(_ m: PackedMark, _ db: Database) throws -> Bool {
        guard m.sid >= 1, m.sid < 1 << 42, m.kind <= MarkMonths.maxKind, m.day >= 19_000_101, m.day <= 29_991_231 else {
            throw KCBXError.integrity("a mark of student id \(m.sid) on \(m.day) (kind \(m.kind)) is outside what the ledger stores")
        }
        let month = MarkMonths.month(m.day)
        let k = Self.key(m.sid, month)
        let s: Int
        if k == lastKey {
            s = lastSlot
        } else if let found = slot[k] {
            s = found
        } else {
            if keys.count >= limit { try flush(db) }
            s = try load(m.sid, month, k, db)
        }
        lastKey = k
        lastSlot = s
        let i = s * MarkMonths.width + Int(m.day % 100) - 1
        let old = days[i]
        let leave = MarkMonths.hasLeave(m)
        let new = MarkMonths.byte(kind: m.kind, leave: leave)
        if old & MarkMonths.leaveFlag == 0 && !leave {
            guard old != new else { return false }
        } else if try !leaveChanged(old: old, new: new, m, db) {
            return false
        }
        days[i] = new
        dirty[s] = true
        return true
    }

    /// With a leave span or slip on either side: compares with the stored `mark_leaves` row and
    /// writes or deletes it when the mark changed.
    private func leaveChanged(old: UInt8, new: UInt8, _ m: PackedMark, _ db: Database) throws -> Bool {
        if old == new {
            let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT leave_from, leave_to, slip FROM \(schema).mark_leaves WHERE sid = ? AND day = ?"),
                arguments: [m.sid, m.day])
            if let stored, stored[0] as Int32? == m.leaveFrom, stored[1] as Int32? == m.leaveTo, stored[2] as String? == m.slip {
                return false
            }
        }
        if new & MarkMonths.leaveFlag != 0 {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO \(schema).mark_leaves (sid, day, leave_from, leave_to, slip) VALUES (?, ?, ?, ?, ?)"
            )
            .execute(arguments: [m.sid, m.day, m.leaveFrom, m.leaveTo, m.slip])
        } else {
            try db.cachedStatement(sql: "DELETE FROM \(schema).mark_leaves WHERE sid = ? AND day = ?").execute(arguments: [m.sid, m.day])
        }
        return true
    }

    /// Reads the stored month (or none) into a new slot.
    private func load(_ sid: Int64, _ month: Int32, _ k: Int64, _ db: Database) throws -> Int {
        let s = keys.count
        keys.append(k)
        dirty.append(false)
        let base = days.count
        days.append(contentsOf: repeatElement(0, count: MarkMonths.width))
        let select = try db.cachedStatement(sql: "SELECT days FROM \(schema).mark_months WHERE sid = ? AND month = ?")
        try SweepColumns.each(
            select, db,
            bind: { h in
                sqlite3_bind_int64(h, 1, sid)
                sqlite3_bind_int64(h, 2, Int64(month))
            }
        ) { h in
            let n = Int(sqlite3_column_bytes(h, 0))
            let p = sqlite3_column_blob(h, 0)?.assumingMemoryBound(to: UInt8.self)
            if let why = MarkMonths.problem(p, n) {
                throw KCBXError.integrity(
                    "the stored marks of student id \(sid) for month \(month) are unreadable (\(why)); run verify, nothing was recorded")
            }
            guard let p else { return }
            for d in 0..<MarkMonths.width { days[base + d] = p[d] }
        }
        slot[k] = s
        return s
    }

    /// Writes the months that changed, in key order, and forgets every month held.
    func flush(_ db: Database) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO \(schema).mark_months (sid, month, days) VALUES (?, ?, ?)
                ON CONFLICT (sid, month) DO UPDATE SET days = excluded.days
                """
        ).sqliteStatement
        let order = keys.indices.filter { dirty[$0] }.sorted { keys[$0] < keys[$1] }
        try days.withUnsafeBufferPointer { all in
            for s in order {
                sqlite3_bind_int64(upsert, 1, keys[s] >> 20)
                sqlite3_bind_int64(upsert, 2, keys[s] & 0xFFFFF + 190_000)
                sqlite3_bind_blob(upsert, 3, all.baseAddress.map { $0 + s * MarkMonths.width }, Int32(MarkMonths.width), ledgerTransient)
                let rc = sqlite3_step(upsert)
                sqlite3_reset(upsert)
                guard rc == SQLITE_DONE else { throw ledgerSQLiteError(rc, db) }
            }
        }
        slot.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        days.removeAll(keepingCapacity: true)
        dirty.removeAll(keepingCapacity: true)
        lastKey = -1
    }
}
