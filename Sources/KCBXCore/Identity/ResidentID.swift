/// An 18-character resident identity number (身份证号), GB 11643-1999 (DOMAIN.md §1):
/// 6-digit region code, 8-digit birth date, 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    /// The normalized text (check character `x` upper-cased).
    public let text: String
    /// GB/T 2260 region code of the place of registration, e.g. "640402".
    public let regionCode: String
    public let birthDate: CivilDate
    public let sex: Sex

    /// Which part of an ID is wrong. Raw values are shared with the C ABI.
    public enum Problem: Int32, Sendable, CaseIterable {
        case none = 0
        case length = 1
        case characters = 2
        case region = 3
        case birthDate = 4
        case checksum = 5

        /// The part's name as used in error messages.
        public var part: String {
            switch self {
            case .none: return "none"
            case .length: return "length"
            case .characters: return "characters"
            case .region: return "region code"
            case .birthDate: return "birth date"
            case .checksum: return "check character"
            }
        }
    }

    /// Sex from the sequence digit (GB/T 2261.1 codes: 1 male, 2 female).
    public enum Sex: Int32, Sendable {
        case male = 1
        case female = 2
        public var label: String { self == .male ? "男" : "女" }
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [UInt8] = Array("10X98765432".utf8)
    /// First two digits of GB/T 2260 province-level codes.
    static let provincePrefixes: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
        41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
        71, 81, 82,
    ]

    /// Parses and validates `text`; the birth date must not be after `asOf` when given.
    /// Throws `KCBXError.invalidInput(field: "resident_id", …)` naming the wrong part.
    public init(_ text: String, asOf: CivilDate? = nil) throws {
        switch ResidentID.check(text, asOf: asOf) {
        case .success(let id): self = id
        case .failure(let failure): throw failure.error
        }
    }

    /// A validation failure: the part that is wrong and a message that says why.
    public struct Failure: Error, Sendable {
        public let problem: Problem
        public let message: String
        public var error: KCBXError { .invalidInput(field: "resident_id", rule: message) }
    }

    private init(text: String, regionCode: String, birthDate: CivilDate, sex: Sex) {
        self.text = text
        self.regionCode = regionCode
        self.birthDate = birthDate
        self.sex = sex
    }

    /// Validates without throwing, reporting the first wrong part in reading order.
    public static func check(_ raw: String, asOf: CivilDate? = nil) -> Result<ResidentID, Failure> {
        func fail(_ p: Problem, _ m: String) -> Result<ResidentID, Failure> { .failure(Failure(problem: p, message: m)) }
        let bytes = Array(raw.utf8)
        guard bytes.count == 18 else {
            // 18 characters but more bytes: a non-ASCII character (e.g. full-width ６) is in the way.
            if raw.count == 18, let i = raw.firstIndex(where: { !$0.isASCII }) {
                let n = raw.distance(from: raw.startIndex, to: i)
                return fail(.characters, "character \(n + 1) must be a digit\(n == 17 ? " or X" : "") (GB 11643-1999)")
            }
            return fail(.length, "must be 18 characters (GB 11643-1999), got \(raw.count)")
        }
        for (i, b) in bytes.enumerated() {
            let isDigit = b >= 48 && b <= 57
            let isCheckX = i == 17 && (b == 88 || b == 120)
            if !isDigit && !isCheckX {
                return fail(.characters, "character \(i + 1) must be a digit\(i == 17 ? " or X" : "") (GB 11643-1999)")
            }
        }
        let digit = { (i: Int) in Int(bytes[i]) - 48 }
        let province = digit(0) * 10 + digit(1)
        guard provincePrefixes.contains(province) else {
            return fail(
                .region, "region code \(String(decoding: bytes[0..<6], as: UTF8.self)) does not start with a GB/T 2260 province code")
        }
        let y = (0..<4).reduce(0) { $0 * 10 + digit(6 + $1) }
        let m = digit(10) * 10 + digit(11)
        let d = digit(12) * 10 + digit(13)
        let birth: CivilDate
        do { birth = try CivilDate(year: y, month: m, day: d, field: "resident_id birth date") } catch {
            return fail(.birthDate, "birth date \(String(decoding: bytes[6..<14], as: UTF8.self)) is not a calendar date")
        }
        if let asOf, birth > asOf {
            return fail(.birthDate, "birth date \(birth) is after \(asOf)")
        }
        if y < 1900 {
            return fail(.birthDate, "birth date \(birth) is before 1900")
        }
        var sum = 0
        for i in 0..<17 { sum += digit(i) * weights[i] }
        let expected = checkCharacters[sum % 11]
        let actual = bytes[17] == 120 ? 88 : bytes[17]
        guard actual == expected else {
            return fail(
                .checksum,
                "check character is \(Character(Unicode.Scalar(actual))), ISO 7064 MOD 11-2 requires \(Character(Unicode.Scalar(expected)))"
            )
        }
        var normalized = bytes
        normalized[17] = actual
        let sex: Sex = digit(16) % 2 == 1 ? .male : .female
        return .success(
            ResidentID(
                text: String(decoding: normalized, as: UTF8.self),
                regionCode: String(decoding: bytes[0..<6], as: UTF8.self),
                birthDate: birth, sex: sex))
    }

    /// The check character for the first 17 digits (used by data generators and tests).
    public static func checkCharacter(for first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var sum = 0
        for i in 0..<17 { sum += (Int(bytes[i]) - 48) * weights[i] }
        return Character(Unicode.Scalar(checkCharacters[sum % 11]))
    }

    /// The region code as an integer (e.g. 640402).
    public var regionNumber: Int32 { Int32(regionCode)! }

    /// The ID with birth date and sequence masked, for exports (e.g. 640402********123X → 6404**********123X).
    public var masked: String { String(text.prefix(4)) + String(repeating: "*", count: 10) + String(text.suffix(4)) }

    public var description: String { text }
}
