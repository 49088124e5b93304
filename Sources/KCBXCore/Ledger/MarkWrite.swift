@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an attendance import is cut into write transactions (docs/ledger.md, "Attendance marks":
/// parts). A part ends after `partRows` rows or once it has held the write lock `partSeconds`;
/// between parts the lock is left free `pauseSeconds`, longer than SQLite's longest busy-handler
/// sleep (100 ms), so a waiting writer gets in. `KCBX_IMPORT_PART_ROWS` (1–10,000,000) sets
/// `partRows` for every interface (tests use small parts).
struct MarkImportTuning {
    var partRows = 1_000_000
    var partSeconds = 1.0
    var pauseSeconds = 0.12
    /// Tests only: after this many committed parts, stop as a crash would (nothing more written).
    var stopAfterParts = 0

    static func fromEnvironment() -> MarkImportTuning {
        var t = MarkImportTuning()
        if let p = getenv("KCBX_IMPORT_PART_ROWS"), let n = Int(String(cString: p)), (1...10_000_000).contains(n) { t.partRows = n }
        return t
    }
}

/// Thrown by a test's `stopAfterParts`: the import stopped between parts, as a crash would.
struct MarkImportStopped: Error {}

/// The writing phase of an attendance import (`importMarkStream`, phase 2): the checked marks
/// read back from the spool and written in parts, each one IMMEDIATE transaction. Each mark goes
/// to the part's `MarkMonthsWriter`, which tells whether it changed the day's mark (a day marked
/// several times in the batch: only its last mark) and writes each changed child-month once at the
/// part's end; the changed marks go into `attendance.recorded` events of up to 5,000 marks (packed
/// payload), chained as they fill.
final class MarkWrite {
    private let batch: MarkBatch
    private let reader: MarkSpool.Reader
    private var previous: [Int64: (row: Int, mark: PackedMark)] = [:]
    private var chunk: [PackedMark] = []
    private(set) var result = LedgerMarkImportResult()
    private(set) var done = 0
    /// YYYYMMDD of each calendar day (by offset from the batch's first day), made once.
    private let yyyymmdd: [Int32]

    init(batch: MarkBatch) {
        self.batch = batch
        reader = MarkSpool.Reader(batch.spool)
        yyyymmdd = (0..<Int32(batch.days)).map { CivilDate(dayNumber: batch.base + $0).yyyymmdd }
        result.rows = batch.rows
        chunk.reserveCapacity(MarkBatch.chunkSize)
    }

    var finished: Bool { done == batch.spool.count }

    /// Writes the next part inside the open transaction: at most `rows` marks, stopping early once
    /// `seconds` have passed since `started` (monotonic).
    func part(_ db: Database, _ w: inout EventWriter, rows: Int, seconds: Double, started: Double) throws {
        let months = MarkMonthsWriter()
        let yyyymmdd = self.yyyymmdd
        var n = 0
        while n < rows {
            if n & 1023 == 1023, monotonicSeconds() - started >= seconds { break }
            guard let m = try reader.next() else { break }
            n += 1
            done += 1
            // Every spooled offset is a day of the calendar (MarkBatch checked it).
            let ymd =
                m.offset >= 0 && Int(m.offset) < yyyymmdd.count
                ? yyyymmdd[Int(m.offset)] : CivilDate(dayNumber: batch.base + m.offset).yyyymmdd
            let mark = PackedMark(
                sid: batch.sids[Int(m.slot)], day: ymd, kind: m.kind, leaveFrom: m.leaveFrom, leaveTo: m.leaveTo, slip: m.slip)
            if batch.repeated(slot: m.slot, offset: m.offset) {
                let k = Int64(m.slot) << 32 | Int64(m.offset)
                if let p = previous[k], p.mark != mark {
                    let was = MarkKind(rawValue: p.mark.kind).map { "\($0)" } ?? String(p.mark.kind)
                    let now = MarkKind(rawValue: m.kind).map { "\($0)" } ?? String(m.kind)
                    result.conflicts.append(
                        LedgerRowProblem(
                            row: m.row, field: "kind",
                            rule:
                                "\(IDMask.key(try key(of: mark.sid, db))) on \(CivilDate(dayNumber: batch.base + m.offset)): replaces row \(p.row) (\(was) → \(now)); the later mark wins"
                        ))
                }
                previous[k] = (m.row, mark)
                guard batch.lastRow[k] == m.row else { continue }  // a later row of this batch gives the day's mark
            }
            guard try months.apply(mark, db) else {
                result.unchanged += 1
                continue
            }
            result.changed += 1
            chunk.append(mark)
            if chunk.count == MarkBatch.chunkSize { try flush(db, &w) }
        }
        try months.flush(db)
        try flush(db, &w)
    }

    /// A student's key by id (to name a conflict: rare, so not kept per child).
    private func key(of sid: Int64, _ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT key FROM students WHERE id = ?", arguments: [sid]) ?? String(sid)
    }

    /// Appends the changed marks gathered so far as one event (already applied to `marks`).
    private func flush(_ db: Database, _ w: inout EventWriter) throws {
        guard !chunk.isEmpty else { return }
        try w.append(
            db, .marksRecorded, text: PackedMarks.encode(chunk),
            reason: "attendance: \(chunk.count) mark\(chunk.count == 1 ? "" : "s")", applied: true)
        chunk.removeAll(keepingCapacity: true)
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Sleeps `s` seconds (the pause between an import's parts).
func sleepSeconds(_ s: Double) {
    guard s > 0 else { return }
    var t = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
    var left = timespec()
    while nanosleep(&t, &left) != 0 && errno == EINTR { t = left }
}
