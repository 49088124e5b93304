/// The rules that turn a case (or an open absence streak) into obligations: what is due, who owes
/// it, from when, by when, on what basis (DOMAIN.md §3). Every length is a profile parameter;
/// every basis names the document clause or the DOMAIN.md interpretation and the parameter's provenance.
struct ObligationRules {
    let policy: PolicyProfile
    let calendar: SchoolCalendar

    // MARK: Owners (双线: education line class teacher → school → county bureau; government line township → county)

    /// The unit at `level` responsible for `s`. A child without a school is the township's at school level.
    static func owner(_ level: UnitLevel, _ s: LedgerStudent) -> ObligationOwner {
        switch level {
        case .classTeacher, .school:
            return s.schoolID.isEmpty
                ? ObligationOwner(level: .township, unit: s.townshipCode) : ObligationOwner(level: level, unit: s.schoolID)
        case .village, .township: return ObligationOwner(level: .township, unit: s.townshipCode)
        case .county, .department: return ObligationOwner(level: .county, unit: String(s.townshipCode.prefix(6)))
        case .city: return ObligationOwner(level: .city, unit: String(s.townshipCode.prefix(4)) + "00")
        case .province: return ObligationOwner(level: .province, unit: String(s.townshipCode.prefix(2)) + "0000")
        }
    }

    static let expertPanel = ObligationOwner(level: .department, unit: "expert_panel")

    // MARK: Dates

    /// `from` plus a parameter's duration (school days count on the calendar; 0 = the same day).
    func add(_ key: ParameterKey, to from: CivilDate) -> CivilDate {
        guard let d = policy.duration(key) else { return from }
        switch d.unit {
        case .calendarDays: return from.adding(days: d.amount)
        case .calendarMonths: return from.adding(months: d.amount)
        case .schoolDays:
            var day = from
            var n = d.amount
            while n > 0 {
                guard let next = calendar.nextSchoolDay(after: day) else { return day.adding(days: n) }
                day = next
                n -= 1
            }
            return day
        }
    }

    /// "key = value (provenance citation)".
    func param(_ key: ParameterKey) -> String {
        let p = policy[key]
        let v: String
        switch p.value {
        case .duration(let d): v = d.description
        case .number(let n): v = String(n)
        case .flag(let f): v = f ? "on" : "off"
        case .text(let t): v = t
        case .off: v = "off"
        }
        return "\(key.rawValue) = \(v) (\(p.provenance.kind): \(p.provenance.citation))"
    }

    func make(
        _ id: String, caseID: Int64, _ s: LedgerStudent, _ action: ObligationAction, _ owner: ObligationOwner,
        basis: String, opens: CivilDate, due: CivilDate, done: CivilDate?, recipients: [String] = [],
        department: Department? = nil, guardianDeadline: CivilDate? = nil
    ) -> Obligation {
        Obligation(
            id: id, caseID: caseID, student: s.key, action: action, owner: owner, originalOwner: owner, basis: basis,
            opensOn: opens, dueOn: due, originalDueOn: due, state: .due, doneOn: done, escalations: [],
            recipients: recipients, department: department, guardianDeadline: guardianDeadline)
    }

    // MARK: Before any case: the open absence streak

    /// Guardian contact from the streak's first day; the three-line report once the streak reaches
    /// `three_line_alert_after` (when the profile has it). `unexcused` are the streak's unexcused days.
    func streakObligations(
        _ s: LedgerStudent, streakStart: CivilDate, unexcused: [CivilDate], actions: [RecordedAction],
        asOf: CivilDate
    ) -> [Obligation] {
        let base = "s\(s.key)/\(streakStart.yyyymmdd)"
        func done(_ a: LedgerAction) -> CivilDate? {
            actions.filter { $0.action == a && $0.date >= streakStart && $0.date <= asOf }.map(\.date).min()
        }
        var out = [
            make(
                base + "/guardian_contact", caseID: 0, s, .guardianContact, Self.owner(.classTeacher, s),
                basis: "班主任及时联系家长，核实未到校原因 (004 二（三）3; DOMAIN.md §3 daily); \(param(.guardianContactWithin))",
                opens: streakStart, due: add(.guardianContactWithin, to: streakStart), done: done(.guardianContact))
        ]
        if let n = policy.duration(.threeLineAlertAfter), n.amount > 0 {
            let alertDay: CivilDate? =
                n.unit == .schoolDays
                ? (unexcused.count >= n.amount ? unexcused[n.amount - 1] : nil)
                : streakStart.adding(days: n.amount - 1)
            if let alertDay, alertDay <= asOf {
                out.append(
                    make(
                        base + "/three_line_report", caseID: 0, s, .threeLineReport, Self.owner(.school, s),
                        basis: "“三线”报告 (004 二（三）2): 省政府救助平台、乡镇（街道）、区教育体育局; \(param(.threeLineAlertAfter))",
                        opens: alertDay, due: alertDay, done: done(.threeLineReport),
                        recipients: [
                            "省级平台（政府救助平台控辍保学端口）", "乡镇（街道） \(s.townshipCode)（书面，履行主体劝返责任）",
                            "县（区）教育局 \(s.townshipCode.prefix(6))（书面）",
                        ]))
            }
        }
        return out
    }

    // MARK: A case

    func caseObligations(_ t: CaseTimeline, _ s: LedgerStudent, asOf: CivilDate) -> [Obligation] {
        let base = "c\(t.id)"
        let opened = t.openedOn
        var out: [Obligation] = []
        out.append(
            make(
                base + "/enter_ledger", caseID: t.id, s, .enterLedger, Self.owner(.school, s),
                basis: "纳入控辍保学台账管理 (004 二（二）; 001 二（二）建立工作台账; DOMAIN.md §4)",
                opens: opened, due: opened, done: opened))
        out += homeVisits(t, s, asOf: asOf)
        if policy.flag(.perChildPlan) {
            out.append(
                make(
                    base + "/per_child_plan", caseID: t.id, s, .perChildPlan, Self.owner(.school, s),
                    basis: "一人一案 / 一生一策: \(param(.perChildPlan)); \(param(.caseActionWithin))",
                    opens: opened, due: add(.caseActionWithin, to: opened), done: t.planOn))
        }
        if policy.flag(.oneToOneAssignment) && t.kind != .outOfSchool {
            out.append(
                make(
                    base + "/assign_one_to_one", caseID: t.id, s, .assignPerson, Self.owner(.school, s),
                    basis: "疑似辍学人员采取人盯人挂钩方式: \(param(.oneToOneAssignment)); \(param(.caseActionWithin))",
                    opens: opened, due: add(.caseActionWithin, to: opened), done: t.personOn))
        }
        out.append(
            make(
                base + "/persuasion_visit", caseID: t.id, s, .persuasionVisit, Self.owner(.township, s),
                basis: "乡镇（街道）入户劝返 (000 二（四）按流程图劝返; 004 二（三）2 履行主体劝返责任; 003 二（一）); \(param(.caseActionWithin))",
                opens: opened, due: add(.caseActionWithin, to: opened), done: t.first(.persuasionVisit, from: opened)))
        if policy.flag(.crossRegionLetter) && !s.regionCode.isEmpty && s.regionCode.prefix(6) != s.townshipCode.prefix(6) {
            out.append(
                make(
                    base + "/cross_region_letter", caseID: t.id, s, .crossRegionLetter, Self.owner(.county, s),
                    basis: "非本地户籍学生由区教育体育局向户籍地教育行政部门发函 (\(param(.crossRegionLetter))); \(param(.caseActionWithin))",
                    opens: opened, due: add(.caseActionWithin, to: opened), done: t.first(.crossRegionLetter, from: opened),
                    recipients: ["户籍地 \(s.regionCode) 教育行政部门"]))
        }
        out += referrals(t, s)
        if let reason = t.reason, [.C, .D, .E].contains(reason), let verified = t.verifiedOn {
            let assessed =
                t.first(.expertAssessment, from: verified) ?? (t.endedBy == .deferred || t.endedBy == .suspended ? t.endedOn : nil)
            out.append(
                make(
                    base + "/expert_assessment", caseID: t.id, s, .expertAssessment, Self.expertPanel,
                    basis: "因病因残：教育、卫生、残联专家组筛查鉴定，提出安置意见 (002 二（三）; 000 四（三）); 原因 \(reason.rawValue); \(param(.caseActionWithin))",
                    opens: verified, due: add(.caseActionWithin, to: verified), done: assessed))
            if let assessed {
                let placed =
                    t.endedBy == .returned || t.endedBy == .closed || t.endedBy == .deferred || t.endedBy == .suspended ? t.endedOn : nil
                out.append(
                    make(
                        base + "/placement", caseID: t.id, s, .placement, Self.owner(.county, s),
                        basis: "按专家组意见安置：特殊教育学校、随班就读、送教上门或缓学休学 (000 四（三）由区教育局协调实施; 004 二（六）); \(param(.caseActionWithin))",
                        opens: assessed, due: add(.caseActionWithin, to: assessed), done: placed))
            }
        }
        out += fourSteps(t, s, asOf: asOf)
        // A case no longer active (returned, closed, dismissed, exempt) owes nothing more: keep what was done.
        if let ended = t.endedOn {
            out = out.filter { o in
                o.doneOn.map { $0 <= asOf } ?? false || (o.opensOn <= ended && o.action == .placement && o.doneOn != nil)
            }
        }
        return out
    }

    /// Home visits until the child returns: each due `home_visit_every` after the previous visit
    /// (the first after the case opened); one is outstanding at a time.
    func homeVisits(_ t: CaseTimeline, _ s: LedgerStudent, asOf: CivilDate) -> [Obligation] {
        let visits = t.actions.filter { $0.action == .homeVisit && $0.date >= t.openedOn && $0.date <= asOf }.map(\.date).sorted()
        var out: [Obligation] = []
        var anchor = t.openedOn
        var n = 1
        var i = 0
        let basis = "家访，持续家访直至劝返 (004 二（三）4; 000 三（一）逐一登门劝返); \(param(.homeVisitEvery))"
        while n <= 1000 {
            let due = add(.homeVisitEvery, to: anchor)
            while i < visits.count && (n > 1 ? visits[i] <= anchor : visits[i] < anchor) { i += 1 }
            let done = i < visits.count ? visits[i] : nil
            out.append(
                make(
                    "c\(t.id)/home_visit/\(n)", caseID: t.id, s, .homeVisit, Self.owner(.school, s),
                    basis: basis, opens: anchor, due: due, done: done))
            guard let done else { break }
            anchor = done
            n += 1
            i += 1
        }
        return out
    }

    /// Referrals by reason code and special groups, per the profile's table (联控联保).
    func referrals(_ t: CaseTimeline, _ s: LedgerStudent) -> [Obligation] {
        var out: [Obligation] = []
        let groups = s.specialGroups
        for dept in policy.departments(for: t.reason, groups: groups) where dept != .township {
            let routes = policy.referrals.filter { $0.department == dept }
            let byGroup = routes.contains { $0.groups.contains(where: groups.contains) }
            guard let opens = byGroup ? t.openedOn : t.verifiedOn else { continue }
            let r = routes.first { (t.reason.map($0.reasons.contains) ?? false) || $0.groups.contains(where: groups.contains) } ?? routes[0]
            let why =
                (t.reason.map { r.reasons.contains($0) ? "原因 \($0.rawValue)" : "" } ?? "")
                + (r.groups.contains(where: groups.contains)
                    ? " 群体 \(r.groups.filter(groups.contains).map(\.chinese).joined(separator: "、"))" : "")
            out.append(
                make(
                    "c\(t.id)/referral/\(dept.rawValue)", caseID: t.id, s, .referral, Self.owner(.township, s),
                    basis:
                        "联控联保转介 \(dept.chinese)：\(r.duty) (\(r.provenance.kind): \(r.provenance.citation)); \(why.trimmedSpaces); \(param(.caseActionWithin))",
                    opens: opens, due: add(.caseActionWithin, to: opens), done: t.first(.referral, from: t.openedOn, department: dept),
                    recipients: [dept.chinese], department: dept))
        }
        return out
    }

    /// The four steps (四步法, 004 二（七）4), started by a recorded guardian refusal. Each step opens
    /// only the day after the previous step's deadline passed without the child's return (and the
    /// previous step was taken): 1 education by refusal + education_step_deadline; 2 the notice,
    /// issued within notice_issue_within, giving the guardian return_notice_deadline; 3 the penalty
    /// by the notice's deadline + penalty_step_deadline; 4 court by then + court_step_deadline.
    func fourSteps(_ t: CaseTimeline, _ s: LedgerStudent, asOf: CivilDate) -> [Obligation] {
        guard let refusal = t.first(.guardianRefusal, from: t.openedOn) else { return [] }
        let township = Self.owner(.township, s)
        let ladder = "四步法：宣传教育、责令改正、行政处罚、申请强制执行或提起诉讼 (004 二（七）4); 批评教育，责令限期改正 (000 一（二）, 001 二（四）, 002 三（二）)"
        var out: [Obligation] = []
        // Step 1
        let due1 = add(.educationStepDeadline, to: refusal)
        let done1 = t.first(.education, from: refusal)
        out.append(
            make(
                "c\(t.id)/step/1", caseID: t.id, s, .education, township,
                basis: "\(ladder); 第一步 批评教育; \(param(.educationStepDeadline))",
                opens: refusal, due: due1, done: done1, guardianDeadline: due1))
        guard let done1, done1 <= asOf else { return out }
        // Step 2: opens after step 1's deadline passed
        let open2 = max(due1, done1).adding(days: 1)
        guard open2 <= asOf else { return out }
        let done2 = t.first(.returnNotice, from: open2)
        let deadline2 = done2.map { add(.returnNoticeDeadline, to: $0) }
        out.append(
            make(
                "c\(t.id)/step/2", caseID: t.id, s, .returnNotice, township,
                basis: "\(ladder); 第二步 送达《限期复学通知书》(003 二（一）); \(param(.noticeIssueWithin)); \(param(.returnNoticeDeadline))",
                opens: open2, due: add(.noticeIssueWithin, to: open2), done: done2, guardianDeadline: deadline2))
        guard let done2, done2 <= asOf, let deadline2 else { return out }
        // Step 3: opens after the notice's deadline passed without the return
        let open3 = deadline2.adding(days: 1)
        guard open3 <= asOf else { return out }
        let due3 = add(.penaltyStepDeadline, to: deadline2)
        let done3 = t.first(.administrativePenalty, from: open3)
        out.append(
            make(
                "c\(t.id)/step/3", caseID: t.id, s, .administrativePenalty, township,
                basis: "\(ladder); 第三步 行政处罚; \(param(.penaltyStepDeadline))",
                opens: open3, due: due3, done: done3, guardianDeadline: due3))
        guard let done3, done3 <= asOf else { return out }
        // Step 4
        let open4 = max(due3, done3).adding(days: 1)
        guard open4 <= asOf else { return out }
        out.append(
            make(
                "c\(t.id)/step/4", caseID: t.id, s, .courtApplication, township,
                basis: "\(ladder); 第四步 申请强制执行或提起诉讼 (000 一（二）逾期不改的由司法部门依法发放相关司法文书); \(param(.courtStepDeadline))",
                opens: open4, due: add(.courtStepDeadline, to: max(due3, done3)), done: t.first(.courtApplication, from: open4)))
        return out
    }
}

extension String {
    var trimmedSpaces: String { ledgerTrimmed }
}
