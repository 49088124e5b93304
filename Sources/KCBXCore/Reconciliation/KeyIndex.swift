/// A hash index from packed resident-ID keys to record positions: open addressing with linear
/// probing over two flat arrays, sized once for the records it will hold (at most half full).
/// The profile of reconciliation at 1M children (bench/RESULTS.md) put a quarter of the time in
/// `Dictionary<UInt64, Int>` hashing; integer keys need only a multiplicative mix.
struct KeyIndex {
    /// Never a key: `ResidentKeys.none` records are not indexed.
    private static let empty = ResidentKeys.none
    private var keys: [UInt64]
    private var values: [Int]
    private let mask: Int

    /// An index for up to `capacity` keys.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int](repeating: 0, count: size)
        mask = size - 1
    }

    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask }

    /// The position recorded for `key`, if any.
    subscript(key: UInt64) -> Int? {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Records `value` for `key` unless it is already there; returns the value now recorded.
    @discardableResult
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int) -> Int {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty {
                keys[i] = key
                values[i] = value
                return value
            }
            i = (i + 1) & mask
        }
    }
}
