#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ClassificationTable {
    /// The rows of `parts` one after the other in one table, for a classification made slice by
    /// slice (an Arrow stream classified batch by batch). `parts` is emptied as it is copied, so
    /// each part is freed once its rows are in the new table. Conflicts' rows are renumbered.
    /// `idsAreRows`: the child id of each row is the row itself (children named by text keys).
    public static func joined(_ parts: inout [ClassificationTable], asOf: CivilDate, idsAreRows: Bool) throws -> ClassificationTable {
        let (total, overflow) = parts.reduce((0, false)) { acc, p in
            let (n, o) = acc.0.addingReportingOverflow(p.rows)
            return (n, acc.1 || o)
        }
        guard !overflow, total <= ChildColumns.maxCount else {
            throw KCBXError.invalidInput(field: "marks", rule: "more than the \(ChildColumns.maxCount) children one call takes")
        }
        let out = try ClassificationTable(rows: total, asOf: asOf)
        parts.reverse()
        var at = 0
        while let p = parts.popLast() {
            func copy<T>(_ from: UnsafeMutableBufferPointer<T>, _ to: UnsafeMutableBufferPointer<T>) {
                guard p.rows > 0, let s = from.baseAddress, let d = to.baseAddress else { return }
                memcpy(d + at, s, p.rows * MemoryLayout<T>.stride)
            }
            copy(p.childID, out.childID); copy(p.status, out.status); copy(p.rule, out.rule); copy(p.reason, out.reason)
            copy(p.since, out.since); copy(p.streakStart, out.streakStart); copy(p.streakUnexcused, out.streakUnexcused)
            copy(p.streakClock, out.streakClock); copy(p.termSchoolDays, out.termSchoolDays); copy(p.termUnexcused, out.termUnexcused)
            copy(p.missing, out.missing); copy(p.conflictCount, out.conflictCount); copy(p.alerts, out.alerts); copy(p.flags, out.flags)
            if idsAreRows { for r in 0..<p.rows { out.childID[at + r] = Int64(at + r) } }
            for var c in p.conflicts { c.row += at; out.conflicts.append(c) }
            at += p.rows
        }
        return out
    }
}
