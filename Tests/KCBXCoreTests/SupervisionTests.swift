import Foundation
import Testing

@testable import KCBXCore

/// The bulletin (通报) and the accountability list (五长) computed from the ledger (issue 15;
/// seeds 001 二（二）、二（六）, 002 二（二）、四（二）, 003 四（二）, 004 三（四）).
@Suite struct SupervisionTests {
    static let november = try! SupervisionPeriod(from: LF.date("2025-11-01"), through: LF.date("2025-11-30"))

    /// November in the fixture county: kidA suspected 5 Nov, returned 20 Nov; kidB a dropout from
    /// 10 Nov with nothing done; kidC out of school since 20 Oct (before the period); kidD
    /// suspected 12 Nov and dismissed (transferred) 14 Nov.
    static func story(profile: String) throws -> Ledger {
        let (_, l) = try LF.seeded(profile: profile)
        try LF.marks(l, LF.kidA, .present, "2025-09-01", "2025-10-31")
        try LF.marks(l, LF.kidA, .unexcused, "2025-11-03", "2025-11-19")
        try LF.marks(l, LF.kidA, .present, "2025-11-20", "2025-11-28")
        let a = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-11-05"))
        try l.verifyCase(a.id, reason: .F, on: LF.date("2025-11-06"))
        try l.startPersuasion(a.id, plan: "一人一案", person: "王老师", on: LF.date("2025-11-07"))
        try l.recordReturn(a.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-11-20"))
        _ = try l.openCase(student: LF.kidB, kind: .dropout, on: LF.date("2025-11-10"))
        _ = try l.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2025-10-20"))
        let d = try l.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-11-12"))
        try l.dismissCase(d.id, why: .transferred, on: LF.date("2025-11-14"))
        return l
    }

    static func total(_ t: ReportTable) -> [String: String] { t.records.first { $0["单位"] == "合计" } ?? [:] }

    @Test(
        "Bulletin counts equal the ledger's case events for the period, under each profile (001 二（二）; 002 二（二）)",
        arguments: PolicyProfile.builtinNames)
    func bulletinCountsEqualEvents(profile: String) throws {
        let l = try Self.story(profile: profile)
        let t = try l.report(.bulletin, period: Self.november)
        // Independently from the audit trail (Swift API): the events dated in November.
        let events = try l.events(after: 0, limit: 10_000).filter { $0.caseID != 0 }
        func dated(_ e: LedgerEvent) -> CivilDate? {
            guard case .object(let o)? = try? JSONValue.parse(e.payload), case .string(let s)? = o["date"] else { return nil }
            return try? CivilDate(iso: s)
        }
        func count(_ kind: String, _ caseKind: String? = nil) -> Int {
            events.filter { e in
                e.kind == kind && dated(e).map(Self.november.contains) == true
                    && (caseKind == nil || e.payload.contains("\"kind\":\"\(caseKind!)\""))
            }.count
        }
        let sum = Self.total(t)
        #expect(sum["新增疑似辍学"] == String(count("case.opened", "suspected_dropout")))
        #expect(sum["新增辍学"] == String(count("case.opened", "dropout") + count("case.promoted", "dropout")))
        #expect(sum["新增失学"] == String(count("case.opened", "out_of_school")))
        #expect(sum["劝返复学"] == String(count("case.returned")))
        #expect(sum["销号"] == String(count("case.closed")))
        #expect(sum["新增疑似辍学"] == "2" && sum["新增辍学"] == "1" && sum["新增失学"] == "0" && sum["劝返复学"] == "1")
        // Open at the end: kidB (dropout) and kidC (失学) → 动态清零 not reached in township A.
        #expect(sum["期末在案"] == "2" && sum["期末辍学失学"] == "2" && sum["动态清零"] == "否")
        let townB = t.records.first { $0["单位"] == "乡镇（街道）\(LF.townB)" }
        #expect(townB?["动态清零"] == "是" && townB?["新增疑似辍学"] == "1")
        // Rows add up to the total.
        for column in ["新增疑似辍学", "新增辍学", "劝返复学", "期末在案", "应办事项", "仍逾期"] {
            let rows = t.records.filter { $0["单位"] != "合计" }.compactMap { Int($0[column] ?? "") }.reduce(0, +)
            #expect(String(rows) == sum[column], "\(column)")
        }
        // Obligations: those with an original deadline in November, as the due list has them at its end.
        let due = try l.due(asOf: Self.november.through).filter { Self.november.contains($0.originalDueOn) }
        #expect(sum["应办事项"] == String(due.count))
        let parts = ["按时完成", "逾期完成", "仍逾期", "未到期"].compactMap { Int(sum[$0] ?? "") }.reduce(0, +)
        #expect(String(parts) == sum["应办事项"])
        #expect(sum["仍逾期"] == String(due.filter { $0.doneOn == nil && ($0.state == .overdue || $0.state == .escalated) }.count))
        #expect(t.csv().hasPrefix("\u{FEFF}单位,新增疑似辍学"))
        #expect(t.notes.contains { $0.contains("001 二（二）") })
        // Only Dongchuan rates its units (004 三（四）).
        #expect(t.headers.contains("考评排名") == (profile == "dongchuan-2025"))
    }

    @Test("A past period's bulletin ignores events dated after it; a township sees its schools only")
    func periodsAndUnits() throws {
        let l = try Self.story(profile: "guyuan-2021")
        let october = try SupervisionPeriod(.month, containing: LF.date("2025-10-15"))
        let t = try l.report(.bulletin, period: october)
        #expect(Self.total(t)["新增失学"] == "1" && Self.total(t)["新增疑似辍学"] == "0" && Self.total(t)["期末在案"] == "1")
        let townLedger = try Ledger(path: l.path, policy: try PolicyProfile.builtin("guyuan-2021"), actor: LF.townAActor, clock: { LF.now })
        let tt = try townLedger.report(.bulletin, period: Self.november)
        #expect(tt.rows.map { $0[0] }.contains { $0.contains(LF.schoolA1) })
        #expect(!tt.rows.map { $0[0] }.contains { $0.contains(LF.schoolB1) })
        #expect(throws: KCBXError.self) { try townLedger.report(.bulletin, period: Self.november, unit: .township(LF.townB)) }
    }

    @Test(
        "The accountability list names the owner and the 五长 of each overdue obligation on a dropout's case (001 二（六）)",
        arguments: PolicyProfile.builtinNames)
    func accountabilityNamesOwners(profile: String) throws {
        let l = try Self.story(profile: profile)
        try l.escalate(asOf: LF.date("2025-11-20"))
        let list = try l.accountability(Self.november)
        let policy = try PolicyProfile.builtin(profile)
        // Every obligation on kidB's (dropout) and kidC's (失学) cases overdue at the end is listed with its original owner.
        let dropoutCases = try l.cases().filter { $0.kind == .dropout || $0.kind == .outOfSchool }.map(\.id)
        let overdue = try l.due(asOf: Self.november.through).filter {
            o in dropoutCases.contains(o.caseID) && (o.doneOn.map { $0 > o.originalDueOn } ?? (Self.november.through > o.originalDueOn))
        }
        #expect(!overdue.isEmpty)
        for o in overdue {
            let entry = list.first { $0.obligation.id == o.id && $0.owner == o.originalOwner && $0.deadline == o.originalDueOn }
            #expect(entry != nil, "\(o.id) owed by \(o.originalOwner.label)")
            #expect(entry?.heads == policy.heads(answeringFor: o.originalOwner.level).map(\.title))
            // Escalated ones also name the level that received it, once its own deadline passed.
            for e in o.escalations where Self.november.through > e.newDue {
                #expect(list.contains { $0.obligation.id == o.id && $0.owner == e.to && $0.deadline == e.newDue })
            }
        }
        // No entry for kidA's returned suspected case (not a dropout) or kidD's dismissed one.
        #expect(Set(list.map(\.caseID)).isSubset(of: Set(dropoutCases)))
        let township = list.first { $0.owner.level == .township }
        #expect(township != nil)
        if profile == "guyuan-2021" {
            #expect(township?.heads == ["乡（镇）长", "村民委员会主任"])
            #expect(list.contains { $0.owner.level == .county && $0.heads.contains("县（区）长") })
        } else {
            #expect(township?.heads.isEmpty == false)
        }
        let t = try l.report(.accountability, period: Self.november)
        #expect(t.rows.count == list.count && t.headers.contains("责任人") && t.headers.contains("依据"))
        #expect(t.records.allSatisfy { $0["姓名"] != "" && $0["截止日期"] != "" })
    }

    @Test("Guyuan's profile names the 五长 with 001 二（六）; other profiles a documented default; profile files carry them")
    func accountableHeadsInProfiles() throws {
        let g = try PolicyProfile.builtin("guyuan-2021")
        #expect(g.accountableHeads.value.map(\.title) == ["县（区）长", "部门局长（教育）", "部门局长", "乡（镇）长", "校长", "村民委员会主任"])
        #expect(g.accountableHeads.provenance == .document("001 二（六）责任追究机制：县（区）长、部门局长、乡（镇）长、校长、村民委员会主任“五长”责任追究制度"))
        let b = try PolicyProfile.builtin("baiyin-2020")
        #expect(b.accountableHeads.provenance.kind == "default")
        for name in PolicyProfile.builtinNames {
            let p = try PolicyProfile.builtin(name)
            #expect(try PolicyProfile(json: p.json()) == p)
        }
        #expect(try PolicyProfile.builtin("dongchuan-2025").flag(.bulletinRanking))
        #expect(try !PolicyProfile.builtin("fujian-2020").flag(.bulletinRanking))
        #expect(throws: KCBXError.self) {
            _ = try PolicyProfile(
                json:
                    #"{"kcbx_policy": 1, "id": "x", "region_code": "640400", "accountable_heads": {"value": [{"level": "mayor", "title": "x"}]}}"#
            )
        }
    }

    @Test("Dongchuan rates its schools: 动态清零 first, praise and criticism named (004 三（四）)")
    func dongchuanRanking() throws {
        let l = try Self.story(profile: "dongchuan-2025")
        let t = try l.report(.bulletin, period: Self.november)
        let rows = t.records.filter { $0["单位"] != "合计" }
        let b = rows.first { $0["单位"]!.contains(LF.townB) }
        let a = rows.first { $0["单位"]!.contains(LF.townA) }
        #expect(b?["考评排名"] == "1" && a?["考评排名"] == "2")
        #expect(a?["通报"] == "通报批评")
        #expect(t.notes.contains { $0.contains("004 三（四）") })
    }

    @Test("Report duties owed in the period: daily by the marks, others by duty.filed events; filing is checked (001 二（二）)")
    func reportDuties() throws {
        let l = try Self.story(profile: "guyuan-2021")
        try l.recordDutyFiled("county_monthly_summary", due: LF.date("2025-11-30"), on: LF.date("2025-12-02"))
        #expect(throws: KCBXError.self) {
            try l.recordDutyFiled("county_monthly_summary", due: LF.date("2025-11-29"), on: LF.date("2025-12-02"))
        }
        #expect(throws: KCBXError.self) { try l.recordDutyFiled("no_such_duty", due: LF.date("2025-11-30"), on: LF.date("2025-12-02")) }
        let school = try Ledger(path: l.path, policy: try PolicyProfile.builtin("guyuan-2021"), actor: LF.schoolA1Actor, clock: { LF.now })
        #expect(throws: (any Error).self) {
            try school.recordDutyFiled("county_monthly_summary", due: LF.date("2025-11-30"), on: LF.date("2025-12-02"))
        }
        let t = try l.report(.bulletinDuties, period: Self.november)
        let monthly = t.records.first { $0["职责"] == "county_monthly_summary" }
        #expect(monthly?["状态"] == "逾期报送" && monthly?["台账记录"]?.hasPrefix("2025-12-02") == true)
        let weekly = t.records.filter { $0["职责"] == "township_weekly_report" }
        #expect(weekly.count == 4 && weekly.allSatisfy { $0["状态"] == "台账无记录" })
        let daily = t.records.first { $0["职责"] == "school_daily_check" }
        #expect(daily?["状态"] == "按时")  // kidA's marks cover every November school day
        #expect(t.rows.allSatisfy { !$0[4].isEmpty })
        // The filing is an attributed event that verify replays.
        #expect(try l.history(student: LF.kidA).isEmpty == false)
        #expect(try l.events(kinds: ["duty.filed"]).count == 1)
        _ = try l.verify()
    }

    @Test("Periods: week Monday–Sunday, month, quarter, term from the calendar; a reversed range is refused")
    func periods() throws {
        let d = LF.date("2025-11-12")
        #expect(
            try SupervisionPeriod(.week, containing: d) == SupervisionPeriod(from: LF.date("2025-11-10"), through: LF.date("2025-11-16")))
        #expect(try SupervisionPeriod(.month, containing: d).through == LF.date("2025-11-30"))
        #expect(
            try SupervisionPeriod(.quarter, containing: d) == SupervisionPeriod(from: LF.date("2025-10-01"), through: LF.date("2025-12-31"))
        )
        #expect(try SupervisionPeriod(.term, containing: d, calendar: LF.calendar).from == LF.date("2025-09-01"))
        #expect(throws: KCBXError.self) { try SupervisionPeriod(from: LF.date("2025-11-02"), through: LF.date("2025-11-01")) }
        #expect(throws: KCBXError.self) { try SupervisionPeriod(.term, containing: d) }
    }

    @Test("Audit findings, spot-check draws and home verifications are read under either spelling (002 四（二）)")
    func supervisionEventKinds() {
        #expect(
            SupervisionEventKind(kind: "audit_finding") == .auditFinding && SupervisionEventKind(kind: "audit.finding") == .auditFinding)
        #expect(
            SupervisionEventKind(kind: "spot_check_drawn") == .spotCheckDrawn
                && SupervisionEventKind(kind: "home_verification") == .homeVerification)
        #expect(SupervisionEventKind(kind: "case.opened") == nil)
        let yes = EventRecord(
            seq: 1, kind: "home_verification", student: "", caseID: 0, payloadText: #"{"result":"confirmed","date":"2025-11-03"}"#)
        let no = EventRecord(seq: 2, kind: "home_verification", student: "", caseID: 0, payloadText: #"{"result":"contradicted"}"#)
        #expect(yes.confirmsEntry && !no.confirmsEntry)
        #expect(no.day(recordedAt: "2025-11-04T08:00:00.000Z") == LF.date("2025-11-04") && yes.day(recordedAt: "") == LF.date("2025-11-03"))
        let draw = EventRecord(seq: 3, kind: "spot_check_drawn", student: "", caseID: 0, payloadText: #"{"cases":[1,2,3]}"#)
        #expect(draw.drawnCount == 3)
    }
}
