#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ClassificationTable {
    /// The rows of `parts` one after the other in one table, for a classification made slice by
    /// slice (an Arrow stream classified batch by batch; called with [all so far, the next part]
    /// after each batch). The first part's columns grow in place, geometrically (`realloc`: large
    /// blocks are remapped, not copied), and each later part is freed once its rows are in, so
    /// memory stays about one table of results. `parts` is emptied. Conflicts'
    /// rows are renumbered. `idsAreRows`: the child id of each row is the row itself (children
    /// named by text keys).
    public static func joined(_ parts: inout [ClassificationTable], asOf: CivilDate, idsAreRows: Bool) throws -> ClassificationTable {
        let (total, overflow) = parts.reduce((0, false)) { acc, p in
            let (n, o) = acc.0.addingReportingOverflow(p.rows)
            return (n, acc.1 || o)
        }
        guard !overflow, total <= ChildColumns.maxCount else {
            throw KCBXError.invalidInput(field: "marks", rule: "more than the \(ChildColumns.maxCount) children one call takes")
        }
        parts.reverse()
        guard let out = parts.popLast() else { return try ClassificationTable(rows: 0, asOf: asOf) }
        if idsAreRows { for r in 0..<out.rows { out.childID[r] = Int64(r) } }
        while let p = parts.popLast() {
            let at = out.rows
            let need = at + p.rows
            if need > out.childID.count { try out.reserve(max(need, out.childID.count * 2)) }  // geometric: joins may be incremental
            func copy<T>(_ from: UnsafeMutableBufferPointer<T>, _ to: UnsafeMutableBufferPointer<T>) {
                guard p.rows > 0, let s = from.baseAddress, let d = to.baseAddress else { return }
                memcpy(d + at, s, p.rows * MemoryLayout<T>.stride)
            }
            copy(p.childID, out.childID)
            copy(p.status, out.status)
            copy(p.rule, out.rule)
            copy(p.reason, out.reason)
            copy(p.since, out.since)
            copy(p.streakStart, out.streakStart)
            copy(p.streakUnexcused, out.streakUnexcused)
            copy(p.streakClock, out.streakClock)
            copy(p.termSchoolDays, out.termSchoolDays)
            copy(p.termUnexcused, out.termUnexcused)
            copy(p.missing, out.missing)
            copy(p.conflictCount, out.conflictCount)
            copy(p.alerts, out.alerts)
            copy(p.flags, out.flags)
            if idsAreRows { for r in 0..<p.rows { out.childID[at + r] = Int64(at + r) } }
            for var c in p.conflicts {
                c.row += at
                out.conflicts.append(c)
            }
            out.rows = need
        }
        return out
    }

    /// Grows every column to `capacity` rows (the rows beyond `rows` are not read; pages never
    /// written are never resident). A failed
    /// allocation is `KCBXError.storage`; the columns grown so far stay valid.
    func reserve(_ capacity: Int) throws {
        func grow<T>(_ b: inout UnsafeMutableBufferPointer<T>, _ name: String) throws {
            guard capacity > b.count else { return }
            let (bytes, o) = capacity.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard !o, let p = realloc(UnsafeMutableRawPointer(b.baseAddress), bytes) else {
                throw KCBXError.storage("out of memory: cannot grow the classification table's \(name) column to \(capacity) rows")
            }
            b = UnsafeMutableBufferPointer(start: p.bindMemory(to: T.self, capacity: capacity), count: capacity)
        }
        try grow(&childID, "child_id")
        try grow(&status, "status")
        try grow(&rule, "rule")
        try grow(&reason, "reason")
        try grow(&since, "since")
        try grow(&streakStart, "streak_start")
        try grow(&streakUnexcused, "streak_unexcused")
        try grow(&streakClock, "streak_clock")
        try grow(&termSchoolDays, "term_school_days")
        try grow(&termUnexcused, "term_unexcused")
        try grow(&missing, "missing")
        try grow(&conflictCount, "conflicts")
        try grow(&alerts, "alerts")
        try grow(&flags, "risk_flags")
    }
}
