import Foundation
import Testing

@testable import KCBXCore

/// Escalation (DOMAIN.md §3): obligations, owners, deadlines, the four steps and the ladder, walked
/// day by day for each built-in profile on the fixture county (LedgerFixtures.swift).
@Suite("Escalation") struct EscalationTests {
    static let profiles = PolicyProfile.builtinNames

    /// A seeded ledger with kid A absent without leave on every school day from Mon 8 Sept 2025 through `through`.
    static func absentLedger(_ profile: String, through: String = "2025-12-12") throws -> Ledger {
        let (_, l) = try LF.seeded(profile: profile)
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", through)
        return l
    }

    static func one(_ list: [Obligation], _ action: ObligationAction, case id: Int64? = nil) -> Obligation? {
        list.first { $0.action == action && (id == nil || $0.caseID == id!) }
    }

    // MARK: First days of an absence

    @Test("guardian contact: Dongchuan the same day (004 二（三）3), elsewhere by the next school day (DOMAIN default)", arguments: profiles)
    func guardianContact(_ profile: String) throws {
        let l = try Self.absentLedger(profile)
        let d = try l.due(asOf: LF.date("2025-09-08"))
        let c = try #require(Self.one(d, .guardianContact))
        #expect(c.student == IDMask.key(LF.kidA) && c.caseID == 0)
        #expect(c.owner == ObligationOwner(level: .classTeacher, unit: LF.schoolA1))
        #expect(c.opensOn == LF.date("2025-09-08"))
        #expect(c.dueOn == LF.date(profile == "dongchuan-2025" ? "2025-09-08" : "2025-09-09"))
        #expect(c.state == .due)
        // Not done by the due date: overdue the day after.
        let late = try #require(Self.one(try l.due(asOf: LF.date("2025-09-10")), .guardianContact))
        #expect(late.state == .overdue)
        // Recorded (before any case exists): done.
        try l.recordStudentAction(student: LF.kidA, .guardianContact, on: LF.date("2025-09-08"), note: "电话联系母亲")
        let done = try #require(Self.one(try l.due(asOf: LF.date("2025-09-10")), .guardianContact))
        #expect(done.state == .done && done.doneOn == LF.date("2025-09-08"))
    }

    @Test(
        "three-line report on the 3rd unexcused school day to its three recipients, only under Dongchuan (004 二（三）2)", arguments: profiles)
    func threeLineReport(_ profile: String) throws {
        let l = try Self.absentLedger(profile)
        #expect(Self.one(try l.due(asOf: LF.date("2025-09-09")), .threeLineReport) == nil, "2 days: no report yet")
        let r = Self.one(try l.due(asOf: LF.date("2025-09-10")), .threeLineReport)
        guard profile == "dongchuan-2025" else {
            #expect(r == nil, "\(profile) has no three-line report (three_line_alert_after off)")
            return
        }
        let report = try #require(r)
        #expect(report.owner == ObligationOwner(level: .school, unit: LF.schoolA1))
        #expect(report.dueOn == LF.date("2025-09-10"))
        #expect(report.recipients.count == 3)
        #expect(report.recipients[0].contains("平台") && report.recipients[1].contains(LF.townA) && report.recipients[2].contains(LF.county))
        #expect(report.basis.contains("004 二（三）2"))
    }

    // MARK: The case and its actions

    @Test(
        "a case owes ledger entry, home visits, plan, persuasion visit; Huarong adds the one-to-one person (003 三（四）)", arguments: profiles)
    func caseObligations(_ profile: String) throws {
        let l = try Self.absentLedger(profile)
        let sweep = try l.sweep(asOf: LF.date("2025-09-15"))
        let id = try #require(sweep.opened.first)
        let d = try l.due(case: id, asOf: LF.date("2025-09-15"))
        #expect(Self.one(d, .enterLedger)?.state == .done)
        let visit = try #require(Self.one(d, .homeVisit))
        #expect(visit.owner.level == .school && visit.dueOn == LF.date("2025-09-22"))
        let plan = try #require(Self.one(d, .perChildPlan), "all five documents ask for a per-child plan")
        #expect(plan.dueOn == LF.date("2025-09-22"))
        let persuasion = try #require(Self.one(d, .persuasionVisit))
        #expect(persuasion.owner == ObligationOwner(level: .township, unit: LF.townA))
        #expect((Self.one(d, .assignPerson) != nil) == (profile == "huarong-2024"))
        // Home visits repeat until the return: a visit on 19 Sept makes the next due 26 Sept.
        try l.recordAction(id, .homeVisit, on: LF.date("2025-09-19"))
        let visits = try l.due(case: id, asOf: LF.date("2025-09-20")).filter { $0.action == .homeVisit }
        #expect(visits.map(\.state) == [.done, .due])
        #expect(visits.last?.dueOn == LF.date("2025-09-26"))
        try l.verify()
    }

    @Test(
        "referrals follow each profile's table: H (working away) to human resources and market regulation; registered poor to the poverty line"
    )
    func referrals() throws {
        for profile in Self.profiles {
            let (_, l) = try LF.seeded(profile: profile)
            try LF.marks(l, LF.kidB, .unexcused, "2025-09-08", "2025-10-31")
            let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
            try l.verifyCase(id, reason: .H, on: LF.date("2025-09-16"))
            let refs = try l.due(case: id, asOf: LF.date("2025-09-16")).filter { $0.action == .referral }
            let depts = Set(refs.compactMap(\.department))
            #expect(depts.isSuperset(of: [.humanResources, .marketRegulation]), "\(profile): \(depts)")
            // The registered-poor child (kid B) goes to whichever department the profile routes that group to.
            let expected = Set(l.policy.departments(for: .H, groups: [.registeredPoor, .leftBehind]).filter { $0 != .township })
            #expect(depts == expected, "\(profile)")
            if profile == "huarong-2024" { #expect(depts.contains(.ruralRevitalisation), "003 二（八）") }
            let hr = try #require(refs.first { $0.department == .humanResources })
            #expect(hr.opensOn == LF.date("2025-09-16") && hr.dueOn == LF.date("2025-09-23"))
            if profile == "guyuan-2021" { #expect(hr.basis.contains("001 二（一）")) }
            // A referral must name its department; naming it discharges that one only.
            #expect(throws: KCBXError.self) { try l.recordAction(id, .referral, on: LF.date("2025-09-17")) }
            try l.recordAction(id, .referral, department: .humanResources, on: LF.date("2025-09-17"))
            let after = try l.due(case: id, asOf: LF.date("2025-09-17")).filter { $0.action == .referral }
            #expect(after.first { $0.department == .humanResources }?.state == .done)
            #expect(after.first { $0.department == .marketRegulation }?.state == .due)
        }
    }

    @Test("Guyuan routes missing children (T) to the police from its own document (001 二（一）)")
    func guyuanPolice() throws {
        let (_, l) = try LF.seeded(profile: "guyuan-2021")
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-10-31")
        let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
        try l.verifyCase(id, reason: .T, on: LF.date("2025-09-16"))
        let police = try #require(try l.due(case: id, asOf: LF.date("2025-09-16")).first { $0.department == .police })
        #expect(police.basis.contains("document: 001 二（一）") && police.owner.level == .township)
    }

    @Test("illness or disability: expert panel assessment, then placement by the county (000 四（三）, 002 二（三）)")
    func expertPanel() throws {
        let (_, l) = try LF.seeded(profile: "fujian-2020")
        try LF.marks(l, LF.kidD, .unexcused, "2025-09-08", "2025-10-31")
        let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
        try l.verifyCase(id, reason: .D, on: LF.date("2025-09-16"))
        let a = try #require(Self.one(try l.due(case: id, asOf: LF.date("2025-09-16")), .expertAssessment))
        #expect(a.owner.level == .department && a.basis.contains("002 二（三）"))
        #expect(Self.one(try l.due(case: id, asOf: LF.date("2025-09-16")), .placement) == nil, "placement follows the assessment")
        try l.recordAction(id, .expertAssessment, on: LF.date("2025-09-20"))
        let p = try #require(Self.one(try l.due(case: id, asOf: LF.date("2025-09-20")), .placement))
        #expect(p.owner == ObligationOwner(level: .county, unit: LF.county) && p.dueOn == LF.date("2025-09-27"))
    }

    @Test("cross-region letter for a child registered elsewhere, only where the profile asks (004 二（三）3)", arguments: profiles)
    func crossRegionLetter(_ profile: String) throws {
        let (_, l) = try LF.seeded(profile: profile)
        let migrant = try #require(ResidentID.checkCharacter(for: "62040220160310051").map { "62040220160310051" + String($0) })
        _ = try l.importStudents([LF.row(migrant, "外地生", groups: "migrant")])
        try LF.marks(l, migrant, .unexcused, "2025-09-08", "2025-10-31")
        let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
        let letter = Self.one(try l.due(case: id, asOf: LF.date("2025-09-15")), .crossRegionLetter)
        #expect((letter != nil) == (profile == "dongchuan-2025"))
        if let letter {
            #expect(letter.owner == ObligationOwner(level: .county, unit: LF.county))
            #expect(letter.recipients == ["户籍地 620402 教育行政部门"])
        }
    }

    // MARK: The four steps

    /// Opens, verifies and starts persuasion on kid A's case; records the guardian's refusal on 17 Sept.
    static func refusingCase(_ l: Ledger) throws -> Int64 {
        let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
        try l.verifyCase(id, reason: .G, on: LF.date("2025-09-16"))
        try l.startPersuasion(id, plan: "一人一案：班主任与村干部每周家访", person: "马老师", on: LF.date("2025-09-16"))
        try l.recordAction(id, .guardianRefusal, on: LF.date("2025-09-17"), note: "监护人拒不送学")
        return id
    }

    @Test(
        "the four steps advance in order, each after the previous deadline lapsed, through to the court step (004 二（七）4)",
        arguments: profiles)
    func fourStepsToCourt(_ profile: String) throws {
        let l = try Self.absentLedger(profile)
        let id = try Self.refusingCase(l)
        func steps(_ day: String) throws -> [Obligation] { try l.due(case: id, asOf: LF.date(day)).filter { $0.step != nil } }
        // Step 1 opens with the refusal, due after education_step_deadline (7 days by DOMAIN default).
        var s = try steps("2025-09-17")
        #expect(s.map(\.action) == [.education])
        #expect(s[0].owner == ObligationOwner(level: .township, unit: LF.townA) && s[0].dueOn == LF.date("2025-09-24"))
        // Steps cannot be skipped: no notice before step 1 is done and its deadline has lapsed.
        #expect(throws: KCBXError.self) { try l.recordAction(id, .returnNotice, on: LF.date("2025-09-18")) }
        try l.recordAction(id, .education, on: LF.date("2025-09-18"))
        #expect(throws: KCBXError.self) { try l.recordAction(id, .returnNotice, on: LF.date("2025-09-24")) }
        do {
            try l.recordAction(id, .education, on: LF.date("2025-09-19"))
            Issue.record("step 1 twice was accepted")
        } catch let e as KCBXError { #expect("\(e)".contains("already taken on 2025-09-18")) }
        s = try steps("2025-09-24")
        #expect(s.map(\.action) == [.education] && s[0].state == .done)
        // 25 Sept: step 2 opens (notice issued within notice_issue_within = 3 days).
        s = try steps("2025-09-25")
        let notice = try #require(s.first { $0.action == .returnNotice })
        #expect(notice.opensOn == LF.date("2025-09-25") && notice.dueOn == LF.date("2025-09-28"))
        try l.recordAction(id, .returnNotice, on: LF.date("2025-09-26"), note: "送达《限期复学通知书》")
        let issued = try #require(try steps("2025-09-26").first { $0.action == .returnNotice })
        #expect(issued.guardianDeadline == LF.date("2025-10-11"), "return_notice_deadline 15 days from the notice")
        #expect(try steps("2025-10-11").count == 2, "the guardian still has until 11 Oct")
        #expect(throws: KCBXError.self) { try l.recordAction(id, .administrativePenalty, on: LF.date("2025-10-11")) }
        // 12 Oct, child not back: step 3, due penalty_step_deadline (30 days) after the notice's deadline.
        let penalty = try #require(try steps("2025-10-12").first { $0.action == .administrativePenalty })
        #expect(penalty.opensOn == LF.date("2025-10-12") && penalty.dueOn == LF.date("2025-11-10"))
        try l.recordAction(id, .administrativePenalty, on: LF.date("2025-10-15"))
        #expect(try steps("2025-11-10").count == 3)
        // 11 Nov: step 4, court application within court_step_deadline.
        let court = try #require(try steps("2025-11-11").first { $0.action == .courtApplication })
        #expect(court.opensOn == LF.date("2025-11-11") && court.dueOn == LF.date("2025-12-10"))
        #expect(court.owner.level == .township)
        try l.recordAction(id, .courtApplication, on: LF.date("2025-11-12"))
        #expect(try steps("2025-11-12").allSatisfy { $0.state == .done })
        try l.verify()
    }

    @Test("a guardian who complies at step 2 never reaches step 3", arguments: profiles)
    func compliesAtStepTwo(_ profile: String) throws {
        let l = try Self.absentLedger(profile, through: "2025-10-08")
        try LF.marks(l, LF.kidA, .present, "2025-10-09", "2025-12-12")
        let id = try Self.refusingCase(l)
        try l.recordAction(id, .education, on: LF.date("2025-09-18"))
        try l.recordAction(id, .returnNotice, on: LF.date("2025-09-26"))
        try l.recordReturn(id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-10-09"))
        for day in ["2025-10-12", "2025-11-11", "2025-12-15"] {
            let d = try l.due(case: id, asOf: LF.date(day))
            #expect(!d.contains { $0.action == .administrativePenalty || $0.action == .courtApplication }, "\(day)")
            #expect(d.allSatisfy { $0.state == .done }, "a returned child owes nothing more")
        }
        #expect(throws: KCBXError.self) { try l.recordAction(id, .administrativePenalty, on: LF.date("2025-10-12")) }
    }

    // MARK: Escalation

    @Test("overdue obligations climb the ladder school → township → county, both lines notified (双线)")
    func ladder() throws {
        let l = try Self.absentLedger("guyuan-2021")
        let id = try #require(try l.sweep(asOf: LF.date("2025-09-15")).opened.first)
        let s1 = try l.escalate(asOf: LF.date("2025-09-23"))
        let plan = try #require(s1.escalated.first { $0.id == "c\(id)/per_child_plan" })
        #expect(plan.owner == ObligationOwner(level: .township, unit: LF.townA))
        #expect(plan.escalations.last?.notify == ["government:township:\(LF.townA)", "education:county:\(LF.county)"])
        #expect(plan.dueOn == LF.date("2025-09-28"), "escalation_response 5 days")
        let persuasion = try #require(s1.escalated.first { $0.id == "c\(id)/persuasion_visit" })
        #expect(persuasion.owner == ObligationOwner(level: .county, unit: LF.county), "the township's overdue duty goes to the county")
        // Idempotent: the same date again records nothing.
        let head = try l.head()
        let again = try l.escalate(asOf: LF.date("2025-09-23"))
        let headAfter = try l.head()
        #expect(again.escalated.isEmpty && headAfter == head)
        #expect(try l.due(case: id, asOf: LF.date("2025-09-25")).first { $0.id == plan.id }?.state == .escalated)
        // Still not done after the township's deadline: on to the county.
        let s2 = try l.escalate(asOf: LF.date("2025-09-29"))
        #expect(s2.escalated.first { $0.id == plan.id }?.owner == ObligationOwner(level: .county, unit: LF.county))
        // Time travel: asking about 22 Sept still shows the school's overdue plan, not escalated.
        let past = try #require(try l.due(case: id, asOf: LF.date("2025-09-22")).first { $0.id == plan.id })
        #expect(past.owner.level == .school && past.state == .due && past.escalations.isEmpty)
        // An earlier date after a later escalation records nothing new.
        let h2 = try l.head()
        _ = try l.escalate(asOf: LF.date("2025-09-24"))
        #expect(try l.head() == h2)
        // Every escalation is an attributed event of the case.
        let events = try l.history(case: id).filter { $0.kind == "obligation.escalated" }
        #expect(events.count >= 3 && events.allSatisfy { $0.actor.person == "李科长" })
        try l.verify()
    }

    @Test("with dual_line off only the next unit is notified (profile data, not code)")
    func singleLine() throws {
        let p = try PolicyProfile(
            json:
                #"{"id": "xiji-single", "extends": "guyuan-2021", "parameters": {"dual_line": false, "escalation_response": {"amount": 2, "unit": "calendar_days"}}}"#
        )
        let path = LF.path()
        let l = try LF.open(path, policy: p)
        try l.setCalendar(LF.calendar)
        _ = try l.importStudents(LF.roster)
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-10-31")
        _ = try l.sweep(asOf: LF.date("2025-09-15"))
        let s = try l.escalate(asOf: LF.date("2025-09-23"))
        let plan = try #require(s.escalated.first { $0.action == .perChildPlan && $0.student == IDMask.key(LF.kidA) })
        #expect(plan.escalations.last?.notify == ["government:township:\(LF.townA)"])
        #expect(plan.dueOn == LF.date("2025-09-25"))
    }

    @Test("time travel: later events do not change what was due on an earlier date")
    func timeTravel() throws {
        let l = try Self.absentLedger("dongchuan-2025")
        let id = try Self.refusingCase(l)
        let before = try l.due(asOf: LF.date("2025-09-20"))
        try l.recordAction(id, .education, on: LF.date("2025-09-21"))
        try l.recordAction(id, .homeVisit, on: LF.date("2025-09-22"))
        _ = try l.escalate(asOf: LF.date("2025-10-01"))
        #expect(try l.due(asOf: LF.date("2025-09-20")) == before)
    }

    @Test("bad input is refused by name and records nothing")
    func badInput() throws {
        let l = try Self.absentLedger("guyuan-2021")
        let head = try l.head()
        #expect(throws: KCBXError.self) { try l.escalate(asOf: LF.date("2026-01-01")) }
        #expect(throws: KCBXError.self) { try l.recordStudentAction(student: LF.kidA, .education, on: LF.date("2025-09-08")) }
        #expect(throws: KCBXError.self) { try l.recordAction(999, .homeVisit, on: LF.date("2025-09-08")) }
        #expect(try l.head() == head)
        let dept = try Ledger(path: l.path, policy: l.policy, actor: LF.actor(.department, LF.county, "公安"), clock: { LF.now })
        #expect(throws: KCBXError.self) { try dept.escalate(asOf: LF.date("2025-09-20")) }
    }

    @Test("the due list as a table and JSON")
    func representations() throws {
        let l = try Self.absentLedger("dongchuan-2025")
        let d = try l.due(asOf: LF.date("2025-09-10"))
        let csv = try CSVFile(text: String(d.csv().dropFirst()))
        #expect(csv.headers == Obligation.tableHeaders && csv.rows.count == d.count)
        #expect(csv.rows.contains { $0[3] == "三线报告" && $0[8] == "待办" })
        guard case .array(let items) = d.jsonValue, case .object(let o)? = items.first else {
            Issue.record("not an array")
            return
        }
        #expect(o["state"] != nil && o["owner"] != nil && o["basis"] != nil)
    }
}

/// The reporting cadence as a calendar of due reports (DOMAIN.md §3).
@Suite("Escalation report calendar") struct EscalationReportCalendarTests {
    static func reports(_ profile: String, _ from: String, _ through: String) throws -> [DueReport] {
        try ReportCalendar.due(try PolicyProfile.builtin(profile), calendar: LF.calendar, from: LF.date(from), through: LF.date(through))
    }

    @Test(
        "Guyuan: school daily, township weekly, county monthly, city quarterly; first-week Friday; end of October and December (001 二（二）, 附件1 填表说明4)"
    )
    func guyuan() throws {
        let r = try Self.reports("guyuan-2021", "2025-09-01", "2025-12-31")
        func dates(_ id: String) -> [String] { r.filter { $0.dutyID == id }.map(\.due.description) }
        #expect(dates("county_report_term_start") == ["2025-09-05"], "Friday of the first week of the autumn term")
        #expect(dates("county_report_mid_term") == ["2025-10-31"])
        #expect(dates("county_report_term_end") == ["2025-12-31"])
        #expect(dates("county_monthly_summary") == ["2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31"])
        #expect(dates("city_quarterly_bulletin") == ["2025-09-30", "2025-12-31"])
        #expect(
            dates("township_weekly_report").first == "2025-09-05"
                && dates("township_weekly_report").allSatisfy { LF.date($0).isoWeekday == 5 })
        let daily = dates("school_daily_check")
        #expect(
            !daily.contains("2025-10-01") && daily.contains("2025-09-28"),
            "school days only: the National Day week off, the make-up Sunday on")
        #expect(r.first { $0.dutyID == "county_report_term_start" }?.basis.contains("001 附件1 填表说明4") == true)
    }

    @Test(
        "Baiyin's 20 September sweep; Fujian's weekly ledger check and monthly reconciliation; Dongchuan's check a week after term starts")
    func others() throws {
        let b = try Self.reports("baiyin-2020", "2025-09-01", "2026-03-31")
        #expect(b.filter { $0.dutyID == "term_sweep" }.map(\.due.description) == ["2025-09-20", "2026-03-20"])
        #expect(b.first { $0.dutyID == "term_sweep" }?.level == .township)
        let f = try Self.reports("fujian-2020", "2025-09-01", "2025-09-30")
        #expect(f.filter { $0.dutyID == "weekly_ledger_check" }.count == 4)
        #expect(f.filter { $0.dutyID == "monthly_department_reconciliation" }.map(\.due.description) == ["2025-09-30"])
        let d = try Self.reports("dongchuan-2025", "2025-09-01", "2025-09-30")
        #expect(d.filter { $0.dutyID == "four_checks_three_comparisons" }.map(\.due.description) == ["2025-09-08"], "004 二（二） 开学一周后")
        #expect(throws: KCBXError.self) {
            try ReportCalendar.due(
                try PolicyProfile.builtin("dongchuan-2025"), calendar: nil, from: LF.date("2025-09-01"), through: LF.date("2025-09-30"))
        }
        #expect(throws: KCBXError.self) { try Self.reports("guyuan-2021", "2025-09-30", "2025-09-01") }
    }
}

/// Notices rendered from templates with the child's, guardian's and unit's data.
@Suite("Escalation notices") struct EscalationNoticeTests {
    @Test("the notice to return carries the deadline of the recorded notice (003 二（一）; return_notice_deadline)")
    func returnNotice() throws {
        let l = try EscalationTests.absentLedger("huarong-2024")
        let id = try EscalationTests.refusingCase(l)
        try l.recordAction(id, .education, on: LF.date("2025-09-18"))
        try l.recordAction(id, .returnNotice, on: LF.date("2025-09-26"))
        #expect(try l.noticeFields(.returnNotice, student: LF.kidA, asOf: LF.date("2025-09-26"))["child_id"] == IDMask.key(LF.kidA))
        var f = try l.noticeFields(.returnNotice, student: LF.kidA, asOf: LF.date("2025-09-26"), fullIDs: true)
        #expect(f["deadline"] == "2025年10月11日" && f["child"] == "马小明" && f["absent_since"] == "2025年9月8日")
        #expect(f["child_id"] == LF.kidA, "the county may print the full ID, asked for and recorded")
        #expect(try l.events().last?.kind == "export.full_ids")
        #expect(throws: KCBXError.self) { try Notice.render(.returnNotice, fields: f) }  // guardian and issuer missing
        f["guardian"] = "马大山"
        f["issuer"] = "鄂州市华容区华容镇人民政府"
        let text = try Notice.render(.returnNotice, fields: f)
        #expect(text.hasPrefix("限期复学通知书") && text.contains("马大山（监护人）") && text.contains("于 2025年10月11日 前送 马小明"))
        #expect(text.contains("第五十八条") && text.contains("行政处罚") && !text.contains("{{"))
        #expect(throws: KCBXError.self) { try Notice.render(.returnNotice, fields: f.merging(["guardain": "x"]) { a, _ in a }) }
    }

    @Test("the enrollment notice states the law and the consequences (000 二（一）附件2; 002 三（一）)")
    func enrollment() throws {
        let (_, l) = try LF.seeded(profile: "baiyin-2020")
        var f = try l.noticeFields(.enrollment, student: LF.kidC, asOf: LF.date("2025-06-20"))
        f["guardian"] = "李大军"
        f["report_date"] = "2025年8月31日"
        f["school"] = "白银区第一小学"
        f["issuer"] = "白银区人民街道办事处"
        let text = try Notice.render(.enrollment, fields: f)
        #expect(text.contains("义务教育入学通知书") && text.contains("第十一条") && text.contains("第五十八条") && text.contains("责令限期改正"))
        #expect(text.contains("李小军") && text.contains("2017年1月2日") && text.contains("白政办发〔2020〕28号"))
    }

    @Test("the three-line report names its three recipients (004 二（三）2)")
    func threeLine() throws {
        let l = try EscalationTests.absentLedger("dongchuan-2025")
        try l.recordStudentAction(student: LF.kidA, .guardianContact, on: LF.date("2025-09-08"))
        let f = try l.noticeFields(.threeLineReport, student: LF.kidA, asOf: LF.date("2025-09-10"))
        let text = try Notice.render(.threeLineReport, fields: f)
        #expect(text.contains("1. 省级平台") && text.contains("2. 乡镇（街道） \(LF.townA)") && text.contains("3. 县（区）教育局 \(LF.county)"))
        #expect(text.contains("累计 3 个上学日") && text.contains("联系监护人（2025-09-08）"))
    }
}
