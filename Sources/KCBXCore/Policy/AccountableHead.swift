/// A head named as answerable for results at one level (the 五长 of seed 001 二（一）、（六）):
/// the accountability list (`Ledger.accountability`) names the heads of each level that had an
/// obligation overdue on a dropout's case.
public struct AccountableHead: Equatable, Sendable {
    /// The level the head answers for. A `.village` head answers alongside the township (the
    /// government line's lowest rung; obligations are owned by townships, never villages).
    public var level: UnitLevel
    /// The title as the document prints it, e.g. "乡（镇）长".
    public var title: String

    public init(level: UnitLevel, title: String) {
        self.level = level
        self.title = title
    }

    /// The levels whose heads answer for an obligation owned at `owner`.
    static func answering(for owner: UnitLevel) -> [UnitLevel] {
        switch owner {
        case .classTeacher, .school: return [.school]
        case .village, .township: return [.township, .village]
        case .county: return [.county]
        case .department: return [.department]
        case .city: return [.city]
        case .province: return [.province]
        }
    }

    /// Profiles whose document names no heads: the county head (government line), the bureau head
    /// (education line), the township head and the principal, one per rung of the escalation
    /// ladder [interpretation, DOMAIN.md §3 双线 and §8].
    public static let defaultHeads = Sourced(
        [
            AccountableHead(level: .county, title: "县（区）长"),
            AccountableHead(level: .county, title: "教育局长"),
            AccountableHead(level: .department, title: "部门负责人"),
            AccountableHead(level: .township, title: "乡（镇）长"),
            AccountableHead(level: .school, title: "校长"),
        ],
        Provenance.defaulted(
            "DOMAIN.md §3 双线 and §8 [interpretation]: the head of each rung of the escalation ladder (county head, bureau head, township head, principal)"
        ))

    /// Guyuan's 五长 (001 二（一）“五长”齐抓共管; 二（六）“五长”责任追究制度): 县（区）长、部门局长、
    /// 乡（镇）长、校长、村民委员会主任.
    static let guyuanFiveHeads = Sourced(
        [
            AccountableHead(level: .county, title: "县（区）长"),
            AccountableHead(level: .county, title: "部门局长（教育）"),
            AccountableHead(level: .department, title: "部门局长"),
            AccountableHead(level: .township, title: "乡（镇）长"),
            AccountableHead(level: .school, title: "校长"),
            AccountableHead(level: .village, title: "村民委员会主任"),
        ], Provenance.document("001 二（六）责任追究机制：县（区）长、部门局长、乡（镇）长、校长、村民委员会主任“五长”责任追究制度"))

    /// Dongchuan names the principal as the school's first responsible person (004 二（一）).
    static let dongchuanHeads = Sourced(
        [
            AccountableHead(level: .county, title: "县（区）长"),
            AccountableHead(level: .county, title: "教育体育局长"),
            AccountableHead(level: .department, title: "部门负责人"),
            AccountableHead(level: .township, title: "乡镇（街道）长"),
            AccountableHead(level: .school, title: "校长（第一责任人）"),
        ], Provenance.document("004 二（一）各义务教育学校校长为学校控辍保学的第一责任人; 三（四）领导不力…未能如期实现“动态清零”目标的，实行问责追责"))

    /// Huarong names the township head (一把手) and the principal (003 二（一）、（十八）).
    static let huarongHeads = Sourced(
        [
            AccountableHead(level: .county, title: "区长"),
            AccountableHead(level: .county, title: "教育局长"),
            AccountableHead(level: .department, title: "成员单位负责人"),
            AccountableHead(level: .township, title: "乡（镇）长（“一把手”）"),
            AccountableHead(level: .school, title: "校长（第一责任人）"),
        ], Provenance.document("003 二（一）实行“一把手”负责制，各乡（镇）长亲自抓; 二（十八）校长是学校控辍保学工作的第一责任人; 四（二）对工作不力的单位提交区政府依规问责"))
}

extension PolicyProfile {
    /// The titles of the heads answering for an obligation owned at `level`, joined with 、.
    public func heads(answeringFor level: UnitLevel) -> [AccountableHead] {
        let levels = AccountableHead.answering(for: level)
        return accountableHeads.value.filter { levels.contains($0.level) }
    }
}

extension AccountableHead {
    init(json: JSONValue, path: String) throws {
        var r = try JSONObjectReader(json, path: path)
        let levelText = try r.requiredString("level")
        guard let l = UnitLevel(rawValue: levelText) else {
            throw KCBXError.invalidInput(
                field: r.field("level"),
                rule: "\(KCBXError.quote(levelText)) must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        level = l
        title = try r.requiredString("title")
        guard !title.isEmpty, title.utf8.count <= 200 else {
            throw KCBXError.invalidInput(field: r.field("title"), rule: "must be 1-200 bytes")
        }
        try r.rejectUnknown()
    }

    func jsonValue() -> JSONValue { .object(["level": .string(level.rawValue), "title": .string(title)]) }
}
