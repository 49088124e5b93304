/// One attendance mark as file format v2 keeps it: the student's integer id (`students.id`),
/// the day YYYYMMDD, the MarkKind code, the leave span YYYYMMDD (0 when none) and the slip.
struct PackedMark: Hashable {
    var sid: Int64
    var day: Int32
    var kind: UInt8
    var leaveFrom: Int32 = 0
    var leaveTo: Int32 = 0
    var slip: String = ""
}

/// The payload of an `attendance.recorded` event in file format v2 (docs/ledger.md, "Packed
/// attendance payload"): the text `packed-marks-v2:` and the base64 (RFC 4648, with padding) of
/// the marks, each as
///
/// - varint(zigzag(sid − previous sid)), the previous sid of the first mark being 0;
/// - varint(zigzag(day number − previous day number)), day numbers counted from 1970-01-01,
///   the previous of the first being 0;
/// - one byte: the MarkKind code (bits 0–2), 0x08 when a leave span follows, 0x10 when a slip follows;
/// - with a span: varint(zigzag(from − day)), varint(zigzag(to − day)) in day numbers;
/// - with a slip: varint(its UTF-8 length) and its bytes.
///
/// Varints are LEB128 (7 bits a byte, low first). A typical mark is 3 bytes, 4 characters.
/// The payload is hashed as text, like every payload, so the chain's semantics do not change.
enum PackedMarks {
    static let prefix = "packed-marks-v2:"
    private static let prefixBytes = Array(prefix.utf8)

    static func isPacked(_ payload: String) -> Bool {
        payload.utf8.starts(with: prefixBytes)
    }

    /// The payload text for `marks` (in the order given).
    static func encode(_ marks: [PackedMark]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(marks.count * 3 + 16)
        var prevSid: Int64 = 0
        var prevDay: Int64 = 0
        for m in marks {
            let day = Int64(dayNumber(m.day))
            varint(zigzag(m.sid &- prevSid), &bytes)
            varint(zigzag(day &- prevDay), &bytes)
            let span = m.leaveFrom != 0
            let slip = !m.slip.isEmpty
            bytes.append(m.kind & 0x07 | (span ? 0x08 : 0) | (slip ? 0x10 : 0))
            if span {
                varint(zigzag(Int64(dayNumber(m.leaveFrom)) &- day), &bytes)
                varint(zigzag(Int64(dayNumber(m.leaveTo)) &- day), &bytes)
            }
            if slip {
                varint(UInt64(m.slip.utf8.count), &bytes)
                bytes.append(contentsOf: m.slip.utf8)
            }
            prevSid = m.sid
            prevDay = day
        }
        var out = [UInt8](prefixBytes)
        base64(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Calls `body` with each mark of a packed payload, in order; `.integrity` naming event `seq`
    /// when the payload is not one.
    static func decode(_ payload: String, seq: Int64, _ body: (PackedMark) throws -> Void) throws {
        func bad(_ why: String) -> KCBXError { KCBXError.integrity("event #\(seq) has an unreadable packed attendance payload (\(why))") }
        var text = payload
        let bytes: [UInt8] = try text.withUTF8 { u in
            guard u.starts(with: prefixBytes) else { throw bad("no \(prefix) prefix") }
            guard let b = unbase64(UnsafeBufferPointer(rebasing: u[prefixBytes.count...])) else { throw bad("not base64") }
            return b
        }
        var i = 0
        func next() throws -> UInt64 {
            guard let v = readVarint(bytes, &i, end: bytes.count) else { throw bad("truncated at byte \(i)") }
            return v
        }
        func date(_ dayNumber: Int64) throws -> Int32 {
            guard (-1_000_000...1_000_000).contains(dayNumber) else { throw bad("a day out of range at byte \(i)") }
            return CivilDate(dayNumber: Int32(dayNumber)).yyyymmdd
        }
        var sid: Int64 = 0
        var day: Int64 = 0
        while i < bytes.count {
            sid &+= unzigzag(try next())
            day &+= unzigzag(try next())
            guard i < bytes.count else { throw bad("truncated at byte \(i)") }
            let flags = bytes[i]
            i += 1
            guard flags & 0xE0 == 0 else { throw bad("unknown flags \(flags) at byte \(i - 1)") }
            var m = PackedMark(sid: sid, day: try date(day), kind: flags & 0x07)
            if flags & 0x08 != 0 {
                m.leaveFrom = try date(day &+ unzigzag(try next()))
                m.leaveTo = try date(day &+ unzigzag(try next()))
            }
            if flags & 0x10 != 0 {
                let n = Int(clamping: try next())
                guard n <= bytes.count - i else { throw bad("a slip runs past the end") }
                m.slip = String(decoding: bytes[i..<(i + n)], as: UTF8.self)
                i += n
            }
            try body(m)
        }
    }

    private static func dayNumber(_ yyyymmdd: Int32) -> Int32 {
        (try? CivilDate(yyyymmdd: yyyymmdd))?.dayNumber ?? 0
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    /// The LEB128 varint at `i` in `bytes[..<end]`, moving `i` past it; nil when it runs past
    /// `end` or beyond 64 bits (`i` then stops where the reading stopped). The one reader of the
    /// packed payloads (attendance, roster) and the import's spool.
    @inline(__always)
    static func readVarint(_ bytes: [UInt8], _ i: inout Int, end: Int) -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while i < end, shift < 64 {
            let b = bytes[i]
            i += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
        return nil
    }

    static func varint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [UInt8] = {
        var r = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { r[Int(c)] = UInt8(i) }
        return r
    }()

    static func base64(_ b: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (b.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= b.count {
            let v = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = b.count - i
        if rest > 0 {
            let v = UInt32(b[i]) << 16 | (rest == 2 ? UInt32(b[i + 1]) << 8 : 0)
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
    }

    /// Strict base64 (length a multiple of 4, padding only at the end); nil otherwise.
    static func unbase64(_ t: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard t.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(t.count / 4 * 3)
        var i = 0
        while i < t.count {
            let last = i + 4 == t.count
            let pad = last ? (t[i + 3] == UInt8(ascii: "=") ? (t[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var v: UInt32 = 0
            for k in 0..<4 {
                let r: UInt8 = k >= 4 - pad ? 0 : reverse[Int(t[i + k])]
                guard r != 0xFF else { return nil }
                v = v << 6 | UInt32(r)
            }
            out.append(UInt8(v >> 16))
            if pad < 2 { out.append(UInt8(v >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(v & 0xFF)) }
            i += 4
        }
        return out
    }
}
