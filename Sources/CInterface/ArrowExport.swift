import KCBXCTypes
import KCBXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A column to hand to an Arrow consumer. Dates are day numbers (Arrow date32); `valid` nil
/// means no nulls. Build tables of these (`ArrowOutTable`) and export them with
/// `ArrowOutTable.export(into:)`: classification tables, report tables, findings and registries
/// all go out this way.
enum ArrowOutColumn {
    case int8([Int8])
    case int32([Int32])
    case int64([Int64])
    case uint32([UInt32])
    case float64([Double])
    case bool([Bool])
    case date32([Int32], valid: [Bool]?)
    case utf8(TextColumn, valid: [Bool]?)
    /// dictionary<int8, utf8>: `codes` index `labels` (pandas reads a categorical).
    case dictionary(codes: [Int8], labels: [String], valid: [Bool]?)

    var count: Int {
        switch self {
        case .int8(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .uint32(let v): return v.count
        case .float64(let v): return v.count
        case .bool(let v): return v.count
        case .date32(let v, _): return v.count
        case .utf8(let t, _): return t.count
        case .dictionary(let c, _, _): return c.count
        }
    }

    var validity: [Bool]? {
        switch self {
        case .date32(_, let v), .utf8(_, let v), .dictionary(_, _, let v): return v
        default: return nil
        }
    }

    var format: String {
        switch self {
        case .int8, .dictionary: return "c"
        case .int32: return "i"
        case .int64: return "l"
        case .uint32: return "I"
        case .float64: return "g"
        case .bool: return "b"
        case .date32: return "tdD"
        case .utf8: return "u"
        }
    }
}

/// A named output column.
struct ArrowOutField {
    var name: String
    var column: ArrowOutColumn
}

/// A table for export as one Arrow record batch in a stream, with key/value schema metadata.
struct ArrowOutTable {
    var fields: [ArrowOutField] = []
    var metadata: [(String, String)] = []

    var rows: Int { fields.first?.column.count ?? 0 }

    mutating func add(_ name: String, _ column: ArrowOutColumn) { fields.append(ArrowOutField(name: name, column: column)) }

    /// Fills `*out` with a stream yielding this table as one batch. The memory is prepared here
    /// (a failed allocation is an error now, never in a callback); the stream owns it until the
    /// consumer releases the stream and every array it took.
    func export(into out: UnsafeMutablePointer<ArrowArrayStream>) throws {
        for f in fields where f.column.count != rows {
            throw KCBXError.storage("arrow export: column \(f.name) has \(f.column.count) rows, not \(rows)")
        }
        let state = ArrowOutStream(table: self, batch: try ArrowOutBatch(self))
        out.pointee = ArrowArrayStream(
            get_schema: arrowOutGetSchema, get_next: arrowOutGetNext, get_last_error: arrowOutLastError,
            release: arrowOutReleaseStream, private_data: Unmanaged.passRetained(state).toOpaque())
    }
}

/// Memory blocks freed together when the last array or schema using them is released.
final class ArrowOutMemory {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// `bytes` zeroed bytes (at least 1), 64-byte aligned as Arrow recommends.
    func bytes(_ bytes: Int) throws -> UnsafeMutableRawPointer {
        var p: UnsafeMutableRawPointer?
        let n = max(bytes, 1)
        guard bytes >= 0, posix_memalign(&p, 64, n) == 0, let p else {
            throw KCBXError.storage("out of memory: cannot allocate \(bytes) bytes for an Arrow buffer")
        }
        memset(p, 0, n)
        blocks.append(p)
        return p
    }

    func typed<T>(_: T.Type, _ count: Int) throws -> UnsafeMutablePointer<T> {
        let (b, o) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !o else { throw KCBXError.storage("out of memory: an Arrow buffer of \(count) entries") }
        return try bytes(b).bindMemory(to: T.self, capacity: max(count, 1))
    }

    func cString(_ s: String) throws -> UnsafePointer<CChar> {
        let u = Array(s.utf8)
        let p = try typed(CChar.self, u.count + 1)
        for (i, c) in u.enumerated() { p[i] = CChar(bitPattern: c) }
        p[u.count] = 0
        return UnsafePointer(p)
    }

    func copy<T>(_ values: [T]) throws -> UnsafeRawPointer {
        let p = try typed(T.self, values.count)
        values.withUnsafeBufferPointer { b in if let base = b.baseAddress { p.update(from: base, count: b.count) } }
        return UnsafeRawPointer(p)
    }

    /// A validity bitmap (nil when every row is valid) and the null count.
    func bitmap(_ valid: [Bool]?) throws -> (UnsafeRawPointer?, Int64) {
        guard let valid, valid.contains(false) else { return (nil, 0) }
        let p = try typed(UInt8.self, (valid.count + 7) / 8)
        var nulls: Int64 = 0
        for (i, v) in valid.enumerated() { if v { p[i >> 3] |= UInt8(1) << UInt8(i & 7) } else { nulls += 1 } }
        return (UnsafeRawPointer(p), nulls)
    }

    deinit { for b in blocks { free(b) } }
}

/// The prepared batch: every struct and buffer lives in `memory`; each node's private_data holds
/// one retain of it.
final class ArrowOutBatch {
    let memory = ArrowOutMemory()
    let root: UnsafeMutablePointer<ArrowArray>
    let rows: Int

    init(_ table: ArrowOutTable) throws {
        rows = table.rows
        let n = table.fields.count
        root = try memory.typed(ArrowArray.self, 1)
        let children = try memory.typed(UnsafeMutablePointer<ArrowArray>?.self, n)
        let nodes = try memory.typed(ArrowArray.self, n)
        for (i, f) in table.fields.enumerated() {
            try fill(nodes + i, f.column)
            children[i] = nodes + i
        }
        let rootBuffers = try memory.typed(UnsafeRawPointer?.self, 1)
        root.pointee = ArrowArray(
            length: Int64(rows), null_count: 0, offset: 0, n_buffers: 1, n_children: Int64(n),
            buffers: rootBuffers, children: children, dictionary: nil, release: nil, private_data: nil)
    }

    private func node(
        _ p: UnsafeMutablePointer<ArrowArray>, length: Int, nulls: Int64, buffers: [UnsafeRawPointer?],
        dictionary: UnsafeMutablePointer<ArrowArray>? = nil
    ) throws {
        let b = try memory.typed(UnsafeRawPointer?.self, buffers.count)
        for (i, x) in buffers.enumerated() { b[i] = x }
        p.pointee = ArrowArray(
            length: Int64(length), null_count: nulls, offset: 0, n_buffers: Int64(buffers.count), n_children: 0,
            buffers: b, children: nil, dictionary: dictionary, release: nil, private_data: nil)
    }

    private func text(_ t: TextColumn) throws -> (UnsafeRawPointer, UnsafeRawPointer) {
        (try memory.copy(t.offsets), try memory.copy(t.bytes))
    }

    private func fill(_ p: UnsafeMutablePointer<ArrowArray>, _ c: ArrowOutColumn) throws {
        let (valid, nulls) = try memory.bitmap(c.validity)
        switch c {
        case .int8(let v): try node(p, length: v.count, nulls: 0, buffers: [nil, try memory.copy(v)])
        case .int32(let v): try node(p, length: v.count, nulls: 0, buffers: [nil, try memory.copy(v)])
        case .int64(let v): try node(p, length: v.count, nulls: 0, buffers: [nil, try memory.copy(v)])
        case .uint32(let v): try node(p, length: v.count, nulls: 0, buffers: [nil, try memory.copy(v)])
        case .float64(let v): try node(p, length: v.count, nulls: 0, buffers: [nil, try memory.copy(v)])
        case .bool(let v):
            let bits = try memory.typed(UInt8.self, (v.count + 7) / 8)
            for (i, x) in v.enumerated() where x { bits[i >> 3] |= UInt8(1) << UInt8(i & 7) }
            try node(p, length: v.count, nulls: 0, buffers: [nil, UnsafeRawPointer(bits)])
        case .date32(let v, _): try node(p, length: v.count, nulls: nulls, buffers: [valid, try memory.copy(v)])
        case .utf8(let t, _):
            let (o, d) = try text(t)
            try node(p, length: t.count, nulls: nulls, buffers: [valid, o, d])
        case .dictionary(let codes, let labels, _):
            var t = TextColumn()
            for l in labels { try t.append(l) }
            let dict = try memory.typed(ArrowArray.self, 1)
            let (o, d) = try text(t)
            try node(dict, length: t.count, nulls: 0, buffers: [nil, o, d])
            try node(p, length: codes.count, nulls: nulls, buffers: [valid, try memory.copy(codes)], dictionary: dict)
        }
    }

    /// Moves the batch into `out`, every node retaining this batch once.
    func move(into out: UnsafeMutablePointer<ArrowArray>) {
        func own(_ a: UnsafeMutablePointer<ArrowArray>) {
            a.pointee.private_data = Unmanaged.passRetained(self).toOpaque()
            a.pointee.release = arrowOutReleaseArray
            if let d = a.pointee.dictionary { own(d) }
            if let c = a.pointee.children { for i in 0..<Int(a.pointee.n_children) { if let x = c[i] { own(x) } } }
        }
        own(root)
        out.pointee = root.pointee  // moved: the root's retain now belongs to `out`
        root.pointee.release = nil
    }
}

/// The schema of an out table: every string and struct in `memory`.
final class ArrowOutSchema {
    let memory = ArrowOutMemory()

    static func fill(_ out: UnsafeMutablePointer<ArrowSchema>, _ table: ArrowOutTable) throws {
        let s = ArrowOutSchema()
        let n = table.fields.count
        let children = try s.memory.typed(UnsafeMutablePointer<ArrowSchema>?.self, n)
        let nodes = try s.memory.typed(ArrowSchema.self, n)
        for (i, f) in table.fields.enumerated() {
            var dict: UnsafeMutablePointer<ArrowSchema>?
            if case .dictionary = f.column {
                let d = try s.memory.typed(ArrowSchema.self, 1)
                d.pointee = ArrowSchema(
                    format: try s.memory.cString("u"), name: nil, metadata: nil, flags: 0, n_children: 0,
                    children: nil, dictionary: nil, release: nil, private_data: nil)
                dict = d
            }
            let nullable = f.column.validity != nil ? Int64(ARROW_FLAG_NULLABLE) : 0
            nodes[i] = ArrowSchema(
                format: try s.memory.cString(f.column.format), name: try s.memory.cString(f.name), metadata: nil,
                flags: nullable, n_children: 0, children: nil, dictionary: dict, release: nil, private_data: nil)
            children[i] = nodes + i
        }
        let meta = try s.metadata(table.metadata)
        out.pointee = ArrowSchema(
            format: try s.memory.cString("+s"), name: try s.memory.cString(""), metadata: meta, flags: 0,
            n_children: Int64(n), children: children, dictionary: nil, release: nil, private_data: nil)
        func own(_ x: UnsafeMutablePointer<ArrowSchema>) {
            x.pointee.private_data = Unmanaged.passRetained(s).toOpaque()
            x.pointee.release = arrowOutReleaseSchema
            if let d = x.pointee.dictionary { own(d) }
            if let c = x.pointee.children { for i in 0..<Int(x.pointee.n_children) { if let y = c[i] { own(y) } } }
        }
        own(out)
    }

    /// Arrow's metadata encoding: int32 count, then per pair int32 length + bytes, twice.
    private func metadata(_ pairs: [(String, String)]) throws -> UnsafePointer<CChar>? {
        guard !pairs.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func int32(_ v: Int) { withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { bytes.append(contentsOf: $0) } }
        int32(pairs.count)
        for (k, v) in pairs {
            int32(k.utf8.count)
            bytes.append(contentsOf: k.utf8)
            int32(v.utf8.count)
            bytes.append(contentsOf: v.utf8)
        }
        return UnsafePointer(try memory.copy(bytes).assumingMemoryBound(to: CChar.self))
    }
}

/// The stream's private data.
final class ArrowOutStream {
    let table: ArrowOutTable
    var batch: ArrowOutBatch?
    var lastError: UnsafeMutablePointer<CChar>?
    init(table: ArrowOutTable, batch: ArrowOutBatch) {
        self.table = table
        self.batch = batch
    }
    deinit { free(lastError) }
}

private func outStream(_ s: UnsafeMutablePointer<ArrowArrayStream>?) -> ArrowOutStream? {
    guard let s, let p = s.pointee.private_data, s.pointee.release != nil else { return nil }
    return Unmanaged<ArrowOutStream>.fromOpaque(p).takeUnretainedValue()
}

private let arrowOutGetSchema: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowSchema>?) -> Int32 = {
    s, out in
    guard let st = outStream(s), let out else { return EINVAL }
    do {
        try ArrowOutSchema.fill(out, st.table)
        return 0
    } catch {
        free(st.lastError)
        st.lastError = strdup("\(error)")
        return ENOMEM
    }
}

private let arrowOutGetNext: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?, UnsafeMutablePointer<ArrowArray>?) -> Int32 = {
    s, out in
    guard let st = outStream(s), let out else { return EINVAL }
    if let b = st.batch {
        b.move(into: out)
        st.batch = nil
    } else {
        out.pointee = ArrowArray(
            length: 0, null_count: 0, offset: 0, n_buffers: 0, n_children: 0, buffers: nil, children: nil,
            dictionary: nil, release: nil, private_data: nil)
    }
    return 0
}

private let arrowOutLastError: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> UnsafePointer<CChar>? = { s in
    guard let st = outStream(s) else { return nil }
    return UnsafePointer(st.lastError)
}

private let arrowOutReleaseStream: @convention(c) (UnsafeMutablePointer<ArrowArrayStream>?) -> Void = { s in
    guard let s, s.pointee.release != nil else { return }
    if let p = s.pointee.private_data { Unmanaged<ArrowOutStream>.fromOpaque(p).release() }
    s.pointee.private_data = nil
    s.pointee.release = nil
}

/// Releases an exported array node: its children and dictionary (unless the consumer moved them
/// out), then its retain of the batch.
private let arrowOutReleaseArray: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { a in
    guard let a, a.pointee.release != nil else { return }
    if let c = a.pointee.children {
        for i in 0..<Int(a.pointee.n_children) { if let x = c[i], let r = x.pointee.release { r(x) } }
    }
    if let d = a.pointee.dictionary, let r = d.pointee.release { r(d) }
    if let p = a.pointee.private_data { Unmanaged<ArrowOutBatch>.fromOpaque(p).release() }
    a.pointee.private_data = nil
    a.pointee.release = nil
}

private let arrowOutReleaseSchema: @convention(c) (UnsafeMutablePointer<ArrowSchema>?) -> Void = { x in
    guard let x, x.pointee.release != nil else { return }
    if let c = x.pointee.children {
        for i in 0..<Int(x.pointee.n_children) { if let y = c[i], let r = y.pointee.release { r(y) } }
    }
    if let d = x.pointee.dictionary, let r = d.pointee.release { r(d) }
    if let p = x.pointee.private_data { Unmanaged<ArrowOutSchema>.fromOpaque(p).release() }
    x.pointee.private_data = nil
    x.pointee.release = nil
}
