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
            marks.append(
                .init(
                    s: LF.rid("20160310", 10 + i), d: 20_250_901 + Int32(i), k: i % 5, lf: i % 2 == 0 ? 20_250_901 : 0,
                    lt: i % 2 == 0 ? 20_250_905 : 0, sl: slip))
        }
        marks.append(.init(s: "L6404221234567\"x", d: 20_251_231, k: 1, lf: 0, lt: 0, sl: ""))
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
        let plain = MarksPayload(marks: [
            .init(s: LF.kidA, d: 20_250_901, k: 2, lf: 0, lt: 0, sl: ""),
            .init(s: LF.kidB, d: 20_250_902, k: 1, lf: 20_250_902, lt: 20_250_905, sl: "x1"),
        ])
        #expect(MarksPayload(canonicalJSON: try plain.canonicalJSON)?.marks == plain.marks)
        #expect(MarksPayload(canonicalJSON: "{\"marks\":[]}")?.marks == [])
        let escaped = MarksPayload(marks: [.init(s: LF.kidA, d: 20_250_901, k: 1, lf: 0, lt: 0, sl: "病假")])
        #expect(MarksPayload(canonicalJSON: try escaped.canonicalJSON) == nil)
        #expect(try PayloadCoding.decode(MarksPayload.self, try escaped.canonicalJSON, seq: 1).marks == escaped.marks)
        for other in [
            "{\"marks\": []}", "{\"marks\":[]} ", "{\"marks\":[{\"k\":1,\"d\":20250901,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}",
            "{\"marks\":[{\"d\":99999999999,\"k\":1,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}",
            String(try plain.canonicalJSON.dropLast()),
        ] {
            #expect(MarksPayload(canonicalJSON: other) == nil, "\(other)")
        }
        // Key order differs but it is valid JSON: JSONDecoder reads it.
        #expect(
            try PayloadCoding.decode(
                MarksPayload.self, "{\"marks\":[{\"k\":1,\"d\":20250901,\"lf\":0,\"lt\":0,\"s\":\"a\",\"sl\":\"\"}]}", seq: 1
            ).marks.count == 1)
    }

    @Test func csvCellsAreTrimmedOfSpacesTabsAndIdeographicSpaces() {
        #expect(CSVFile.trimmed("640422") == "640422")
        #expect(CSVFile.trimmed("  王小明\t") == "王小明")
        #expect(CSVFile.trimmed("\u{3000}李\u{3000}") == "李")
        #expect(CSVFile.trimmed("中 间") == "中 间")
        #expect(CSVFile.trimmed("   ") == "")
        #expect(" 640422 ".ledgerTrimmed == "640422" && "\u{3000}x".ledgerTrimmed == "x" && "x".ledgerTrimmed == "x")
    }

    /// The roster payload built directly equals `JSONEncoder`'s output (Chinese, slashes, empty
    /// groups, several groups); values JSON escapes are left to `JSONEncoder` (nil).
    @Test func studentPayloadJSONEqualsJSONEncoder() throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var s = LedgerStudent(
            residentID: LF.kidA, registryNumber: "G" + LF.kidA, name: "马小明", sex: 1, birthDate: "2016-03-10",
            address: "西吉县吉强镇1村/2组 😀", regionCode: "640422", schoolID: "640422101", schoolName: "吉强小学",
            townshipCode: "640422100", grade: 4, registration: "enrolled", registrationDate: "", expertOpinion: "",
            groups: [])
        #expect(s.canonicalJSON == String(decoding: try e.encode(s), as: UTF8.self))
        s.groups = ["left_behind", "poverty"]
        s.grade = 12
        s.sex = 2
        #expect(s.canonicalJSON == String(decoding: try e.encode(s), as: UTF8.self))
        for odd in ["a\"b", "c\\d", "tab\there", "\u{7F}", "\u{2028}"] {
            var t = s
            t.name = odd
            #expect(t.canonicalJSON == nil, "\(odd) is left to JSONEncoder")
            #expect(try PayloadCoding.encode(t) == String(decoding: try e.encode(t), as: UTF8.self))
        }
    }

    /// Packed attendance payloads (file format v2) give back every mark: spans, slips, children
    /// and days out of order (negative deltas), and refuse a payload that is not one.
    @Test func packedMarksRoundTrip() throws {
        let marks = [
            PackedMark(sid: 7, day: 20_250_901, kind: 0), PackedMark(sid: 7, day: 20_250_902, kind: 2),
            PackedMark(sid: 3, day: 20_250_905, kind: 1, leaveFrom: 20_250_904, leaveTo: 20_250_910, slip: "病假条 7/1"),
            PackedMark(sid: 900_000, day: 20_240_229, kind: 4), PackedMark(sid: 1, day: 20_260_115, kind: 1, slip: "x"),
        ]
        let text = PackedMarks.encode(marks)
        #expect(text.hasPrefix("packed-marks-v2:"))
        var back: [PackedMark] = []
        try PackedMarks.decode(text, seq: 9) { back.append($0) }
        #expect(back == marks)
        #expect(
            PackedMarks.encode([PackedMark(sid: 1, day: 20_250_901, kind: 0), PackedMark(sid: 1, day: 20_250_902, kind: 0)]).utf8.count
                == "packed-marks-v2:".utf8.count + 12,
            "a first mark (5 bytes) and the next day of the same child (3 bytes): 12 base64 characters")
        for bad in ["packed-marks-v2:AAA", "packed-marks-v2:/w==", "packed-marks-v2:AAE*"] {
            #expect(throws: KCBXError.self) { try PackedMarks.decode(bad, seq: 9) { _ in } }
        }
    }
}
