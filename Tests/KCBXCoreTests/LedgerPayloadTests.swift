import Foundation
import Testing
@testable import KCBXCore

/// Fast paths on the ledger's write path must write exactly what the general code writes.
@Suite struct LedgerPayloadTests {
    /// The attendance payload built directly equals `JSONEncoder`'s sorted-keys output, for plain
    /// keys and for slips with quotes, backslashes, slashes, control characters and Chinese.
    @Test func marksPayloadJSONEqualsJSONEncoder() throws {
        let slips = ["", "病假条", "a\"b", "c\\d", "e/f", "tab\there", "line\nbreak", "\u{1}", "  spaced  ", "😀"]
        var marks: [MarksPayload.Mark] = []
        for (i, slip) in slips.enumerated() {
            marks.append(.init(s: LF.rid("20160310", 10 + i), d: 20250901 + Int32(i), k: i % 5, lf: i % 2 == 0 ? 20250901 : 0,
                               lt: i % 2 == 0 ? 20250905 : 0, sl: slip))
        }
        marks.append(.init(s: "L6404221234567\"x", d: 20251231, k: 1, lf: 0, lt: 0, sl: ""))
        let p = MarksPayload(marks: marks)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try p.canonicalJSON == String(decoding: try e.encode(p), as: UTF8.self))
        #expect(try PayloadCoding.encode(MarksPayload(marks: [])) == String(decoding: try e.encode(MarksPayload(marks: [])), as: UTF8.self))
        let back = try PayloadCoding.decode(MarksPayload.self, try p.canonicalJSON, seq: 1)
        #expect(back.marks == marks)
    }

    /// The direct reader takes exactly the canonical form and leaves everything else to JSONDecoder.
    @Test func marksPayloadReaderTakesOnlyTheCanonicalForm() throws {
        let plain = MarksPayload(marks: [.init(s: LF.kidA, d: 20250901, k: 2, lf: 0, lt: 0, sl: ""),
                                         .init(s: LF.kidB, d: 20250902, k: 1, lf: 20250902, lt: 20250905, sl: "x1")])
        #expect(MarksPayload(canonicalJSON: try plain.canonicalJSON)?.marks == plain.marks)
        #expect(MarksPayload(canonicalJSON: "{\"marks\":[]}")?.marks == [])
        let escaped = MarksPayload(marks: [.init(s: LF.kidA, d: 20250901, k: 1, lf: 0, lt: 0, sl: "病假")])
        #expect(MarksPayload(canonicalJSON: try escaped.canonicalJSON) == nil)
        #expect(try PayloadCoding.decode(MarksPayload.self, try escaped.canonicalJSON, seq: 1).marks == escaped.marks)
        for other in ["{\"marks\": []}", "{\"marks\":[]} ", "{\"marks\":[{\"k\":1,\"d\":20250901,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}",
                      "{\"marks\":[{\"d\":99999999999,\"k\":1,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}", String(try plain.canonicalJSON.dropLast())] {
            #expect(MarksPayload(canonicalJSON: other) == nil, "\(other)")
        }
        // Key order differs but it is valid JSON: JSONDecoder reads it.
        #expect(try PayloadCoding.decode(MarksPayload.self, "{\"marks\":[{\"k\":1,\"d\":20250901,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}", seq: 1).marks.count == 1)
    }

    @Test func csvCellsAreTrimmedOfSpacesTabsAndIdeographicSpaces() {
        #expect(CSVFile.trimmed("640422") == "640422")
        #expect(CSVFile.trimmed("  王小明\t") == "王小明")
        #expect(CSVFile.trimmed("\u{3000}李\u{3000}") == "李")
        #expect(CSVFile.trimmed("中 间") == "中 间")
        #expect(CSVFile.trimmed("   ") == "")
        #expect(" 640422 ".ledgerTrimmed == "640422" && "\u{3000}x".ledgerTrimmed == "x" && "x".ledgerTrimmed == "x")
    }
}
