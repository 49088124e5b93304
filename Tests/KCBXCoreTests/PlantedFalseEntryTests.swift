import Foundation
import KCBXSynthesis
import Testing

@testable import KCBXCore

/// The sample county (西吉县, seed 2025) with planted false entries (台账信息不实, seed 002 四（二）):
/// under every profile the audit finds each planted one, and nothing on the clean data or the
/// clean entries planted beside them.
@Suite struct PlantedFalseEntryTests {
    static let asOf = LF.date("2025-10-20")
    static let county: SyntheticCounty = {
        var o = SyntheticCountyOptions()
        o.plantedShare = 0.05
        return try! SyntheticCounty(options: o, referenceDate: asOf)
    }()

    @Test(arguments: ["baiyin-2020", "guyuan-2021", "fujian-2020", "huarong-2024", "dongchuan-2025"])
    func theAuditFindsEveryPlantedFalseEntryAndNothingElse(_ profile: String) throws {
        let cal = try SyntheticAttendance.calendar2025()
        let l = try LF.open(LF.path(), profile: profile)
        try Self.county.load(into: l, calendar: cal, asOf: Self.asOf)
        #expect(try l.audit(asOf: Self.asOf).findings.isEmpty, "clean sample county under \(profile)")
        let planted = try Self.county.plantFalseEntries(in: l, calendar: cal, asOf: Self.asOf)
        let expected = Set(
            planted.answerKey.records.filter { !($0["check"] ?? "").isEmpty }.map {
                "\($0["check"] ?? ""):\($0["case_id"] ?? ""):\($0["entry_seq"] ?? "")"
            })
        #expect(expected.count == 4)
        let r = try l.audit(asOf: planted.auditDate)
        let found = Set(
            r.findings.map { f in
                "\(f.check.rawValue):\(f.caseID == 0 ? "" : String(f.caseID)):\(f.check == .spotCheckRedrawn ? String(f.entrySeq) : "")"
            })
        #expect(found == expected, "\(profile): \(r.findings.map(\.evidence))")
        let again = try l.audit(asOf: planted.auditDate)
        #expect(r.recorded == 4 && again.recorded == 0)
        let v = try l.verify()
        #expect(v.isIntact)
    }
}
