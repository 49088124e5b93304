/// A child's status as of a date (DOMAIN.md §2). Raw values are the codes used across the C ABI
/// and in the bulk table; 0-4 are the attendance statuses.
public enum ChildStatus: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// 在校: attending (possibly with a short absence under every threshold).
    case inSchool = 0
    /// 请假: absent with approved leave in force (001).
    case onLeave = 1
    /// 三线报告: an unexcused streak reached `three_line_alert_after` (004 二（三）2).
    case threeLineAlert = 2
    /// 疑似辍学: an unexcused streak longer than `suspected_after` (001 附件1 填表说明1).
    case suspectedDropout = 3
    /// 辍学: still in the streak `dropout_after_suspected` after becoming suspected (001 附件1 填表说明2).
    case dropout = 4
    /// 失学: compulsory-age resident with no student registration, no deferral, not studying elsewhere (000, 001 A/B, 004).
    case outOfSchool = 5
    /// 缓学: deferred enrollment on an expert panel's written opinion (000, 002).
    case deferred = 6
    /// 休学: suspended schooling on an expert panel's written opinion (000, 002).
    case suspended = 7
    /// 送教上门: taught at home; counts as enrolled (000, 002, 004).
    case homeDelivered = 8
    /// 转出: transferred to another school.
    case transferredOut = 9
    /// 毕业: completed compulsory education.
    case graduated = 10
    /// 超龄: past compulsory age (15) with no registration here.
    case overAge = 11
    /// 未到入学年龄: not yet due to enter grade 1 (6 by 31 August, seed 000).
    case belowSchoolAge = 12
    /// 区外就读: studies elsewhere without a registration here.
    case studyingElsewhere = 13
    /// 考勤缺失: enrolled, but no attendance mark at all on or before the date (DOMAIN.md §7).
    case attendanceUnknown = 14

    public var label: String {
        switch self {
        case .inSchool: return "in_school"
        case .onLeave: return "on_leave"
        case .threeLineAlert: return "three_line_alert"
        case .suspectedDropout: return "suspected_dropout"
        case .dropout: return "dropout"
        case .outOfSchool: return "out_of_school"
        case .deferred: return "deferred"
        case .suspended: return "suspended"
        case .homeDelivered: return "home_delivered"
        case .transferredOut: return "transferred_out"
        case .graduated: return "graduated"
        case .overAge: return "over_age"
        case .belowSchoolAge: return "below_school_age"
        case .studyingElsewhere: return "studying_elsewhere"
        case .attendanceUnknown: return "attendance_unknown"
        }
    }

    public var chinese: String {
        switch self {
        case .inSchool: return "在校"
        case .onLeave: return "请假"
        case .threeLineAlert: return "三线报告"
        case .suspectedDropout: return "疑似辍学"
        case .dropout: return "辍学"
        case .outOfSchool: return "失学"
        case .deferred: return "缓学"
        case .suspended: return "休学"
        case .homeDelivered: return "送教上门"
        case .transferredOut: return "转出"
        case .graduated: return "毕业"
        case .overAge: return "超龄"
        case .belowSchoolAge: return "未到入学年龄"
        case .studyingElsewhere: return "区外就读"
        case .attendanceUnknown: return "考勤缺失"
        }
    }

    /// Severity of the attendance statuses: 0 attending / on leave / unknown, 1 three-line alert,
    /// 2 suspected, 3 dropout; nil for the registry statuses.
    public var attendanceSeverity: Int? {
        switch self {
        case .inSchool, .onLeave, .attendanceUnknown: return 0
        case .threeLineAlert: return 1
        case .suspectedDropout: return 2
        case .dropout: return 3
        default: return nil
        }
    }

    public var description: String { label }
}

/// Things needing attention now (bit set; raw values are the C ABI's bits).
public struct AlertSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The open streak reached `three_line_alert_after`: the school owes the three-line report
    /// (platform, township, county bureau; 004 二（三）2).
    public static let threeLineReport = AlertSet(rawValue: 1)
    /// School days this term with no mark: unknown, a data-quality finding (DOMAIN.md §7; under
    /// Dongchuan an overdue duty of the class teacher, 004 二（三）3).
    public static let missingAttendance = AlertSet(rawValue: 2)
    /// Two marks for one day; the later was kept (`MarkConflict`).
    public static let conflictingMarks = AlertSet(rawValue: 4)
    /// Absent without leave on the as-of date: the class teacher contacts the guardian
    /// (`guardian_contact_within`; 004 二（三）3).
    public static let guardianContact = AlertSet(rawValue: 8)

    public static let all: [(AlertSet, String)] = [
        (.threeLineReport, "three_line_report"), (.missingAttendance, "missing_attendance"),
        (.conflictingMarks, "conflicting_marks"), (.guardianContact, "guardian_contact"),
    ]
    public var labels: [String] { AlertSet.all.filter { contains($0.0) }.map(\.1) }
}

/// Early-warning risk flags (bit set; raw values are the C ABI's bits).
public struct RiskFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Unexcused share of the term's school days so far ≥ `chronic_absence_share` (leave is never counted).
    public static let chronicAbsence = RiskFlags(rawValue: 1)
    /// Member of a group the profile monitors first (重点监测).
    public static let specialGroup = RiskFlags(rawValue: 2)
    /// Had a dropout case before: relapse risk (反弹, 001, 002).
    public static let pastDropout = RiskFlags(rawValue: 4)
    /// 小升初: grade 6 near or after graduation, or the first weeks of grade 7 (001 二（二）, 004 二（四）).
    public static let primaryToJunior = RiskFlags(rawValue: 8)
    /// 初二: grade 8 (001 二（二） 初二学期).
    public static let gradeEight = RiskFlags(rawValue: 16)
    /// 初三毕业季: grade 9 near or after graduation (001 二（二）).
    public static let graduationSeason = RiskFlags(rawValue: 32)

    public static let all: [(RiskFlags, String)] = [
        (.chronicAbsence, "chronic_absence"), (.specialGroup, "special_group"), (.pastDropout, "past_dropout"),
        (.primaryToJunior, "primary_to_junior"), (.gradeEight, "grade_eight"), (.graduationSeason, "graduation_season"),
    ]
    public var labels: [String] { RiskFlags.all.filter { contains($0.0) }.map(\.1) }
}

/// One raised risk flag and why it was raised.
public struct RiskFinding: Sendable, Hashable {
    public var flag: RiskFlags
    public var why: String
}

/// Windows of the key transition points (关键学段、关键时间节点, seed 001 二（二）). The seed names
/// the points but not their length: these defaults are an interpretation.
public struct TransitionWindows: Sendable, Equatable {
    /// Grade 6: flagged from this many days before the school year's last term ends until the
    /// next school year starts (小升初).
    public var primaryGraduationLeadDays = 60
    /// Grade 7: flagged for this many days from the start of the school year's first term.
    public var juniorFirstDays = 28
    /// Grade 9: flagged from this many days before the school year's last term ends (初三毕业季).
    public var graduationLeadDays = 60
    public init() {}
    public static let standard = TransitionWindows()
}
