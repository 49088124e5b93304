/// The recursive-descent parser behind `JSONValue.parse`, over UTF-8 bytes that are already
/// valid (they come from a Swift string). Errors name the input, the path and the line and column.
struct StrictJSONParser {
    private enum Step {
        case key(String)
        case index(Int)
    }
    let bytes: UnsafeBufferPointer<UInt8>
    let field: String
    private var i = 0
    private var path: [Step] = []

    init(bytes: UnsafeBufferPointer<UInt8>, field: String) {
        self.bytes = bytes
        self.field = field
    }

    mutating func document() throws -> JSONValue {
        skipSpace()
        let v = try value(depth: 0)
        skipSpace()
        guard i == bytes.count else { throw refuse("has text after the JSON value") }
        return v
    }

    /// `parameters.suspected_after`, `school_years[0].terms[1]`; "document" at the top.
    private var pathText: String {
        var out = ""
        for step in path {
            switch step {
            case .key(let k): out += (out.isEmpty ? "" : ".") + (k.utf8.count <= 80 ? k : String(k.prefix(80)) + "…")
            case .index(let n): out += "[\(n)]"
            }
        }
        return out.isEmpty ? "document" : out
    }

    private func refuse(_ rule: String) -> KCBXError {
        var line = 1
        var column = 1
        for b in bytes[0..<min(i, bytes.count)] {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return .invalidInput(field: field, rule: "must be valid JSON: \(pathText) \(rule) (line \(line), column \(column))")
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func literal(_ word: StaticString, _ v: JSONValue) throws -> JSONValue {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw refuse("is cut short") }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        for k in 0..<n where bytes[i + k] != w[k] { throw refuse("has an unknown word (expected \(word))") }
        i += n
        return v
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard i < bytes.count else { throw refuse("is cut short (a value is missing)") }
        switch bytes[i] {
        case 0x7B:  // {
            guard depth < JSONValue.maxDepth else { throw refuse("nests deeper than \(JSONValue.maxDepth) levels") }
            i += 1
            var o: [String: JSONValue] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == 0x7D {
                i += 1
                return .object(o)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x22 else { throw refuse("has an object whose key is not a string") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == 0x3A else { throw refuse("lacks ':' after key \(KCBXError.quote(key))") }
                i += 1
                skipSpace()
                path.append(.key(key))
                let v = try value(depth: depth + 1)
                if o.updateValue(v, forKey: key) != nil {
                    throw refuse("is a duplicate key (JSON tools disagree on which value counts; keep one)")
                }
                path.removeLast()
                skipSpace()
                guard i < bytes.count else { throw refuse("is cut short (an object is not closed)") }
                if bytes[i] == 0x2C {
                    i += 1
                    continue
                }
                if bytes[i] == 0x7D {
                    i += 1
                    return .object(o)
                }
                throw refuse("has an object missing ',' or '}'")
            }
        case 0x5B:  // [
            guard depth < JSONValue.maxDepth else { throw refuse("nests deeper than \(JSONValue.maxDepth) levels") }
            i += 1
            var a: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == 0x5D {
                i += 1
                return .array(a)
            }
            while true {
                skipSpace()
                path.append(.index(a.count))
                a.append(try value(depth: depth + 1))
                path.removeLast()
                skipSpace()
                guard i < bytes.count else { throw refuse("is cut short (an array is not closed)") }
                if bytes[i] == 0x2C {
                    i += 1
                    continue
                }
                if bytes[i] == 0x5D {
                    i += 1
                    return .array(a)
                }
                throw refuse("has an array missing ',' or ']'")
            }
        case 0x22: return .string(try string())
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x6E: return try literal("null", .null)
        case 0x2D, 0x30...0x39: return try number()
        default: throw refuse("has an unexpected character where a value belongs")
        }
    }

    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return i - start
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        if bytes[i] == 0x2D { i += 1 }
        let intStart = i
        let n = digits()
        guard n > 0 else { throw refuse("has a number without digits") }
        guard !(n > 1 && bytes[intStart] == 0x30) else { throw refuse("has a number with a leading zero") }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard digits() > 0 else { throw refuse("has a number without digits after '.'") }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digits() > 0 else { throw refuse("has a number without digits in its exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw refuse("has a number out of range: \(KCBXError.quote(text))") }
        return .number(d)
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw refuse("has a \\u escape cut short") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw refuse("has a \\u escape that is not 4 hex digits")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// A string at `i` (which is a quote), unescaped.
    private mutating func string() throws -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            let start = i
            while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C, bytes[i] >= 0x20 { i += 1 }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
            guard i < bytes.count else { throw refuse("has a string that is not closed") }
            let b = bytes[i]
            if b == 0x22 {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == 0 { throw refuse("has a NUL character in a string (it would cut the value short in C)") }
            if b < 0x20 { throw refuse("has a raw control character in a string (escape it, e.g. \\n)") }
            i += 1  // backslash
            guard i < bytes.count else { throw refuse("has a string that is not closed") }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if scalar == 0 { throw refuse("has \\u0000 in a string (NUL would cut the value short in C)") }
                if (0xDC00...0xDFFF).contains(scalar) { throw refuse("has an unpaired low surrogate escape") }
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 2 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
                        throw refuse("has an unpaired high surrogate escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw refuse("has an unpaired high surrogate escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw refuse("has an invalid \\u escape") }
                out.append(contentsOf: String(Character(u)).utf8)
            default: throw refuse("has an unknown escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
    }
}
