/// What a case is about (DOMAIN.md §2, §4). Raw values are shared with the C ABI as text.
public enum LedgerCaseKind: String, Sendable, CaseIterable, Codable {
    /// 失学: school-age, no student registration (000, 001 A/B, 004) — the 失学 flow (000 附件5).
    case outOfSchool = "out_of_school"
    /// 疑似辍学: absent without leave more than a week (001 note 1).
    case suspectedDropout = "suspected_dropout"
    /// 辍学: suspected more than a month and still absent (001 note 2) — the 辍学 flow (000 附件6).
    case dropout

    public var chinese: String {
        switch self {
        case .outOfSchool: return "失学"
        case .suspectedDropout: return "疑似辍学"
        case .dropout: return "辍学"
        }
    }
}

/// Where a case stands. Lifecycle: suspected → verified | dismissed; verified → persuading;
/// persuading → returned; returned → closed (销号); deferred/suspended are exempt states.
public enum LedgerCaseStatus: String, Sendable, CaseIterable, Codable {
    case suspected, verified, dismissed, persuading, returned, closed, deferred, suspended

    public var chinese: String {
        switch self {
        case .suspected: return "待核查"
        case .verified: return "已核实"
        case .dismissed: return "核查排除"
        case .persuading: return "劝返中"
        case .returned: return "已复学"
        case .closed: return "已销号"
        case .deferred: return "缓学"
        case .suspended: return "休学"
        }
    }

    /// Dismissed and closed cases take no further action.
    public var isTerminal: Bool { self == .dismissed || self == .closed }
}

/// Why a suspected case was dismissed on verification.
public enum LedgerDismissal: String, Sendable, CaseIterable, Codable {
    /// Transferred to another school with registration (转学).
    case transferred
    /// Studying elsewhere, verified (异地就读).
    case studyingElsewhere = "studying_elsewhere"
    /// The suspicion came from wrong data (数据错误).
    case dataError = "data_error"

    public var chinese: String {
        switch self {
        case .transferred: return "已转学"
        case .studyingElsewhere: return "异地就读"
        case .dataError: return "数据错误"
        }
    }
}

/// Placement after return (安置, seed 000 二（四）, 三（二）, 四（三）; seed 002 二（四）).
public enum ReturnPlacement: String, Sendable, CaseIterable, Codable {
    /// Back at the original school (dropouts, in principle: 原则上安置到原就读学校, 000).
    case originalSchool = "original_school"
    case otherSchool = "other_school"
    /// Special-education school (特殊教育学校).
    case specialSchool = "special_school"
    /// Regular class for a disabled child (随班就读).
    case regularClass = "regular_class"
    /// Taught at home (送教上门).
    case homeDelivered = "home_delivered"
    /// A separate catch-up class before joining a regular one (单独编班, 000 三（二）).
    case separateClass = "separate_class"

    public var chinese: String {
        switch self {
        case .originalSchool: return "原校就读"
        case .otherSchool: return "转入他校"
        case .specialSchool: return "特殊教育学校"
        case .regularClass: return "随班就读"
        case .homeDelivered: return "送教上门"
        case .separateClass: return "单独编班"
        }
    }

    /// Placements meant for disabled or ill children (000 四（三）, 002 二（四）).
    var needsDisabilityOrIllness: Bool { [.specialSchool, .regularClass, .homeDelivered].contains(self) }
}

/// Exempt states that need the expert panel's written opinion (seed 002 二（三）（四）; 000 四（三）).
public enum LedgerExemption: String, Sendable, CaseIterable, Codable {
    /// 缓学 / 延缓入学.
    case deferred
    /// 休学.
    case suspended

    var status: LedgerCaseStatus { self == .deferred ? .deferred : .suspended }
}

/// Actions taken on a case that do not change its status (DOMAIN.md §3, §4: actions taken, who took them).
public enum LedgerAction: String, Sendable, CaseIterable, Codable {
    /// 家访 (004).
    case homeVisit = "home_visit"
    /// Guardian contacted by the class teacher (004).
    case guardianContact = "guardian_contact"
    /// Four steps, 1: 宣传教育 / 批评教育.
    case education
    /// Four steps, 2: 限期复学通知书 / 责令限期改正 (000, 001, 002, 003).
    case returnNotice = "return_notice"
    /// Four steps, 3: 行政处罚.
    case administrativePenalty = "administrative_penalty"
    /// Four steps, 4: 申请强制执行或提起诉讼.
    case courtApplication = "court_application"
    /// Referred to a joint-control department (联控联保).
    case referral
    /// Three-line report filed (三线报告, 004).
    case threeLineReport = "three_line_report"
    /// The guardian refuses without valid reason: starts the four steps (四步法, 004 二（七）4).
    case guardianRefusal = "guardian_refusal"
    /// Persuasion visit by the township (劝返, 000 二（四）, 004 二（三）2).
    case persuasionVisit = "persuasion_visit"
    /// Letter to the education bureau of the child's registration place (004 二（三）3).
    case crossRegionLetter = "cross_region_letter"
    /// Expert panel assessment of an ill or disabled child (000 四（三）, 002 二（三）).
    case expertAssessment = "expert_assessment"
    case note

    public var chinese: String {
        switch self {
        case .homeVisit: return "家访"
        case .guardianContact: return "联系监护人"
        case .education: return "批评教育"
        case .returnNotice: return "限期复学通知"
        case .administrativePenalty: return "行政处罚"
        case .courtApplication: return "申请强制执行/起诉"
        case .referral: return "部门转介"
        case .threeLineReport: return "三线报告"
        case .guardianRefusal: return "监护人拒不送学"
        case .persuasionVisit: return "入户劝返"
        case .crossRegionLetter: return "向户籍地教育部门发函"
        case .expertAssessment: return "专家组评估"
        case .note: return "备注"
        }
    }
}

/// Parses a raw value with an error naming `field` and the allowed values.
func ledgerParseCode<T: RawRepresentable & CaseIterable>(_ text: String, _ field: String) throws -> T where T.RawValue == String {
    guard let v = T(rawValue: text) else {
        throw KCBXError.invalidInput(field: field, rule: "'\(text)' must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return v
}
