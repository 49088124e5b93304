/// Kinds of reconciliation finding, each with the reason it is produced.
public enum FindingKind: String, Sendable, CaseIterable {
    /// Compulsory-age child in the household registry with no student registration (失学; A/B).
    case outOfSchool = "out_of_school"
    /// Registered as a student, enrolled, but not seen attending (人籍不一致 → suspected dropout).
    case registeredNotAttending = "registered_not_attending"
    /// Household here, registered at a school outside the unit (区外就读).
    case studyingElsewhere = "studying_elsewhere"
    /// Registered at a school here with no household registration here (随迁).
    case migrant
    /// Same ID, different name or birth date between the registries.
    case identityConflict = "identity_conflict"
    /// An ID that fails GB 11643-1999 (length, date, checksum).
    case invalidID = "invalid_id"
    /// Registered birth date differs from the ID's: reason J (户口登记原因).
    case ageMismatch = "age_mismatch"
    /// The same ID twice in one registry.
    case duplicate
    /// A dropout from a poverty or “三类” household (comparison 3, seed 004 二（二）3).
    case povertyDropout = "poverty_dropout"
    /// A probable match across registries despite a wrong ID digit: for a person to confirm.
    case nearMatch = "near_match"

    /// Why this kind is reported, citing the seed.
    public var why: String {
        switch self {
        case .outOfSchool: return "户籍有、学籍无、未缓学、非区外就读：失学（000 二（二），004 二（二）1）"
        case .registeredNotAttending: return "学籍在读但未实际到校：人籍不一致，疑似辍学（000 二（二），004 二（二）2）"
        case .studyingElsewhere: return "本地户籍在区外学校就读（004 二（二））"
        case .migrant: return "本地就读无本地户籍：外来随迁（004 二（二））"
        case .identityConflict: return "同一身份证号姓名或出生日期不一致：信息不匹配（000 三（一））"
        case .invalidID: return "身份证号不符合 GB 11643-1999（000 一（二）身份信息有误）"
        case .ageMismatch: return "实际年龄与户口登记不符：辍学分类 J（001 附件1）"
        case .duplicate: return "同一登记中身份证号重复"
        case .povertyDropout: return "辍失学学生属脱贫户或“三类”人员（004 二（二）3）"
        case .nearMatch: return "姓名、出生日期、地区相同而身份证号有一位不同：需人工核实，不自动合并（000 三（一））"
        }
    }
}

/// One reconciliation finding: who, what, why, and a proposed reason code where one applies.
public struct Finding: Sendable, Equatable {
    public var kind: FindingKind
    public var residentID: String
    public var name: String
    public var detail: String
    public var proposedReason: ReasonCode?
    /// The other record's ID for conflicts and near matches.
    public var relatedID: String?
    /// Match score 0–1 for near matches.
    public var score: Double?
}

/// The four counts of 四查 and the findings of the three comparisons (三比对).
public struct ReconciliationReport: Sendable {
    /// Compulsory-age children registered in the household registry (户籍适龄儿童).
    public var householdSchoolAge: Int
    /// Migrant school-age children studying here (外来随迁).
    public var migrants: Int
    /// Enrolled students in the registry extract (国网学籍数).
    public var registered: Int
    /// Registered students seen attending (在校生数); nil when attendance was not compared.
    public var attending: Int?
    /// School-age children of poverty households (脱贫户适龄儿童).
    public var povertySchoolAge: Int
    public var findings: [Finding]
    /// School-age children found only by the township census (乡镇排摸, no household record here).
    public var censusOnlySchoolAge = 0
    /// School-age children on the disabled list (残疾) and the left-behind roster (留守).
    public var disabledSchoolAge = 0
    public var leftBehindSchoolAge = 0
    /// School-age household children whose registration is deferred or suspended (缓学/休学, comparison 1).
    public var deferredOrSuspended = 0

    public func findings(_ kind: FindingKind) -> [Finding] { findings.filter { $0.kind == kind } }
}
