import KCBXCTypes
import KCBXCore

/// Classification of a marks stream batch by batch (docs/arrow.md, "Streams of many batches"):
/// when the marks come in several batches sorted by child key (the first batch is looked at;
/// a Parquet file written by child is), each batch is classified as it arrives and released
/// before the next is asked for, so memory is one batch plus the results. A child whose marks
/// straddle a batch boundary is carried over: its marks so far are copied (one child's worth)
/// and it is classified once its last mark is seen. Date and kind columns of the classifier's
/// types are read where the producer put them; the child keys become rows batch by batch.
/// Results equal those of the whole-stream path (same rows, keys, conflicts, errors).
struct ArrowBatchClassifier {
    let classifier: Classifier
    let asOf: CivilDate
    let encoding: DateEncoding
    let isText: Bool
    /// The children classified so far, in row order (each batch's table joined in as it comes).
    var result: ClassificationTable?
    /// Text keys of every child so far, in row order.
    var textKeys = TextColumn()
    var converted: Set<String> = []
    var batches = 0
    /// Marks seen in earlier batches (the global index of a batch's first mark).
    var marksBefore = 0
    var pending: Pending?

    /// The open child: its key and its marks so far (copied; at most one child's marks).
    struct Pending {
        var intKey: Int64 = 0
        var firstIndex: Int
        var dates: [Int32] = [], kinds: [Int8] = []
        var leaveFrom: [Int32]?, leaveTo: [Int32]?
    }

    /// True when the batch's child keys never decrease (integers numerically, text by bytes):
    /// the stream may then be classified batch by batch.
    static func isSorted(_ imp: ArrowImport) throws -> Bool {
        guard let c = imp.column("child") else { return false }
        if c.isText {
            var prev: UnsafeRawBufferPointer?
            var sorted = true
            try c.forEachText { _, b in
                guard sorted, let b else {
                    sorted = false
                    return
                }
                if let p = prev, ArrowTextKey(bytes: b) < ArrowTextKey(bytes: p) { sorted = false }
                prev = b
            }
            return sorted
        }
        guard c.isInteger else { return false }
        var prev = Int64.min
        var sorted = true
        try c.forEachInteger { _, v in
            guard sorted, let v else {
                sorted = false
                return
            }
            if v < prev { sorted = false }
            prev = v
        }
        return sorted
    }

    init(classifier: Classifier, asOf: CivilDate, first: ArrowImport) throws {
        self.classifier = classifier
        self.asOf = asOf
        let date = try ArrowBatchClassifier.required(first, "date")
        encoding = date.nativeDateEncoding
        isText = try ArrowBatchClassifier.required(first, "child").isText
    }

    static func required(_ imp: ArrowImport, _ name: String) throws -> ArrowColumn {
        guard let c = imp.column(name) else {
            throw KCBXError.invalidInput(
                field: "marks", rule: "no column \(name) (columns: \(imp.fields.map(\.name).joined(separator: ", ")))")
        }
        return c
    }

    /// Classifies what batch `imp` completes; its last child stays open.
    mutating func consume(_ imp: ArrowImport) throws {
        batches += 1
        let n = imp.rows
        defer { marksBefore += n }
        guard n > 0 else { return }
        let childCol = try ArrowBatchClassifier.required(imp, "child")
        let rows = try imp.allocate(Int32.self, n, "the batch's child rows")
        var ids: [Int64] = []
        var head = n
        var lastStart = 0
        try keyRuns(childCol, rows: rows, ids: &ids, head: &head, lastStart: &lastStart)

        let dateCol = try ArrowBatchClassifier.required(imp, "date")
        try dateCol.requireNoNulls()
        let (dates, datesBorrowed) = try dateCol.dates(encoding)
        if !datesBorrowed { converted.insert("date") }
        let (kinds, kindsBorrowed) = try ArrowClassification.kindColumn(try ArrowBatchClassifier.required(imp, "kind"))
        if !kindsBorrowed { converted.insert("kind") }
        var leave: [UnsafeBufferPointer<Int32>?] = []
        for name in ["leave_from", "leave_to"] {
            guard let c = imp.column(name) else {
                leave.append(nil)
                continue
            }
            let (v, b) = try c.dates(encoding)
            if !b { converted.insert(name) }
            leave.append(v)
        }

        // The open child's marks at the head of the batch.
        if head > 0, pending != nil { append(0..<head, dates, kinds, leave) }
        guard head < n else { return }
        try flush()
        if lastStart > head {
            let r = head..<lastStart
            func slice<T>(_ b: UnsafeBufferPointer<T>) -> UnsafeBufferPointer<T> { UnsafeBufferPointer(rebasing: b[r]) }
            var m = MarkColumns(
                child: slice(UnsafeBufferPointer(rows)), date: slice(dates), kind: slice(kinds),
                leaveFrom: leave[0].map(slice), leaveTo: leave[1].map(slice), encoding: encoding)
            m.firstIndex = marksBefore + head
            let count = Int(rows[lastStart - 1]) + 1
            try ids.withUnsafeBufferPointer { all in
                let c = ChildColumns(count: count, ids: isText ? nil : UnsafeBufferPointer(rebasing: all[0..<count]), encoding: encoding)
                try absorb(try classifier.classifyMany(children: c, marks: m, asOf: asOf))
            }
        }
        var p = Pending(firstIndex: marksBefore + lastStart)
        if !isText, let k = ids.last { p.intKey = k }
        p.leaveFrom = leave[0] == nil ? nil : []
        p.leaveTo = leave[1] == nil ? nil : []
        pending = p
        append(lastStart..<n, dates, kinds, leave)
    }

    /// The last text key seen (the open child's), copied out of the batch.
    private var pendingTextKey: [UInt8] = []

    private mutating func append(
        _ r: Range<Int>, _ dates: UnsafeBufferPointer<Int32>, _ kinds: UnsafeBufferPointer<Int8>,
        _ leave: [UnsafeBufferPointer<Int32>?]
    ) {
        guard pending != nil else { return }
        pending?.dates.append(contentsOf: dates[r])
        pending?.kinds.append(contentsOf: kinds[r])
        if let f = leave[0] { pending?.leaveFrom?.append(contentsOf: f[r]) }
        if let t = leave[1] { pending?.leaveTo?.append(contentsOf: t[r]) }
    }

    /// Classifies the open child, if any.
    mutating func flush() throws {
        guard let p = pending else { return }
        pending = nil
        let child = [Int32](repeating: 0, count: p.dates.count)
        let ids = [p.intKey]
        let table = try child.withUnsafeBufferPointer { c in
            try p.dates.withUnsafeBufferPointer { d in
                try p.kinds.withUnsafeBufferPointer { k in
                    try ids.withUnsafeBufferPointer { i in
                        try withOptional(p.leaveFrom) { lf in
                            try withOptional(p.leaveTo) { lt in
                                var m = MarkColumns(child: c, date: d, kind: k, leaveFrom: lf, leaveTo: lt, encoding: encoding)
                                m.firstIndex = p.firstIndex
                                return try classifier.classifyMany(
                                    children: ChildColumns(count: 1, ids: isText ? nil : i, encoding: encoding),
                                    marks: m, asOf: asOf)
                            }
                        }
                    }
                }
            }
        }
        try absorb(table)
    }

    /// Numbers the batch's marks by child: `rows[i]` is the run of mark i among the children that
    /// start in this batch (-1 for the head run continuing the open child), `ids` their integer
    /// keys; `head` is where the first new child starts (n: none), `lastStart` where the last does.
    /// A key below the one before it is an error naming the row.
    private mutating func keyRuns(
        _ col: ArrowColumn, rows: UnsafeMutableBufferPointer<Int32>, ids: inout [Int64],
        head: inout Int, lastStart: inout Int
    ) throws {
        func unsorted(_ row: Int, _ key: String, _ prev: String) -> KCBXError {
            col.error(
                row,
                "key \(key) comes after \(prev): a stream of several batches sorted by child in its first batch is classified batch by batch and must stay sorted; sort the marks by child, or pass one batch"
            )
        }
        var run: Int32 = -1
        if isText {
            var prev: UnsafeRawBufferPointer? = nil
            var prevOwned = pending == nil ? nil : pendingTextKey
            var h = rows.count
            var last = 0
            try col.forEachText { row, b in
                guard let b else { throw col.error(row, "is null; every mark names its child") }
                let same: Bool
                if let p = prev {
                    same = ArrowTextKey(bytes: p) == ArrowTextKey(bytes: b)
                } else if let o = prevOwned {
                    same = o.withUnsafeBytes { ArrowTextKey(bytes: $0) == ArrowTextKey(bytes: b) }
                    if !same, o.withUnsafeBytes({ ArrowTextKey(bytes: b) < ArrowTextKey(bytes: $0) }) {
                        throw unsorted(row, String(decoding: b, as: UTF8.self), String(decoding: o, as: UTF8.self))
                    }
                } else {
                    same = false
                }
                if !same {
                    if let p = prev, ArrowTextKey(bytes: b) < ArrowTextKey(bytes: p) {
                        throw unsorted(row, String(decoding: b, as: UTF8.self), String(decoding: p, as: UTF8.self))
                    }
                    run += 1
                    if run == 0 { h = row }
                    last = row
                    try textKeys.append(b)
                }
                prev = b
                prevOwned = nil
                rows[row] = run
            }
            head = h
            lastStart = last
            if let p = prev { pendingTextKey = Array(p) }
            return
        }
        var prev: Int64? = pending?.intKey
        var h = rows.count
        var last = 0
        @inline(__always) func step(_ i: Int, _ k: Int64) throws {
            if k != prev {
                if let p = prev, k < p { throw unsorted(i, String(k), String(p)) }
                run += 1
                if run == 0 { h = i }
                last = i
                ids.append(k)
                prev = k
            }
            rows[i] = run
        }
        if col.field.format == "i" || col.field.format == "l", !col.isDictionary {
            if col.field.format == "i" {
                let (v, _) = try col.fixed(Int32.self, format: "i")
                for i in 0..<v.count { try step(i, Int64(v[i])) }
            } else {
                let (v, _) = try col.fixed(Int64.self, format: "l")
                for i in 0..<v.count { try step(i, v[i]) }
            }
        } else {
            guard col.isInteger else {
                throw col.error(nil, "Arrow type \"\(col.field.valueFormat)\" cannot be a child key (integers or text)")
            }
            converted.insert("child")
            try col.forEachInteger { row, v in
                guard let v else { throw col.error(row, "is null; every mark names its child") }
                try step(row, v)
            }
        }
        head = h
        lastStart = last
    }

    /// Joins a batch's table to the result (its memory freed once copied).
    private mutating func absorb(_ t: ClassificationTable) throws {
        guard let r = result else {
            result = t
            return
        }
        result = nil
        var parts = [r, t]
        result = try ClassificationTable.joined(&parts, asOf: asOf, idsAreRows: false)
    }

    /// The table of every batch, in row order.
    mutating func finish() throws -> ClassificationTable {
        try flush()
        var all = result.map { [$0] } ?? []
        result = nil
        let table = try ClassificationTable.joined(&all, asOf: asOf, idsAreRows: isText)
        if isText { table.childKeys = textKeys }
        table.convertedInputs = ["child", "date", "kind", "leave_from", "leave_to"].filter(converted.contains)
        table.streamedBatches = batches
        return table
    }
}

private func withOptional<T, R>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> R) rethrows -> R {
    guard let a else { return try body(nil) }
    return try a.withUnsafeBufferPointer { try body($0) }
}
