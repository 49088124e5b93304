import Dispatch
import FoundationEssentials

/// Bulk classification: every child of a county or province in one call, from columns.
///
/// Two parallel passes, no per-child allocation: (1) validate each mark and turn its date into a
/// calendar offset, noting whether the input is already grouped by child and sorted by date;
/// (2) for each child, gather its marks into a reused scratch buffer (when the input is not
/// grouped, after a stable two-pass radix sort on the child column), resolve duplicates (the later mark wins and the
/// pair is recorded), and run the same kernel as `classify`. Errors are deterministic: the
/// lowest mark index for mark errors, then the lowest child row for child errors.
extension Classifier {
    /// Classifies every child of `children` as of `asOf` from `marks`.
    public func classifyMany(
        children: ChildColumns, marks: MarkColumns, asOf: CivilDate,
        today: CivilDate = .today()
    ) throws -> ClassificationTable {
        try children.validateShape()
        try marks.validateShape()
        let ctx = try context(asOf: asOf, today: today)
        let run = BulkRun(classifier: self, ctx: ctx, children: children, marks: marks, today: today)
        return try run.execute()
    }

    /// Convenience for Swift callers: facts as values, marks as arrays (day numbers by default).
    public func classifyMany(
        children: [ChildFacts], ids: [Int64]? = nil, markChild: [Int32], markDate: [Int32], markKind: [Int8],
        leaveFrom: [Int32]? = nil, leaveTo: [Int32]? = nil, encoding: DateEncoding = .dayNumber,
        asOf: CivilDate, today: CivilDate = .today()
    ) throws -> ClassificationTable {
        var a = BulkArrays(encoding: encoding)
        a.birth = children.map { encode($0.birthDate, encoding) }
        a.grade = children.map { Int8($0.grade ?? 0) }
        a.registration = children.map { Int8($0.registration.rawValue) }
        a.registrationDate = children.map { encode($0.registrationDate, encoding) }
        a.factBits = children.map { f -> UInt32 in
            var b = ChildFactBits()
            if !f.inHouseholdRegistry { b.insert(.notInHouseholdRegistry) }
            if f.studyingElsewhere { b.insert(.studyingElsewhere) }
            if f.pastDropout { b.insert(.pastDropout) }
            return b.rawValue
        }
        a.groupMask = children.map { SpecialGroup.mask($0.groups) }
        let opinions = children.map(\.expertOpinion)
        a.expertOpinion = { opinions[$0] }
        a.ids = ids
        a.markChild = markChild
        a.markDate = markDate
        a.markKind = markKind
        a.leaveFrom = leaveFrom
        a.leaveTo = leaveTo
        return try classifyMany(a, asOf: asOf, today: today)
    }

    /// Classifies children and marks held in Swift arrays (`BulkArrays`), lent to the column call.
    func classifyMany(_ a: BulkArrays, asOf: CivilDate, today: CivilDate) throws -> ClassificationTable {
        try a.birth.withUnsafeBufferPointer { birth in
            try a.grade.withUnsafeBufferPointer { grade in
                try a.registration.withUnsafeBufferPointer { reg in
                    try a.registrationDate.withUnsafeBufferPointer { regDate in
                        try a.factBits.withUnsafeBufferPointer { facts in
                            try a.groupMask.withUnsafeBufferPointer { groups in
                                try withOptionalBuffer(a.ids) { ids in
                                    try a.markChild.withUnsafeBufferPointer { mc in
                                        try a.markDate.withUnsafeBufferPointer { md in
                                            try a.markKind.withUnsafeBufferPointer { mk in
                                                try withOptionalBuffer(a.leaveFrom) { lf in
                                                    try withOptionalBuffer(a.leaveTo) { lt in
                                                        let c = ChildColumns(
                                                            count: a.birth.count, ids: ids, birthDate: birth, grade: grade,
                                                            registration: reg, registrationDate: regDate, factBits: facts,
                                                            groupMask: groups, expertOpinion: a.expertOpinion, encoding: a.encoding)
                                                        let m = MarkColumns(
                                                            child: mc, date: md, kind: mk, leaveFrom: lf, leaveTo: lt, encoding: a.encoding)
                                                        return try classifyMany(children: c, marks: m, asOf: asOf, today: today)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Children and marks as owned Swift arrays, in the layout of `ChildColumns` / `MarkColumns`
/// (one entry per child, resp. per mark), for Swift code that builds the columns itself.
struct BulkArrays {
    var birth: [Int32] = [], grade: [Int8] = [], registration: [Int8] = [], registrationDate: [Int32] = []
    var factBits: [UInt32] = [], groupMask: [UInt32] = [], ids: [Int64]? = nil
    var expertOpinion: ((Int) -> String?)? = nil
    var markChild: [Int32] = [], markDate: [Int32] = [], markKind: [Int8] = []
    var leaveFrom: [Int32]? = nil, leaveTo: [Int32]? = nil
    var encoding: DateEncoding
}

/// Runs `body(0..<iterations)` on the Dispatch thread pool and returns when all are done. The
/// workers write disjoint rows of shared buffers, which the compiler cannot prove; hence the box.
func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    struct Box: @unchecked Sendable { let body: (Int) -> Void }
    withoutActuallyEscaping(body) { escapable in
        let box = Box(body: escapable)
        DispatchQueue.concurrentPerform(iterations: iterations) { box.body($0) }
    }
}

private func encode(_ d: CivilDate?, _ e: DateEncoding) -> Int32 {
    guard let d else { return e.none }
    return e == .dayNumber ? d.dayNumber : d.yyyymmdd
}

private func withOptionalBuffer<T, R>(_ a: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> R) rethrows -> R {
    guard let a else { return try body(nil) }
    return try a.withUnsafeBufferPointer { try body($0) }
}

/// One bulk classification in progress.
private struct BulkRun {
    let classifier: Classifier
    let ctx: ChildKernel.Context
    let children: ChildColumns
    let marks: MarkColumns
    let today: CivilDate
    let ix: CalendarIndex

    init(classifier: Classifier, ctx: ChildKernel.Context, children: ChildColumns, marks: MarkColumns, today: CivilDate) {
        self.classifier = classifier
        self.ctx = ctx
        self.children = children
        self.marks = marks
        self.today = today
        ix = classifier.calendar.index
    }

    static let noSpan = Int32.min

    func execute() throws -> ClassificationTable {
        let nm = marks.child.count
        let nc = children.count
        let offsets = try ColumnMemory.allocate(Int32.self, count: nm, "the marks' calendar offsets")
        defer { ColumnMemory.release(offsets) }
        let hasSpans = marks.leaveFrom != nil || marks.leaveTo != nil
        let spanFrom = try ColumnMemory.allocate(Int32.self, count: hasSpans ? nm : 1, "the marks' leave spans")
        defer { ColumnMemory.release(spanFrom) }
        let spanTo = try ColumnMemory.allocate(Int32.self, count: hasSpans ? nm : 1, "the marks' leave spans")
        defer { ColumnMemory.release(spanTo) }
        let sorted = try validateMarks(offsets: offsets, spanFrom: spanFrom, spanTo: spanTo, hasSpans: hasSpans)

        // Where each child's marks are: contiguous when sorted, else regrouped by a parallel, stable
        // counting sort on the child column into packed records (offset, input position, kind), so
        // that the per-child pass reads contiguous memory.
        var grouped: Grouped? = nil
        defer { grouped?.release() }
        if !sorted { grouped = try group(offsets: offsets) }
        let table = try ClassificationTable(rows: nc, asOf: ctx.asOf)
        let chunks = max(1, min(256, nc / 2048))
        let results = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunks)
        results.initialize(repeating: ChunkResult())
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let g = grouped
        parallelFor(chunks) { k in
            let lo = nc * k / chunks
            let hi = nc * (k + 1) / chunks
            results[k] = classifyChildren(
                lo..<hi, sorted: sorted, grouped: g, offsets: offsets,
                spanFrom: spanFrom, spanTo: spanTo, hasSpans: hasSpans, table: table)
        }
        for k in 0..<chunks { if let e = results[k].error { throw e } }
        var all: [BulkMarkConflict] = []
        for k in 0..<chunks { all.append(contentsOf: results[k].conflicts) }
        table.conflicts = all
        return table
    }

    struct ChunkResult {
        var error: KCBXError?
        var conflicts: [BulkMarkConflict] = []
        var firstBadMark = -1
        var sorted = true
    }

    // MARK: Pass 1 — marks

    /// Validates every mark, stores its calendar offset; returns true when grouped by child and
    /// sorted by date. Throws the error of the lowest bad mark.
    func validateMarks(
        offsets: UnsafeMutableBufferPointer<Int32>, spanFrom: UnsafeMutableBufferPointer<Int32>,
        spanTo: UnsafeMutableBufferPointer<Int32>, hasSpans: Bool
    ) throws -> Bool {
        let nm = marks.child.count
        guard nm > 0 else { return true }
        let chunks = max(1, min(64, nm / 65_536))
        let results = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunks)
        results.initialize(repeating: ChunkResult())
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let nc = Int32(children.count)
        let todayOffset = Int64(today.dayNumber) - Int64(ix.base)
        let enc = marks.encoding
        let isSchool = ix.isSchool
        parallelFor(chunks) { k in
            let lo = nm * k / chunks
            let hi = nm * (k + 1) / chunks
            var sorted = true
            var bad = -1
            var prevC = Int32.min
            var prevO = Int32.min
            // A small direct-mapped cache of decoded dates: a term has a few hundred distinct dates.
            var cacheKey = [Int32](repeating: Int32.min, count: 1024)
            var cacheOffset = [Int32](repeating: -1, count: 1024)
            for i in lo..<hi {
                let c = marks.child[i]
                let kind = marks.kind[i]
                let v = marks.date[i]
                let slot = Int((UInt32(bitPattern: v) &* 2_654_435_761) >> 22)
                let o: Int32
                if cacheKey[slot] == v {
                    o = cacheOffset[slot]
                } else {
                    o = ix.offset(v, enc)
                    cacheKey[slot] = v
                    cacheOffset[slot] = o
                }
                guard c >= 0, c < nc, kind >= 0, kind <= 4, o >= 0, isSchool[Int(o)] != 0, Int64(o) <= todayOffset else {
                    bad = i
                    break
                }
                offsets[i] = o
                if c < prevC || (c == prevC && o < prevO) { sorted = false }
                prevC = c
                prevO = o
                if hasSpans {
                    guard let (f, t) = span(i, offset: o, kind: kind) else {
                        bad = i
                        break
                    }
                    spanFrom[i] = f
                    spanTo[i] = t
                }
            }
            results[k].sorted = sorted
            results[k].firstBadMark = bad
        }
        for k in 0..<chunks where results[k].firstBadMark >= 0 { throw markError(results[k].firstBadMark) }
        var sorted = true
        for k in 0..<chunks {
            if !results[k].sorted { sorted = false }
            if k > 0 {
                let i = nm * k / chunks
                if i > 0 {
                    let (c0, c1) = (marks.child[i - 1], marks.child[i])
                    if c1 < c0 || (c1 == c0 && offsets[i] < offsets[i - 1]) { sorted = false }
                }
            }
        }
        return sorted
    }

    /// The leave span of mark `i` as offsets (noSpan when none), or nil when it is invalid.
    @inline(__always) func span(_ i: Int, offset o: Int32, kind: Int8) -> (Int32, Int32)? {
        let none = marks.encoding.none
        let fv = marks.leaveFrom?[i] ?? none
        let tv = marks.leaveTo?[i] ?? none
        if fv == none && tv == none { return (BulkRun.noSpan, BulkRun.noSpan) }
        guard kind == Int8(MarkKind.approvedLeave.rawValue) else { return nil }
        let f = fv == none ? o : ix.offset(fv, marks.encoding)
        let t = tv == none ? o : ix.offset(tv, marks.encoding)
        guard f >= 0, t >= 0, f <= o, o <= t else { return nil }
        return (f, t)
    }

    /// The error for bad mark `i`, naming the column and index.
    func markError(_ local: Int) -> KCBXError {
        let c = marks.child[local]
        let kind = marks.kind[local]
        let v = marks.date[local]
        let enc = marks.encoding
        let i = local + marks.firstIndex
        if c < 0 || Int(c) >= children.count {
            return .invalidInput(field: "marks.child[\(i)]", rule: "\(c) is not a child row (0..<\(children.count))")
        }
        if kind < 0 || kind > 4 {
            return .invalidInput(
                field: "marks.kind[\(i)]",
                rule: "\(kind) is not a mark kind (0 present, 1 approved leave, 2 unexcused, 3 late, 4 left early)")
        }
        let o = ix.offset(v, enc)
        if o == -1 {
            return .invalidInput(
                field: "marks.date[\(i)]", rule: "\(v) is not a date in \(enc == .yyyymmdd ? "YYYYMMDD form" : "day-number form")")
        }
        let date: CivilDate?
        if o == -2 {
            do { date = try enc.decode(v, field: "marks.date[\(i)]") } catch {
                return error as? KCBXError ?? .invalidInput(field: "marks.date[\(i)]", rule: "\(error)")
            }
        } else {
            date = CivilDate(dayNumber: ix.base + o)
        }
        if let date, let why = classifier.calendar.whyNotSchoolDay(date) {
            return .invalidInput(field: "marks.date[\(i)]", rule: "\(enc.text(v)) is not a school day: \(why)")
        }
        if let date, date > today {
            return .invalidInput(field: "marks.date[\(i)]", rule: "\(date) is in the future (today is \(today))")
        }
        let what =
            kind == Int8(MarkKind.approvedLeave.rawValue)
            ? "must be dates in the calendar with leave_from <= the mark's date <= leave_to"
            : "only approved-leave marks (kind 1) carry a leave span"
        return .invalidInput(field: "marks.leave_from[\(i)]/leave_to[\(i)]", rule: what)
    }

    // MARK: Regrouping unsorted input

    /// Marks regrouped by child: child r's marks are at starts[r]..<starts[r + 1], in input order.
    struct Grouped {
        let starts: UnsafeMutableBufferPointer<Int>
        /// `offset << 40 | input position << 8 | kind` (offsets stay below 2^24, a calendar spans
        /// at most 50 years; positions below 2^31).
        let records: UnsafeMutableBufferPointer<UInt64>
        func release() {
            ColumnMemory.release(starts)
            ColumnMemory.release(records)
        }
    }

    /// Stable two-pass radix sort on the child column, so that marks of one child keep their input
    /// order. Pass A partitions the marks by the child's high bits into at most 256 buckets (each
    /// worker writes a few sequential streams, not random addresses); pass B counting-sorts each
    /// bucket, small enough to stay in cache, by child. Both passes run in parallel.
    func group(offsets: UnsafeMutableBufferPointer<Int32>) throws -> Grouped {
        let nm = marks.child.count
        let nc = children.count
        let child = marks.child
        let kind = marks.kind
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, nm / 1_000_000))
        let childBits = nc <= 1 ? 0 : Int.bitWidth - (nc - 1).leadingZeroBitCount
        let shift = max(0, childBits - 8)
        let buckets = max(1, (nc + (1 << shift) - 1) >> shift)
        // Pass A: per-part bucket histograms, then each part's write position in each bucket.
        let cursor = try ColumnMemory.allocate(Int.self, count: parts * buckets, "the mark sort's histograms")
        defer { ColumnMemory.release(cursor) }
        parallelFor(parts) { p in
            let base = p * buckets
            for i in (nm * p / parts)..<(nm * (p + 1) / parts) { cursor[base + Int(child[i]) >> shift] += 1 }
        }
        let bucketStart = try ColumnMemory.allocate(Int.self, count: buckets + 1, "the mark sort's buckets")
        defer { ColumnMemory.release(bucketStart) }
        var run = 0
        for b in 0..<buckets {
            bucketStart[b] = run
            for p in 0..<parts {
                let h = cursor[p * buckets + b]
                cursor[p * buckets + b] = run
                run += h
            }
        }
        bucketStart[buckets] = run
        let tmpRecords = try ColumnMemory.allocate(UInt64.self, count: nm, "the mark sort's records")
        defer { ColumnMemory.release(tmpRecords) }
        let tmpChild = try ColumnMemory.allocate(Int32.self, count: nm, "the mark sort's child column")
        defer { ColumnMemory.release(tmpChild) }
        parallelFor(parts) { p in
            let base = p * buckets
            for i in (nm * p / parts)..<(nm * (p + 1) / parts) {
                let c = child[i]
                let slot = base + Int(c) >> shift
                let at = cursor[slot]
                cursor[slot] = at + 1
                tmpRecords[at] = UInt64(UInt32(offsets[i])) << 40 | UInt64(i) << 8 | UInt64(UInt8(kind[i]))
                tmpChild[at] = c
            }
        }
        // Pass B: counting sort of each bucket by child.
        let starts = try ColumnMemory.allocate(Int.self, count: nc + 1, "the children's mark index")
        let records: UnsafeMutableBufferPointer<UInt64>
        do { records = try ColumnMemory.allocate(UInt64.self, count: nm, "the grouped marks") } catch {
            ColumnMemory.release(starts)
            throw error
        }
        starts[nc] = nm
        parallelFor(buckets) { b in
            let lo = bucketStart[b]
            let hi = bucketStart[b + 1]
            let first = b << shift
            let last = min(nc, (b + 1) << shift)
            let width = last - first
            guard width > 0 else { return }
            let local = UnsafeMutableBufferPointer<Int>.allocate(capacity: width)
            defer { local.deallocate() }
            local.initialize(repeating: 0)
            for k in lo..<hi { local[Int(tmpChild[k]) - first] += 1 }
            var at = lo
            for c in 0..<width {
                starts[first + c] = at
                let h = local[c]
                local[c] = at
                at += h
            }
            for k in lo..<hi {
                let c = Int(tmpChild[k]) - first
                records[local[c]] = tmpRecords[k]
                local[c] += 1
            }
        }
        return Grouped(starts: starts, records: records)
    }

    // MARK: Pass 2 — children

    /// Per-worker scratch buffers, grown as needed (a child's marks can be most of the input, so
    /// growing them is a checked allocation).
    struct Scratch {
        var capacity = 1
        var off: UnsafeMutablePointer<Int32>, kind: UnsafeMutablePointer<UInt8>
        var idx: UnsafeMutablePointer<Int32>, keys: UnsafeMutablePointer<UInt64>
        /// Counting-sort histogram over a child's date range.
        static let histogram = 1024
        let hist: UnsafeMutablePointer<Int32>
        var spans: [ChildKernel.Span] = []

        init() throws {
            hist = try ColumnMemory.pointer(Int32.self, count: Scratch.histogram + 1, "a worker's histogram")
            do {
                (off, kind, idx, keys) = try Scratch.buffers(1)
            } catch {
                ColumnMemory.release(hist)
                throw error
            }
        }

        private static func buffers(_ n: Int) throws -> (
            UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UInt64>
        ) {
            let o = try ColumnMemory.pointer(Int32.self, count: n, "one child's marks")
            do {
                let k = try ColumnMemory.pointer(UInt8.self, count: n, "one child's marks")
                do {
                    let i = try ColumnMemory.pointer(Int32.self, count: n, "one child's marks")
                    do { return (o, k, i, try ColumnMemory.pointer(UInt64.self, count: n, "one child's marks")) } catch {
                        ColumnMemory.release(i)
                        throw error
                    }
                } catch {
                    ColumnMemory.release(k)
                    throw error
                }
            } catch {
                ColumnMemory.release(o)
                throw error
            }
        }

        mutating func reserve(_ n: Int) throws {
            guard n > capacity else { return }
            let c = max(n, capacity * 2, 64)
            let (o, k, i, y) = try Scratch.buffers(c)
            ColumnMemory.release(off)
            ColumnMemory.release(kind)
            ColumnMemory.release(idx)
            ColumnMemory.release(keys)
            (off, kind, idx, keys) = (o, k, i, y)
            capacity = c
        }

        func release() {
            ColumnMemory.release(off)
            ColumnMemory.release(kind)
            ColumnMemory.release(idx)
            ColumnMemory.release(keys)
            ColumnMemory.release(hist)
        }
    }

    func classifyChildren(
        _ rows: Range<Int>, sorted: Bool, grouped: Grouped?,
        offsets: UnsafeMutableBufferPointer<Int32>, spanFrom: UnsafeMutableBufferPointer<Int32>,
        spanTo: UnsafeMutableBufferPointer<Int32>, hasSpans: Bool, table: ClassificationTable
    ) -> ChunkResult {
        var result = ChunkResult()
        guard !rows.isEmpty else { return result }
        var scratch: Scratch
        do { scratch = try Scratch() } catch {
            result.error = error as? KCBXError ?? .storage("\(error)")
            return result
        }
        defer { scratch.release() }
        scratch.spans.reserveCapacity(8)
        let child = marks.child
        let kindCol = marks.kind
        let nm = child.count
        // Sorted input: the first mark of the first child of the chunk, by binary search.
        var m = 0
        if sorted {
            var lo = 0
            var hi = nm
            let target = Int32(rows.lowerBound)
            while lo < hi {
                let mid = (lo + hi) / 2
                if child[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            m = lo
        }
        for r in rows {
            // Gather.
            var count = 0
            if sorted {
                let b = m
                while m < nm && Int(child[m]) == r { m += 1 }
                count = m - b
                do { try scratch.reserve(count) } catch {
                    result.error = error as? KCBXError ?? .storage("\(error)")
                    return result
                }
                for j in 0..<count {
                    let i = b + j
                    scratch.off[j] = offsets[i]
                    scratch.kind[j] = UInt8(kindCol[i])
                    scratch.idx[j] = Int32(i)
                }
            } else {
                let g = grouped!
                let b = g.starts[r]
                let e = g.starts[r + 1]
                count = e - b
                do { try scratch.reserve(count) } catch {
                    result.error = error as? KCBXError ?? .storage("\(error)")
                    return result
                }
                var inOrder = true
                for j in 0..<count {
                    let rec = g.records[b + j]
                    scratch.off[j] = Int32(truncatingIfNeeded: rec >> 40)
                    scratch.kind[j] = UInt8(truncatingIfNeeded: rec)
                    scratch.idx[j] = Int32(truncatingIfNeeded: (rec >> 8) & 0xFFFF_FFFF)
                    if j > 0 && scratch.off[j] < scratch.off[j - 1] { inOrder = false }
                }
                if !inOrder { sortScratch(&scratch, count) }
            }
            // One mark per day: the later in the input wins.
            var w = 0
            var conflicts: Int32 = 0
            for j in 0..<count {
                if w > 0 && scratch.off[w - 1] == scratch.off[j] {
                    result.conflicts.append(
                        BulkMarkConflict(
                            row: r, date: ctx.date(scratch.off[j]),
                            replacedMark: Int(scratch.idx[w - 1]) + marks.firstIndex,
                            keptMark: Int(scratch.idx[j]) + marks.firstIndex))
                    scratch.off[w - 1] = scratch.off[j]
                    scratch.kind[w - 1] = scratch.kind[j]
                    scratch.idx[w - 1] = scratch.idx[j]
                    conflicts += 1
                } else {
                    scratch.off[w] = scratch.off[j]
                    scratch.kind[w] = scratch.kind[j]
                    scratch.idx[w] = scratch.idx[j]
                    w += 1
                }
            }
            // Facts.
            let facts: ChildKernel.Facts
            do { facts = try childFacts(r) } catch let e as KCBXError {
                result.error = e
                return result
            } catch {
                result.error = .invalidInput(field: "children[\(r)]", rule: "\(error)")
                return result
            }
            if facts.birthDay != ChildKernel.noDate, w > 0, ix.base + scratch.off[0] < facts.birthDay {
                let i = Int(scratch.idx[0]) + marks.firstIndex
                result.error = .invalidInput(
                    field: "marks.date[\(i)]",
                    rule: "\(ctx.date(scratch.off[0])) is before the birth date \(CivilDate(dayNumber: facts.birthDay)) of child \(r)")
                return result
            }
            scratch.spans.removeAll(keepingCapacity: true)
            if hasSpans {
                for j in 0..<w where scratch.kind[j] == MarkKind.approvedLeave.rawValue {
                    let i = Int(scratch.idx[j])
                    if spanFrom[i] != BulkRun.noSpan && (spanFrom[i] != spanTo[i] || spanFrom[i] != scratch.off[j]) {
                        scratch.spans.append(ChildKernel.Span(from: spanFrom[i], to: spanTo[i]))
                    }
                }
            }
            let out = scratch.spans.withUnsafeBufferPointer { sp in
                ChildKernel.classify(
                    ctx, offsets: UnsafeBufferPointer(start: scratch.off, count: w),
                    kinds: UnsafeBufferPointer(start: scratch.kind, count: w), spans: sp, facts: facts)
            }
            if out.problem == .notResident {
                result.error = Classifier.notResident("children[\(r)]")
                return result
            }
            table.store(r, id: children.ids?[r] ?? Int64(r), out, conflicts: conflicts)
        }
        return result
    }

    /// Sorts the scratch by (offset, input index), stably: insertion sort for a few marks, a
    /// counting sort on the offset when the child's dates span at most `Scratch.histogram` days
    /// (one term does), otherwise a sort of packed keys (offset << 40 | index << 8 | kind).
    func sortScratch(_ s: inout Scratch, _ n: Int) {
        guard n > 1 else { return }
        if n <= 16 {
            for j in 1..<n {
                let o = s.off[j]
                let k = s.kind[j]
                let x = s.idx[j]
                var i = j - 1
                while i >= 0 && (s.off[i] > o || (s.off[i] == o && s.idx[i] > x)) {
                    s.off[i + 1] = s.off[i]
                    s.kind[i + 1] = s.kind[i]
                    s.idx[i + 1] = s.idx[i]
                    i -= 1
                }
                s.off[i + 1] = o
                s.kind[i + 1] = k
                s.idx[i + 1] = x
            }
            return
        }
        var lo = s.off[0]
        var hi = s.off[0]
        for j in 0..<n {
            s.keys[j] = UInt64(UInt32(s.off[j])) << 40 | UInt64(UInt32(s.idx[j])) << 8 | UInt64(s.kind[j])
            lo = min(lo, s.off[j])
            hi = max(hi, s.off[j])
        }
        // Input positions are not necessarily ascending here (sorted input, grouped by a caller):
        // order equal offsets by position first so the counting sort's stability gives (offset, index).
        var ascending = true
        for j in 1..<n where s.idx[j] < s.idx[j - 1] {
            ascending = false
            break
        }
        if ascending && Int(hi - lo) < Scratch.histogram {
            let range = Int(hi - lo) + 1
            for v in 0...range { s.hist[v] = 0 }
            for j in 0..<n { s.hist[Int(s.off[j] - lo) + 1] += 1 }
            for v in 0..<range { s.hist[v + 1] += s.hist[v] }
            for j in 0..<n {
                let key = s.keys[j]
                let slot = Int(Int32(truncatingIfNeeded: key >> 40) - lo)
                let at = Int(s.hist[slot])
                s.hist[slot] += 1
                s.off[at] = Int32(truncatingIfNeeded: key >> 40)
                s.idx[at] = Int32(truncatingIfNeeded: (key >> 8) & 0xFFFF_FFFF)
                s.kind[at] = UInt8(truncatingIfNeeded: key)
            }
            return
        }
        var keys = UnsafeMutableBufferPointer(start: s.keys, count: n)
        keys.sort()
        for j in 0..<n {
            let key = keys[j]
            s.off[j] = Int32(truncatingIfNeeded: key >> 40)
            s.idx[j] = Int32(truncatingIfNeeded: (key >> 8) & 0xFFFF_FFFF)
            s.kind[j] = UInt8(truncatingIfNeeded: key)
        }
    }

    /// Decodes and checks the facts of child `r`.
    func childFacts(_ r: Int) throws -> ChildKernel.Facts {
        var f = ChildKernel.Facts()
        let enc = children.encoding
        var birth: CivilDate?
        var regDate: CivilDate?
        if let b = children.birthDate {
            birth = try enc.decode(b[r], field: "children.birth_date[\(r)]")
            f.birthDay = birth?.dayNumber ?? ChildKernel.noDate
        }
        var grade: Int?
        if let g = children.grade, g[r] != 0 {
            grade = Int(g[r])
            f.grade = g[r]
        }
        if let reg = children.registration {
            guard reg[r] >= 0, let s = RegistrationState(rawValue: UInt8(reg[r])) else {
                _ = try RegistrationState(code: Int(reg[r]), field: "children.registration[\(r)]")
                throw KCBXError.invalidInput(field: "children.registration[\(r)]", rule: "unknown code \(reg[r])")
            }
            f.registration = s
        }
        if let rd = children.registrationDate {
            regDate = try enc.decode(rd[r], field: "children.registration_date[\(r)]")
            f.registrationDay = regDate?.dayNumber ?? ChildKernel.noDate
        }
        if let fb = children.factBits {
            let bits = ChildFactBits(rawValue: fb[r])
            guard ChildFactBits.known.isSuperset(of: bits) else {
                throw KCBXError.invalidInput(
                    field: "children.fact_bits[\(r)]", rule: "unknown bits 0x\(String(fb[r] & ~ChildFactBits.known.rawValue, radix: 16))")
            }
            f.resident = !bits.contains(.notInHouseholdRegistry)
            f.studyingElsewhere = bits.contains(.studyingElsewhere)
            f.pastDropout = bits.contains(.pastDropout)
        }
        if let gm = children.groupMask {
            let all = SpecialGroup.mask(SpecialGroup.allCases)
            guard gm[r] & ~all == 0 else {
                throw KCBXError.invalidInput(
                    field: "children.group_mask[\(r)]",
                    rule: "unknown group bits 0x\(String(gm[r] & ~all, radix: 16)) (\(SpecialGroup.allCases.count) groups)")
            }
            f.groupMask = gm[r]
        }
        if f.registration != .enrolled || grade != nil || birth != nil || regDate != nil {
            try Classifier.validateFacts(
                birth: birth, grade: grade, registration: f.registration, registrationDate: regDate,
                hasExpertOpinion: { children.expertOpinion?(r).map { !$0.allSatisfy(\.isWhitespace) } ?? false },
                asOf: ctx.asOf, today: today, field: "children[\(r)]")
        }
        return f
    }
}
