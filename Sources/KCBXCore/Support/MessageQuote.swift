extension KCBXError {
    /// How an error message quotes an input value: in single quotes, control characters escaped
    /// (`\u{0}`), at most `limit` characters; a longer value is cut with "…" and its length in
    /// bytes, so a message stays short whatever the input (`'6404222019…' (10485760 bytes)`).
    public static func quote(_ value: some StringProtocol, limit: Int = 80) -> String {
        var out = "'"
        var taken = 0
        var cut = false
        for s in value.unicodeScalars {
            if taken == limit {
                cut = true
                break
            }
            taken += 1
            if s.value < 0x20 || s.value == 0x7F { out += "\\u{\(String(s.value, radix: 16))}" } else { out.unicodeScalars.append(s) }
        }
        return cut ? out + "…' (\(value.utf8.count) bytes)" : out + "'"
    }
}
