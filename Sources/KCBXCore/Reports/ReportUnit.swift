/// The unit a report is for (填报单位): one school, one township (乡镇/街道), or a region by its
/// GB/T 2260 code (county 6 digits; a city code ending in 00 or a province code ending in 0000
/// covers everything under it).
public enum ReportUnit: Hashable, Sendable, CustomStringConvertible {
    case school(String)
    case township(String)
    case region(String)

    /// Parses `school:<id>`, `township:<9 digits>`, `county:<6 digits>` / `region:<6 digits>`, or a
    /// bare 6-digit region code. School ids and township codes can look alike (both may be 9
    /// digits), so those two need their prefix. An empty text means `defaultUnit`.
    public init(parsing text: String, default defaultUnit: ReportUnit) throws {
        let t = text.ledgerTrimmed
        if t.isEmpty {
            self = defaultUnit
            return
        }
        let parts = t.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.count == 2 ? parts[0] : ""
        let code = parts.count == 2 ? parts[1] : t
        func digits(_ n: Int) -> Bool { code.utf8.count == n && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        switch kind {
        case "school":
            try LedgerStudent.checkSchoolID(code, field: "unit")
            self = .school(code)
        case "township":
            guard digits(9) else {
                throw KCBXError.invalidInput(
                    field: "unit", rule: "a township code must be 9 digits (GB/T 2260 county code + 3), got '\(code)'")
            }
            self = .township(code)
        case "county", "city", "province", "region", "":
            guard digits(6) else {
                throw KCBXError.invalidInput(
                    field: "unit",
                    rule: kind.isEmpty
                        ? "'\(t)' must be school:<id>, township:<9 digits>, county:<6 digits> or a bare 6-digit region code"
                        : "a \(kind) code must be 6 digits (GB/T 2260), got '\(code)'")
            }
            self = .region(code)
        default:
            throw KCBXError.invalidInput(field: "unit", rule: "'\(kind)' must be one of school, township, county, city, province, region")
        }
    }

    /// The region code's significant prefix: 2 digits for a province (…0000), 4 for a city (…00), else 6.
    public static func regionPrefix(_ code: String) -> String {
        code.hasSuffix("0000") ? String(code.prefix(2)) : code.hasSuffix("00") ? String(code.prefix(4)) : code
    }

    /// Whether a student at `schoolID` in `townshipCode` belongs to this unit.
    public func contains(schoolID: String, townshipCode: String) -> Bool {
        switch self {
        case .school(let id): return schoolID == id
        case .township(let code): return townshipCode == code
        case .region(let code): return townshipCode.hasPrefix(ReportUnit.regionPrefix(code))
        }
    }

    /// `school:<id>`, `township:<code>` or `region:<code>` (parsable again by `init(parsing:)`).
    public var description: String {
        switch self {
        case .school(let id): return "school:\(id)"
        case .township(let code): return "township:\(code)"
        case .region(let code): return "region:\(code)"
        }
    }
}
