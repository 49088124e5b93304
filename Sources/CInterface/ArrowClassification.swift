import KCBXCTypes
import KCBXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes of a text key inside an import's memory, hashed and compared by content.
struct ArrowTextKey: Hashable {
    let bytes: UnsafeRawBufferPointer
    static func == (a: ArrowTextKey, b: ArrowTextKey) -> Bool {
        a.bytes.count == b.bytes.count && compare(a.bytes, b.bytes, a.bytes.count) == 0
    }
    private static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ n: Int) -> Int32 {
        guard n > 0, let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        return memcmp(x, y, n)
    }
    func hash(into h: inout Hasher) { h.combine(bytes: bytes) }
    static func < (a: ArrowTextKey, b: ArrowTextKey) -> Bool {
        let n = min(a.bytes.count, b.bytes.count)
        let c = compare(a.bytes, b.bytes, n)
        return c != 0 ? c < 0 : a.bytes.count < b.bytes.count
    }
}

/// Marks' child keys resolved to rows of the result.
struct ArrowChildRows {
    /// Row of each mark.
    var rows: UnsafeBufferPointer<Int32>
    var borrowed: Bool
    /// Number of children (rows of the result).
    var count: Int
    /// Integer keys per row (nil: the key is the row).
    var ids: UnsafeBufferPointer<Int64>?
    /// Text keys per row.
    var keys: TextColumn?
}

/// Bulk classification from Arrow streams (docs/arrow.md): the columns are checked and turned
/// into `MarkColumns` / `ChildColumns` (the producer's memory where the types already match),
/// then `Classifier.classifyMany` runs as for the plain arrays.
enum ArrowClassification {
    static func classify(
        _ classifier: Classifier, asOf: CivilDate, marks m: UnsafeMutablePointer<ArrowArrayStream>?,
        children cs: UnsafeMutablePointer<ArrowArrayStream>?
    ) throws -> ClassificationTable {
        guard cs == nil else {
            let marks = try ArrowImport(stream: m, "marks", maxRows: MarkColumns.maxCount)
            return try classify(
                classifier, asOf: asOf, marks: marks,
                children: try cs.map { try ArrowImport(stream: $0, "children", maxRows: ChildColumns.maxCount) })
        }
        // Several batches sorted by child: batch by batch (ArrowBatchClassifier); else read whole.
        let reader = try ArrowStreamReader(stream: m, "marks")
        var whole: ArrowImport?
        var second: UnsafeMutablePointer<ArrowArray>?
        if var batch = try start(classifier, asOf: asOf, reader: reader, whole: &whole, second: &second), let next = second {
            return try classifyRest(&batch, reader: reader, next: next)
        }
        guard let marks = whole else { throw KCBXError.storage("arrow: the marks stream was not read") }
        return try classify(classifier, asOf: asOf, marks: marks, children: nil)
    }

    /// Reads the first two batches: one batch, or a first batch not sorted by child, is read whole
    /// (with every later batch) into `whole`; else the first batch is classified (and freed on
    /// return) and the classifier comes back with the second batch in `second`.
    private static func start(
        _ classifier: Classifier, asOf: CivilDate, reader: ArrowStreamReader,
        whole: inout ArrowImport?, second: inout UnsafeMutablePointer<ArrowArray>?
    ) throws -> ArrowBatchClassifier? {
        let max = MarkColumns.maxCount
        let head = try ArrowImport(reader: reader, batches: [], firstRow: 0, maxRows: max)
        if let first = try reader.next() { try head.add(first, maxRows: max) }
        guard let next = try reader.next() else {
            whole = head
            return nil
        }
        let sorted: Bool
        do { sorted = try head.rows > 0 && ArrowBatchClassifier.isSorted(head) } catch {
            ArrowStreamReader.free(next)
            throw error
        }
        guard sorted else {
            try head.add(next, maxRows: max)
            while let b = try reader.next() { try head.add(b, maxRows: max) }
            whole = head
            return nil
        }
        do {
            var batch = try ArrowBatchClassifier(classifier: classifier, asOf: asOf, first: head)
            try batch.consume(head)
            second = next
            return batch
        } catch {
            ArrowStreamReader.free(next)
            throw error
        }
    }

    /// Classifies batch `next` and every later one, each released before the next is asked for.
    private static func classifyRest(
        _ batch: inout ArrowBatchClassifier, reader: ArrowStreamReader,
        next first: UnsafeMutablePointer<ArrowArray>
    ) throws -> ClassificationTable {
        var next: UnsafeMutablePointer<ArrowArray>? = first
        while let b = next {
            do {
                let imp = try ArrowImport(reader: reader, batches: [b], firstRow: batch.marksBefore, maxRows: MarkColumns.maxCount)
                try batch.consume(imp)
            }
            next = try reader.next()
        }
        return try batch.finish()
    }

    /// Classification of a stream read whole (`children` gives the rows when not nil).
    static func classify(_ classifier: Classifier, asOf: CivilDate, marks: ArrowImport, children: ArrowImport?) throws
        -> ClassificationTable
    {
        func required(_ name: String) throws -> ArrowColumn {
            guard let c = marks.column(name) else {
                throw KCBXError.invalidInput(
                    field: "marks", rule: "no column \(name) (columns: \(marks.fields.map(\.name).joined(separator: ", ")))")
            }
            return c
        }
        var converted: [String] = []
        let childCol = try required("child")
        let childKeys = try children.map { c -> ArrowColumn in
            guard let k = c.column("child") else {
                throw KCBXError.invalidInput(field: "children", rule: "no column child (the key the marks use)")
            }
            return k
        }
        let resolved = try resolveRows(childCol, children: childKeys)
        if !resolved.borrowed { converted.append("child") }

        let dateCol = try required("date")
        let encoding = dateCol.nativeDateEncoding
        let (dates, datesBorrowed) = try dateCol.dates(encoding)
        if !datesBorrowed { converted.append("date") }
        try dateCol.requireNoNulls()
        let (kinds, kindsBorrowed) = try kindColumn(try required("kind"))
        if !kindsBorrowed { converted.append("kind") }
        var leave: [UnsafeBufferPointer<Int32>?] = []
        for name in ["leave_from", "leave_to"] {
            guard let c = marks.column(name) else {
                leave.append(nil)
                continue
            }
            let (v, b) = try c.dates(encoding)
            if !b { converted.append(name) }
            leave.append(v)
        }
        let markColumns = MarkColumns(
            child: resolved.rows, date: dates, kind: kinds, leaveFrom: leave[0], leaveTo: leave[1], encoding: encoding)

        var childColumns = ChildColumns(count: resolved.count, ids: resolved.ids, encoding: .dayNumber)
        if let children {
            guard children.rows == resolved.count else { throw KCBXError.storage("arrow: children rows do not match their keys") }
            let dateColumns = ["birth_date", "registration_date"].compactMap { children.column($0) }
            let enc = dateColumns.first?.nativeDateEncoding ?? .dayNumber
            childColumns.encoding = enc
            func note<T>(_ name: String, _ r: (UnsafeBufferPointer<T>, borrowed: Bool)) -> UnsafeBufferPointer<T> {
                if !r.borrowed { converted.append("children.\(name)") }
                return r.0
            }
            if let c = children.column("birth_date") { childColumns.birthDate = note("birth_date", try c.dates(enc)) }
            if let c = children.column("registration_date") { childColumns.registrationDate = note("registration_date", try c.dates(enc)) }
            if let c = children.column("grade") { childColumns.grade = note("grade", try c.integers(Int8.self, format: "c", null: 0)) }
            if let c = children.column("registration") {
                childColumns.registration = note("registration", try c.integers(Int8.self, format: "c"))
            }
            if let c = children.column("fact_bits") {
                childColumns.factBits = note("fact_bits", try c.integers(UInt32.self, format: "I", null: 0))
            }
            if let c = children.column("group_mask") {
                childColumns.groupMask = note("group_mask", try c.integers(UInt32.self, format: "I", null: 0))
            }
            if let c = children.column("expert_opinion") {
                let opinions = try c.strings()
                childColumns.expertOpinion = { opinions[$0] }
            }
        }
        let table = try classifier.classifyMany(children: childColumns, marks: markColumns, asOf: asOf)
        table.childKeys = resolved.keys
        table.convertedInputs = converted
        _ = (marks, children)  // the imports (and the producer's buffers) live until here
        return table
    }

    // MARK: Child keys

    static func resolveRows(_ marks: ArrowColumn, children: ArrowColumn?) throws -> ArrowChildRows {
        let nm = marks.rows
        if let children {
            guard marks.isText == children.isText, marks.isText || (marks.isInteger && children.isInteger) else {
                throw marks.error(
                    nil, "keys are \(marks.field.valueFormat) but children.child is \(children.field.valueFormat); use one type")
            }
            return marks.isText ? try textRowsByChildren(marks, children) : try integerRowsByChildren(marks, children)
        }
        if marks.isText { return try textRows(marks) }
        guard marks.isInteger else {
            throw marks.error(nil, "Arrow type \"\(marks.field.valueFormat)\" cannot be a child key (integers or text)")
        }
        // In place: int32 keys 0, 0, 1, 1, 2, ... (grouped, dense from 0) are their own rows.
        if marks.field.format == "i", !marks.isDictionary {
            let (v, borrowed) = try marks.fixed(Int32.self, format: "i")
            if isDenseFromZero(v) {
                return ArrowChildRows(rows: v, borrowed: borrowed, count: v.last.map { Int($0) + 1 } ?? 0, ids: nil, keys: nil)
            }
        }
        let keys = try marks.owner.allocate(Int64.self, nm, "the child keys")
        try marks.forEachInteger { row, v in
            guard let v else { throw marks.error(row, "is null; every mark names its child") }
            keys[row] = v
        }
        let rows = try marks.owner.allocate(Int32.self, nm, "the marks' child rows")
        var sorted = true
        for i in 1..<max(nm, 1) where keys[i] < keys[i - 1] {
            sorted = false
            break
        }
        if sorted {
            var distinct = 0
            for i in 0..<nm {
                if i == 0 || keys[i] != keys[i - 1] {
                    keys[distinct] = keys[i]
                    distinct += 1
                }
                rows[i] = Int32(distinct - 1)
            }
            guard distinct <= ChildColumns.maxCount else { throw marks.error(nil, "\(distinct) children is more than one call takes") }
            return ArrowChildRows(
                rows: UnsafeBufferPointer(rows), borrowed: false, count: distinct,
                ids: UnsafeBufferPointer(rebasing: UnsafeBufferPointer(keys)[0..<distinct]), keys: nil)
        }
        var unique = Array(UnsafeBufferPointer(keys))
        unique.sort()
        var distinct = 0
        for i in 0..<unique.count where i == 0 || unique[i] != unique[i - 1] {
            unique[distinct] = unique[i]
            distinct += 1
        }
        unique.removeLast(unique.count - distinct)
        guard distinct <= ChildColumns.maxCount else { throw marks.error(nil, "\(distinct) children is more than one call takes") }
        try unique.withUnsafeBufferPointer { u in
            for i in 0..<nm {
                var lo = 0
                var hi = u.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if u[mid] < keys[i] { lo = mid + 1 } else { hi = mid }
                }
                guard lo < u.count else { throw marks.error(i, "key not found") }
                rows[i] = Int32(lo)
            }
        }
        let ids = try marks.owner.allocate(Int64.self, distinct, "the child ids")
        for i in 0..<distinct { ids[i] = unique[i] }
        return ArrowChildRows(rows: UnsafeBufferPointer(rows), borrowed: false, count: distinct, ids: UnsafeBufferPointer(ids), keys: nil)
    }

    static func isDenseFromZero(_ v: UnsafeBufferPointer<Int32>) -> Bool {
        guard let first = v.first else { return true }
        guard first == 0 else { return false }
        var prev: Int32 = 0
        for x in v {
            let d = x &- prev
            if d != 0 && d != 1 { return false }
            prev = x
        }
        return true
    }

    static func textRows(_ marks: ArrowColumn) throws -> ArrowChildRows {
        let nm = marks.rows
        let rows = try marks.owner.allocate(Int32.self, nm, "the marks' child rows")
        var index: [ArrowTextKey: Int32] = [:]
        var order: [ArrowTextKey] = []
        var last: (ArrowTextKey, Int32)?
        try marks.forEachText { row, bytes in
            guard let bytes else { throw marks.error(row, "is null; every mark names its child") }
            let k = ArrowTextKey(bytes: bytes)
            if let l = last, l.0 == k {
                rows[row] = l.1
                return
            }
            let r: Int32
            if let found = index[k] {
                r = found
            } else {
                guard order.count < ChildColumns.maxCount else { throw marks.error(row, "more than \(ChildColumns.maxCount) children") }
                r = Int32(order.count)
                index[k] = r
                order.append(k)
            }
            rows[row] = r
            last = (k, r)
        }
        // Rows follow the sorted keys.
        let perm = order.indices.sorted { order[$0] < order[$1] }
        var rank = [Int32](repeating: 0, count: order.count)
        var keys = TextColumn()
        for (r, i) in perm.enumerated() {
            rank[i] = Int32(r)
            try keys.append(order[i].bytes)
        }
        for i in 0..<nm { rows[i] = rank[Int(rows[i])] }
        return ArrowChildRows(rows: UnsafeBufferPointer(rows), borrowed: false, count: order.count, ids: nil, keys: keys)
    }

    static func textRowsByChildren(_ marks: ArrowColumn, _ children: ArrowColumn) throws -> ArrowChildRows {
        var index: [ArrowTextKey: Int32] = [:]
        var keys = TextColumn()
        try children.forEachText { row, bytes in
            guard let bytes else { throw children.error(row, "is null; every child has a key") }
            let k = ArrowTextKey(bytes: bytes)
            guard index[k] == nil else { throw children.error(row, "key \(String(decoding: bytes, as: UTF8.self)) appears twice") }
            index[k] = Int32(index.count)
            try keys.append(bytes)
        }
        let rows = try marks.owner.allocate(Int32.self, marks.rows, "the marks' child rows")
        try marks.forEachText { row, bytes in
            guard let bytes else { throw marks.error(row, "is null; every mark names its child") }
            guard let r = index[ArrowTextKey(bytes: bytes)] else {
                throw marks.error(row, "child \(String(decoding: bytes, as: UTF8.self)) is not in the children stream")
            }
            rows[row] = r
        }
        return ArrowChildRows(rows: UnsafeBufferPointer(rows), borrowed: false, count: children.rows, ids: nil, keys: keys)
    }

    static func integerRowsByChildren(_ marks: ArrowColumn, _ children: ArrowColumn) throws -> ArrowChildRows {
        let n = children.rows
        let ids = try children.owner.allocate(Int64.self, n, "the child ids")
        var identity = true
        try children.forEachInteger { row, v in
            guard let v else { throw children.error(row, "is null; every child has a key") }
            ids[row] = v
            if v != Int64(row) { identity = false }
        }
        if identity, marks.field.format == "i", !marks.isDictionary {  // keys are rows: the marks' column is used in place
            let (v, borrowed) = try marks.fixed(Int32.self, format: "i")
            for (i, x) in v.enumerated() where x < 0 || Int(x) >= n { throw marks.error(i, "child \(x) is not in the children stream") }
            return ArrowChildRows(rows: v, borrowed: borrowed, count: n, ids: nil, keys: nil)
        }
        var index: [Int64: Int32] = [:]
        index.reserveCapacity(n)
        for r in 0..<n {
            guard index.updateValue(Int32(r), forKey: ids[r]) == nil else { throw children.error(r, "key \(ids[r]) appears twice") }
        }
        let rows = try marks.owner.allocate(Int32.self, marks.rows, "the marks' child rows")
        try marks.forEachInteger { row, v in
            guard let v else { throw marks.error(row, "is null; every mark names its child") }
            guard let r = identity ? (v >= 0 && v < Int64(n) ? Int32(v) : nil) : index[v] else {
                throw marks.error(row, "child \(v) is not in the children stream")
            }
            rows[row] = r
        }
        return ArrowChildRows(
            rows: UnsafeBufferPointer(rows), borrowed: false, count: n, ids: identity ? nil : UnsafeBufferPointer(ids), keys: nil)
    }

    // MARK: Kinds

    /// Labels a text kind column may use (docs/arrow.md): the English labels, the Chinese terms
    /// and the aliases the Python binding accepts.
    static let kindLabels: [(String, MarkKind)] =
        MarkKind.allCases.flatMap { [($0.label, $0), ($0.chinese, $0)] } + [
            ("leave", .approvedLeave), ("absent", .unexcused), ("出勤", .present), ("缺勤", .unexcused), ("旷课", .unexcused),
        ]

    static func kindColumn(_ c: ArrowColumn) throws -> (UnsafeBufferPointer<Int8>, borrowed: Bool) {
        if c.isInteger { return try c.integers(Int8.self, format: "c") }
        guard c.isText else { throw c.error(nil, "Arrow type \"\(c.field.valueFormat)\" is not a kind (int8 codes or labels)") }
        let labels = kindLabels.map { (Array($0.0.utf8), Int8($0.1.rawValue)) }
        let out = try c.owner.allocate(Int8.self, c.rows, "the kind codes")
        var cache: (UnsafeRawPointer?, Int, Int8)?
        try c.forEachText { row, bytes in
            guard let bytes else { throw c.error(row, "is null; every mark has a kind") }
            if let k = cache, k.0 == bytes.baseAddress, k.1 == bytes.count {
                out[row] = k.2
                return
            }
            guard let code = labels.first(where: { $0.0.elementsEqual(bytes) })?.1 else {
                throw c.error(
                    row,
                    "\"\(String(decoding: bytes, as: UTF8.self))\" is not a mark kind (present, approved_leave, unexcused, late, left_early, or 到校/请假/无故缺勤/迟到/早退)"
                )
            }
            out[row] = code
            cache = (bytes.baseAddress, bytes.count, code)
        }
        return (UnsafeBufferPointer(out), false)
    }

    // MARK: Output

    /// The table as Arrow columns: child (int64 ids or text keys), status and rule as
    /// dictionaries of their labels, dates as date32 (null for none), counts as int32.
    static func outTable(_ t: ClassificationTable) throws -> ArrowOutTable {
        let n = t.rows
        var out = ArrowOutTable()
        func int32(_ c: TableColumn, _ enc: DateEncoding = .dayNumber) throws -> [Int32] {
            var v = [Int32](repeating: 0, count: n)
            v.withUnsafeMutableBufferPointer { _ = t.copy(c, into: $0, dates: enc) }
            return v
        }
        if let keys = t.childKeys {
            out.add("child", .utf8(keys, valid: nil))
        } else {
            var ids = [Int64](repeating: 0, count: n)
            ids.withUnsafeMutableBufferPointer { _ = t.copyChildIDs(into: $0) }
            out.add("child", .int64(ids))
        }
        func labels<E: RawRepresentable>(_ cases: [E], _ label: (E) -> String) -> [String] where E.RawValue == UInt8 {
            var l = [String](repeating: "", count: Int(cases.map(\.rawValue).max() ?? 0) + 1)
            for c in cases { l[Int(c.rawValue)] = label(c) }
            return l
        }
        out.add(
            "status",
            .dictionary(
                codes: try int32(.status).map { Int8(truncatingIfNeeded: $0) },
                labels: labels(ChildStatus.allCases) { $0.label }, valid: nil))
        func date(_ c: TableColumn) throws -> ArrowOutColumn {
            let v = try int32(c)
            return .date32(v.map { $0 == Int32.min ? 0 : $0 }, valid: v.map { $0 != Int32.min })
        }
        out.add("since", try date(.since))
        out.add(
            "rule",
            .dictionary(
                codes: try int32(.rule).map { Int8(truncatingIfNeeded: $0) },
                labels: labels(ClassificationRule.allCases) { $0.label }, valid: nil))
        out.add("alerts", .uint32(try int32(.alerts).map { UInt32(bitPattern: $0) }))
        out.add("risk_flags", .uint32(try int32(.riskFlags).map { UInt32(bitPattern: $0) }))
        out.add("streak_start", try date(.streakStart))
        for (name, c) in [
            ("streak_unexcused_days", TableColumn.streakUnexcusedDays), ("streak_clock_days", .streakClockDays),
            ("term_school_days", .termSchoolDays), ("term_unexcused_days", .termUnexcusedDays),
            ("missing_days", .missingDays), ("conflicts", .conflicts),
        ] {
            out.add(name, .int32(try int32(c)))
        }
        let reasons = try int32(.proposedReason)
        out.add(
            "proposed_reason",
            .dictionary(
                codes: reasons.map { $0 > 0 ? Int8(truncatingIfNeeded: $0 - 1) : 0 },
                labels: ReasonCode.allCases.map(\.rawValue), valid: reasons.map { $0 > 0 }))
        out.metadata = [
            ("kcbx:as_of", t.asOf.description), ("kcbx:converted", t.convertedInputs.joined(separator: ",")),
            ("kcbx:streamed_batches", String(t.streamedBatches)),
        ]
        return out
    }
}
