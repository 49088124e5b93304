import Foundation
import Testing

@testable import KCBXCore

/// Issue 11, "input silently misread": every CSV input goes through StrictCSVReader, and a file
/// that could be misread is an error naming the file, the row (header = row 1) and the rule.
@Suite struct StrictCSVReaderTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sample").path

    /// A temporary directory holding `files` (name → bytes); removed by the caller.
    static func folder(_ files: [String: [UInt8]]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    static func sampleBytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: sample + "/" + name))) }

    /// The sample's household file with line `line` (1 = header) replaced by `edit(line)`.
    static func tamperedHousehold(line: Int, _ edit: (String) -> String) throws -> [UInt8] {
        var lines = String(decoding: try sampleBytes("household.csv"), as: UTF8.self).components(separatedBy: "\r\n")
        lines[line - 1] = edit(lines[line - 1])
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// The error of reconciling the sample with `household` bytes in place of its household file.
    static func reconcileError(household: [UInt8]) throws -> String {
        let dir = try folder(["household.csv": household, "students.csv": try sampleBytes("students.csv")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try ReconciliationInput.load(
                ReconciliationFiles(household: dir + "/household.csv", students: dir + "/students.csv"),
                regionPrefix: "640422", asOf: LF.date("2025-10-20"))
            return ""
        } catch { return "\(error)" }
    }

    static func csvError(_ text: String) -> String {
        do {
            _ = try CSVFile(text: text, path: "t.csv")
            return ""
        } catch { return "\(error)" }
    }

    @Test("a stray quote at the start of registry row 5 is an error at row 5, not 9 households instead of 1,992")
    func strayQuote() throws {
        let e = try Self.reconcileError(household: Self.tamperedHousehold(line: 5) { "\"" + $0 })
        #expect(e.contains("household.csv row 5"), "\(e)")
        #expect(e.contains("unterminated quote"), "\(e)")
    }

    @Test("a stray quote followed later by a quoted field is still named at the row where it opened")
    func strayQuoteThenQuotedField() {
        let e = Self.csvError("a,b\r\n\"x,1\r\n2,3\r\n\"q\"r,4\r\n")
        #expect(e.hasPrefix("t.csv row 2:"), "\(e)")
    }

    @Test("a duplicate header name is an error at row 1 naming the columns, not the first column silently kept")
    func duplicateHeader() throws {
        let e = try Self.reconcileError(household: Self.tamperedHousehold(line: 1) { $0 + ",region_code" })
        #expect(e.contains("household.csv row 1"), "\(e)")
        #expect(e.contains("'region_code' appears twice (columns 5 and 6)"), "\(e)")
    }

    @Test("a row with more cells than the header is an error naming the row, not the extra cells dropped")
    func extraCells() throws {
        let e = try Self.reconcileError(household: Self.tamperedHousehold(line: 7) { $0 + ",640423" })
        #expect(e.contains("household.csv row 7: has 6 cells but the header has 5 columns"), "\(e)")
    }

    @Test("a row with fewer cells than the header is an error (a row cut short)")
    func shortRow() {
        #expect(Self.csvError("a,b,c\n1,2,3\n1,2\n").hasPrefix("t.csv row 3: has 2 cells but the header has 3 columns"))
    }

    @Test("a NUL byte is an error naming the row")
    func nulByte() throws {
        let e = try Self.reconcileError(household: Self.tamperedHousehold(line: 9) { $0.replacingOccurrences(of: ",", with: ",\u{0}") })
        #expect(e.contains("household.csv row 9: contains a NUL byte"), "\(e)")
        #expect(Self.csvError("a\n\"1\u{0}\"\n").hasPrefix("t.csv row 2: contains a NUL byte"))
    }

    @Test("a NUL or an open quote in an ID list is an error, not a silently dropped match")
    func idList() throws {
        let dir = try Self.folder([
            "nul.csv": Array("resident_id\n640422201908270140\u{0}\n".utf8),
            "quote.csv": Array("resident_id\n\"640422201908270140\n640422201905300527\n".utf8),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: KCBXError.self) { try ReconciliationInput.idList(csv: CSVFile(path: dir + "/nul.csv")) }
        do {
            _ = try CSVFile(path: dir + "/quote.csv")
            Issue.record("open quote accepted")
        } catch {
            #expect("\(error)".contains("quote.csv row 2: has an unterminated quote"))
        }
    }

    @Test("CRLF and LF line ends in one file are an error naming the row; a bare CR too")
    func mixedLineEnds() throws {
        #expect(Self.csvError("a,b\r\n1,2\r\n3,4\n5,6\r\n").hasPrefix("t.csv row 3: ends with LF but row 1 ends with CRLF"))
        #expect(Self.csvError("a,b\n1,2\r3,4\n").hasPrefix("t.csv row 2: has a carriage return (CR) not followed by a line feed"))
        let e = try Self.reconcileError(
            household: Self.tamperedHousehold(line: 40) { $0 + "\n" + $0.replacingOccurrences(of: "6404", with: "6414") })
        #expect(e.contains("household.csv row 40: ends with LF but row 1 ends with CRLF"), "\(e)")
    }

    @Test("a quote inside an unquoted field, or text after a closing quote, is an error (RFC 4180)")
    func quoteRules() {
        #expect(Self.csvError("a,b\n1,x\"y\n").hasPrefix("t.csv row 2: has a double quote inside an unquoted field"))
        #expect(Self.csvError("a,b\n1,\"x\"y\n").hasPrefix("t.csv row 2: has text after the closing quote"))
    }

    @Test("invalid UTF-8 is an error naming the row and column")
    func invalidUTF8() throws {
        let dir = try Self.folder(["bad.csv": Array("a,b\n1,2\n".utf8) + [0x33, 0x2C, 0xC3, 0x28, 0x0A]])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try CSVFile(path: dir + "/bad.csv")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasSuffix("bad.csv row 3: column 2 (b) is not valid UTF-8 (save the file as UTF-8)"))
        }
    }

    @Test("a field longer than 64 KiB is an error at its row; reading stops there")
    func longField() {
        let e = Self.csvError("a,b\n1,2\n3," + String(repeating: "x", count: StrictCSVReader.maxFieldBytes + 1) + "\n")
        #expect(e.hasPrefix("t.csv row 3: a field is longer than 65536 bytes"), "\(e)")
        #expect(e.count < 200)
    }

    @Test("a 10 MB one-line CSV gives a short message quickly, after reading at most one row's bound")
    func tenMegabyteLine() throws {
        let line = Array(String(repeating: "640422201908270140,", count: 10 * 1024 * 1024 / 19).utf8)
        let dir = try Self.folder(["big.csv": line])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try CSVFile(path: dir + "/big.csv")
            Issue.record("accepted")
        } catch {
            let message = "\(error)"
            #expect(message.hasSuffix("big.csv row 1: the row is longer than 1048576 bytes, the limit for one row; reading stopped there"))
            #expect(message.utf8.count < 400)
        }
        #expect(clock.now - start < .seconds(2))
    }

    @Test("RFC 4180: quoted commas, doubled quotes and line breaks inside quotes are values; BOM dropped; blank lines skipped and counted")
    func quotedValues() throws {
        let f = try CSVFile(
            text: "\u{FEFF}id,note\r\n1,\"a, b\"\r\n\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n4,\"\"\r\n", path: "t.csv")
        #expect(f.headers == ["id", "note"])
        #expect(f.rows == [["1", "a, b"], ["2", "say \"hi\""], ["3", "two\nlines"], ["4", ""]])
        #expect(f.rowNumbers == [2, 4, 5, 6])
        #expect(f.field(row: 1, "note") == "t.csv row 4 note")
    }

    @Test("values cut anywhere by the 64 KiB read chunks come back whole (quotes, CRLF, multi-byte text)")
    func chunkBoundaries() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["a", "中", "\"", ",", "\r\n", " ", "x", "7", "é"]
        var expected: [[String]] = []
        var text = "id,v1,v2\r\n"
        for i in 0..<12000 {
            let cells = (0..<2).map { _ in
                (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
            }
            expected.append([String(i)] + cells)
            text +=
                String(i) + "," + cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
                + "\r\n"
        }
        #expect(text.utf8.count > 3 * StrictCSVReader.chunkBytes)
        let dir = try Self.folder(["r.csv": Array(text.utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try CSVFile(path: dir + "/r.csv")
        #expect(f.rows == expected)
    }

    @Test("an empty file is refused (a header row is required); a header-only file has no rows")
    func emptyFile() throws {
        #expect(Self.csvError("").hasSuffix("t.csv: is empty (a header row is required)"))
        #expect(try CSVFile(text: "resident_id\r\n", path: "t.csv").rows.isEmpty)
    }

    @Test("the sample county's registries read unchanged: 1,992 households, 1,991 students")
    func sampleCounts() throws {
        let files = try CSVFile.read([Self.sample + "/household.csv", Self.sample + "/students.csv"])
        #expect(files[0].rows.count == 1992 && files[1].rows.count == 1991)
        #expect(files[0].headers == ["resident_id", "name", "birth_date", "address", "region_code"])
    }

    @Test("error messages quote at most 80 characters of a value, with … and its length in bytes")
    func boundedQuote() {
        #expect(KCBXError.quote("abc") == "'abc'")
        #expect(KCBXError.quote("a\u{0}b\n") == "'a\\u{0}b\\u{a}'")
        let long = String(repeating: "中", count: 1000)
        #expect(KCBXError.quote(long) == "'" + String(repeating: "中", count: 80) + "…' (3000 bytes)")
        let e = Self.csvError(
            "registry_number,resident_id,name,school_id,school_region_code,grade\n1,2,3,4,5," + String(repeating: "9", count: 60000) + "\n")
        #expect(e.isEmpty)
        do {
            _ = try ReconciliationInput.students(
                csv: CSVFile(
                    text: "registry_number,resident_id,name,school_id,school_region_code,grade\n1,2,3,4,5,"
                        + String(repeating: "9", count: 60000) + "\n", path: "s.csv"))
            Issue.record("accepted")
        } catch { #expect("\(error)".utf8.count < 200, "\(error)") }
    }
}
