import FoundationEssentials

/// A parsed JSON document, for reading user files with exact, path-named errors
/// (unknown keys, wrong types) and for writing stable, key-sorted output.
public enum JSONValue: Equatable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON text (RFC 8259) strictly; `field` names the input in the error. Refused, by
    /// path and rule: a duplicate key in an object (tools disagree on which value counts), NUL in
    /// a string (raw or `\u0000`: it would cut a C string), an unpaired surrogate escape, a number
    /// that is not a finite double, nesting deeper than `maxDepth`, anything after the value.
    public static func parse(_ text: String, field: String = "json") throws -> JSONValue {
        var utf8 = Array(text.utf8)
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8.removeFirst(3) }
        return try utf8.withUnsafeBufferPointer { bytes in
            var p = StrictJSONParser(bytes: bytes, field: field)
            return try p.document()
        }
    }

    /// The deepest nesting of arrays and objects `parse` accepts (a policy file nests 4 deep).
    public static var maxDepth: Int { 128 }

    /// Serializes with sorted keys; `pretty` adds indentation.
    public func serialized(pretty: Bool = true) -> String {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data("null".utf8), as: UTF8.self)
    }
}

/// Strict reading of a JSON object: every key must be consumed, and errors name the path.
struct JSONObjectReader {
    let path: String
    let members: [String: JSONValue]
    private(set) var used = Set<String>()

    init(_ value: JSONValue, path: String) throws {
        guard case .object(let o) = value else {
            throw KCBXError.invalidInput(field: path.isEmpty ? "document" : path, rule: "must be a JSON object")
        }
        self.path = path
        members = o
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func value(_ key: String) -> JSONValue? {
        used.insert(key)
        return members[key]
    }

    mutating func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw KCBXError.invalidInput(field: field(key), rule: "must be a string") }
        return s
    }

    mutating func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw KCBXError.invalidInput(field: field(key), rule: "is required") }
        return s
    }

    mutating func array(_ key: String) throws -> [JSONValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v else { throw KCBXError.invalidInput(field: field(key), rule: "must be an array") }
        return a
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard case .number(let n) = v, n == n.rounded(), abs(n) < 1e9 else {
            throw KCBXError.invalidInput(field: field(key), rule: "must be a whole number")
        }
        return Int(n)
    }

    /// Fails on the first key that was never read.
    func rejectUnknown() throws {
        if let extra = members.keys.sorted().first(where: { !used.contains($0) }) {
            throw KCBXError.invalidInput(
                field: field(extra.utf8.count <= 80 ? extra : String(extra.prefix(80)) + "…"),
                rule: "unknown key (allowed: \(used.sorted().joined(separator: ", ")))")
        }
    }
}
