/// Dropout reason codes A–T (seed 001, attachment 1, 填表说明 3). Used everywhere a reason is recorded.
public enum ReasonCode: String, Sendable, CaseIterable, Codable {
    case A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T

    /// The label as seed 001 prints it.
    public var chinese: String {
        switch self {
        case .A: return "失学（小学适龄阶段）"
        case .B: return "失学（初中适龄阶段）"
        case .C: return "因残辍学（可以在校就读）"
        case .D: return "因残辍学（经评估不适宜在校就读）"
        case .E: return "因病辍学"
        case .F: return "厌学辍学在家（短期）"
        case .G: return "厌学辍学在家（长期）"
        case .H: return "辍学在外务工（短期）"
        case .I: return "辍学在外务工（长期）"
        case .J: return "户口登记原因（实际年龄与户口登记不符的）"
        case .K: return "社会培训机构全日制培训替代实施义务教育"
        case .L: return "“入寺入教”辍学"
        case .M: return "早婚辍学（未生育）"
        case .N: return "早婚辍学（已生育）"
        case .O: return "超龄离校"
        case .P: return "延缓入学"
        case .Q: return "区内外就读无学籍"
        case .R: return "易地扶贫搬迁辍学"
        case .S: return "“小升初”辍学"
        case .T: return "失踪失联辍学"
        }
    }

    public var english: String {
        switch self {
        case .A: return "out of school, primary age"
        case .B: return "out of school, junior age"
        case .C: return "disability, can study in school"
        case .D: return "disability, assessed unfit for school"
        case .E: return "illness"
        case .F: return "weary of school, at home (short)"
        case .G: return "weary of school, at home (long)"
        case .H: return "working away (short)"
        case .I: return "working away (long)"
        case .J: return "household-registration age mismatch"
        case .K: return "full-time private training instead of school"
        case .L: return "religious institution"
        case .M: return "early marriage, no child"
        case .N: return "early marriage, has child"
        case .O: return "left school over age"
        case .P: return "deferred enrollment"
        case .Q: return "studying without registration"
        case .R: return "relocation for poverty alleviation"
        case .S: return "primary-to-junior transition"
        case .T: return "missing / lost contact"
        }
    }

    /// Parses one letter A–T (case-insensitive); `field` names the input in the error.
    public init(code: String, field: String = "reason") throws {
        guard let r = ReasonCode(rawValue: code.uppercased()) else {
            throw KCBXError.invalidInput(
                field: field, rule: "\(KCBXError.quote(code)) is not a reason code A-T (seed 001 attachment 1 note 3)")
        }
        self = r
    }
}

extension ReasonCode {
    /// The reason's number in bulk columns and across the C ABI (`kcbx_reason`): A = 1 … T = 20,
    /// 0 is "none". Written out case by case so that reordering the enum cannot change a number.
    public var number: UInt8 {
        switch self {
        case .A: return 1
        case .B: return 2
        case .C: return 3
        case .D: return 4
        case .E: return 5
        case .F: return 6
        case .G: return 7
        case .H: return 8
        case .I: return 9
        case .J: return 10
        case .K: return 11
        case .L: return 12
        case .M: return 13
        case .N: return 14
        case .O: return 15
        case .P: return 16
        case .Q: return 17
        case .R: return 18
        case .S: return 19
        case .T: return 20
        }
    }

    /// The reason with number `number` (1 ... 20), nil for 0 or an unknown number.
    public init?(number: UInt8) {
        guard let r = ReasonCode.allCases.first(where: { $0.number == number }) else { return nil }
        self = r
    }
}
