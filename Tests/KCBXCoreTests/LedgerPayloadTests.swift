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
        #expect(p.canonicalJSON == String(decoding: try e.encode(p), as: UTF8.self))
        #expect(PayloadCoding.encode(MarksPayload(marks: [])) == String(decoding: try e.encode(MarksPayload(marks: [])), as: UTF8.self))
        let back = try PayloadCoding.decode(MarksPayload.self, p.canonicalJSON, seq: 1)
        #expect(back.marks == marks)
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
