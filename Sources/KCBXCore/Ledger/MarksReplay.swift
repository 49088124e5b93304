@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// verify's rebuild of the `marks` projection without a database (docs/ledger.md, Verification):
/// the attendance events' marks become 16-byte entries (student id and day as one sort key, the
/// replay order and the kind beside it), sorted, the last mark of each child and day kept (the
/// replay's rule), and compared with the stored table in one ordered scan (`MarksComparison`).
///
/// Memory is bounded by `budget` marks: while the ledger holds no more, the marks collected
/// during the chain pass are the whole rebuild; beyond it the rebuild runs by ranges of student
/// ids of at most `budget` marks each (from a count of marks per id, 4 bytes a student; one id
/// with more marks is a range of its own), re-reading only the attendance events whose ids meet
/// the range.
struct MarksReplay {
    /// 2,000,000 marks: 32 MB of entries (and the sort's scratch); a 50,000-child county's term
    /// (1.6 M marks) is one range.
    static let defaultBudget = 2_000_000
    let budget: Int
    private(set) var total = 0
    private var collecting = true
    private var run = MarkRun()
    /// Each attendance event's seq and the range of ids it names (for the ranged rebuild).
    private var events: [(seq: Int64, low: Int64, high: Int64)] = []
    /// Marks per student id (saturating).
    private var perID: [UInt32] = []

    init(budget: Int) {
        self.budget = max(1, min(budget, MarkRun.maxMarks))
    }

    /// Replays one attendance event (in the chain's order); `students` is the schema the ids
    /// and keys are resolved in (the rebuilt roster as of this event).
    mutating func add(seq: Int64, payload: String, students: String, _ db: Database) throws {
        var low = Int64.max
        var high = Int64.min
        if collecting { run.begin(seq: seq) }
        try AttendanceReplay.forEachMark(payload: payload, seq: seq, students: students, db) { m in
            guard m.sid >= 1, m.sid < MarkRun.sidLimit else {
                throw KCBXError.integrity("event #\(seq) names student id \(m.sid), which no earlier event created")
            }
            low = min(low, m.sid)
            high = max(high, m.sid)
            let id = Int(m.sid)
            if id >= perID.count { perID.append(contentsOf: repeatElement(0, count: id + 1 - perID.count)) }
            if perID[id] < UInt32.max { perID[id] += 1 }
            total += 1
            if collecting && total > budget {
                collecting = false
                run = MarkRun()
            }
            if collecting { try run.append(m) }
        }
        if low <= high { events.append((seq, low, high)) }
    }

    /// Compares the rebuilt marks with the stored ones (`MarksComparison`); problems go to `problem`.
    mutating func compare(_ db: Database, rebuilt: String, _ problem: (String) -> Void) throws {
        var comparison = try MarksComparison(db, rebuilt: rebuilt)
        if collecting {
            run.finish()
            try comparison.compare(run, through: Int64.max, problem)
            run = MarkRun()
        } else {
            let payloads = try db.makeStatement(sql: "SELECT payload FROM main.events WHERE seq = ?")
            for (low, high) in ranges() {
                var part = MarkRun()
                for e in events where e.low <= high && e.high >= low {
                    guard let payload = try String.fetchOne(payloads, arguments: [e.seq]) else {
                        throw KCBXError.integrity("event #\(e.seq) disappeared while it was verified")
                    }
                    part.begin(seq: e.seq)
                    try AttendanceReplay.forEachMark(payload: payload, seq: e.seq, students: rebuilt, db) { m in
                        if m.sid >= low && m.sid <= high { try part.append(m) }
                    }
                }
                part.finish()
                try comparison.compare(part, through: high == lastID ? Int64.max : high, problem)
            }
        }
        try comparison.finish(problem)
    }

    private var lastID: Int64 { Int64(perID.count) - 1 }

    /// Ranges of student ids holding at most `budget` marks each (or one id), covering every id.
    private func ranges() -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        var start = 0
        var count = 0
        for (id, n) in perID.enumerated() {
            if count > 0 && count + Int(n) > budget {
                out.append((Int64(start), Int64(id) - 1))
                start = id
                count = 0
            }
            count += Int(n)
        }
        out.append((Int64(start), lastID))
        return out
    }
}

/// Rebuilt marks of one range of ids: `entries` in replay order until `finish()`, then sorted by
/// (id, day) with one entry a child and day (the last recorded).
struct MarkRun {
    /// `key`: id (high 32 bits) and day (YYYYMMDD, sign bit flipped so the order is kept);
    /// `aux`: the replay order (high 32 bits) and the value: kind (bits 0–7), 0x100 when the
    /// span and slip are in `extras` at the index in bits 9–31.
    struct Entry {
        var key: UInt64
        var aux: UInt64
    }

    static let sidLimit: Int64 = 1 << 32
    /// At most this many marks in one run (the replay order and the extras index must fit).
    static let maxMarks = 1 << 23

    private(set) var entries: [Entry] = []
    /// Marks with a leave span or a slip.
    private(set) var extras: [PackedMark] = []
    /// The first entry of each event, with the event's seq (in replay order).
    private var starts: [(entry: Int, seq: Int64)] = []

    static func key(sid: Int64, day: Int32) -> UInt64 {
        UInt64(truncatingIfNeeded: sid) << 32 | UInt64(UInt32(bitPattern: day) ^ 0x8000_0000)
    }

    mutating func begin(seq: Int64) { starts.append((entries.count, seq)) }

    mutating func append(_ m: PackedMark) throws {
        guard entries.count < Self.maxMarks else {
            throw KCBXError.integrity(
                "student id \(m.sid) has more than \(Self.maxMarks) marks recorded: the ledger cannot be verified in bounded memory")
        }
        var value = UInt64(m.kind)
        if m.leaveFrom != 0 || m.leaveTo != 0 || !m.slip.isEmpty {
            value |= 0x100 | UInt64(extras.count) << 9
            extras.append(m)
        }
        entries.append(Entry(key: Self.key(sid: m.sid, day: m.day), aux: UInt64(entries.count) << 32 | value))
    }

    /// Sorts by (id, day, replay order) and keeps the last entry of each id and day.
    mutating func finish() {
        var sorted = true
        for i in entries.indices.dropFirst() where entries[i - 1].key >= entries[i].key {
            sorted = false
            break
        }
        guard !sorted else { return }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.aux < $1.aux }
        var w = 0
        for r in entries.indices {
            if r + 1 < entries.count && entries[r + 1].key == entries[r].key { continue }
            entries[w] = entries[r]
            w += 1
        }
        entries.removeLast(entries.count - w)
    }

    func sid(_ e: Entry) -> Int64 { Int64(e.key >> 32) }
    func day(_ e: Entry) -> Int64 { Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: e.key) ^ 0x8000_0000)) }
    func kind(_ e: Entry) -> Int64 { Int64(e.aux & 0xFF) }
    /// The leave span and slip of `e` (0, 0, "" when it has none).
    func extra(_ e: Entry) -> PackedMark? { e.aux & 0x100 == 0 ? nil : extras[Int(truncatingIfNeeded: (e.aux & 0xFFFF_FFFF) >> 9)] }

    /// The seq of the event that recorded `e`.
    func seq(_ e: Entry) -> Int64 {
        let order = Int(e.aux >> 32)
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid].entry <= order { lo = mid } else { hi = mid - 1 }
        }
        return starts.isEmpty ? 0 : starts[lo].seq
    }
}
