/// Special groups (特殊群体, DOMAIN.md §1; seeds 000, 002, 004). A child may carry several.
public enum SpecialGroup: String, Sendable, CaseIterable, Codable {
    case registeredPoor = "registered_poor"  // 建档立卡 / 脱贫户
    case unstableOutOfPoverty = "unstable_out_of_poverty"  // 脱贫不稳定户 (三类)
    case marginalRisk = "marginal_risk"  // 边缘易致贫户 (三类)
    case suddenHardship = "sudden_hardship"  // 突发严重困难户 (三类)
    case disabled  // 残疾
    case leftBehind = "left_behind"  // 留守
    case migrant  // 随迁 / 流动
    case minority  // 少数民族
    case subsistenceAllowance = "subsistence_allowance"  // 低保
    case extremeHardship = "extreme_hardship"  // 农村特困救助供养
    case prisonerChild = "prisoner_child"  // 服刑人员子女
    case unsupported  // 事实无人抚养
    case relocated  // 易地扶贫搬迁
    case familyCrisis = "family_crisis"  // 家庭变故

    public var chinese: String {
        switch self {
        case .registeredPoor: return "建档立卡/脱贫户"
        case .unstableOutOfPoverty: return "脱贫不稳定户"
        case .marginalRisk: return "边缘易致贫户"
        case .suddenHardship: return "突发严重困难户"
        case .disabled: return "残疾"
        case .leftBehind: return "留守"
        case .migrant: return "随迁/流动"
        case .minority: return "少数民族"
        case .subsistenceAllowance: return "低保"
        case .extremeHardship: return "农村特困救助供养"
        case .prisonerChild: return "服刑人员子女"
        case .unsupported: return "事实无人抚养"
        case .relocated: return "易地扶贫搬迁"
        case .familyCrisis: return "家庭变故"
        }
    }

    /// The three monitored kinds (“三类”).
    public var isThreeKinds: Bool { [.unstableOutOfPoverty, .marginalRisk, .suddenHardship].contains(self) }

    public init(code: String, field: String = "special_group") throws {
        guard let g = SpecialGroup(rawValue: code) else {
            throw KCBXError.invalidInput(
                field: field,
                rule:
                    "\(KCBXError.quote(code)) is not a special group (DOMAIN.md §1: \(SpecialGroup.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        self = g
    }
}
