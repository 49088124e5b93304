/// Resident IDs as integer keys for joining registries (issue 14): an 18-character ID of 17
/// digits and a check character (digit or X, either case) packs into one `UInt64`
/// (first 17 digits × 11 + check value, below 2^61); any other text — wrong length, other
/// characters — is interned and keyed with the top bit set. Two IDs have the same key exactly
/// when their upper-cased texts (the reconciliation's normalization) are equal.
struct ResidentKeys {
    /// No resident ID (a student record without one).
    static let none = UInt64.max
    private static let internedBit: UInt64 = 1 << 63

    private var interned: [String: UInt64] = [:]
    private var texts: [String] = []

    /// The packed value of an 18-byte ID of 17 ASCII digits and a check digit or X/x, else nil.
    static func pack(_ span: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard span.count == 18 else { return nil }
        var v: UInt64 = 0
        for i in 0..<17 {
            let d = span[i] &- 48
            guard d <= 9 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        let c = span[17]
        let check: UInt64
        if c >= 48 && c <= 57 { check = UInt64(c - 48) } else if c == 88 || c == 120 { check = 10 } else { return nil }
        return v &* 11 &+ check
    }

    /// The key of an ID's text (trimmed by the caller).
    mutating func key(_ span: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if let v = Self.pack(span) { return v }
        return intern(String(decoding: span, as: UTF8.self))
    }

    /// The key of an ID given as a `String`.
    mutating func key(_ text: String) -> UInt64 {
        var t = text
        return t.withUTF8 { key($0) }
    }

    private mutating func intern(_ raw: String) -> UInt64 {
        var upper = raw.uppercased()
        if let v = upper.withUTF8({ Self.pack($0) }) { return v }
        if let k = interned[upper] { return k }
        let k = Self.internedBit | UInt64(texts.count)
        interned[upper] = k
        texts.append(upper)
        return k
    }

    /// The normalized text of `key` (upper-cased check character).
    func text(_ key: UInt64) -> String {
        if key & Self.internedBit != 0 {
            let i = Int(key & ~Self.internedBit)
            return i < texts.count ? texts[i] : ""
        }
        var digits = [UInt8](repeating: 48, count: 18)
        let check = key % 11
        digits[17] = check == 10 ? 88 : 48 + UInt8(check)
        var v = key / 11
        for i in stride(from: 16, through: 0, by: -1) {
            digits[i] = 48 + UInt8(v % 10)
            v /= 10
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The birth date of a packed ID that passes every check of `ResidentID.check(_:asOf:)`, or
    /// nil — then `ResidentID.check` on the text names the failure (the one definition of a
    /// valid ID; `ResidentKeyTests` holds this fast path to it).
    static func validBirth(_ key: UInt64, asOf: CivilDate) -> CivilDate? {
        guard key & internedBit == 0 else { return nil }
        let check = Int(key % 11)
        var v = key / 11
        var sum = 0
        var y = 0
        var m = 0
        var day = 0
        var province = 0
        for i in stride(from: 16, through: 0, by: -1) {
            let digit = Int(v % 10)
            v /= 10
            sum += digit * ResidentID.weights[i]
            switch i {
            case 0...1: province += digit * (i == 0 ? 10 : 1)
            case 6...9: y += digit * (i == 6 ? 1000 : i == 7 ? 100 : i == 8 ? 10 : 1)
            case 10...11: m += digit * (i == 10 ? 10 : 1)
            case 12...13: day += digit * (i == 12 ? 10 : 1)
            default: break
            }
        }
        guard ResidentID.provincePrefixes.contains(province), y >= 1900,
            let birth = try? CivilDate(year: y, month: m, day: day), birth <= asOf
        else { return nil }
        guard ResidentID.checkCharacters[sum % 11] == (check == 10 ? 88 : 48 + UInt8(check)) else { return nil }
        return birth
    }
}
