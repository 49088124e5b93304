/// The rule that decided a child's status. Raw values are the codes used across the C ABI and in
/// the bulk table. Threshold rules name their `ParameterKey`; their value and citation come from
/// the profile (`describe(in:)`), the others cite DOMAIN.md and the seeds.
public enum ClassificationRule: UInt8, Sendable, CaseIterable {
    /// Last mark present (or late / left early) and no open streak.
    case attending = 0
    /// Approved leave in force on the date.
    case approvedLeave = 1
    /// `three_line_alert_after` reached.
    case threeLineAlertAfter = 2
    /// `suspected_after` exceeded.
    case suspectedAfter = 3
    /// `dropout_after_suspected` exceeded.
    case dropoutAfterSuspected = 4
    /// No registration, compulsory age, resident, no deferral, not studying elsewhere.
    case outOfSchool = 5
    /// Deferral with an expert panel's opinion.
    case deferral = 6
    /// Suspension with an expert panel's opinion.
    case suspension = 7
    /// Taught at home (送教上门).
    case homeDelivery = 8
    /// Transferred out on or before the date.
    case transfer = 9
    /// Graduated on or before the date.
    case graduation = 10
    /// Past compulsory age with no registration.
    case overAge = 11
    /// Not yet due to enter school.
    case belowSchoolAge = 12
    /// Studies elsewhere without a registration here.
    case studyingElsewhere = 13
    /// No attendance mark at all on or before the date.
    case noAttendance = 14
    /// An unexcused streak is open but under every threshold: still in school.
    case absentBelowThreshold = 15

    /// The policy parameter the rule applies, if it is a threshold rule.
    public var parameterKey: ParameterKey? {
        switch self {
        case .threeLineAlertAfter: return .threeLineAlertAfter
        case .suspectedAfter: return .suspectedAfter
        case .dropoutAfterSuspected: return .dropoutAfterSuspected
        default: return nil
        }
    }

    public var label: String {
        switch self {
        case .attending: return "attending"
        case .approvedLeave: return "approved_leave"
        case .threeLineAlertAfter: return "three_line_alert_after"
        case .suspectedAfter: return "suspected_after"
        case .dropoutAfterSuspected: return "dropout_after_suspected"
        case .outOfSchool: return "out_of_school"
        case .deferral: return "deferral"
        case .suspension: return "suspension"
        case .homeDelivery: return "home_delivery"
        case .transfer: return "transfer"
        case .graduation: return "graduation"
        case .overAge: return "over_age"
        case .belowSchoolAge: return "below_school_age"
        case .studyingElsewhere: return "studying_elsewhere"
        case .noAttendance: return "no_attendance"
        case .absentBelowThreshold: return "absent_below_threshold"
        }
    }

    /// Citation of the rules that are not profile parameters.
    var fixedCitation: String {
        switch self {
        case .attending: return "DOMAIN.md §2 在校: attending; a present day ends a streak"
        case .approvedLeave: return "001 附件1 请假未到校人数; DOMAIN.md §2 请假: approved leave pauses a streak's clock"
        case .outOfSchool: return "000 6-15周岁户籍人口比对; 001 附件1 填表说明3 A/B; 004 二（二）1; DOMAIN.md §2 失学"
        case .deferral, .suspension: return "000, 002: 缓学/休学 only with the expert panel's written opinion; DOMAIN.md §2"
        case .homeDelivery: return "000, 002, 004 二（六）送教上门: counts as enrolled"
        case .transfer: return "DOMAIN.md §7: a transfer keeps the child's history; the receiving unit takes over"
        case .graduation: return "001 二（二）, 004 二（四）: graduates leave compulsory education"
        case .overAge: return "000 6-15周岁: compulsory education age is 6-15; DOMAIN.md §1"
        case .belowSchoolAge: return "000 截止当年8月31日年满六周岁: entry in the autumn of the year the child is 6 by 31 August"
        case .studyingElsewhere: return "004 二（二） 区内和区外就读情况; DOMAIN.md §5 studying elsewhere"
        case .noAttendance: return "DOMAIN.md §7: a school day with no mark is unknown, not absent"
        case .absentBelowThreshold: return "DOMAIN.md §2 [interpretation]: an open streak under every threshold leaves the child in school"
        case .threeLineAlertAfter, .suspectedAfter, .dropoutAfterSuspected: return ""
        }
    }

    /// The rule in words with its value and citation under `profile`, e.g.
    /// "suspected_after = 7 calendar_days (document 001 附件1 填表说明1：…)".
    public func describe(in profile: PolicyProfile) -> String {
        guard let key = parameterKey else { return "\(label) (\(fixedCitation))" }
        let p = profile[key]
        let value: String
        switch p.value {
        case .duration(let d): value = d.description
        case .off: value = "off"
        case .number(let n): value = "\(n)"
        case .flag(let f): value = "\(f)"
        case .text(let t): value = t
        }
        return "\(key.rawValue) = \(value) (\(p.provenance.kind) \(p.provenance.citation))"
    }

    /// The citation under `profile`: the parameter's provenance or the fixed citation.
    public func citation(in profile: PolicyProfile) -> String {
        guard let key = parameterKey else { return fixedCitation }
        return profile[key].provenance.citation
    }
}
