/// A column of UTF-8 strings in one byte buffer with Arrow's offsets layout (`offsets[i] ..<
/// offsets[i + 1]` are the bytes of row i): no Swift String per row, so a province's keys stay
/// compact and export to Arrow ("u") as they are.
public struct TextColumn: Sendable, Equatable {
    /// count + 1 offsets, starting at 0, non-decreasing.
    public private(set) var offsets: [Int32] = [0]
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public var count: Int { offsets.count - 1 }

    /// Appends one row; more than Int32.max bytes in all is an error (Arrow's "u" limit).
    public mutating func append(_ text: UnsafeRawBufferPointer) throws {
        guard let end = Int32(exactly: bytes.count + text.count) else {
            throw KCBXError.invalidInput(field: "text column", rule: "more than \(Int32.max) bytes of text in one column")
        }
        bytes.append(contentsOf: text)
        offsets.append(end)
    }

    public mutating func append(_ text: String) throws {
        var t = text
        try t.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    public mutating func reserve(rows: Int, bytes n: Int) {
        offsets.reserveCapacity(rows + 1)
        bytes.reserveCapacity(n)
    }

    /// Row `i` as a String (0 <= i < count).
    public subscript(i: Int) -> String {
        let a = Int(offsets[i])
        let b = Int(offsets[i + 1])
        return String(decoding: bytes[a..<b], as: UTF8.self)
    }
}
