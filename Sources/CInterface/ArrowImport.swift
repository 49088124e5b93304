import KCBXCTypes
import KCBXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One Arrow stream read to its end: the schema and every record batch, owned (and released)
/// by this object. The stream itself is released as soon as it is read (its arrays do not
/// depend on it), also when reading fails.
///
/// Nothing a producer hands over is trusted: NULL pointers, negative or overflowing lengths,
/// offsets and null counts, missing buffers, children shorter than their batch, non-monotonic
/// string offsets, string views outside their buffers and dictionary indexes outside the
/// dictionary are errors naming the column (and row); a column is checked before it is read.
/// Columns are read through `ArrowColumn`, which gives Swift buffers: the producer's own memory
/// when the type, alignment and chunking allow, else a converted copy owned by the import.
final class ArrowImport {
    /// What the stream holds ("marks", "children"), the prefix of every error's field.
    let what: String
    private(set) var fields: [ArrowImportField] = []
    /// The reader whose schema the batches follow (kept alive with the import).
    private let reader: ArrowStreamReader
    private(set) var batches: [UnsafeMutablePointer<ArrowArray>] = []
    /// First row of each batch (from 0; errors add `firstRow`).
    private(set) var batchStart: [Int] = []
    private(set) var rows = 0
    /// Global row of the import's first row (non-zero for one batch of a streamed call).
    let firstRow: Int
    private var owned: [UnsafeMutableRawPointer] = []

    /// The most batches one stream may bring (a producer sending empty batches forever stops here).
    static let maxBatches = 1 << 22

    /// Reads the whole stream (every batch held until the import is freed).
    convenience init(stream: UnsafeMutablePointer<ArrowArrayStream>?, _ what: String, maxRows: Int) throws {
        let r = try ArrowStreamReader(stream: stream, what)
        try self.init(reader: r, batches: [], firstRow: 0, maxRows: maxRows)
        while let b = try r.next() { try add(b, maxRows: maxRows) }
        r.finish()
    }

    /// An import of `batches` already read from `reader` (owned from here on, also on failure);
    /// rows are numbered from `firstRow` in errors.
    init(reader: ArrowStreamReader, batches: [UnsafeMutablePointer<ArrowArray>], firstRow: Int, maxRows: Int) throws {
        self.reader = reader
        self.what = reader.what
        self.fields = reader.fields
        self.firstRow = firstRow
        var rest = batches[...]
        defer { for a in rest { ArrowStreamReader.free(a) } }
        while let a = rest.popFirst() { try add(a, maxRows: maxRows) }
    }

    /// Takes batch `a` (owned from here on).
    func add(_ a: UnsafeMutablePointer<ArrowArray>, maxRows: Int) throws {
        batches.append(a)
        batchStart.append(rows)
        let (n, o) = rows.addingReportingOverflow(Int(a.pointee.length))
        guard !o, n <= maxRows else {
            throw KCBXError.invalidInput(field: what, rule: "more than the \(maxRows) rows one call takes; pass fewer rows per call")
        }
        rows = n
    }

    deinit {
        for a in batches { ArrowStreamReader.free(a) }
        for p in owned { free(p) }
    }

    func field(_ name: String) -> ArrowImportField? { fields.first { $0.name == name } }

    /// A column by name; nil when the stream has none.
    func column(_ name: String) -> ArrowColumn? {
        guard let f = field(name) else { return nil }
        var chunks: [ArrowChunk] = []
        for (b, a) in batches.enumerated() {
            guard let c = a.pointee.children?[f.index] else { continue }  // checked in ArrowStreamReader.next
            chunks.append(ArrowChunk(array: c, parentOffset: Int(a.pointee.offset), count: Int(a.pointee.length), base: batchStart[b]))
        }
        return ArrowColumn(owner: self, field: f, chunks: chunks, rows: rows)
    }

    /// Memory owned by the import (freed with it), `count` entries of T, zero-filled.
    func allocate<T: BitwiseCopyable>(_: T.Type, _ count: Int, _ what: String) throws -> UnsafeMutableBufferPointer<T> {
        let p = try ColumnMemory.pointer(T.self, count: count, what)
        owned.append(UnsafeMutableRawPointer(p))
        return UnsafeMutableBufferPointer(start: p, count: count)
    }
}

/// An Arrow stream read batch by batch: the schema at once, then `next()` gives each record
/// batch after checking it against the schema. The stream is released by `finish()`, by the
/// end of the stream, on a failure, or when the reader is freed; batches handed out are the
/// caller's (`free`).
final class ArrowStreamReader {
    let what: String
    private(set) var fields: [ArrowImportField] = []
    private var stream: UnsafeMutablePointer<ArrowArrayStream>?
    private var schema: UnsafeMutablePointer<ArrowSchema>?
    private(set) var batchCount = 0

    init(stream: UnsafeMutablePointer<ArrowArrayStream>?, _ what: String) throws {
        self.what = what
        guard let stream else { throw KCBXError.invalidInput(field: what, rule: "the stream must not be NULL") }
        guard stream.pointee.release != nil else {
            throw KCBXError.invalidInput(field: what, rule: "the stream is already released")
        }
        self.stream = stream
        do {
            guard let getSchema = stream.pointee.get_schema, stream.pointee.get_next != nil else {
                throw KCBXError.invalidInput(field: what, rule: "the stream has no get_schema/get_next callback")
            }
            let s = try ColumnMemory.pointer(ArrowSchema.self, count: 1, "an Arrow schema")
            s.pointee.release = nil
            schema = s
            let rc = getSchema(stream, s)
            guard rc == 0 else {
                s.pointee.release = nil
                throw failure(rc, "giving its schema")
            }
            guard s.pointee.release != nil else { throw KCBXError.invalidInput(field: what, rule: "the producer gave a released schema") }
            try readFields(s)
        } catch {
            finish()
            throw error
        }
    }

    deinit {
        finish()
        if let s = schema {
            if let r = s.pointee.release { r(s) }
            ColumnMemory.release(s)
        }
    }

    /// Releases the stream (its batches already handed out stay valid).
    func finish() {
        guard let s = stream else { return }
        stream = nil
        if let r = s.pointee.release { r(s) }
    }

    /// Releases and frees a batch handed out by `next`.
    static func free(_ a: UnsafeMutablePointer<ArrowArray>) {
        if let r = a.pointee.release { r(a) }
        ColumnMemory.release(a)
    }

    private func failure(_ code: Int32, _ doing: String) -> KCBXError {
        var text = "error \(code)"
        if let s = stream, let e = s.pointee.get_last_error, let m = e(s), let t = String(validatingCString: m) { text += ": \(t)" }
        return KCBXError.invalidInput(field: what, rule: "the producer failed \(doing) (\(text))")
    }

    /// The next batch (checked against the schema), or nil at the end of the stream.
    func next() throws -> UnsafeMutablePointer<ArrowArray>? {
        guard let stream, let getNext = stream.pointee.get_next else { return nil }
        do {
            guard batchCount < ArrowImport.maxBatches else {
                throw KCBXError.invalidInput(field: what, rule: "more than \(ArrowImport.maxBatches) batches; send larger batches")
            }
            let a = try ColumnMemory.pointer(ArrowArray.self, count: 1, "an Arrow batch")
            a.pointee.release = nil
            let rc = getNext(stream, a)
            guard rc == 0 else {
                ColumnMemory.release(a)
                throw failure(rc, "giving batch \(batchCount)")
            }
            guard a.pointee.release != nil else {
                ColumnMemory.release(a)
                finish()
                return nil
            }  // end of stream
            do { try checkBatch(a, index: batchCount) } catch {
                ArrowStreamReader.free(a)
                throw error
            }
            batchCount += 1
            return a
        } catch {
            finish()
            throw error
        }
    }

    private func readFields(_ s: UnsafeMutablePointer<ArrowSchema>) throws {
        guard let f = s.pointee.format, String(validatingCString: f) == "+s" else {
            throw KCBXError.invalidInput(field: what, rule: "the stream's schema must be a struct (format \"+s\") of columns")
        }
        let n = s.pointee.n_children
        guard n >= 0, n <= 10_000 else { throw KCBXError.invalidInput(field: what, rule: "\(n) columns is not a column count") }
        guard n == 0 || s.pointee.children != nil else { throw KCBXError.invalidInput(field: what, rule: "the schema's children are NULL") }
        for i in 0..<Int(n) {
            guard let c = s.pointee.children?[i], let cf = c.pointee.format, let format = String(validatingCString: cf) else {
                throw KCBXError.invalidInput(field: "\(what) column \(i)", rule: "has no schema or format")
            }
            let name = c.pointee.name.flatMap { String(validatingCString: $0) } ?? ""
            var dictFormat: String?
            if let d = c.pointee.dictionary {
                guard let df = d.pointee.format, let x = String(validatingCString: df) else {
                    throw KCBXError.invalidInput(field: "\(what).\(name)", rule: "its dictionary has no format")
                }
                dictFormat = x
            }
            if fields.contains(where: { $0.name == name }) {
                throw KCBXError.invalidInput(field: "\(what).\(name)", rule: "two columns have this name")
            }
            fields.append(ArrowImportField(name: name, format: format, dictionaryFormat: dictFormat, index: i))
        }
    }

    private func checkBatch(_ a: UnsafeMutablePointer<ArrowArray>, index: Int) throws {
        let b = a.pointee
        let field = "\(what) batch \(index)"
        guard b.length >= 0, b.offset >= 0, b.length <= Int64(Int32.max) * 64, b.offset <= Int64(Int32.max) * 64 else {
            throw KCBXError.invalidInput(field: field, rule: "length \(b.length) / offset \(b.offset) out of range")
        }
        guard b.null_count <= 0 else {
            throw KCBXError.invalidInput(field: field, rule: "a record batch has no null rows (null_count \(b.null_count))")
        }
        guard b.n_children == Int64(fields.count) else {
            throw KCBXError.invalidInput(field: field, rule: "has \(b.n_children) columns, the schema \(fields.count)")
        }
        guard fields.isEmpty || b.children != nil else { throw KCBXError.invalidInput(field: field, rule: "its children are NULL") }
        for f in fields {
            guard let c = b.children?[f.index] else {
                throw KCBXError.invalidInput(field: "\(what).\(f.name) (batch \(index))", rule: "is NULL")
            }
            guard c.pointee.release != nil else {
                throw KCBXError.invalidInput(field: "\(what).\(f.name) (batch \(index))", rule: "is released")
            }
        }
    }

}

/// A column's name and type as the schema gives them.
struct ArrowImportField {
    let name: String
    /// The Arrow format string ("i", "tdD", "u", ...); for a dictionary column, that of its indexes.
    let format: String
    /// The format of the dictionary's values, for dictionary-encoded columns.
    let dictionaryFormat: String?
    let index: Int

    /// The logical value type: the dictionary's for dictionary columns.
    var valueFormat: String { dictionaryFormat ?? format }
}

/// One batch's slice of a column.
struct ArrowChunk {
    let array: UnsafeMutablePointer<ArrowArray>
    let parentOffset: Int
    let count: Int
    /// Global row of the chunk's first row.
    let base: Int
}

/// Fixed-width integer formats and their byte widths.
let arrowIntegerFormats: [String: (width: Int, signed: Bool)] = [
    "c": (1, true), "C": (1, false), "s": (2, true), "S": (2, false),
    "i": (4, true), "I": (4, false), "l": (8, true), "L": (8, false),
]

/// A column of an imported stream, read as Swift buffers after its layout is checked.
struct ArrowColumn {
    let owner: ArrowImport
    let field: ArrowImportField
    let chunks: [ArrowChunk]
    let rows: Int

    var name: String { "\(owner.what).\(field.name)" }
    var isDictionary: Bool { field.dictionaryFormat != nil }
    var isText: Bool { ["u", "U", "vu"].contains(field.valueFormat) }
    var isInteger: Bool { arrowIntegerFormats[field.valueFormat] != nil }

    func error(_ row: Int?, _ rule: String) -> KCBXError {
        KCBXError.invalidInput(field: row.map { "\(name)[\($0 + owner.firstRow)]" } ?? name, rule: rule)
    }

    // MARK: Layout checks

    /// Checks one chunk's struct for `format` and returns its first row (offsets applied).
    func check(_ c: ArrowChunk, format: String, dictionary: Bool) throws -> Int {
        let a = c.array.pointee
        guard a.length >= 0, a.offset >= 0, a.null_count >= -1, a.n_buffers >= 0, a.n_buffers <= 1 << 20 else {
            throw error(
                c.base, "length \(a.length), offset \(a.offset), null_count \(a.null_count) or n_buffers \(a.n_buffers) out of range")
        }
        let (start, o1) = Int(a.offset).addingReportingOverflow(c.parentOffset)
        let (end, o2) = start.addingReportingOverflow(c.count)
        guard !o1, !o2, end <= Int(a.length) + Int(a.offset), c.parentOffset + c.count <= Int(a.length) else {
            throw error(
                c.base, "the column has \(a.length) rows from offset \(a.offset), fewer than its batch (\(c.parentOffset)+\(c.count))")
        }
        let expected: Int
        switch format {
        case "u", "U": expected = 3
        case "vu": expected = -1
        case "b": expected = 2
        case "n": expected = 0
        default:
            guard arrowIntegerFormats[format] != nil || format == "tdD" || format == "tdm" || format == "f" || format == "g" else {
                throw error(nil, "Arrow type \"\(format)\" is not one KCBX reads here")
            }
            expected = 2
        }
        if expected >= 0 {
            guard a.n_buffers == Int64(expected) else {
                throw error(nil, "format \(format) has \(expected) buffers, the array \(a.n_buffers)")
            }
        } else {
            guard a.n_buffers >= 3 else { throw error(nil, "a string view array has at least 3 buffers, got \(a.n_buffers)") }
        }
        guard a.n_buffers == 0 || a.buffers != nil else { throw error(nil, "its buffers are NULL") }
        if a.null_count != 0, a.n_buffers > 0, a.buffers?[0] == nil, a.null_count > 0 {
            throw error(c.base, "null_count \(a.null_count) with no validity buffer")
        }
        if c.count > 0 {
            for i in 1..<Int(a.n_buffers) where a.buffers?[i] == nil {
                if format == "vu" && i == 2 && a.n_buffers == 3 { continue }  // no variadic buffers: the sizes buffer may be empty
                throw error(c.base, "data buffer \(i) is NULL for \(c.count) rows")
            }
        }
        if dictionary, c.array.pointee.dictionary == nil { throw error(nil, "its dictionary is NULL") }
        return start
    }

    /// True when row `i` (array position, offsets applied) is null.
    @inline(__always) static func isNull(_ a: ArrowArray, _ i: Int) -> Bool {
        guard a.null_count != 0, let v = a.buffers?[0] else { return false }
        return v.load(fromByteOffset: i >> 3, as: UInt8.self) & (1 << UInt8(i & 7)) == 0
    }

    /// Fails naming the first null row, for a column that must have none.
    func requireNoNulls() throws {
        for c in chunks {
            let a = c.array.pointee
            guard a.null_count != 0, a.buffers?[0] != nil else { continue }
            let start = Int(a.offset) + c.parentOffset
            for j in 0..<c.count where ArrowColumn.isNull(a, start + j) {
                throw error(c.base + j, "is null; the column must not have nulls")
            }
        }
    }

    // MARK: Fixed-width values

    /// The column as a buffer of T when its format is exactly `format` (one of T's size): the
    /// producer's memory when there is one aligned chunk, else the chunks copied into one buffer.
    /// Nulls are refused. `borrowed` tells which.
    func fixed<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, format: String) throws -> (UnsafeBufferPointer<T>, borrowed: Bool) {
        guard !isDictionary else { throw error(nil, "is dictionary-encoded; a plain \(format) column is needed here") }
        try requireNoNulls()
        let size = MemoryLayout<T>.size
        if chunks.count == 1, let c = chunks.first {
            let start = try check(c, format: format, dictionary: false)
            guard let data = c.array.pointee.buffers?[1] ?? (c.count == 0 ? UnsafeRawPointer(bitPattern: MemoryLayout<T>.alignment) : nil)
            else {
                return (UnsafeBufferPointer(start: nil, count: 0), true)
            }
            let p = data + start * size
            if Int(bitPattern: p) % MemoryLayout<T>.alignment == 0 {
                return (UnsafeBufferPointer(start: p.assumingMemoryBound(to: T.self), count: c.count), true)
            }
        }
        let out = try owner.allocate(T.self, rows, "a copy of \(name)")
        guard let base = out.baseAddress else { return (UnsafeBufferPointer(out), false) }
        for c in chunks {
            let start = try check(c, format: format, dictionary: false)
            guard c.count > 0, let data = c.array.pointee.buffers?[1] else { continue }
            memcpy(UnsafeMutableRawPointer(base + c.base), data + start * size, c.count * size)
        }
        return (UnsafeBufferPointer(out), false)
    }

    /// Calls `body(row, value)` for every row of an integer (or date32/date64) column, dictionary
    /// columns through their dictionary; nil for a null. Values that do not fit Int64 are errors.
    /// The format is looked at once per chunk, not per value.
    func forEachInteger(_ body: (Int, Int64?) throws -> Void) throws {
        for c in chunks {
            if isDictionary {
                try forEachDictionaryIndex(c) { row, entry, dict in
                    guard let entry else {
                        try body(row, nil)
                        return
                    }
                    try body(row, try ArrowColumn.integer(dict, entry, format: field.valueFormat, column: self, row: row))
                }
                continue
            }
            let start = try check(c, format: field.format, dictionary: false)
            let a = c.array.pointee
            guard c.count > 0 else { continue }
            guard let data = a.buffers?[1] else { throw error(c.base, "has no data buffer") }
            let nulls = a.null_count != 0 && a.buffers?[0] != nil
            func run<T: FixedWidthInteger>(_: T.Type) throws {
                let size = MemoryLayout<T>.size
                for j in 0..<c.count {
                    let i = start + j
                    if nulls && ArrowColumn.isNull(a, i) {
                        try body(c.base + j, nil)
                        continue
                    }
                    let v = data.loadUnaligned(fromByteOffset: i * size, as: T.self)
                    guard let x = Int64(exactly: v) else { throw error(c.base + j, "\(v) is out of range") }
                    try body(c.base + j, x)
                }
            }
            switch field.format {
            case "c": try run(Int8.self)
            case "C": try run(UInt8.self)
            case "s": try run(Int16.self)
            case "S": try run(UInt16.self)
            case "i", "tdD": try run(Int32.self)
            case "I": try run(UInt32.self)
            case "l", "tdm": try run(Int64.self)
            case "L": try run(UInt64.self)
            default: throw error(nil, "Arrow type \"\(field.format)\" is not an integer")
            }
        }
    }

    /// Value `i` of a fixed-width array `a` of `format` as Int64 (date32 as days, date64 as ms).
    @inline(__always) static func integer(_ a: ArrowArray, _ i: Int, format: String, column: ArrowColumn, row: Int) throws -> Int64 {
        guard let data = a.buffers?[1] else { throw column.error(row, "has no data buffer") }
        switch format {
        case "c": return Int64(data.loadUnaligned(fromByteOffset: i, as: Int8.self))
        case "C": return Int64(data.loadUnaligned(fromByteOffset: i, as: UInt8.self))
        case "s": return Int64(data.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))
        case "S": return Int64(data.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
        case "i", "tdD": return Int64(data.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
        case "I": return Int64(data.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
        case "l", "tdm": return data.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)
        case "L":
            guard let v = Int64(exactly: data.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) else {
                throw column.error(row, "\(data.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) is out of range")
            }
            return v
        default: throw column.error(row, "Arrow type \"\(format)\" is not an integer")
        }
    }

    // MARK: Dictionaries

    /// Checks a dictionary chunk and calls `body(row, dictionary entry or nil, dictionary array)`.
    func forEachDictionaryIndex(_ c: ArrowChunk, _ body: (Int, Int?, ArrowArray) throws -> Void) throws {
        let start = try check(c, format: field.format, dictionary: true)
        guard arrowIntegerFormats[field.format] != nil, let dp = c.array.pointee.dictionary else {
            throw error(nil, "dictionary indexes must be integers, not \"\(field.format)\"")
        }
        let dict = try checkedDictionary(dp)
        let a = c.array.pointee
        for j in 0..<c.count {
            let i = start + j
            if ArrowColumn.isNull(a, i) {
                try body(c.base + j, nil, dict)
                continue
            }
            let k = try ArrowColumn.integer(a, i, format: field.format, column: self, row: c.base + j)
            guard k >= 0, k < dict.length else {
                throw error(c.base + j, "dictionary index \(k) is outside the dictionary of \(dict.length) entries")
            }
            try body(c.base + j, Int(k) + Int(dict.offset), dict)
        }
    }

    /// The dictionary array after its layout (and text offsets) are checked.
    func checkedDictionary(_ d: UnsafeMutablePointer<ArrowArray>) throws -> ArrowArray {
        let vf = field.valueFormat
        let chunk = ArrowChunk(array: d, parentOffset: 0, count: Int(max(0, d.pointee.length)), base: 0)
        _ = try check(chunk, format: vf, dictionary: false)
        if ["u", "U", "vu"].contains(vf) {
            try checkText(d.pointee, from: Int(d.pointee.offset), count: Int(d.pointee.length), format: vf, base: 0)
        }
        return d.pointee
    }

    // MARK: Text

    /// Checks text offsets (monotonic, non-negative) or views (inside their buffers) of rows
    /// `from ..< from + count` of `a`.
    func checkText(_ a: ArrowArray, from: Int, count: Int, format: String, base: Int) throws {
        guard count > 0, let b = a.buffers else { return }
        switch format {
        case "u":
            guard let o = b[1] else { return }
            var prev = o.loadUnaligned(fromByteOffset: from * 4, as: Int32.self)
            guard prev >= 0 else { throw error(base, "negative string offset \(prev)") }
            for j in 1...count {
                let v = o.loadUnaligned(fromByteOffset: (from + j) * 4, as: Int32.self)
                guard v >= prev else { throw error(base + j - 1, "string offsets decrease (\(prev) then \(v))") }
                prev = v
            }
        case "U":
            guard let o = b[1] else { return }
            var prev = o.loadUnaligned(fromByteOffset: from * 8, as: Int64.self)
            guard prev >= 0 else { throw error(base, "negative string offset \(prev)") }
            for j in 1...count {
                let v = o.loadUnaligned(fromByteOffset: (from + j) * 8, as: Int64.self)
                guard v >= prev, v <= Int64(Int32.max) * 64 else {
                    throw error(base + j - 1, "string offsets decrease or overflow (\(prev) then \(v))")
                }
                prev = v
            }
        default:  // "vu": views of 16 bytes; data buffers 2 ..< n-1; sizes (int64) in the last buffer
            guard let views = b[1] else { return }
            let nData = Int(a.n_buffers) - 3
            let sizes = b[Int(a.n_buffers) - 1]
            for j in 0..<count {
                let v = views + (from + j) * 16
                let len = v.loadUnaligned(as: Int32.self)
                guard len >= 0 else { throw error(base + j, "negative string view length \(len)") }
                if len <= 12 { continue }
                let buf = Int(v.loadUnaligned(fromByteOffset: 8, as: Int32.self))
                let off = Int(v.loadUnaligned(fromByteOffset: 12, as: Int32.self))
                guard buf >= 0, buf < nData, let sizes, off >= 0 else { throw error(base + j, "string view points outside its buffers") }
                let size = sizes.loadUnaligned(fromByteOffset: buf * 8, as: Int64.self)
                guard Int64(off) + Int64(len) <= size, b[2 + buf] != nil else {
                    throw error(base + j, "string view points outside its buffer")
                }
            }
        }
    }

    /// The bytes of text value `i` of `a` (checked by `checkText`).
    @inline(__always) static func text(_ a: ArrowArray, _ i: Int, format: String) -> UnsafeRawBufferPointer {
        guard let b = a.buffers else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        switch format {
        case "u":
            guard let o = b[1], let d = b[2] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let s = Int(o.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
            let e = Int(o.loadUnaligned(fromByteOffset: (i + 1) * 4, as: Int32.self))
            return UnsafeRawBufferPointer(start: d + s, count: e - s)
        case "U":
            guard let o = b[1], let d = b[2] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let s = Int(o.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
            let e = Int(o.loadUnaligned(fromByteOffset: (i + 1) * 8, as: Int64.self))
            return UnsafeRawBufferPointer(start: d + s, count: e - s)
        default:
            guard let views = b[1] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let v = views + i * 16
            let len = Int(v.loadUnaligned(as: Int32.self))
            if len <= 12 { return UnsafeRawBufferPointer(start: v + 4, count: len) }
            let buf = Int(v.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            let off = Int(v.loadUnaligned(fromByteOffset: 12, as: Int32.self))
            guard let d = b[2 + buf] else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: d + off, count: len)
        }
    }

    /// Calls `body(row, bytes or nil)` for every row of a text column (utf8, large utf8, string
    /// view, or a dictionary of them). The bytes stay valid while the import lives.
    func forEachText(_ body: (Int, UnsafeRawBufferPointer?) throws -> Void) throws {
        let vf = field.valueFormat
        guard ["u", "U", "vu"].contains(vf) else { throw error(nil, "Arrow type \"\(vf)\" is not text") }
        for c in chunks {
            if isDictionary {
                try forEachDictionaryIndex(c) { row, entry, dict in
                    try body(row, entry.map { ArrowColumn.text(dict, $0, format: vf) })
                }
                continue
            }
            let start = try check(c, format: vf, dictionary: false)
            let a = c.array.pointee
            try checkText(a, from: start, count: c.count, format: vf, base: c.base)
            for j in 0..<c.count {
                let i = start + j
                try body(c.base + j, ArrowColumn.isNull(a, i) ? nil : ArrowColumn.text(a, i, format: vf))
            }
        }
    }

    /// Every value as a String (nil for null): for small columns (expert opinions, labels).
    func strings() throws -> [String?] {
        var out: [String?] = []
        out.reserveCapacity(rows)
        try forEachText { row, bytes in
            guard let bytes else {
                out.append(nil)
                return
            }
            guard let s = String(validating: bytes, as: UTF8.self) else { throw error(row, "is not valid UTF-8") }
            out.append(s)
        }
        return out
    }

    /// Every value as the text a CSV cell would hold ("" for null): text as it is, integers in
    /// decimal, dates (date32, date64) as YYYY-MM-DD. For row-shaped imports (rosters, registries).
    func cellTexts() throws -> [String] {
        if isText { return try strings().map { $0 ?? "" } }
        let vf = field.valueFormat
        guard isInteger || vf == "tdD" || vf == "tdm" else { throw error(nil, "Arrow type \"\(vf)\" is neither text, integer nor date") }
        var out: [String] = []
        out.reserveCapacity(rows)
        if vf == "tdD" || vf == "tdm" {
            let (days, _) = try dates(.dayNumber)
            for d in days { out.append(d == Int32.min ? "" : CivilDate(dayNumber: d).description) }
            return out
        }
        try forEachInteger { _, v in out.append(v.map { String($0) } ?? "") }
        return out
    }

    // MARK: Dates

    /// The column as Int32 dates in `encoding` (nulls become its "no date"): date32 is day numbers,
    /// date64 milliseconds (whole days), integers YYYYMMDD. Zero-copy when the column is already
    /// in that encoding, one chunk and without nulls.
    func dates(_ encoding: DateEncoding) throws -> (UnsafeBufferPointer<Int32>, borrowed: Bool) {
        let vf = field.valueFormat
        let native: DateEncoding? = vf == "tdD" ? .dayNumber : (vf == "i" ? .yyyymmdd : nil)
        if native == encoding, !isDictionary, chunks.allSatisfy({ $0.array.pointee.null_count == 0 }) {
            return try fixed(Int32.self, format: vf)
        }
        guard vf == "tdD" || vf == "tdm" || isInteger else {
            throw error(nil, "Arrow type \"\(vf)\" is not a date (date32, date64 or YYYYMMDD integers)")
        }
        let out = try owner.allocate(Int32.self, rows, "the dates of \(name)")
        try forEachInteger { row, v in
            guard let v else {
                out[row] = encoding.none
                return
            }
            var day: Int64
            if vf == "tdD" || vf == "tdm" {
                if vf == "tdm" {
                    guard v % 86_400_000 == 0 else { throw error(row, "date64 \(v) is not a whole day") }
                    day = v / 86_400_000
                } else {
                    day = v
                }
                guard let d = Int32(exactly: day), CivilDate.validDayNumbers.contains(d) else {
                    throw error(row, "day \(day) is outside the years 0001-9999")
                }
                out[row] = encoding == .dayNumber ? d : CivilDate(dayNumber: d).yyyymmdd
            } else {
                guard let packed = Int32(exactly: v) else { throw error(row, "\(v) is not a YYYYMMDD date") }
                if encoding == .yyyymmdd {
                    out[row] = packed
                } else {
                    out[row] = try CivilDate(yyyymmdd: packed, field: "\(name)[\(row)]").dayNumber
                }
            }
        }
        return (UnsafeBufferPointer(out), false)
    }

    /// The encoding a date column is read in without conversion.
    var nativeDateEncoding: DateEncoding { field.valueFormat == "tdD" || field.valueFormat == "tdm" ? .dayNumber : .yyyymmdd }

    // MARK: Integers

    /// The column as T: zero-copy when it is `format` already; integer columns of another width
    /// converted with a range check; nulls are `null` (an error when nil).
    func integers<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, format: String, null: T? = nil) throws -> (
        UnsafeBufferPointer<T>, borrowed: Bool
    ) {
        if field.format == format, !isDictionary, null == nil || chunks.allSatisfy({ $0.array.pointee.null_count == 0 }) {
            return try fixed(T.self, format: format)
        }
        guard isInteger else { throw error(nil, "Arrow type \"\(field.valueFormat)\" is not an integer column") }
        let out = try owner.allocate(T.self, rows, "a conversion of \(name)")
        try forEachInteger { row, v in
            guard let v else {
                guard let null else { throw error(row, "is null; the column must not have nulls") }
                out[row] = null
                return
            }
            guard let x = T(exactly: v) else { throw error(row, "\(v) is out of range for \(T.self)") }
            out[row] = x
        }
        return (UnsafeBufferPointer(out), false)
    }
}
