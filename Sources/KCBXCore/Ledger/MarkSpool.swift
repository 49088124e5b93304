#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The checked marks of one attendance import between its check (read, no write lock) and its
/// writing (short write transactions): each mark as a few varint bytes (child slot and day as
/// deltas, kind and flags, span, slip, row delta). Up to `memoryBytes` (1 MB) stay in memory; beyond,
/// they go to an unlinked temporary file (`TMPDIR`, else /tmp), so memory stays flat whatever
/// the file's size (≈ 5 bytes a mark on disk, removed when the spool is released).
final class MarkSpool {
    static let memoryBytes = 1 << 20
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private(set) var count = 0
    private var prev = (slot: Int64(0), offset: Int64(0), row: Int64(0))

    init() { buffer.reserveCapacity(1 << 16) }
    deinit { if fd >= 0 { close(fd) } }

    /// One checked mark: child slot, day offset in the calendar, MarkKind code, leave span
    /// (YYYYMMDD, 0 = none), slip, row number.
    func append(slot: Int32, offset: Int32, kind: UInt8, leaveFrom: Int32, leaveTo: Int32, slip: String, row: Int) throws {
        varint(PackedMarks.zigzag(Int64(slot) - prev.slot))
        varint(PackedMarks.zigzag(Int64(offset) - prev.offset))
        let span = leaveFrom != 0
        buffer.append(kind & 0x07 | (span ? 0x08 : 0) | (slip.isEmpty ? 0 : 0x10))
        if span {
            varint(UInt64(UInt32(bitPattern: leaveFrom)))
            varint(UInt64(UInt32(bitPattern: leaveTo)))
        }
        if !slip.isEmpty {
            varint(UInt64(slip.utf8.count))
            buffer.append(contentsOf: slip.utf8)
        }
        varint(PackedMarks.zigzag(Int64(row) - prev.row))
        prev = (Int64(slot), Int64(offset), Int64(row))
        count += 1
        if buffer.count >= Self.memoryBytes { try spill() }
    }

    private func varint(_ v: UInt64) { PackedMarks.varint(v, &buffer) }

    private func spill() throws {
        if fd < 0 {
            let dir = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array((dir + "/kcbx-marks-XXXXXX").utf8CString)
            let f = template.withUnsafeMutableBufferPointer { p in p.baseAddress.map { mkstemp($0) } ?? -1 }
            guard f >= 0 else {
                throw KCBXError.storage("cannot create a temporary file in \(dir) for the import's checked marks: errno \(errno)")
            }
            template.withUnsafeBufferPointer { p in _ = p.baseAddress.map { unlink($0) } }
            fd = f
        }
        try buffer.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(fd, b.baseAddress.map { $0 + done }, b.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw KCBXError.storage("cannot write the import's temporary file: errno \(errno)") }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends appending; `Reader` then gives the marks back in order.
    func finish() throws {
        if fd >= 0 {
            try spill()
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw KCBXError.storage("cannot rewind the import's temporary file: errno \(errno)") }
        }
    }

    /// One mark read back.
    struct Mark {
        var slot: Int32
        var offset: Int32
        var kind: UInt8
        var leaveFrom: Int32
        var leaveTo: Int32
        var slip: String
        var row: Int
    }

    /// Reads the marks back in order (after `finish`).
    final class Reader {
        private let spool: MarkSpool
        private var bytes: [UInt8]
        private var i = 0
        private var end = 0
        private var left: Int
        private var prev = (slot: Int64(0), offset: Int64(0), row: Int64(0))

        init(_ spool: MarkSpool) {
            self.spool = spool
            left = spool.count
            if spool.fd < 0 {
                bytes = spool.buffer
                end = bytes.count
            } else {
                bytes = [UInt8](repeating: 0, count: 1 << 20)
            }
        }

        /// The next mark, or nil after the last.
        func next() throws -> Mark? {
            guard left > 0 else { return nil }
            // A mark is at most ~150 bytes (slip ≤ 100 characters): refill below 1 KiB.
            if spool.fd >= 0, end - i < 1024 { try refill() }
            left -= 1
            prev.slot += PackedMarks.unzigzag(try varint())
            prev.offset += PackedMarks.unzigzag(try varint())
            guard i < end else { throw truncated() }
            let flags = bytes[i]
            i += 1
            var lf: Int32 = 0
            var lt: Int32 = 0
            var slip = ""
            if flags & 0x08 != 0 {
                lf = Int32(truncatingIfNeeded: try varint())
                lt = Int32(truncatingIfNeeded: try varint())
            }
            if flags & 0x10 != 0 {
                let n = Int(try varint())
                guard n <= end - i else { throw truncated() }
                slip = String(decoding: bytes[i..<(i + n)], as: UTF8.self)
                i += n
            }
            prev.row += PackedMarks.unzigzag(try varint())
            return Mark(
                slot: Int32(truncatingIfNeeded: prev.slot), offset: Int32(truncatingIfNeeded: prev.offset), kind: flags & 0x07,
                leaveFrom: lf, leaveTo: lt, slip: slip, row: Int(prev.row))
        }

        private func truncated() -> KCBXError { KCBXError.storage("the import's temporary file ends early (was it changed?)") }

        private func varint() throws -> UInt64 {
            guard let v = PackedMarks.readVarint(bytes, &i, end: end) else { throw truncated() }
            return v
        }

        private func refill() throws {
            let rest = end - i
            if rest > 0 { bytes.withUnsafeMutableBufferPointer { b in _ = b.baseAddress.map { memmove($0, $0 + i, rest) } } }
            end = rest
            i = 0
            while end < bytes.count {
                let n = bytes.withUnsafeMutableBytes { b in read(spool.fd, b.baseAddress.map { $0 + end }, b.count - end) }
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else { throw KCBXError.storage("cannot read the import's temporary file: errno \(errno)") }
                if n == 0 { break }
                end += n
            }
        }
    }
}
