import Foundation
import Testing

@testable import KCBXCore

/// Issue 11: JSON inputs (policy and calendar files, notice fields, filters) are read strictly:
/// a duplicate key or a NUL in a string is refused, never resolved silently.
@Suite struct StrictJSONTests {
    static func error(_ text: String) -> String {
        do {
            _ = try JSONValue.parse(text, field: "policy")
            return ""
        } catch { return "\(error)" }
    }

    @Test("a duplicate key is refused naming the key's path (a reviewer reads 300 days, the engine would apply 7)")
    func duplicateKey() {
        let e = Self.error(
            #"{"id": "x", "parameters": {"suspected_after": {"amount": 7, "unit": "calendar_days"}, "suspected_after": {"amount": 300, "unit": "calendar_days"}}}"#
        )
        #expect(e.hasPrefix("policy: must be valid JSON: parameters.suspected_after is a duplicate key"), "\(e)")
        #expect(Self.error(#"[{"a": 1}, {"b": 1, "b": 1}]"#).contains("[1].b is a duplicate key"))
    }

    @Test("\\u0000 and a raw NUL inside a string are refused (they would cut a C string)")
    func nul() {
        #expect(Self.error(#"{"id": "a\u0000b"}"#).contains("id has \\u0000 in a string"))
        #expect(Self.error("{\"id\": \"a\u{0}b\"}").contains("id has a NUL character in a string"))
        #expect(Self.error(#"{"a\u0000": 1}"#).contains("\\u0000"))
    }

    @Test("RFC 8259 grammar: unpaired surrogates, leading zeros, trailing text, raw control characters, deep nesting refused")
    func grammar() {
        #expect(Self.error(#"["\ud800"]"#).contains("unpaired high surrogate"))
        #expect(Self.error(#"["\udc00"]"#).contains("unpaired low surrogate"))
        #expect(Self.error("[01]").contains("leading zero"))
        #expect(Self.error("[1] x").contains("text after the JSON value"))
        #expect(Self.error("[\"a\nb\"]").contains("raw control character"))
        #expect(Self.error("[1e999]").contains("out of range"))
        #expect(Self.error(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).contains("nests deeper than 128"))
        #expect(Self.error("{\"a\": 1,\n \"b\" 2}").contains("line 2, column"))
        #expect(Self.error("").contains("cut short"))
    }

    @Test("valid JSON reads as before: escapes, surrogate pairs, numbers, nesting, a BOM")
    func valid() throws {
        let v = try JSONValue.parse(
            "\u{FEFF} {\"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u4e2d\\ud83d\\ude00\", \"n\": [-0.5e2, 0, 12, true, false, null], \"o\": {}} ")
        #expect(
            v
                == .object([
                    "s": .string("a\"\\/\u{8}\u{C}\n\r\t中😀"),
                    "n": .array([.number(-50), .number(0), .number(12), .bool(true), .bool(false), .null]),
                    "o": .object([:]),
                ]))
        let sample = try String(contentsOfFile: StrictCSVReaderTests.sample + "/calendar.json", encoding: .utf8)
        #expect(try JSONValue.parse(sample) == JSONDecoder().decode(JSONValue.self, from: Data(sample.utf8)))
    }

    @Test("PolicyProfile.load refuses a profile file with suspected_after twice")
    func policyFileDuplicate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dup.json").path
        try
            #"{"id": "county", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 300, "unit": "calendar_days"}, "suspected_after": {"amount": 7, "unit": "calendar_days"}}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PolicyProfile.load(path: path)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("parameters.suspected_after is a duplicate key"), "\(error)")
        }
    }

    @Test("a policy value quoted in an error is bounded: a 1 MB 'extends' gives a short message")
    func boundedPolicyMessage() {
        do {
            _ = try PolicyProfile(json: #"{"id": "x", "extends": ""# + String(repeating: "y", count: 1_000_000) + #""}"#)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".utf8.count < 300)
            #expect("\(error)".contains("…' (1000000 bytes)"))
        }
    }
}
