import FoundationEssentials

extension MarksPayload {
    /// The payload's JSON exactly as `PayloadCoding.encode` writes it with `JSONEncoder` (sorted
    /// keys), built directly: attendance is the bulk of a ledger's events, and `JSONEncoder` costs
    /// more per mark than storing it. Strings other than plain ASCII go through `JSONEncoder`.
    var canonicalJSON: String {
        var out = "{\"marks\":["
        out.reserveCapacity(marks.count * 72 + 16)
        for (i, m) in marks.enumerated() {
            if i > 0 { out += "," }
            out += "{\"d\":"; out += String(m.d)
            out += ",\"k\":"; out += String(m.k)
            out += ",\"lf\":"; out += String(m.lf)
            out += ",\"lt\":"; out += String(m.lt)
            out += ",\"s\":"; Self.appendString(m.s, to: &out)
            out += ",\"sl\":"; Self.appendString(m.sl, to: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    /// Appends `s` as a JSON string: printable ASCII other than `"` and `\` as is, anything else
    /// as `JSONEncoder` writes it.
    private static func appendString(_ s: String, to out: inout String) {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C && $0 != 0x2F }) {
            out += "\""; out += s; out += "\""
        } else {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            out += String(decoding: try! e.encode(s), as: UTF8.self)
        }
    }
}
