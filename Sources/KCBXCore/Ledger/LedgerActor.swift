/// Who acts on a ledger: the unit (level and code) and the person. Every event records it
/// (seed 002: 台账数据填报不实 — every change attributable to who, when, which unit).
public struct LedgerActor: Hashable, Sendable, Codable, CustomStringConvertible {
    public let level: UnitLevel
    /// School id for schools and class teachers; 9-digit township code (GB/T 2260 county + 3);
    /// 12-digit village code; 6-digit GB/T 2260 code for county, city, province and departments.
    public let unitCode: String
    /// The person acting (name or staff id).
    public let person: String
    /// Free-text role, e.g. "班主任", "控辍专干"; may be empty.
    public let role: String

    /// A validated actor; errors name `actor.<field>`.
    public init(level: UnitLevel, unitCode: String, person: String, role: String = "") throws {
        try LedgerActor.checkUnitCode(unitCode, level: level)
        let p = person.ledgerTrimmed
        guard !p.isEmpty, p.count <= 64 else {
            throw KCBXError.invalidInput(field: "actor.person", rule: "must be 1-64 characters")
        }
        guard role.count <= 64 else { throw KCBXError.invalidInput(field: "actor.role", rule: "must be at most 64 characters") }
        self.level = level
        self.unitCode = unitCode
        self.person = p
        self.role = role.ledgerTrimmed
    }

    /// An actor as stored in an event row (validated when it was written).
    init(stored level: UnitLevel, unitCode: String, person: String, role: String) {
        self.level = level
        self.unitCode = unitCode
        self.person = person
        self.role = role
    }

    /// Parses the level from its code (`school`, `township`, `county`, …).
    public init(level: String, unitCode: String, person: String, role: String = "") throws {
        guard let l = UnitLevel(rawValue: level) else {
            throw KCBXError.invalidInput(
                field: "actor.level", rule: "'\(level)' must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try self.init(level: l, unitCode: unitCode, person: person, role: role)
    }

    static func checkUnitCode(_ code: String, level: UnitLevel) throws {
        func digits(_ n: Int, _ what: String) throws {
            guard code.utf8.count == n, code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw KCBXError.invalidInput(field: "actor.unit_code", rule: "a \(level.rawValue) code must be \(what), got '\(code)'")
            }
        }
        switch level {
        case .classTeacher, .school:
            try LedgerStudent.checkSchoolID(code, field: "actor.unit_code")
        case .village: try digits(12, "12 digits (township code + 3)")
        case .township: try digits(9, "9 digits (GB/T 2260 county code + 3)")
        case .county, .department: try digits(6, "a 6-digit GB/T 2260 code")
        case .city:
            try digits(6, "a 6-digit GB/T 2260 code")
            guard code.hasSuffix("00"), !code.hasSuffix("0000") else {
                throw KCBXError.invalidInput(field: "actor.unit_code", rule: "a city code ends in 00 (not 0000), got '\(code)'")
            }
        case .province:
            try digits(6, "a 6-digit GB/T 2260 code")
            guard code.hasSuffix("0000") else {
                throw KCBXError.invalidInput(field: "actor.unit_code", rule: "a province code ends in 0000, got '\(code)'")
            }
        }
    }

    /// County level and above may see full resident IDs in exports.
    public var mayReadFullIDs: Bool { [.county, .city, .province].contains(level) }

    /// Departments (联控联保) and villages read within their area but do not write the ledger.
    public var mayWrite: Bool { level != .department && level != .village }

    /// Whether a student at `schoolID` (may be empty) in `townshipCode` is in this actor's
    /// jurisdiction: schools by school id, townships by township code, higher levels and
    /// departments by GB/T 2260 prefix (county 6, city 4, province 2 digits).
    public func covers(schoolID: String, townshipCode: String) -> Bool {
        switch level {
        case .classTeacher, .school: return !schoolID.isEmpty && schoolID == unitCode
        case .village: return townshipCode == String(unitCode.prefix(9))
        case .township: return townshipCode == unitCode
        case .county: return townshipCode.hasPrefix(unitCode)
        case .city: return townshipCode.hasPrefix(String(unitCode.prefix(4)))
        case .province: return townshipCode.hasPrefix(String(unitCode.prefix(2)))
        case .department:
            let prefix = unitCode.hasSuffix("0000") ? 2 : unitCode.hasSuffix("00") ? 4 : 6
            return townshipCode.hasPrefix(String(unitCode.prefix(prefix)))
        }
    }

    /// SQL condition (on table alias `s` of students) selecting the students this actor covers.
    var scopeSQL: (sql: String, argument: String) {
        switch level {
        case .classTeacher, .school: return ("s.school_id = ?", unitCode)
        case .village: return ("s.township_code = ?", String(unitCode.prefix(9)))
        case .township: return ("s.township_code = ?", unitCode)
        case .county: return ("substr(s.township_code, 1, 6) = ?", unitCode)
        case .city: return ("substr(s.township_code, 1, 4) = ?", String(unitCode.prefix(4)))
        case .province: return ("substr(s.township_code, 1, 2) = ?", String(unitCode.prefix(2)))
        case .department:
            let n = unitCode.hasSuffix("0000") ? 2 : unitCode.hasSuffix("00") ? 4 : 6
            return ("substr(s.township_code, 1, \(n)) = ?", String(unitCode.prefix(n)))
        }
    }

    public var description: String {
        "\(level.rawValue) \(unitCode) \(person)\(role.isEmpty ? "" : " (\(role))")"
    }
}

extension String {
    /// Leading and trailing spaces, tabs and newlines removed (no Foundation needed).
    var ledgerTrimmed: String {
        // Fast path: nothing to trim (no ASCII whitespace at either end, and no U+3000, which starts with 0xE3).
        guard let f = utf8.first, let l = utf8.last else { return self }
        if f > 0x20, l > 0x20, f != 0xE3, l != 0x80 { return self }
        let ws: Set<Character> = [" ", "\t", "\n", "\r", "\u{3000}"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
