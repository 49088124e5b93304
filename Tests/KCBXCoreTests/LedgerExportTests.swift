import Foundation
import Testing

@testable import KCBXCore

/// Exports in the seeds' own tables: Guyuan 附件2 (seed 001) and Baiyin 附件4 (seed 000), CSV with
/// BOM; resident IDs masked unless a county-level actor asks for full data.
@Suite struct LedgerExportTests {
    func ledgerWithCases() throws -> (String, Ledger) {
        let (p, l) = try LF.seeded()
        let b = try l.openCase(student: LF.kidB, kind: .dropout, on: LF.date("2025-10-20"))
        try l.verifyCase(b.id, reason: .G, on: LF.date("2025-10-21"))
        try l.startPersuasion(b.id, plan: "一人一案", person: "马老师", on: LF.date("2025-10-22"))
        try l.recordAction(b.id, .homeVisit, on: LF.date("2025-10-23"))
        try l.recordReturn(b.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-10-27"))
        let a = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-11-03"))
        try l.dismissCase(a.id, why: .studyingElsewhere, on: LF.date("2025-11-04"))
        _ = try l.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2025-11-05"))
        return (p, l)
    }

    @Test func guyuanAttachment2IsMaskedByDefault() throws {
        let (_, l) = try ledgerWithCases()
        let rows = try l.exportRows(.guyuanAttachment2)
        #expect(rows[0] == ["序号", "姓名", "性别", "身份证号", "学籍号", "家庭住址", "是否建档立卡", "辍学原因", "劝返后就读学校", "是否销账", "备注"])
        #expect(rows.count == 2, "only verified cases: the suspected and the dismissed are not dropouts")
        let r = rows[1]
        let id = try ResidentID(LF.kidB)
        #expect(r[1] == "王小花" && r[2] == "女" && r[3] == id.masked && r[4] == "G" + id.masked)
        #expect(r[6] == "是" && r[7] == "G" && r[8] == LF.schoolA1 && r[9] == "否" && r[10].contains("原校就读"))
        #expect(!rows.joined().joined().contains(LF.kidB))
    }

    @Test func fullIDsOnlyForCountyAndAboveAndRecorded() throws {
        let (p, county) = try ledgerWithCases()
        let rows = try county.exportRows(.guyuanAttachment2, fullIDs: true)
        #expect(rows[1][3] == LF.kidB && rows[1][4] == "G" + LF.kidB)
        #expect(try county.events().last?.kind == "export.full_ids")
        let school = try LF.open(p, LF.schoolA1Actor)
        #expect { _ = try school.exportRows(.guyuanAttachment2, fullIDs: true) } throws: { isDenied($0) }
        let refused = try #require(try county.events().last)
        #expect(refused.kind == "access.refused" && refused.actor == LF.schoolA1Actor && refused.reason.contains("full IDs"))
        #expect(try school.exportRows(.guyuanAttachment2).count == 2)
        try county.verify()
    }

    @Test func baiyinAttachment4ListsEveryCaseAsCSV() throws {
        let (p, l) = try ledgerWithCases()
        let file = (p as NSString).deletingLastPathComponent + "/附件4.csv"
        let n = try l.exportCSV(.baiyinAttachment4, to: file, asOf: LF.date("2025-11-30"))
        #expect(n == 3)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM for Excel")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("序号,乡镇（街道）,姓名,性别,身份证号,年龄"))
        #expect(lines[1].contains("王小花") && lines[1].contains("辍学") && lines[1].contains("家访") && lines[1].contains("马老师"))
        #expect(lines[2].contains("核查排除：异地就读"))
        #expect(lines[3].contains("失学") && lines[3].contains(",8,"), "kidC is 8 on 2025-11-30")
        #expect(!text.contains(LF.kidC))
        var f = LedgerCaseFilter()
        f.kinds = [.outOfSchool]
        #expect(try l.exportRows(.baiyinAttachment4, filter: f).count == 2)
    }
}
