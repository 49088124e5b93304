import FoundationEssentials

extension MarksPayload {
    /// The payload's JSON exactly as `PayloadCoding.encode` writes it with `JSONEncoder` (sorted
    /// keys), built directly: attendance is the bulk of a ledger's events, and `JSONEncoder` costs
    /// more per mark than storing it. Strings other than plain ASCII go through `JSONEncoder`.
    var canonicalJSON: String {
        get throws {
            var out = "{\"marks\":["
            out.reserveCapacity(marks.count * 72 + 16)
            for (i, m) in marks.enumerated() {
                if i > 0 { out += "," }
                out += "{\"d\":"
                out += String(m.d)
                out += ",\"k\":"
                out += String(m.k)
                out += ",\"lf\":"
                out += String(m.lf)
                out += ",\"lt\":"
                out += String(m.lt)
                out += ",\"s\":"
                try Self.appendString(m.s, to: &out)
                out += ",\"sl\":"
                try Self.appendString(m.sl, to: &out)
                out += "}"
            }
            out += "]}"
            return out
        }
    }

    /// Appends `s` as a JSON string: printable ASCII other than `"` and `\` as is, anything else
    /// as `JSONEncoder` writes it.
    private static func appendString(_ s: String, to out: inout String) throws {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x2F }) {
            out += "\""
            out += s
            out += "\""
        } else {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            out += String(decoding: try e.encode(s), as: UTF8.self)
        }
    }
}

extension MarksPayload {
    /// Reads JSON in exactly the form `canonicalJSON` writes with plain-ASCII strings; nil for
    /// anything else (escapes, other key order, spaces), which `JSONDecoder` then reads. verify()
    /// decodes every attendance payload of the ledger, so this is its main cost.
    init?(canonicalJSON text: String) {
        var marks: [Mark] = []
        let ok: Bool =
            text.utf8.withContiguousStorageIfAvailable { b -> Bool in
                var i = 0
                func literal(_ s: StaticString) -> Bool {
                    let n = s.utf8CodeUnitCount
                    guard i + n <= b.count else { return false }
                    for k in 0..<n where b[i + k] != s.utf8Start[k] { return false }
                    i += n
                    return true
                }
                func int() -> Int? {
                    var v = 0
                    var digits = 0
                    var negative = false
                    if i < b.count, b[i] == 45 {
                        negative = true
                        i += 1
                    }
                    while i < b.count, b[i] >= 48, b[i] <= 57, digits < 18 {
                        v = v * 10 + Int(b[i] - 48)
                        i += 1
                        digits += 1
                    }
                    return digits == 0 ? nil : (negative ? -v : v)
                }
                func string() -> String? {
                    guard i < b.count, b[i] == 34 else { return nil }
                    let start = i + 1
                    var j = start
                    while j < b.count, b[j] != 34 {
                        if b[j] == 92 || b[j] < 0x20 || b[j] >= 0x7F { return nil }
                        j += 1
                    }
                    guard j < b.count else { return nil }
                    i = j + 1
                    return String(decoding: UnsafeBufferPointer(rebasing: b[start..<j]), as: UTF8.self)
                }
                guard literal("{\"marks\":[") else { return false }
                if literal("]}") { return i == b.count }
                while true {
                    guard literal("{\"d\":"), let d = int(), let d32 = Int32(exactly: d), literal(",\"k\":"), let k = int(),
                        literal(",\"lf\":"), let lf = int(), let lf32 = Int32(exactly: lf), literal(",\"lt\":"), let lt = int(),
                        let lt32 = Int32(exactly: lt), literal(",\"s\":"), let s = string(), literal(",\"sl\":"), let sl = string(),
                        literal("}")
                    else { return false }
                    marks.append(Mark(s: s, d: d32, k: k, lf: lf32, lt: lt32, sl: sl))
                    if literal(",") { continue }
                    return literal("]}") && i == b.count
                }
            } ?? false
        guard ok else { return nil }
        self.marks = marks
    }
}
