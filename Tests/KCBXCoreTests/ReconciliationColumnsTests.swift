import Foundation
import Testing

@testable import KCBXCore

/// Issue 14, "reconciliation on columns": the registries are read straight into columns keyed by
/// packed resident IDs and joined on those keys, with the same findings as the row-of-strings
/// engine before it (seed 004 二（二）四查三比对; seed 000 二（二）、三（一）数据比对).
@Suite struct ReconciliationColumnsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = root.appendingPathComponent("data/sample").path
    static let fixture = root.appendingPathComponent("Tests/fixtures-reconcile-sample").path
    static let asOf = LF.date("2025-10-20")

    /// Every input of a reconciliation: the sample county with a township census (new children,
    /// mistyped IDs, a duplicate), disabled, left-behind (one lower-case x) and dropout lists.
    static let files = ReconciliationFiles(
        household: sample + "/household.csv", students: sample + "/students.csv", attending: sample + "/attending.csv",
        poverty: sample + "/poverty.csv", threeKinds: sample + "/three_kinds.csv", dropouts: fixture + "/dropouts.csv",
        census: fixture + "/census.csv", disabled: fixture + "/disabled.csv", leftBehind: fixture + "/left_behind.csv")

    /// The summary and findings tables in `expected.csv`, written by `kcbx reconcile --format csv`
    /// from the row-of-strings engine (commit 7d9c636) before the columns replaced it.
    static func expected() throws -> (summary: CSVFile, findings: CSVFile) {
        let text = try String(contentsOfFile: fixture + "/expected.csv", encoding: .utf8)
        let parts = text.components(separatedBy: "\n\n")
        return (try CSVFile(text: parts[0], path: "summary"), try CSVFile(text: parts[1], path: "findings"))
    }

    @Test("the sample county with every list gives the same summary and findings, row for row, as the engine before columns")
    func sameFindingsAsBefore() throws {
        let report = Reconciler.run(try RegistryColumns.load(Self.files, regionPrefix: "640422", asOf: Self.asOf))
        let (summary, findings) = try Self.expected()
        #expect(report.summaryTable().headers == summary.headers)
        #expect(report.summaryTable().rows == summary.rows)
        #expect(report.findingsTable().headers == findings.headers)
        let rows = report.findingsTable().rows
        #expect(rows.count == findings.rows.count)
        for (a, b) in zip(rows, findings.rows) where a != b { Issue.record("\(a) != \(b)") }
        #expect(report.censusOnlySchoolAge > 0 && !report.findings(.nearMatch).isEmpty && !report.findings(.povertyDropout).isEmpty)
    }

    @Test("records read by the row-of-strings reader and columns read in one pass reconcile alike")
    func recordsAndColumnsAgree() throws {
        let f = Self.files
        func list(_ p: String?) throws -> Set<String> { try p.map { try ReconciliationInput.idList(csv: CSVFile(path: $0)) } ?? [] }
        let input = ReconciliationInput(
            regionPrefix: "640422", asOf: Self.asOf, household: try ReconciliationInput.household(csv: CSVFile(path: f.household)),
            students: try ReconciliationInput.students(csv: CSVFile(path: f.students)), attending: try list(f.attending),
            poverty: try list(f.poverty), threeKinds: try list(f.threeKinds), dropouts: try list(f.dropouts),
            census: try ReconciliationInput.household(csv: CSVFile(path: f.census ?? "")), disabled: try list(f.disabled),
            leftBehind: try list(f.leftBehind))
        let columns = try RegistryColumns.load(f, regionPrefix: "640422", asOf: Self.asOf)
        #expect(Reconciler.run(input).findings == Reconciler.run(columns).findings)
        #expect(columns.counts.household == input.household.count && columns.counts.students == input.students.count)
    }

    @Test("an 18-character ID packs into one integer: x and X alike, the text restored; other text is interned")
    func packedKeys() {
        var keys = ResidentKeys()
        let a = keys.key("64042220190827014x")
        let b = keys.key("64042220190827014X")
        #expect(a == b && a & (1 << 63) == 0)
        #expect(keys.text(a) == "64042220190827014X")
        #expect(keys.text(keys.key("000000000000000000")) == "000000000000000000")
        let odd = keys.key("６40422201908270140")
        let short = keys.key("1234")
        #expect(odd != short && odd & (1 << 63) != 0)
        #expect(keys.text(odd) == "６40422201908270140" && keys.text(short) == "1234")
        #expect(keys.key("abc") == keys.key("ABC"))
    }

    @Test("the packed-key validity check agrees with ResidentID.check (GB 11643-1999) on every ID of the sample and its mutations")
    func packedCheckIsResidentIDCheck() throws {
        let ids = try CSVFile(path: Self.sample + "/household.csv")
        let idColumn = try ids.column("resident_id")
        var texts = ids.rows.map { ids.cell($0, idColumn) }
        let base = "64042220190827014"
        for i in 0..<17 { for d in 0...9 { texts.append(String(base.prefix(i)) + String(d) + String(base.dropFirst(i + 1))) } }
        for date in ["18991231", "19000101", "20250230", "20251021", "20251020", "20240229", "20230229", "00000000"] {
            texts.append("640422" + date + "014")
        }
        var keys = ResidentKeys()
        var checked = 0
        for t17 in texts.map({ String($0.prefix(17)) }) where t17.count == 17 {
            for c in Array("0123456789Xx") {
                let text = t17 + String(c)
                let key = keys.key(text)
                let expected = try? ResidentID.check(text.uppercased(), asOf: Self.asOf).get().birthDate
                #expect(ResidentKeys.validBirth(key, asOf: Self.asOf) == expected, "\(text)")
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }

    @Test("a grade or birth date the columns cannot hold is refused naming the file, the row and the column")
    func columnRulesNameTheRow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-cols-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h =
            "resident_id,name,birth_date,region_code\n640422201908270140,王秀雨,2019-08-27,640422\n640422201905300527,马英文,2019-02-30,640422\n"
        let s =
            "registry_number,resident_id,name,school_id,school_region_code,grade,status\nG1,640422201908270140,王秀雨,1,640422,1,\nG2,,李,1,640422,10,enrolled\n"
        try h.write(toFile: dir + "/h.csv", atomically: true, encoding: .utf8)
        try s.write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        let files = ReconciliationFiles(household: dir + "/h.csv", students: dir + "/s.csv")
        #expect(throws: KCBXError.invalidInput(field: dir + "/h.csv row 3 birth_date", rule: "2019-02-30 is not a calendar date")) {
            try RegistryColumns.load(files, regionPrefix: "640422", asOf: Self.asOf)
        }
        try h.replacingOccurrences(of: "02-30", with: "02-28").write(toFile: dir + "/h.csv", atomically: true, encoding: .utf8)
        #expect(throws: KCBXError.invalidInput(field: dir + "/s.csv row 3 grade", rule: "'10' must be a grade 1-9")) {
            try RegistryColumns.load(files, regionPrefix: "640422", asOf: Self.asOf)
        }
    }
}
