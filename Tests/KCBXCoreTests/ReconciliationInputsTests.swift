import Testing

@testable import KCBXCore

/// The township census, disabled and left-behind lists in 四查三比对 (000 二（一）, 四（二）（三）;
/// 004 二（二）) and the summary of the three comparisons.
@Suite struct ReconciliationInputsTests {
    static let asOf = LF.date("2025-10-20")
    static let kid1 = LF.rid("20160310", 11), kid2 = LF.rid("20150721", 22), kid3 = LF.rid("20170102", 31)
    static let kid4 = LF.rid("20140505", 42), kid5 = LF.rid("20130606", 51)

    static var report: ReconciliationReport {
        let household = [
            HouseholdRecord(residentID: kid1, name: "甲", address: "一村", regionCode: "640422"),
            HouseholdRecord(residentID: kid2, name: "乙", regionCode: "640422"),
            HouseholdRecord(residentID: kid5, name: "戊", regionCode: "640422"),
        ]
        let census = [
            HouseholdRecord(residentID: kid1, name: "甲", regionCode: "640422"),
            HouseholdRecord(residentID: kid3, name: "丙", address: "三村", regionCode: "640422"),
            HouseholdRecord(residentID: kid4, name: "丁", regionCode: "640422"),
        ]
        let students = [
            StudentRecord(
                registryNumber: "G" + kid2, residentID: kid2, name: "乙", birthDate: nil, schoolID: "S1", schoolRegionCode: "640422",
                grade: 5),
            StudentRecord(
                registryNumber: "G" + kid4, residentID: kid4, name: "丁", birthDate: nil, schoolID: "S1", schoolRegionCode: "640422",
                grade: 6),
            StudentRecord(
                registryNumber: "G" + kid5, residentID: kid5, name: "戊", birthDate: nil, schoolID: "S1", schoolRegionCode: "640422",
                grade: 7, status: .deferred),
        ]
        return Reconciler.run(
            ReconciliationInput(
                regionPrefix: "640422", asOf: asOf, household: household, students: students,
                attending: [kid4], census: census, disabled: [kid1], leftBehind: [kid2]))
    }

    @Test("a census child without a household record is compared too; one enrolled here is 随迁; nothing is a duplicate")
    func census() {
        let r = Self.report
        #expect(Set(r.findings(.outOfSchool).map(\.residentID)) == [Self.kid1, Self.kid3])
        #expect(r.findings(.outOfSchool).first { $0.residentID == Self.kid3 }?.detail.contains("乡镇排摸（户籍无记录）") == true)
        #expect(r.findings(.migrant).map(\.residentID) == [Self.kid4])
        #expect(r.findings(.duplicate).isEmpty)
        #expect(r.householdSchoolAge == 3 && r.censusOnlySchoolAge == 2)
    }

    @Test("disabled and left-behind children are named in their findings (000 四（二）（三）)")
    func groups() {
        let r = Self.report
        #expect(r.findings(.outOfSchool).first { $0.residentID == Self.kid1 }?.detail.contains("残疾（安置需专家评估") == true)
        #expect(r.findings(.registeredNotAttending).map(\.residentID) == [Self.kid2])
        #expect(r.findings(.registeredNotAttending)[0].detail.contains("留守儿童"))
        #expect(r.disabledSchoolAge == 1 && r.leftBehindSchoolAge == 1 && r.deferredOrSuspended == 1)
    }

    @Test("the summary holds the four counts and the three comparisons (004 二（二）)")
    func summary() {
        let rows = Dictionary(uniqueKeysWithValues: Self.report.summaryTable().rows.map { ($0[0], $0[1]) })
        #expect(rows["比对一 户籍—学籍：失学"] == "2" && rows["比对一 户籍—学籍：缓学休学"] == "1")
        #expect(rows["比对一 户籍—学籍：外来随迁"] == "1" && rows["比对二 学籍—在校：人籍不一致（疑似辍学）"] == "1")
        #expect(rows["比对三 辍学—脱贫户/“三类”"] == "0" && rows["乡镇排摸适龄儿童少年数（户籍无记录）"] == "2")
    }
}
