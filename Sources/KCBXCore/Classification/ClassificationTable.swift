/// One child's row of a bulk classification.
public struct ClassificationRow: Sendable, Equatable {
    public var childID: Int64
    public var status: ChildStatus
    public var since: CivilDate?
    public var rule: ClassificationRule
    public var alerts: AlertSet
    public var riskFlags: RiskFlags
    /// First day of the open unexcused streak.
    public var streakStart: CivilDate?
    public var streakUnexcusedDays: Int
    public var streakClockDays: Int
    public var termSchoolDays: Int
    public var termUnexcusedDays: Int
    public var missingDays: Int
    public var conflicts: Int
    public var proposedReason: ReasonCode?
}

/// The columns of a `ClassificationTable`. Raw values are the C ABI's column codes.
public enum TableColumn: UInt8, Sendable, CaseIterable {
    /// The caller's child id (or the child's index).
    case childID = 0
    /// `ChildStatus` code.
    case status = 1
    /// Date the status began (no date: YYYYMMDD 0 / day number Int32.min).
    case since = 2
    /// `ClassificationRule` code.
    case rule = 3
    /// `AlertSet` bits.
    case alerts = 4
    /// `RiskFlags` bits.
    case riskFlags = 5
    /// First day of the open unexcused streak (no date as for `since`).
    case streakStart = 6
    /// Unexcused school days in the open streak.
    case streakUnexcusedDays = 7
    /// The streak's clock in counted calendar days.
    case streakClockDays = 8
    /// School days of the current term so far.
    case termSchoolDays = 9
    /// Unexcused school days of the current term so far.
    case termUnexcusedDays = 10
    /// School days of the current term so far with no mark.
    case missingDays = 11
    /// Duplicate marks resolved for the child.
    case conflicts = 12
    /// Proposed reason: 0 none, 1-20 = A-T.
    case proposedReason = 13

    /// True for the columns holding dates.
    public var isDate: Bool { self == .since || self == .streakStart }
}

/// A duplicate mark found in bulk input: positions in the mark columns.
public struct BulkMarkConflict: Sendable, Equatable {
    /// Row (child index) of the child.
    public var row: Int
    public var date: CivilDate
    /// Index of the dropped (earlier) mark and of the kept (later) one.
    public var replacedMark: Int
    public var keptMark: Int
}

/// The result of a bulk classification: one row per child, stored by column (no per-row objects).
/// Immutable once built; safe to read from several threads.
public final class ClassificationTable: @unchecked Sendable {
    public let asOf: CivilDate
    public internal(set) var rows: Int
    var childID: UnsafeMutableBufferPointer<Int64>
    var status: UnsafeMutableBufferPointer<UInt8>
    var rule: UnsafeMutableBufferPointer<UInt8>
    var reason: UnsafeMutableBufferPointer<UInt8>
    var since: UnsafeMutableBufferPointer<Int32>
    var streakStart: UnsafeMutableBufferPointer<Int32>
    var streakUnexcused: UnsafeMutableBufferPointer<Int32>
    var streakClock: UnsafeMutableBufferPointer<Int32>
    var termSchoolDays: UnsafeMutableBufferPointer<Int32>
    var termUnexcused: UnsafeMutableBufferPointer<Int32>
    var missing: UnsafeMutableBufferPointer<Int32>
    var conflictCount: UnsafeMutableBufferPointer<Int32>
    var alerts: UnsafeMutableBufferPointer<UInt32>
    var flags: UnsafeMutableBufferPointer<UInt32>
    /// Every duplicate mark, by child then date.
    public internal(set) var conflicts: [BulkMarkConflict] = []
    /// The children's text keys by row, when the input named children by text (registry numbers)
    /// rather than integers; `childID` then holds the row. Set once, before the table is shared.
    public var childKeys: TextColumn?
    /// Input columns that had to be copied or converted on the way in (empty when the caller's
    /// memory was used as it was); set once, before the table is shared.
    public var convertedInputs: [String] = []
    /// Record batches classified one at a time as they arrived (0: the input was taken whole).
    public var streamedBatches = 0

    /// Allocates the columns for `rows` children; a failed allocation is `KCBXError.storage`.
    init(rows: Int, asOf: CivilDate) throws {
        self.rows = rows
        self.asOf = asOf
        // Allocated in order; on a failure the ones already made are released before throwing.
        var made: [() -> Void] = []
        func make<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, _ name: String) throws -> UnsafeMutableBufferPointer<T> {
            do {
                let p = try ColumnMemory.allocate(T.self, count: rows, "the classification table's \(name) column")
                made.append { ColumnMemory.release(p) }
                return p
            } catch {
                for release in made { release() }
                throw error
            }
        }
        childID = try make(Int64.self, "child_id")
        status = try make(UInt8.self, "status")
        rule = try make(UInt8.self, "rule")
        reason = try make(UInt8.self, "reason")
        since = try make(Int32.self, "since")
        streakStart = try make(Int32.self, "streak_start")
        streakUnexcused = try make(Int32.self, "streak_unexcused")
        streakClock = try make(Int32.self, "streak_clock")
        termSchoolDays = try make(Int32.self, "term_school_days")
        termUnexcused = try make(Int32.self, "term_unexcused")
        missing = try make(Int32.self, "missing")
        conflictCount = try make(Int32.self, "conflicts")
        alerts = try make(UInt32.self, "alerts")
        flags = try make(UInt32.self, "risk_flags")
    }

    deinit {
        ColumnMemory.release(childID)
        ColumnMemory.release(status)
        ColumnMemory.release(rule)
        ColumnMemory.release(reason)
        ColumnMemory.release(since)
        ColumnMemory.release(streakStart)
        ColumnMemory.release(streakUnexcused)
        ColumnMemory.release(streakClock)
        ColumnMemory.release(termSchoolDays)
        ColumnMemory.release(termUnexcused)
        ColumnMemory.release(missing)
        ColumnMemory.release(conflictCount)
        ColumnMemory.release(alerts)
        ColumnMemory.release(flags)
    }

    /// Writes one child's outcome (called by the bulk workers, each on its own rows).
    @inline(__always) func store(_ r: Int, id: Int64, _ o: ChildKernel.Outcome, conflicts: Int32) {
        childID[r] = id
        status[r] = o.status.rawValue
        rule[r] = o.rule.rawValue
        reason[r] = o.reason
        since[r] = o.since
        streakStart[r] = o.streakStart
        streakUnexcused[r] = o.streakUnexcused
        streakClock[r] = o.streakClock
        termSchoolDays[r] = o.termSchoolDays
        termUnexcused[r] = o.termUnexcused
        missing[r] = o.missing
        conflictCount[r] = conflicts
        alerts[r] = o.alerts | (conflicts > 0 ? AlertSet.conflictingMarks.rawValue : 0)
        flags[r] = o.flags
    }

    /// A cell as an integer; dates as day numbers (Int32.min for none). A row outside 0..<rows
    /// is an error naming it.
    public func value(_ column: TableColumn, row r: Int) throws -> Int64 {
        try checkRow(r)
        switch column {
        case .childID: return childID[r]
        case .status: return Int64(status[r])
        case .since: return Int64(since[r])
        case .rule: return Int64(rule[r])
        case .alerts: return Int64(alerts[r])
        case .riskFlags: return Int64(flags[r])
        case .streakStart: return Int64(streakStart[r])
        case .streakUnexcusedDays: return Int64(streakUnexcused[r])
        case .streakClockDays: return Int64(streakClock[r])
        case .termSchoolDays: return Int64(termSchoolDays[r])
        case .termUnexcusedDays: return Int64(termUnexcused[r])
        case .missingDays: return Int64(missing[r])
        case .conflicts: return Int64(conflictCount[r])
        case .proposedReason: return Int64(reason[r])
        }
    }

    /// Copies a column (all but `childID`) into `out` as Int32, dates in `encoding`
    /// (no date: 0 as YYYYMMDD, Int32.min as a day number). Returns the rows copied.
    @discardableResult
    public func copy(_ column: TableColumn, into out: UnsafeMutableBufferPointer<Int32>, dates encoding: DateEncoding = .dayNumber) -> Int {
        let n = min(rows, out.count)
        guard let o = out.baseAddress else { return 0 }
        switch column {
        case .childID: for r in 0..<n { o[r] = Int32(truncatingIfNeeded: childID[r]) }
        case .status: for r in 0..<n { o[r] = Int32(status[r]) }
        case .rule: for r in 0..<n { o[r] = Int32(rule[r]) }
        case .proposedReason: for r in 0..<n { o[r] = Int32(reason[r]) }
        case .alerts: for r in 0..<n { o[r] = Int32(bitPattern: alerts[r]) }
        case .riskFlags: for r in 0..<n { o[r] = Int32(bitPattern: flags[r]) }
        case .since, .streakStart:
            let src = column == .since ? since : streakStart
            if encoding == .dayNumber {
                for r in 0..<n { o[r] = src[r] }
            } else {
                for r in 0..<n { o[r] = src[r] == ChildKernel.noDate ? 0 : CivilDate(dayNumber: src[r]).yyyymmdd }
            }
        case .streakUnexcusedDays: for r in 0..<n { o[r] = streakUnexcused[r] }
        case .streakClockDays: for r in 0..<n { o[r] = streakClock[r] }
        case .termSchoolDays: for r in 0..<n { o[r] = termSchoolDays[r] }
        case .termUnexcusedDays: for r in 0..<n { o[r] = termUnexcused[r] }
        case .missingDays: for r in 0..<n { o[r] = missing[r] }
        case .conflicts: for r in 0..<n { o[r] = conflictCount[r] }
        }
        return n
    }

    /// Copies the child ids into `out`. Returns the rows copied.
    @discardableResult
    public func copyChildIDs(into out: UnsafeMutableBufferPointer<Int64>) -> Int {
        let n = min(rows, out.count)
        for r in 0..<n { out[r] = childID[r] }
        return n
    }

    /// One row as a value. A row outside 0..<rows is an error naming it.
    public func row(_ r: Int) throws -> ClassificationRow {
        try checkRow(r)
        func date(_ v: Int32) -> CivilDate? { v == ChildKernel.noDate ? nil : CivilDate(dayNumber: v) }
        // The workers store only valid codes; the fallbacks keep a broken invariant from trapping.
        let reasons = ReasonCode.allCases
        return ClassificationRow(
            childID: childID[r], status: ChildStatus(rawValue: status[r]) ?? .attendanceUnknown, since: date(since[r]),
            rule: ClassificationRule(rawValue: rule[r]) ?? .noAttendance, alerts: AlertSet(rawValue: alerts[r]),
            riskFlags: RiskFlags(rawValue: flags[r]), streakStart: date(streakStart[r]),
            streakUnexcusedDays: Int(streakUnexcused[r]), streakClockDays: Int(streakClock[r]),
            termSchoolDays: Int(termSchoolDays[r]), termUnexcusedDays: Int(termUnexcused[r]),
            missingDays: Int(missing[r]), conflicts: Int(conflictCount[r]),
            proposedReason: reason[r] == 0 || Int(reason[r]) > reasons.count ? nil : reasons[Int(reason[r]) - 1])
    }

    /// Number of rows with `status`.
    public func count(_ s: ChildStatus) -> Int {
        var n = 0
        for r in 0..<rows where status[r] == s.rawValue { n += 1 }
        return n
    }

    private func checkRow(_ r: Int) throws {
        guard r >= 0 && r < rows else { throw KCBXError.invalidInput(field: "row", rule: "\(r) is outside 0..<\(rows)") }
    }
}
