import Foundation
import Testing

@testable import KCBXCore

/// Reports computed from the ledger for any date and unit (issue 6; DOMAIN.md §6).
@Suite struct ReportLedgerTests {
    /// The fixture county with a story: kidA present throughout; kidB absent without leave from
    /// Mon 3 Nov (suspected 10 Nov, verified G on 20 Nov, persuaded, back 15 Dec); kidD on
    /// approved leave 8–12 Dec; kidC has no registration (失学, primary age → A).
    static func story(profile: String = "guyuan-2021") throws -> Ledger {
        let (_, l) = try LF.seeded(profile: profile)
        try LF.marks(l, LF.kidA, .present, "2025-09-01", "2025-12-15")
        try LF.marks(l, LF.kidB, .present, "2025-09-01", "2025-10-31")
        try LF.marks(l, LF.kidB, .unexcused, "2025-11-03", "2025-12-12")
        try LF.marks(l, LF.kidB, .present, "2025-12-15", "2025-12-15")
        try LF.marks(l, LF.kidD, .present, "2025-09-01", "2025-12-05")
        var problems: [LedgerRowProblem] = []
        _ = try l.importMarks(
            LF.calendar.schoolDayList(from: LF.date("2025-12-08"), through: LF.date("2025-12-12")).map {
                LedgerMarkRow(
                    student: LF.kidD, date: $0.description, kind: "approved_leave", leaveFrom: "2025-12-08", leaveTo: "2025-12-12",
                    slip: "假条-1")
            }, problems: &problems)
        let c = try l.openCase(student: LF.kidB, kind: .suspectedDropout, on: LF.date("2025-11-10"))
        try l.verifyCase(c.id, reason: .G, on: LF.date("2025-11-20"))
        try l.startPersuasion(c.id, plan: "一人一案：班主任每周家访", person: "王老师", on: LF.date("2025-11-21"))
        try l.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-12-15"))
        return l
    }

    static func count(_ t: ReportTable, _ stage: String, _ column: String) -> Int {
        Int(t.records.first { $0["学段"] == stage }![column]!)!
    }

    @Test("Guyuan 附件1 has the seed's headers and stages (001 附件1)")
    func attachment1Layout() throws {
        let t = try Self.story().report(.guyuanAttachment1, asOf: LF.date("2025-10-31"))
        #expect(Array(t.headers.prefix(5)) == ["学段", "应到校人数", "请假未到校人数", "疑似辍学人数", "辍学人数"])
        #expect(Array(t.headers.suffix(20)) == ReasonCode.allCases.map(\.rawValue))
        #expect(t.rows.map { $0[0] } == ["小学", "初中", "合计"])
        #expect(t.title == "固原市义务教育控辍保学摸底排查统计报表")
        #expect(t.unit == "行政区划 640422" && t.asOf == LF.date("2025-10-31"))
        #expect(t.notes.contains { $0.contains("未到校上课超过一星期且未请假") })
        #expect(t.csv().hasPrefix("\u{FEFF}学段,应到校人数"))
        let json = try JSONValue.parse(t.json())
        guard case .object(let o) = json else {
            Issue.record("not an object")
            return
        }
        #expect(o["as_of"] == .string("2025-10-31") && o["unit"] == .string("行政区划 640422"))
    }

    @Test("Guyuan 附件1 as of different dates follows the ledger's marks and case events (001 附件1 填表说明1–3)")
    func attachment1AsOf() throws {
        let l = try Self.story()
        // 31 Oct: three enrolled primary children expected; kidC is out of school → 辍学 under A.
        var t = try l.report(.guyuanAttachment1, asOf: LF.date("2025-10-31"))
        #expect(Self.count(t, "小学", "应到校人数") == 3)
        #expect(Self.count(t, "小学", "疑似辍学人数") == 0)
        #expect(Self.count(t, "小学", "辍学人数") == 1 && Self.count(t, "小学", "A") == 1)
        #expect(Self.count(t, "合计", "辍学人数") == 1)
        // 12 Nov: kidB's case (opened 10 Nov) is away → suspected.
        t = try l.report(.guyuanAttachment1, asOf: LF.date("2025-11-12"))
        #expect(Self.count(t, "小学", "疑似辍学人数") == 1)
        #expect(Self.count(t, "小学", "辍学人数") == 1)
        // 12 Dec: suspected since 10 Nov, more than a month → 辍学 with the verified reason G;
        // kidD on approved leave. The return dated 15 Dec is not applied yet.
        t = try l.report(.guyuanAttachment1, asOf: LF.date("2025-12-12"))
        #expect(Self.count(t, "小学", "请假未到校人数") == 1)
        #expect(Self.count(t, "小学", "疑似辍学人数") == 0)
        #expect(Self.count(t, "小学", "辍学人数") == 2)
        #expect(Self.count(t, "小学", "G") == 1 && Self.count(t, "小学", "A") == 1)
        #expect(Self.count(t, "小学", "应到校人数") == 3)
        // 15 Dec: kidB returned and present → only kidC remains.
        t = try l.report(.guyuanAttachment1, asOf: LF.date("2025-12-15"))
        #expect(Self.count(t, "小学", "辍学人数") == 1 && Self.count(t, "小学", "G") == 0)
        // Before the case was opened (5 Nov: three days absent) nothing is suspected yet.
        t = try l.report(.guyuanAttachment1, asOf: LF.date("2025-11-05"))
        #expect(Self.count(t, "小学", "疑似辍学人数") == 0 && Self.count(t, "小学", "辍学人数") == 1)
    }

    @Test("A dismissed case overrides the marks' suspicion from the dismissal on")
    func dismissalOverrides() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .present, "2025-09-01", "2025-10-31")
        try LF.marks(l, LF.kidA, .unexcused, "2025-11-03", "2025-11-28")
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-11-10"))
        try l.dismissCase(c.id, why: .dataError, on: LF.date("2025-11-14"))
        #expect(Self.count(try l.report(.guyuanAttachment1, asOf: LF.date("2025-11-12")), "小学", "疑似辍学人数") == 1)
        #expect(Self.count(try l.report(.guyuanAttachment1, asOf: LF.date("2025-11-20")), "小学", "疑似辍学人数") == 0)
    }

    @Test("Units: school, township, region; the actor's jurisdiction bounds them and refusals are recorded")
    func units() throws {
        let l = try Self.story()
        let p = l.path
        let school = try l.report(.guyuanAttachment1, asOf: LF.date("2025-12-12"), unit: .school(LF.schoolA1))
        #expect(Self.count(school, "小学", "应到校人数") == 2)
        let townB = try l.report(
            .guyuanAttachment1, asOf: LF.date("2025-12-12"), unit: try ReportUnit(parsing: "township:\(LF.townB)", default: l.ownUnit))
        #expect(Self.count(townB, "小学", "应到校人数") == 1 && Self.count(townB, "小学", "请假未到校人数") == 1)
        // A school's own report by default; another unit is refused and recorded.
        let schoolLedger = try LF.open(p, LF.schoolA1Actor)
        #expect(Self.count(try schoolLedger.report(.guyuanAttachment1, asOf: LF.date("2025-12-12")), "小学", "应到校人数") == 2)
        let before = try LF.eventCount(schoolLedger)
        #expect(throws: KCBXError.self) {
            try schoolLedger.report(.guyuanAttachment1, asOf: LF.date("2025-12-12"), unit: .township(LF.townB))
        }
        #expect(try LF.eventCount(schoolLedger) == before + 1)
        let town = try LF.open(p, LF.townAActor)
        #expect(throws: KCBXError.self) { try town.report(.rates, asOf: LF.date("2025-12-12"), unit: .school(LF.schoolB1)) }
        #expect(throws: KCBXError.self) { try town.report(.rates, asOf: LF.date("2025-12-12"), unit: .region("640400")) }
        #expect(throws: KCBXError.self) { try l.report(.rates, asOf: LF.date("2025-12-12"), unit: .region("640400")) }
        // Unit texts: prefixes are required where school ids and township codes look alike.
        #expect(try ReportUnit(parsing: "640422", default: l.ownUnit) == .region("640422"))
        #expect(throws: KCBXError.self) { try ReportUnit(parsing: "640422101", default: l.ownUnit) }
        #expect(throws: KCBXError.self) { try ReportUnit(parsing: "town:640422101", default: l.ownUnit) }
        // Future dates and a ledger without a calendar are refused by name.
        #expect(throws: KCBXError.self) { try l.report(.rates, asOf: LF.date("2026-01-05")) }
        let bare = try LF.open(LF.path())
        #expect(throws: KCBXError.self) { try bare.report(.rates, asOf: LF.date("2025-12-12")) }
    }

    @Test("Rates state their formulas; enrollment and dropout rates from the ledger")
    func rates() throws {
        let t = try Self.story().report(.rates, asOf: LF.date("2025-12-12"))
        #expect(t.headers == ["指标", "分子", "分母", "比率", "公式", "目标", "是否达标"])
        let r = Dictionary(uniqueKeysWithValues: t.records.map { ($0["指标"]!, $0) })
        // Four compulsory-age children; kidA in school and kidD on leave count, kidB (dropout) and kidC (失学) do not: 2 / 4.
        #expect(r["入学率"]?["分子"] == "2" && r["入学率"]?["分母"] == "4" && r["入学率"]?["比率"] == "50.00%")
        // One dropout (kidB) among three expected at school.
        #expect(r["辍学率"]?["分子"] == "1" && r["辍学率"]?["分母"] == "3" && r["辍学率"]?["比率"] == "33.33%")
        #expect(r["辍学率"]?["公式"]?.hasPrefix("辍学率 = ") == true)
        // No grade-9 cohort in the fixture: no rate, and guyuan-2021 sets no target.
        #expect(r["九年义务教育巩固率"]?["比率"] == "—" && r["九年义务教育巩固率"]?["目标"]?.hasPrefix("未设定") == true)
        #expect(r["反弹人数"]?["分子"] == "0")
    }

    /// A grade-9 cohort (entry autumn 2017: born 2010-09-01 … 2011-08-31) of `size` children, `dropouts` of them dropouts.
    static func cohortLedger(size: Int, dropouts: Int, transferred: Int = 0) throws -> Ledger {
        let l = try LF.open(LF.path(), profile: "huarong-2024")
        try l.setCalendar(LF.calendar)
        var rows: [LedgerStudentRow] = []
        for i in 0..<size { rows.append(LF.row(LF.rid("20110315", 100 + i), "学生\(i)", grade: 9)) }
        for i in 0..<transferred {
            var r = LF.row(LF.rid("20110415", 300 + i), "转出\(i)", grade: 9, registration: "transferred_out")
            r.registrationDate = "2025-10-01"
            rows.append(r)
        }
        _ = try l.importStudents(rows)
        for i in 0..<dropouts { try l.openCase(student: LF.rid("20110315", 100 + i), kind: .dropout, on: LF.date("2025-11-03")) }
        return l
    }

    @Test("巩固率 against Huarong's target ≥ 98% (003 一、工作目标)")
    func consolidationTarget() throws {
        func row(_ l: Ledger) throws -> [String: String] {
            try l.report(.rates, asOf: LF.date("2025-12-12")).records.first { $0["指标"] == "九年义务教育巩固率" }!
        }
        let met = try row(try Self.cohortLedger(size: 50, dropouts: 1, transferred: 2))
        #expect(met["分子"] == "49" && met["分母"] == "50" && met["比率"] == "98.00%")
        #expect(met["目标"]?.hasPrefix("≥ 98.00%（huarong-2024") == true && met["是否达标"] == "是")
        #expect(met["公式"]?.contains("2017年秋季") == true)
        let missed = try row(try Self.cohortLedger(size: 50, dropouts: 2))
        #expect(missed["比率"] == "96.00%" && missed["是否达标"] == "否")
        // Before the dropout cases were opened the cohort is whole.
        let l = try Self.cohortLedger(size: 50, dropouts: 2)
        let early = try l.report(.rates, asOf: LF.date("2025-10-31")).records.first { $0["指标"] == "九年义务教育巩固率" }!
        #expect(early["比率"] == "100.00%")
    }

    @Test("Baiyin 附件3: children 6 by 31 August of the year (000 二（一）), IDs masked unless asked at county level")
    func householdRoster() throws {
        let (_, l) = try LF.seeded()
        let kidE = LF.rid("20190510", 51)
        let kidF = LF.rid("20190831", 62)
        let kidG = LF.rid("20190901", 71)
        _ = try l.importStudents([
            LF.row(kidE, "马小一", grade: 1, groups: "registered_poor"),
            LF.row(kidF, "李小二", school: "", registration: "none"),
            LF.row(kidG, "王小三", school: "", registration: "none"),
        ])
        let t = try l.report(.baiyinAttachment3, asOf: LF.date("2025-12-12"))
        #expect(t.headers == LedgerReportKind.baiyinAttachment3Headers)
        #expect(t.rows.count == 2)
        let byName = Dictionary(uniqueKeysWithValues: t.records.map { ($0["姓名"]!, $0) })
        #expect(byName["马小一"]?["是否建档立卡"] == "是" && byName["马小一"]?["入学情况"] == "已入学（1年级）")
        #expect(byName["李小二"]?["入学情况"] == "未入学（失学）")
        #expect(byName["马小一"]?["身份证号"] == (try ResidentID(kidE)).masked)
        #expect(byName["王小三"] == nil)
        let full = try l.report(.baiyinAttachment3, asOf: LF.date("2025-12-12"), fullIDs: true)
        #expect(full.records.contains { $0["身份证号"] == kidE })
        let school = try LF.open(l.path, LF.schoolA1Actor)
        #expect(throws: KCBXError.self) { try school.report(.baiyinAttachment3, asOf: LF.date("2025-12-12"), fullIDs: true) }
    }

    @Test("Guyuan 附件2 and Baiyin 附件4 through report(): cases opened by the date, for the unit")
    func exportsAsReports() throws {
        let l = try Self.story()
        let a2 = try l.report(.guyuanAttachment2, asOf: LF.date("2025-12-12"))
        #expect(a2.headers.first == "序号" && a2.rows.count == 1 && a2.rows[0][7] == "G")
        #expect(try l.report(.guyuanAttachment2, asOf: LF.date("2025-11-01")).rows.isEmpty)
        #expect(try l.report(.baiyinAttachment4, asOf: LF.date("2025-12-12"), unit: .school(LF.schoolB1)).rows.isEmpty)
        #expect(try LedgerReportKind(code: "rates") == .rates)
        #expect(throws: KCBXError.self) { try LedgerReportKind(code: "attachment-9") }
    }

    @Test("反弹人数 counts a child whose new case follows a closed one, from the new case's date (001, 002)")
    func relapses() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .present, "2025-09-01", "2025-09-05")
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-26")
        let first = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-15"))
        try l.verifyCase(first.id, reason: .F, on: LF.date("2025-09-16"))
        try l.startPersuasion(first.id, plan: "家访劝返", person: "王老师", on: LF.date("2025-09-17"))
        try l.recordReturn(first.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-29"))
        try LF.marks(l, LF.kidA, .present, "2025-09-29", "2025-11-21")
        try l.closeCase(first.id, asOf: LF.date("2025-11-21"))
        try LF.marks(l, LF.kidA, .unexcused, "2025-11-24", "2025-12-12")
        let again = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-12-02"))
        #expect(again.isRelapse)
        func relapses(_ d: String) throws -> String? {
            try l.report(.rates, asOf: LF.date(d)).records.first { $0["指标"] == "反弹人数" }?["分子"]
        }
        #expect(try relapses("2025-11-28") == "0")
        #expect(try relapses("2025-12-05") == "1")
    }
}
