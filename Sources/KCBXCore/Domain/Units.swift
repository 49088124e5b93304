/// Levels of the two lines of responsibility (双线, DOMAIN.md §3), lowest first.
public enum UnitLevel: String, Sendable, CaseIterable, Codable, Comparable {
    case classTeacher = "class_teacher"  // 班主任
    case school  // 学校
    case village  // 村/社区
    case township  // 乡镇/街道
    case county  // 县区 / 教育局
    case city  // 市
    case province  // 省
    case department  // a joint-control department (联控联保)

    public var chinese: String {
        switch self {
        case .classTeacher: return "班主任"
        case .school: return "学校"
        case .village: return "村（社区）"
        case .township: return "乡镇（街道）"
        case .county: return "县（区）"
        case .city: return "市"
        case .province: return "省"
        case .department: return "职能部门"
        }
    }

    public static func < (a: UnitLevel, b: UnitLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Joint-control departments (联控联保, DOMAIN.md §3; seeds 000, 003).
public enum Department: String, Sendable, CaseIterable, Codable {
    case education, police
    case humanResources = "human_resources"
    case marketRegulation = "market_regulation"
    case civilAffairs = "civil_affairs"
    case disabilityFederation = "disability_federation"
    case health
    case justice
    case religiousAffairs = "religious_affairs"
    case ruralRevitalisation = "rural_revitalisation"
    case finance, development
    case womensFederation = "womens_federation"
    case youthLeague = "youth_league"
    case naturalResources = "natural_resources"
    case tradeUnion = "trade_union"
    case media, township

    public var chinese: String {
        switch self {
        case .education: return "教育局"
        case .police: return "公安"
        case .humanResources: return "人力资源和社会保障"
        case .marketRegulation: return "市场监督管理"
        case .civilAffairs: return "民政"
        case .disabilityFederation: return "残疾人联合会"
        case .health: return "卫生健康"
        case .justice: return "司法"
        case .religiousAffairs: return "宗教事务"
        case .ruralRevitalisation: return "乡村振兴/扶贫办"
        case .finance: return "财政"
        case .development: return "发改经信"
        case .womensFederation: return "妇女联合会"
        case .youthLeague: return "团委"
        case .naturalResources: return "自然资源和规划"
        case .tradeUnion: return "总工会"
        case .media: return "融媒体中心"
        case .township: return "乡镇人民政府"
        }
    }
}
