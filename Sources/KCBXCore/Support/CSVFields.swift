/// One data row of `StrictCSVReader.readFields`: its fields as byte views into the reader's row
/// buffer (UTF-8 already validated), valid only during the row callback. Readers that fill
/// columns take values from here without making a `String` per value.
public struct CSVFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
        self.bytes = bytes
        self.ends = ends
    }

    /// The number of fields in the row.
    public var count: Int { ends.count }

    /// Field `k`'s bytes as read (untrimmed).
    func raw(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        let start = k == 0 ? 0 : ends[k - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[k]])
    }

    /// Calls `body` with field `k` trimmed as `CSVFile.trimmed` trims (spaces, tabs, U+3000 at
    /// either end), or with no bytes when `k` is nil (an absent optional column).
    func trimmed<R>(_ k: Int?, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let k, k < count else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try Self.trim(raw(k), body)
    }

    /// Calls `body` with `span` trimmed as `CSVFile.trimmed` trims (the one rule for every cell,
    /// CSV or Arrow).
    public static func trim<R>(_ span: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let f = span.first, let l = span.last, f <= 0x20 || l <= 0x20 || f == 0xE3 || l == 0x80 else { return try body(span) }
        // Rare: leave the character-level trimming to the one definition.
        var text = CSVFile.trimmed(String(decoding: span, as: UTF8.self))
        return try text.withUTF8 { try body($0) }
    }

    /// Field `k` trimmed, as a `String` ("" when `k` is nil).
    func string(_ k: Int?) -> String { trimmed(k) { String(decoding: $0, as: UTF8.self) } }

    /// Every field as a `String`, untrimmed (the row-of-strings reader).
    func strings() -> [String] { (0..<count).map { String(decoding: raw($0), as: UTF8.self) } }

    /// Whether `span` is valid UTF-8 (Unicode 3.9, table 3-7: no overlong forms, no surrogates,
    /// nothing above U+10FFFF — what the standard library's decoder accepts), checked byte by
    /// byte without decoding scalars or making a `String`.
    public static func isValidUTF8(_ span: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = span.count
        var i = 0
        while i < n {
            let b = span[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let len: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: len = 2
            case 0xE0:
                len = 3
                lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED:
                len = 3
                hi = 0x9F
            case 0xF0:
                len = 4
                lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4:
                len = 4
                hi = 0x8F
            default: return false
            }
            guard n - i >= len, (lo...hi).contains(span[i + 1]) else { return false }
            for k in 2..<len where span[i + k] & 0xC0 != 0x80 { return false }
            i += len
        }
        return true
    }
}

/// A column of strings in one byte arena with end offsets: no `String` per value until one is
/// asked for.
public struct ByteColumn: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []

    public init() {}

    public var count: Int { ends.count }

    mutating func reserve(_ n: Int) { ends.reserveCapacity(n) }

    mutating func append(_ span: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: span)
        ends.append(bytes.count)
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Value `i` as a `String`.
    public subscript(i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

    /// Whether value `i` starts with the bytes of `prefix`, with `String.hasPrefix`'s answer
    /// (a character boundary after the prefix) when the next byte is not ASCII.
    func hasPrefix(_ i: Int, _ prefix: [UInt8]) -> Bool {
        let r = range(i)
        guard r.count >= prefix.count else { return false }
        for (k, b) in prefix.enumerated() where bytes[r.lowerBound + k] != b { return false }
        if r.count > prefix.count, bytes[r.lowerBound + prefix.count] >= 0x80 {
            return self[i].hasPrefix(String(decoding: prefix, as: UTF8.self))
        }
        return true
    }

    /// Whether value `i` equals value `j` of `other` as `String` equality decides (canonical
    /// equivalence): bytes first, strings only when the bytes differ and are not all ASCII.
    func equals(_ i: Int, _ other: ByteColumn, _ j: Int) -> Bool {
        let a = range(i)
        let b = other.range(j)
        if a.count == b.count, bytes[a].elementsEqual(other.bytes[b]) { return true }
        if bytes[a].allSatisfy({ $0 < 0x80 }) && other.bytes[b].allSatisfy({ $0 < 0x80 }) { return false }
        return self[i] == other[j]
    }
}
