// The C ABI (include/kcbx.h conventions) called directly from Swift: NULL pointers, invalid
// UTF-8, bad dates and unknown names return the right kcbx_status and set
// kcbx_last_error_message() naming the field; a successful call clears the message.
// Each test is synchronous, so all its calls run on one thread (the last error is per thread).
import CInterface
import Foundation
import Testing

@testable import KCBXCore

private var lastError: String { String(cString: kcbx_last_error_message()) }

// The enum constants of include/kcbx.h, as a C host sees them. The tests compare out-params with
// these plain integers rather than with `kcbx_provenance.document.rawValue` and friends: Swift
// 6.3.1 debug builds get `rawValue` / `init(rawValue:)` of a @c enum wrong when read from another
// module if its first raw value is not 0 (kcbx_provenance, kcbx_registry_kind); see
// cEnumRawValueAcrossModules. Inside CInterface (and so for C hosts) the values are right.
// headerEnumConstants checks this table against the header text.
private let KCBX_DURATION_UNIT_OFF: Int32 = 0
private let KCBX_DURATION_UNIT_CALENDAR_DAYS: Int32 = 1
private let KCBX_DURATION_UNIT_SCHOOL_DAYS: Int32 = 2
private let KCBX_DURATION_UNIT_CALENDAR_MONTHS: Int32 = 3
private let KCBX_ID_PROBLEM_NONE: Int32 = 0
private let KCBX_ID_PROBLEM_LENGTH: Int32 = 1
private let KCBX_ID_PROBLEM_CHARACTERS: Int32 = 2
private let KCBX_ID_PROBLEM_REGION: Int32 = 3
private let KCBX_ID_PROBLEM_BIRTH_DATE: Int32 = 4
private let KCBX_ID_PROBLEM_CHECKSUM: Int32 = 5
private let KCBX_PROVENANCE_DOCUMENT: Int32 = 1
private let KCBX_PROVENANCE_DEFAULTED: Int32 = 2
private let KCBX_PROVENANCE_FILE: Int32 = 3
private let KCBX_REGISTRY_KIND_RESIDENT: Int32 = 1
private let KCBX_REGISTRY_KIND_TEMPORARY: Int32 = 2
private let KCBX_SEX_FEMALE: Int32 = 2
private let KCBX_STAGE_PRESCHOOL: Int32 = 0
private let KCBX_STAGE_PRIMARY: Int32 = 1
private let KCBX_STAGE_JUNIOR: Int32 = 2
private let KCBX_STAGE_BEYOND: Int32 = 3
private let headerConstants: [String: Int32] = [
    "KCBX_DURATION_UNIT_OFF": KCBX_DURATION_UNIT_OFF, "KCBX_DURATION_UNIT_CALENDAR_DAYS": KCBX_DURATION_UNIT_CALENDAR_DAYS,
    "KCBX_DURATION_UNIT_SCHOOL_DAYS": KCBX_DURATION_UNIT_SCHOOL_DAYS,
    "KCBX_DURATION_UNIT_CALENDAR_MONTHS": KCBX_DURATION_UNIT_CALENDAR_MONTHS,
    "KCBX_ID_PROBLEM_NONE": KCBX_ID_PROBLEM_NONE, "KCBX_ID_PROBLEM_LENGTH": KCBX_ID_PROBLEM_LENGTH,
    "KCBX_ID_PROBLEM_CHARACTERS": KCBX_ID_PROBLEM_CHARACTERS, "KCBX_ID_PROBLEM_REGION": KCBX_ID_PROBLEM_REGION,
    "KCBX_ID_PROBLEM_BIRTH_DATE": KCBX_ID_PROBLEM_BIRTH_DATE, "KCBX_ID_PROBLEM_CHECKSUM": KCBX_ID_PROBLEM_CHECKSUM,
    "KCBX_PROVENANCE_DOCUMENT": KCBX_PROVENANCE_DOCUMENT, "KCBX_PROVENANCE_DEFAULTED": KCBX_PROVENANCE_DEFAULTED,
    "KCBX_PROVENANCE_FILE": KCBX_PROVENANCE_FILE,
    "KCBX_REGISTRY_KIND_RESIDENT": KCBX_REGISTRY_KIND_RESIDENT, "KCBX_REGISTRY_KIND_TEMPORARY": KCBX_REGISTRY_KIND_TEMPORARY,
    "KCBX_SEX_FEMALE": KCBX_SEX_FEMALE,
    "KCBX_STAGE_PRESCHOOL": KCBX_STAGE_PRESCHOOL, "KCBX_STAGE_PRIMARY": KCBX_STAGE_PRIMARY,
    "KCBX_STAGE_JUNIOR": KCBX_STAGE_JUNIOR, "KCBX_STAGE_BEYOND": KCBX_STAGE_BEYOND,
]

/// A NUL-terminated byte string that is not UTF-8 ("6" then a lone continuation byte).
private let invalidUTF8: [CChar] = [0x36, CChar(bitPattern: 0xC3), 0x28, CChar(bitPattern: 0xFF), 0]

private func validID(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)!) }

/// Takes a library string, frees it, returns its text.
private func take(_ p: UnsafeMutablePointer<CChar>?) -> String? {
    defer { kcbx_string_free(p) }
    return p.map { String(cString: $0) }
}

/// Opens a built-in; nil (and an issue) when it fails.
private func builtin(_ name: String) -> OpaquePointer? {
    var p: OpaquePointer?
    let s = kcbx_policy_builtin(name, &p)
    #expect(s == .ok, "\(name): \(lastError)")
    return p
}

/// Makes the thread's last error non-empty so that a following success can be seen to clear it.
private func failOnce() {
    #expect(kcbx_resident_id_parse(nil, 0, nil, nil, nil, nil) == .invalidInput)
    #expect(!lastError.isEmpty)
}

// MARK: - Versions

@Test("kcbx.h: kcbx_abi_version() and kcbx_version() report the library's constants")
func cVersions() {
    #expect(kcbx_abi_version() == kcbxABIVersion)
    #expect(kcbx_abi_version() == 3)
    let v = String(cString: kcbx_version())
    #expect(v == kcbxVersion)
    #expect(v.split(separator: ".").count == 3)
    #expect(kcbx_version() == kcbx_version())  // static storage
}

@Test("kcbx.h: status codes are the documented integers")
func cStatusCodes() {
    #expect(kcbx_status.ok.rawValue == 0 && kcbx_status.invalidInput.rawValue == 1 && kcbx_status.notFound.rawValue == 2)
    #expect(kcbx_status.permissionDenied.rawValue == 3 && kcbx_status.ruleViolation.rawValue == 4)
    #expect(kcbx_status.integrity.rawValue == 5 && kcbx_status.storage.rawValue == 6 && kcbx_status.internalError.rawValue == 7)
    #expect(KCBX_ID_PROBLEM_CHECKSUM == ResidentID.Problem.checksum.rawValue)
    #expect(KCBX_STAGE_JUNIOR == Stage.junior.rawValue)
    #expect(KCBX_REGISTRY_KIND_TEMPORARY == StudentRegistryNumber.Kind.temporary.rawValue)
}

@Test("include/kcbx.h: the enum constants these tests use are the header's")
func headerEnumConstants() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let header = try String(contentsOf: root.appendingPathComponent("include/kcbx.h"), encoding: .utf8)
    for (name, value) in headerConstants {
        #expect(header.contains("  \(name) = \(value),\n"), "\(name) = \(value)")
    }
}

@Test("Toolchain: @c enum rawValue across modules (Swift 6.3.1 debug builds get non-zero-based enums wrong)")
func cEnumRawValueAcrossModules() {
    // Enums whose raw values start at 0 read correctly from here ...
    #expect(kcbx_status.notFound.rawValue == 2)
    #expect(kcbx_id_problem.checksum.rawValue == KCBX_ID_PROBLEM_CHECKSUM)
    #expect(kcbx_duration_unit.calendarMonths.rawValue == KCBX_DURATION_UNIT_CALENDAR_MONTHS)
    // ... those starting at 1 do not in debug builds (a compiler bug, not a KCBX one; C hosts and
    // the release library are unaffected). Intermittent: release builds (-c release) get them right.
    withKnownIssue("Swift 6.3.1: cross-module rawValue of a @c enum whose first case is not 0", isIntermittent: true) {
        #expect(kcbx_provenance.document.rawValue == KCBX_PROVENANCE_DOCUMENT)
        #expect(kcbx_provenance.file.rawValue == KCBX_PROVENANCE_FILE)
        #expect(kcbx_registry_kind.temporary.rawValue == KCBX_REGISTRY_KIND_TEMPORARY)
    }
}

// MARK: - Resident IDs

@Test("kcbx_resident_id_parse: a valid ID fills every out-param and clears the last error")
func cResidentIDValid() {
    failOnce()
    var region: Int32 = -1
    var birth: Int32 = -1
    var sex: Int32 = -1
    var problem: Int32 = -1
    let id = validID("64040220150315002")
    #expect(kcbx_resident_id_parse(id, 20_250_901, &region, &birth, &sex, &problem) == .ok)
    #expect(lastError == "")
    #expect(region == 640402 && birth == 20_150_315)
    #expect(sex == KCBX_SEX_FEMALE)
    #expect(problem == KCBX_ID_PROBLEM_NONE)
    // Every out-param may be NULL; lower-case x is accepted.
    #expect(kcbx_resident_id_parse("11010519491231002x", 0, nil, nil, nil, nil) == .ok)
}

@Test("kcbx_resident_id_parse: each wrong part is named in out_problem and the message")
func cResidentIDProblems() {
    let body = "64040220150315001"
    let right = ResidentID.checkCharacter(for: body)!
    let cases: [(String, Int32, String)] = [
        (String(body.prefix(10)), KCBX_ID_PROBLEM_LENGTH, "18 characters"),
        ("64040220150315A011", KCBX_ID_PROBLEM_CHARACTERS, "character 15"),
        (validID("99040220150315001"), KCBX_ID_PROBLEM_REGION, "region code"),
        (validID("64040220230230001"), KCBX_ID_PROBLEM_BIRTH_DATE, "birth date 20230230"),
        (body + (right == "0" ? "1" : "0"), KCBX_ID_PROBLEM_CHECKSUM, "check character"),
    ]
    for (text, expected, mention) in cases {
        var problem: Int32 = -1
        var region: Int32 = -1
        #expect(kcbx_resident_id_parse(text, 0, &region, nil, nil, &problem) == .invalidInput, "\(text)")
        #expect(problem == expected, "\(text)")
        #expect(lastError.hasPrefix("resident_id: "), "\(text): \(lastError)")
        #expect(lastError.contains(mention), "\(text): \(lastError)")
    }
    // Born after as_of.
    var problem: Int32 = -1
    #expect(kcbx_resident_id_parse(validID("64040220250910001"), 20_250_909, nil, nil, nil, &problem) == .invalidInput)
    #expect(problem == KCBX_ID_PROBLEM_BIRTH_DATE)
    #expect(lastError.contains("after 2025-09-09"))
}

@Test("kcbx_resident_id_parse: NULL text, invalid UTF-8 and bad as_of are INVALID_INPUT naming the field")
func cResidentIDBadInput() {
    var problem: Int32 = -1
    #expect(kcbx_resident_id_parse(nil, 0, nil, nil, nil, &problem) == .invalidInput)
    #expect(lastError == "text: must not be NULL")
    #expect(problem == KCBX_ID_PROBLEM_NONE)
    #expect(kcbx_resident_id_parse(invalidUTF8, 0, nil, nil, nil, nil) == .invalidInput)
    #expect(lastError == "text: must be valid UTF-8")
    let id = validID("64040220150315001")
    for bad: Int32 in [20_230_230, 20_251_301, -20_250_101, 1231, 99_999_999] {
        #expect(kcbx_resident_id_parse(id, bad, nil, nil, nil, nil) == .invalidInput, "\(bad)")
        #expect(lastError.hasPrefix("as_of: "), "\(bad): \(lastError)")
    }
}

@Test("kcbx_resident_id_check_character: computes the check character; NULLs and bad input are named")
func cCheckCharacter() {
    var c: CChar = 0
    #expect(kcbx_resident_id_check_character("11010519491231002", &c) == .ok)
    #expect(c == CChar(UInt8(ascii: "X")))
    #expect(kcbx_resident_id_check_character("64040220150315001", &c) == .ok)
    #expect(Character(Unicode.Scalar(UInt8(c))) == ResidentID.checkCharacter(for: "64040220150315001"))
    #expect(kcbx_resident_id_check_character(nil, &c) == .invalidInput)
    #expect(lastError.hasPrefix("first17: "))
    #expect(kcbx_resident_id_check_character("11010519491231002", nil) == .invalidInput)
    #expect(lastError.hasPrefix("out_check: "))
    for bad in ["1101051949123100", "110105194912310021", "1101051949123100X", ""] {
        #expect(kcbx_resident_id_check_character(bad, &c) == .invalidInput, "\(bad)")
        #expect(lastError == "first17: must be exactly 17 digits")
    }
    #expect(kcbx_resident_id_check_character(invalidUTF8, &c) == .invalidInput)
    #expect(lastError == "first17: must be valid UTF-8")
}

// MARK: - Registry numbers

@Test("kcbx_registry_number_parse: G and L numbers (seed 001 附件2), body returned as a freeable string")
func cRegistryNumber() {
    failOnce()
    let id = validID("64040220150315001")
    var kind: Int32 = 0
    var body: UnsafeMutablePointer<CChar>?
    #expect(kcbx_registry_number_parse("G" + id, 20_250_901, &kind, &body) == .ok)
    #expect(lastError == "")
    #expect(kind == KCBX_REGISTRY_KIND_RESIDENT)
    #expect(take(body) == id)
    body = nil
    #expect(kcbx_registry_number_parse("Lab12", 0, &kind, &body) == .ok)
    #expect(kind == KCBX_REGISTRY_KIND_TEMPORARY)
    #expect(take(body) == "AB12")
    #expect(kcbx_registry_number_parse("L1", 0, nil, nil) == .ok)
}

@Test("kcbx_registry_number_parse: errors name registry_number, text or as_of; out_body stays NULL")
func cRegistryNumberErrors() {
    var body: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(bitPattern: 0x1)
    #expect(kcbx_registry_number_parse("X123", 0, nil, &body) == .invalidInput)
    #expect(body == nil)
    #expect(lastError.hasPrefix("registry_number: "))
    #expect(kcbx_registry_number_parse("G" + validID("64040220260101001"), 20_250_901, nil, &body) == .invalidInput)
    #expect(lastError.hasPrefix("registry_number: ") && lastError.contains("after 2025-09-01"))
    #expect(kcbx_registry_number_parse(nil, 0, nil, &body) == .invalidInput)
    #expect(lastError == "text: must not be NULL")
    #expect(kcbx_registry_number_parse(invalidUTF8, 0, nil, &body) == .invalidInput)
    #expect(lastError == "text: must be valid UTF-8")
    #expect(kcbx_registry_number_parse("L1", 20_230_230, nil, &body) == .invalidInput)
    #expect(lastError.hasPrefix("as_of: ") && lastError.contains("2023-02-30"))
    #expect(body == nil)
}

// MARK: - School age

@Test("kcbx_school_age: seed 000 cut-off (6 on 31 August) and compulsory 6–15")
func cSchoolAge() {
    failOnce()
    var age: Int32 = -1
    var entry: Int32 = -1
    var compulsory: Int32 = -1
    var grade: Int32 = -1
    var stage: Int32 = -1
    #expect(kcbx_school_age(20_190_831, 20_250_901, &age, &entry, &compulsory, &grade, &stage) == .ok)
    #expect(lastError == "")
    #expect(age == 6 && entry == 2025 && compulsory == 1 && grade == 1 && stage == KCBX_STAGE_PRIMARY)
    #expect(kcbx_school_age(20_190_901, 20_250_901, &age, &entry, &compulsory, &grade, &stage) == .ok)
    #expect(age == 6 && entry == 2026 && grade == 0 && stage == KCBX_STAGE_PRESCHOOL)
    #expect(kcbx_school_age(20_100_301, 20_260_301, &age, &entry, &compulsory, &grade, &stage) == .ok)
    #expect(age == 16 && compulsory == 0 && stage == KCBX_STAGE_BEYOND)
    #expect(kcbx_school_age(20_120_101, 20_250_901, nil, nil, nil, &grade, &stage) == .ok)
    #expect(grade == 8 && stage == KCBX_STAGE_JUNIOR)
}

@Test("kcbx_school_age: 20230230, 0 and negative dates, and on_date before birth, name the field")
func cSchoolAgeBadDates() {
    let cases: [(Int32, Int32, String)] = [
        (20_230_230, 20_250_901, "birth_date: "), (0, 20_250_901, "birth_date: "), (-20_190_101, 20_250_901, "birth_date: "),
        (20_190_101, 20_230_230, "on_date: "), (20_190_101, 0, "on_date: "), (20_190_101, -1, "on_date: "),
        (20_190_101, 20_181_231, "on_date: "),
    ]
    for (b, d, field) in cases {
        var age: Int32 = -7
        #expect(kcbx_school_age(b, d, &age, nil, nil, nil, nil) == .invalidInput, "\(b) \(d)")
        #expect(lastError.hasPrefix(field), "\(b) \(d): \(lastError)")
        #expect(age == -7)
    }
}

// MARK: - Policies

@Test("kcbx_policy_names_json: the five built-ins as a JSON array")
func cPolicyNames() throws {
    failOnce()
    var out: UnsafeMutablePointer<CChar>?
    #expect(kcbx_policy_names_json(&out) == .ok)
    #expect(lastError == "")
    let text = try #require(take(out))
    let names = try JSONDecoder().decode([String].self, from: Data(text.utf8))
    #expect(names == PolicyProfile.builtinNames)
    #expect(kcbx_policy_names_json(nil) == .invalidInput)
    #expect(lastError == "out_json: must not be NULL")
}

@Test("kcbx_policy_builtin: unknown name is NOT_FOUND; NULL name / out_policy / invalid UTF-8 are INVALID_INPUT")
func cPolicyBuiltinErrors() {
    var p: OpaquePointer? = OpaquePointer(bitPattern: 0x1)
    #expect(kcbx_policy_builtin("atlantis-2020", &p) == .notFound)
    #expect(p == nil)
    #expect(lastError.contains("atlantis-2020") && lastError.contains("policy profile not found"))
    #expect(kcbx_policy_builtin(nil, &p) == .invalidInput)
    #expect(lastError == "name: must not be NULL")
    #expect(kcbx_policy_builtin(invalidUTF8, &p) == .invalidInput)
    #expect(lastError == "name: must be valid UTF-8")
    #expect(kcbx_policy_builtin("guyuan-2021", nil) == .invalidInput)
    #expect(lastError == "out_policy: must not be NULL")
    kcbx_policy_free(nil)
    kcbx_string_free(nil)
}

@Test("kcbx_policy_duration: seed 001 7 calendar days / 1 month; seed 004 3 school days; off elsewhere")
func cPolicyDuration() {
    let guyuan = builtin("guyuan-2021")
    let dongchuan = builtin("dongchuan-2025")
    defer {
        kcbx_policy_free(guyuan)
        kcbx_policy_free(dongchuan)
    }
    failOnce()
    var amount: Int32 = -1
    var unit: Int32 = -1
    #expect(kcbx_policy_duration(guyuan, "suspected_after", &amount, &unit) == .ok)
    #expect(lastError == "")
    #expect(amount == 7 && unit == KCBX_DURATION_UNIT_CALENDAR_DAYS)
    #expect(kcbx_policy_duration(guyuan, "dropout_after_suspected", &amount, &unit) == .ok)
    #expect(amount == 1 && unit == KCBX_DURATION_UNIT_CALENDAR_MONTHS)
    #expect(kcbx_policy_duration(guyuan, "three_line_alert_after", &amount, &unit) == .ok)
    #expect(amount == 0 && unit == KCBX_DURATION_UNIT_OFF)
    #expect(kcbx_policy_duration(dongchuan, "three_line_alert_after", &amount, &unit) == .ok)
    #expect(amount == 3 && unit == KCBX_DURATION_UNIT_SCHOOL_DAYS)
    // Errors.
    #expect(kcbx_policy_duration(guyuan, "nonsense", &amount, &unit) == .invalidInput)
    #expect(lastError.hasPrefix("key: 'nonsense' is not a policy parameter"))
    #expect(kcbx_policy_duration(guyuan, "consolidation_target", &amount, &unit) == .invalidInput)
    #expect(lastError.hasPrefix("key: ") && lastError.contains("not a duration"))
    #expect(kcbx_policy_duration(nil, "suspected_after", &amount, &unit) == .invalidInput)
    #expect(lastError == "policy: must not be NULL")
    #expect(kcbx_policy_duration(guyuan, nil, &amount, &unit) == .invalidInput)
    #expect(lastError == "key: must not be NULL")
    #expect(kcbx_policy_duration(guyuan, invalidUTF8, &amount, &unit) == .invalidInput)
    #expect(lastError == "key: must be valid UTF-8")
    #expect(kcbx_policy_duration(guyuan, "suspected_after", nil, nil) == .ok)
}

@Test("kcbx_policy_number: seed 003 consolidation 0.98 and one-to-one flag; off reads is_set 0")
func cPolicyNumber() {
    let huarong = builtin("huarong-2024")
    let guyuan = builtin("guyuan-2021")
    defer {
        kcbx_policy_free(huarong)
        kcbx_policy_free(guyuan)
    }
    var value = -1.0
    var isSet: Int32 = -1
    #expect(kcbx_policy_number(huarong, "consolidation_target", &value, &isSet) == .ok)
    #expect(value == 0.98 && isSet == 1)
    #expect(kcbx_policy_number(huarong, "one_to_one_assignment", &value, &isSet) == .ok)
    #expect(value == 1 && isSet == 1)
    #expect(kcbx_policy_number(guyuan, "one_to_one_assignment", &value, &isSet) == .ok)
    #expect(value == 0 && isSet == 1)
    #expect(kcbx_policy_number(guyuan, "consolidation_target", &value, &isSet) == .ok)
    #expect(value == 0 && isSet == 0)
    #expect(kcbx_policy_number(guyuan, "chronic_absence_share", &value, &isSet) == .ok)
    #expect(value == 0.10 && isSet == 1)
    #expect(kcbx_policy_number(guyuan, "suspected_after", &value, &isSet) == .invalidInput)
    #expect(lastError.hasPrefix("key: ") && lastError.contains("not a number or flag"))
    #expect(kcbx_policy_number(guyuan, "attendance_record_by", &value, &isSet) == .ok)  // off text reads as unset
    #expect(isSet == 0)
    #expect(kcbx_policy_number(guyuan, "bogus", &value, &isSet) == .invalidInput)
    #expect(lastError.contains("'bogus' is not a policy parameter"))
    #expect(kcbx_policy_number(nil, "consolidation_target", &value, &isSet) == .invalidInput)
    #expect(lastError == "policy: must not be NULL")
}

@Test("kcbx_policy_provenance: document values cite their seed, silent ones are defaulted")
func cPolicyProvenance() throws {
    let guyuan = builtin("guyuan-2021")
    let baiyin = builtin("baiyin-2020")
    defer {
        kcbx_policy_free(guyuan)
        kcbx_policy_free(baiyin)
    }
    var kind: Int32 = -1
    var cite: UnsafeMutablePointer<CChar>?
    #expect(kcbx_policy_provenance(guyuan, "suspected_after", &kind, &cite) == .ok)
    #expect(kind == KCBX_PROVENANCE_DOCUMENT)
    #expect(try #require(take(cite)).hasPrefix("001 附件1 填表说明1"))
    cite = nil
    #expect(kcbx_policy_provenance(baiyin, "suspected_after", &kind, &cite) == .ok)
    #expect(kind == KCBX_PROVENANCE_DEFAULTED)
    #expect(try #require(take(cite)).contains("DOMAIN.md"))
    #expect(kcbx_policy_provenance(baiyin, "suspected_after", &kind, nil) == .ok)
    cite = UnsafeMutablePointer(bitPattern: 0x1)
    #expect(kcbx_policy_provenance(baiyin, "nope", &kind, &cite) == .invalidInput)
    #expect(cite == nil)
    #expect(lastError.hasPrefix("key: 'nope'"))
}

@Test("kcbx_policy_to_json / from_json round-trip; from_json errors name the field")
func cPolicyJSON() throws {
    for name in PolicyProfile.builtinNames {
        let p = builtin(name)
        defer { kcbx_policy_free(p) }
        var out: UnsafeMutablePointer<CChar>?
        #expect(kcbx_policy_to_json(p, &out) == .ok)
        let json = try #require(take(out))
        var q: OpaquePointer?
        #expect(kcbx_policy_from_json(json, &q) == .ok, "\(name): \(lastError)")
        defer { kcbx_policy_free(q) }
        out = nil
        #expect(kcbx_policy_to_json(q, &out) == .ok)
        #expect(take(out) == json, "\(name)")
    }
    var q: OpaquePointer? = OpaquePointer(bitPattern: 0x1)
    #expect(kcbx_policy_from_json(#"{"id": "t", "extends": "guyuan-2021", "parameters": {"nonsense": 1}}"#, &q) == .invalidInput)
    #expect(q == nil)
    #expect(lastError.hasPrefix("parameters.nonsense: unknown key"))
    #expect(kcbx_policy_from_json("{", &q) == .invalidInput)
    #expect(lastError.hasPrefix("policy: must be valid JSON"))
    #expect(kcbx_policy_from_json(nil, &q) == .invalidInput)
    #expect(lastError == "json: must not be NULL")
    #expect(kcbx_policy_from_json(invalidUTF8, &q) == .invalidInput)
    #expect(lastError == "json: must be valid UTF-8")
    #expect(kcbx_policy_from_json("{}", nil) == .invalidInput)
    #expect(lastError == "out_policy: must not be NULL")
    var out: UnsafeMutablePointer<CChar>?
    #expect(kcbx_policy_to_json(nil, &out) == .invalidInput)
    #expect(lastError == "policy: must not be NULL")
    let g = builtin("guyuan-2021")
    defer { kcbx_policy_free(g) }
    #expect(kcbx_policy_to_json(g, nil) == .invalidInput)
    #expect(lastError == "out_json: must not be NULL")
}

@Test("kcbx_policy_from_file: a file's overrides get file provenance; missing file is NOT_FOUND")
func cPolicyFromFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-c-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("p.json").path
    try #"{"id": "c", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 10, "unit": "calendar_days"}}}"#
        .write(toFile: path, atomically: true, encoding: .utf8)
    var p: OpaquePointer?
    #expect(kcbx_policy_from_file(path, &p) == .ok, "\(lastError)")
    defer { kcbx_policy_free(p) }
    var amount: Int32 = 0
    var unit: Int32 = 0
    var kind: Int32 = 0
    var cite: UnsafeMutablePointer<CChar>?
    #expect(kcbx_policy_duration(p, "suspected_after", &amount, &unit) == .ok)
    #expect(amount == 10)
    #expect(kcbx_policy_provenance(p, "suspected_after", &kind, &cite) == .ok)
    #expect(kind == KCBX_PROVENANCE_FILE && take(cite) == path)
    cite = nil
    #expect(kcbx_policy_provenance(p, "dropout_after_suspected", &kind, &cite) == .ok)
    #expect(kind == KCBX_PROVENANCE_DOCUMENT && take(cite)?.hasPrefix("001 ") == true)

    let bad = dir.appendingPathComponent("bad.json").path
    try #"{"id": "c", "extends": "guyuan-2021", "parameters": {"chronic_absence_share": 1.5}}"#
        .write(toFile: bad, atomically: true, encoding: .utf8)
    var q: OpaquePointer?
    #expect(kcbx_policy_from_file(bad, &q) == .invalidInput)
    #expect(q == nil && lastError.hasPrefix("parameters.chronic_absence_share: "))
    #expect(kcbx_policy_from_file(dir.appendingPathComponent("missing.json").path, &q) == .notFound)
    #expect(lastError.contains("missing.json"))
    #expect(kcbx_policy_from_file(nil, &q) == .invalidInput)
    #expect(lastError == "path: must not be NULL")
}

// MARK: - Last error

@Test("kcbx.h: a success clears the last error message")
func cSuccessClears() {
    failOnce()
    #expect(kcbx_abi_version() == 3)  // not fallible: leaves the message alone
    #expect(!lastError.isEmpty)
    var c: CChar = 0
    #expect(kcbx_resident_id_check_character("11010519491231002", &c) == .ok)
    #expect(lastError == "")
    // The message is stable until the next call on this thread.
    #expect(kcbx_policy_builtin("x", nil) == .invalidInput)
    let a = kcbx_last_error_message()
    let b = kcbx_last_error_message()
    #expect(a == b && String(cString: a) == "out_policy: must not be NULL")
}

private final class ThreadResult: @unchecked Sendable {
    var status: kcbx_status = .ok
    var message = ""
    let done = DispatchSemaphore(value: 0)
}

@Test("kcbx.h: the last error is per thread")
func cLastErrorPerThread() {
    var c: CChar = 0
    #expect(kcbx_resident_id_check_character("11010519491231002", &c) == .ok)
    #expect(lastError == "")
    let r = ThreadResult()
    let t = Thread {
        r.status = kcbx_policy_builtin("atlantis-2020", nil)
        r.message = String(cString: kcbx_last_error_message())
        r.done.signal()
    }
    t.start()
    r.done.wait()
    #expect(r.status == .invalidInput)
    #expect(r.message == "out_policy: must not be NULL")
    #expect(lastError == "")
}
