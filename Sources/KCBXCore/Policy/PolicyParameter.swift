/// Units a policy duration is counted in.
public enum DurationUnit: String, Sendable, CaseIterable, Codable {
    case calendarDays = "calendar_days"
    case schoolDays = "school_days"
    case calendarMonths = "calendar_months"
}

/// A length of time in a stated unit (e.g. 7 calendar days, 3 school days, 1 calendar month).
public struct PolicyDuration: Equatable, Sendable, CustomStringConvertible {
    public var amount: Int
    public var unit: DurationUnit
    public init(_ amount: Int, _ unit: DurationUnit) {
        self.amount = amount
        self.unit = unit
    }
    public var description: String { "\(amount) \(unit.rawValue)" }
}

/// A scalar policy value.
public enum ParameterValue: Equatable, Sendable {
    case duration(PolicyDuration)
    case number(Double)
    case flag(Bool)
    case text(String)
    /// The rule is not in force under this profile (e.g. no three-line alert outside Dongchuan).
    case off
}

/// The scalar parameters a profile sets. Each key has one kind and one DOMAIN.md default;
/// profiles override with their document's value and citation.
public enum ParameterKey: String, Sendable, CaseIterable {
    /// Unexcused absence longer than this makes a child a suspected dropout.
    case suspectedAfter = "suspected_after"
    /// Still absent this long after becoming suspected makes a dropout.
    case dropoutAfterSuspected = "dropout_after_suspected"
    /// Unexcused absence this long triggers the three-line report (三线报告); `off` where the profile has none.
    case threeLineAlertAfter = "three_line_alert_after"
    /// Share of a term's school days missed without leave that flags chronic absence (0–1).
    case chronicAbsenceShare = "chronic_absence_share"
    /// A returned child must attend on at least this many school days …
    case closureAttendedDays = "closure_attended_days"
    /// … of this many school days following the return before the case may close (稳得住).
    case closureWindowDays = "closure_window_days"
    /// The class teacher contacts the guardian of an absent child within this time.
    case guardianContactWithin = "guardian_contact_within"
    /// Four steps, step 1: education and criticism (批评教育) must be done within this time of refusal.
    case educationStepDeadline = "education_step_deadline"
    /// Four steps, step 2: the deadline set in the order / notice to return to school (限期复学).
    case returnNoticeDeadline = "return_notice_deadline"
    /// Four steps, step 3: time after the return deadline lapses for an administrative penalty.
    case penaltyStepDeadline = "penalty_step_deadline"
    /// Time of day (HH:MM) by which daily attendance must be recorded; `off` where not set.
    case attendanceRecordBy = "attendance_record_by"
    /// Both lines (government and education) are notified on escalation (双线).
    case dualLine = "dual_line"
    /// Children registered elsewhere: the county bureau writes to the registration place's bureau.
    case crossRegionLetter = "cross_region_letter"
    /// Each case needs its own persuasion plan (一人一案 / 一生一策).
    case perChildPlan = "per_child_plan"
    /// Each suspected dropout gets a named one-to-one person (人盯人挂钩).
    case oneToOneAssignment = "one_to_one_assignment"
    /// Nine-year consolidation rate target (巩固率, 0–1); `off` where the document sets none.
    case consolidationTarget = "consolidation_target"
    /// Four steps, step 2: the notice to return must be issued within this time after step 1's deadline lapsed.
    case noticeIssueWithin = "notice_issue_within"
    /// Four steps, step 4: time after the penalty step's deadline lapses to apply to court or sue.
    case courtStepDeadline = "court_step_deadline"
    /// Time a case's one-off actions (plan, one-to-one person, persuasion visit, referrals, letter, assessment, placement) are due in.
    case caseActionWithin = "case_action_within"
    /// Home visits repeat at this interval until the child returns (持续家访，直至劝返, 004).
    case homeVisitEvery = "home_visit_every"
    /// An escalated obligation is due at the next level within this time of the escalation.
    case escalationResponse = "escalation_response"
    /// The bulletin (通报) rates the units below the actor and names praise and criticism (004 三（四）).
    case bulletinRanking = "bulletin_ranking"

    public enum Kind: String, Sendable { case duration, number, flag, text }

    public var kind: Kind {
        switch self {
        case .suspectedAfter, .dropoutAfterSuspected, .threeLineAlertAfter, .guardianContactWithin,
            .educationStepDeadline, .returnNoticeDeadline, .penaltyStepDeadline,
            .noticeIssueWithin, .courtStepDeadline, .caseActionWithin, .homeVisitEvery, .escalationResponse:
            return .duration
        case .chronicAbsenceShare, .closureAttendedDays, .closureWindowDays, .consolidationTarget: return .number
        case .dualLine, .crossRegionLetter, .perChildPlan, .oneToOneAssignment, .bulletinRanking: return .flag
        case .attendanceRecordBy: return .text
        }
    }

    /// Whether `off` is an allowed value.
    public var canBeOff: Bool { [.threeLineAlertAfter, .attendanceRecordBy, .consolidationTarget].contains(self) }

    /// DOMAIN.md's default, used where a document is silent.
    public var defaultValue: Sourced<ParameterValue> {
        func d(_ v: ParameterValue, _ why: String) -> Sourced<ParameterValue> { Sourced(v, .defaulted(why)) }
        switch self {
        case .suspectedAfter: return d(.duration(.init(7, .calendarDays)), "DOMAIN.md §2 interpretation of 001 note 1 (超过一星期)")
        case .dropoutAfterSuspected: return d(.duration(.init(1, .calendarMonths)), "DOMAIN.md §2 interpretation of 001 note 2 (超过一个月)")
        case .threeLineAlertAfter: return d(.off, "DOMAIN.md §2: only Dongchuan (004) has the three-line report")
        case .chronicAbsenceShare: return d(.number(0.10), "issue 3 default: 10% of a term's school days")
        case .closureAttendedDays: return d(.number(20), "DOMAIN.md §4 interpretation of 000 稳得住: 20 of the next 30 school days")
        case .closureWindowDays: return d(.number(30), "DOMAIN.md §4 interpretation of 000 稳得住: 20 of the next 30 school days")
        case .guardianContactWithin: return d(.duration(.init(1, .schoolDays)), "DOMAIN.md §3 default: by the next school day")
        case .educationStepDeadline:
            return d(.duration(.init(7, .calendarDays)), "DOMAIN.md §3 interpretation: four-step deadlines are profile parameters")
        case .returnNoticeDeadline:
            return d(.duration(.init(15, .calendarDays)), "DOMAIN.md §3 interpretation: four-step deadlines are profile parameters")
        case .penaltyStepDeadline:
            return d(.duration(.init(30, .calendarDays)), "DOMAIN.md §3 interpretation: four-step deadlines are profile parameters")
        case .attendanceRecordBy: return d(.off, "DOMAIN.md §2: only Dongchuan (004) sets a recording time")
        case .dualLine: return d(.flag(true), "DOMAIN.md §3: two lines of responsibility (双线)")
        case .crossRegionLetter: return d(.flag(false), "DOMAIN.md §3: only Dongchuan (004) requires the letter")
        case .perChildPlan: return d(.flag(true), "DOMAIN.md §3: per-child plan (001, 003, 004)")
        case .oneToOneAssignment: return d(.flag(false), "DOMAIN.md §3: only Huarong (003) names 人盯人挂钩")
        case .consolidationTarget: return d(.off, "DOMAIN.md §6: only Huarong (003) sets a target")
        case .noticeIssueWithin:
            return d(.duration(.init(3, .calendarDays)), "DOMAIN.md §3 interpretation: 及时送达《限期复学通知书》 (003 二（一）), 3 days")
        case .courtStepDeadline:
            return d(.duration(.init(30, .calendarDays)), "DOMAIN.md §3 interpretation: four-step deadlines are profile parameters")
        case .caseActionWithin:
            return d(.duration(.init(7, .calendarDays)), "DOMAIN.md §3 interpretation: a case's first actions within a week")
        case .homeVisitEvery: return d(.duration(.init(7, .calendarDays)), "DOMAIN.md §3 interpretation of 持续家访，直至劝返 (004 二（三）4): weekly")
        case .escalationResponse:
            return d(.duration(.init(5, .calendarDays)), "DOMAIN.md §3 interpretation: the next level acts within 5 days")
        case .bulletinRanking: return d(.flag(false), "DOMAIN.md §8: only Dongchuan (004 三（四）) rates schools in its bulletin")
        }
    }

    /// Checks `value` fits this key; the error names the key and the rule.
    public func validate(_ value: ParameterValue) throws {
        let field = "parameters.\(rawValue)"
        switch (kind, value) {
        case (_, .off):
            if !canBeOff { throw KCBXError.invalidInput(field: field, rule: "cannot be off") }
        case (.duration, .duration(let d)):
            if d.amount < 0 { throw KCBXError.invalidInput(field: field, rule: "duration must not be negative, got \(d.amount)") }
            if d.amount > 3660 {
                throw KCBXError.invalidInput(field: field, rule: "duration \(d.amount) is implausibly long (at most 3660)")
            }
        case (.number, .number(let n)):
            switch self {
            case .chronicAbsenceShare, .consolidationTarget:
                if !(n > 0 && n <= 1) { throw KCBXError.invalidInput(field: field, rule: "must be a share in (0, 1], got \(n)") }
            default:
                if !(n >= 1 && n <= 365 && n == n.rounded()) {
                    throw KCBXError.invalidInput(field: field, rule: "must be a whole number of school days 1-365, got \(n)")
                }
            }
        case (.flag, .flag): break
        case (.text, .text(let t)):
            if self == .attendanceRecordBy {
                let p = t.split(separator: ":")
                guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0..<24).contains(h), (0..<60).contains(m), p[1].count == 2 else {
                    throw KCBXError.invalidInput(field: field, rule: "must be a time HH:MM, got \(KCBXError.quote(t))")
                }
            }
        default:
            throw KCBXError.invalidInput(field: field, rule: "must be a \(kind.rawValue)")
        }
    }
}
