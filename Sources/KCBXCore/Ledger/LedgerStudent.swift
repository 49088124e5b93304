/// A child on the ledger's roster: identity, household, school and special groups.
/// Keyed by the resident ID, or by the `L` registry number for a child without one.
public struct LedgerStudent: Hashable, Sendable, Codable {
    /// 18-character resident ID (身份证号), or "" for a child known only by an `L` number.
    public var residentID: String
    /// 学籍号 (`G` + ID or `L` + temporary number), or "" for a child with no registration (失学).
    public var registryNumber: String
    public var name: String
    /// 1 male, 2 female (GB/T 2261.1).
    public var sex: Int32
    /// Birth date, YYYY-MM-DD.
    public var birthDate: String
    /// Household address (家庭住址).
    public var address: String
    /// GB/T 2260 code of the household registration (户籍所在地), 6 digits.
    public var regionCode: String
    /// School id, or "" when the child has no school (out of school).
    public var schoolID: String
    public var schoolName: String
    /// 9-digit township code (GB/T 2260 county code + 3) of the township responsible for the child.
    public var townshipCode: String
    /// Grade 1–9, 0 when the child has no school.
    public var grade: Int
    /// Registration status (学籍状态); see `LedgerRegistration`.
    public var registration: String
    /// When the registration status took effect (YYYY-MM-DD), "" when not given; required for
    /// transferred_out and graduated.
    public var registrationDate: String
    /// Expert panel's written opinion reference (专家组意见), required for deferred and suspended (000, 002).
    public var expertOpinion: String
    /// Special-group codes (SpecialGroup raw values), sorted, unique.
    public var groups: [String]

    /// The student's key in the ledger: the resident ID, else the registry number.
    public var key: String { residentID.isEmpty ? registryNumber : residentID }

    public var specialGroups: [SpecialGroup] { groups.compactMap(SpecialGroup.init(rawValue:)) }

    public var birth: CivilDate { (try? CivilDate(iso: birthDate)) ?? CivilDate(dayNumber: 0) }

    /// The resident ID masked for exports (`ResidentID.masked`), or the registry number when there is no ID.
    public var maskedID: String { (try? ResidentID(residentID))?.masked ?? "" }

    /// The registry number with its embedded resident ID masked.
    public var maskedRegistryNumber: String {
        guard registryNumber.hasPrefix("G"), let id = try? ResidentID(String(registryNumber.dropFirst())) else { return registryNumber }
        return "G" + id.masked
    }

    enum CodingKeys: String, CodingKey {
        case residentID = "resident_id"
        case registryNumber = "registry_number"
        case name, sex
        case birthDate = "birth_date"
        case address
        case regionCode = "region_code"
        case schoolID = "school_id"
        case schoolName = "school_name"
        case townshipCode = "township_code"
        case grade, registration
        case registrationDate = "registration_date"
        case expertOpinion = "expert_opinion"
        case groups
    }

    /// School ids: 1–32 ASCII letters, digits, '-' or '_'.
    static func checkSchoolID(_ id: String, field: String) throws {
        guard (1...32).contains(id.utf8.count), id.utf8.allSatisfy({ ledgerIsWordByte($0) }) else {
            throw KCBXError.invalidInput(field: field, rule: "school id must be 1-32 ASCII letters, digits, '-' or '_', got '\(id)'")
        }
    }
}

/// Registration status of a roster row (学籍状态), column `registration`.
public enum LedgerRegistration: String, Sendable, CaseIterable, Codable {
    /// Registered and studying at `school_id` (在籍在读).
    case enrolled
    /// No student registration: a school-age child from the household registry (失学 candidate).
    case none
    /// Deferred enrollment with the expert panel's opinion (缓学, seeds 000, 002).
    case deferred
    /// Suspended with the expert panel's opinion (休学, seed 002).
    case suspended
    /// Severely disabled child taught at home: counts as enrolled (送教上门, seeds 000, 002, 004).
    case homeDelivered = "home_delivered"
    /// Transferred to another school (转出) on `registration_date`.
    case transferredOut = "transferred_out"
    /// Completed compulsory education (毕业) on `registration_date`.
    case graduated
    /// No registration here, verified studying elsewhere (区外就读).
    case elsewhere
}

/// One bad field of one input row: 1-based `row` (the CSV line's data row), the field and the rule.
public struct LedgerRowProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    public let row: Int
    public let field: String
    public let rule: String
    public var description: String { "row \(row): \(field): \(rule)" }

    /// The error for a batch with these problems: the first one, with a count of the others.
    static func error(_ problems: [LedgerRowProblem]) -> KCBXError {
        let first = problems[0]
        let more = problems.count > 1 ? " (\(problems.count) bad fields in all; the batch was not applied)" : " (the batch was not applied)"
        return .invalidInput(field: "row \(first.row) \(first.field)", rule: first.rule + more)
    }
}

func ledgerIsWordByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
}

func ledgerIsDigits(_ s: String, count: Int) -> Bool { s.utf8.count == count && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

extension LedgerStudent {
    /// The `student.upserted` payload exactly as `JSONEncoder` (sorted keys, slashes unescaped)
    /// writes it, built directly (one roster import encodes every child); nil when a value holds
    /// a character JSON escapes (quote, backslash, control characters, DEL, U+2028/U+2029), which
    /// `PayloadCoding.encode` then leaves to `JSONEncoder`.
    var canonicalJSON: String? {
        var out: [UInt8] = []
        out.reserveCapacity(480)
        func key(_ k: StaticString) {
            out.append(out.isEmpty ? 0x7B : 0x2C)
            out.append(0x22)
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(0x22)
            out.append(0x3A)
        }
        func string(_ s: String) -> Bool {
            var ok = true
            var prev1: UInt8 = 0
            var prev2: UInt8 = 0
            out.append(0x22)
            for b in s.utf8 {
                if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || (prev2 == 0xE2 && prev1 == 0x80 && (b == 0xA8 || b == 0xA9)) {
                    ok = false
                    break
                }
                out.append(b)
                prev2 = prev1
                prev1 = b
            }
            out.append(0x22)
            return ok
        }
        func number<T: BinaryInteger>(_ v: T) { out.append(contentsOf: String(v).utf8) }
        key("address")
        guard string(address) else { return nil }
        key("birth_date")
        guard string(birthDate) else { return nil }
        key("expert_opinion")
        guard string(expertOpinion) else { return nil }
        key("grade")
        number(grade)
        key("groups")
        out.append(0x5B)
        for (i, g) in groups.enumerated() {
            if i > 0 { out.append(0x2C) }
            guard string(g) else { return nil }
        }
        out.append(0x5D)
        key("name")
        guard string(name) else { return nil }
        key("region_code")
        guard string(regionCode) else { return nil }
        key("registration")
        guard string(registration) else { return nil }
        key("registration_date")
        guard string(registrationDate) else { return nil }
        key("registry_number")
        guard string(registryNumber) else { return nil }
        key("resident_id")
        guard string(residentID) else { return nil }
        key("school_id")
        guard string(schoolID) else { return nil }
        key("school_name")
        guard string(schoolName) else { return nil }
        key("sex")
        number(sex)
        key("township_code")
        guard string(townshipCode) else { return nil }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }
}
