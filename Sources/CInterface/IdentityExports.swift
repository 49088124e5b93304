import KCBXCore

/// Which part of a resident ID is wrong.
@c public enum kcbx_id_problem: Int32 {
    case none = 0
    case length = 1
    case characters = 2
    case region = 3
    case birthDate = 4
    case checksum = 5
}

/// Sex codes (GB/T 2261.1).
@c public enum kcbx_sex: Int32 {
    case unknown = 0
    case male = 1
    case female = 2
}

/// Kinds of student registry number.
@c public enum kcbx_registry_kind: Int32 {
    /// `G` + resident ID.
    case resident = 1
    /// `L` + temporary number.
    case temporary = 2
}

/// School stage (学段) of a grade.
@c public enum kcbx_stage: Int32 {
    case preschool = 0
    case primary = 1
    case junior = 2
    case beyond = 3
}

/// Parses and validates an 18-character resident ID (GB 11643-1999): region code, birth date,
/// sex from the sequence digit, ISO 7064 MOD 11-2 check character (`x` accepted as `X`).
/// `as_of` (YYYYMMDD, or 0 for none) rejects birth dates after it. Every out-param may be NULL.
/// `out_problem` receives the wrong part (KCBX_ID_PROBLEM_NONE on success).
/// @param text the resident ID.
/// @param as_of YYYYMMDD, or 0 for none.
/// @param out_region_code receives the 6-digit region code; may be NULL.
/// @param out_birth_date receives the birth date, YYYYMMDD; may be NULL.
/// @param out_sex receives the kcbx_sex; may be NULL.
/// @param out_problem receives the kcbx_id_problem; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for an invalid ID (the wrong part in out_problem).
@c public func kcbx_resident_id_parse(
    _ text: UnsafePointer<CChar>?, _ as_of: Int32,
    _ out_region_code: UnsafeMutablePointer<Int32>?,
    _ out_birth_date: UnsafeMutablePointer<Int32>?,
    _ out_sex: UnsafeMutablePointer<Int32>?,
    _ out_problem: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    out_problem?.pointee = kcbx_id_problem.none.rawValue
    return guarded {
        let s = try Marshal.string(text, "text")
        let asOf = try Marshal.optionalDate(as_of, "as_of")
        switch ResidentID.check(s, asOf: asOf) {
        case .success(let id):
            out_region_code?.pointee = id.regionNumber
            out_birth_date?.pointee = id.birthDate.yyyymmdd
            out_sex?.pointee = kcbx_sex(id.sex).rawValue
        case .failure(let f):
            out_problem?.pointee = kcbx_id_problem(f.problem).rawValue
            throw f.error
        }
    }
}

/// Computes the check character for the first 17 digits of a resident ID into `*out_check`.
/// @param first17 the first 17 digits.
/// @param out_check receives the check character ('0'-'9' or 'X').
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_resident_id_check_character(_ first17: UnsafePointer<CChar>?, _ out_check: UnsafeMutablePointer<CChar>?) -> kcbx_status
{
    guarded {
        let s = try Marshal.string(first17, "first17")
        let out = try Marshal.out(out_check, "out_check")
        guard let c = ResidentID.checkCharacter(for: s), let a = c.asciiValue else {
            throw KCBXError.invalidInput(field: "first17", rule: "must be exactly 17 digits")
        }
        out.pointee = CChar(bitPattern: a)
    }
}

/// Parses a student registry number (学籍号): `G` + resident ID (validated, birth date not after
/// `as_of` unless 0) or `L` + 1–30 letters/digits. `*out_body` receives the ID or temporary
/// number (free with kcbx_string_free); out-params may be NULL.
/// @param text the registry number.
/// @param as_of YYYYMMDD, or 0 for none.
/// @param out_kind receives the kcbx_registry_kind; may be NULL.
/// @param out_body receives the ID or temporary number (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_registry_number_parse(
    _ text: UnsafePointer<CChar>?, _ as_of: Int32,
    _ out_kind: UnsafeMutablePointer<Int32>?,
    _ out_body: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_body?.pointee = nil
    return guarded {
        let n = try StudentRegistryNumber(try Marshal.string(text, "text"), asOf: try Marshal.optionalDate(as_of, "as_of"))
        out_kind?.pointee = kcbx_registry_kind(n.kind).rawValue
        if let out_body {
            switch n {
            case .resident(let id): try Marshal.give(id.text, to: out_body)
            case .temporary(let t): try Marshal.give(t, to: out_body)
            }
        }
    }
}

/// School age of a child born on `birth_date`, on `on_date` (both YYYYMMDD): age in completed
/// years, the autumn it enters grade 1 (6 on 31 August, seed 000), whether it should be in
/// compulsory education (`SchoolAge.standing`: from 1 September of the entry year until 16, seed
/// 000; a child who turns 6 after 31 August is not yet), and the grade and stage expected on time. Out-params may be NULL.
/// @param birth_date YYYYMMDD.
/// @param on_date YYYYMMDD.
/// @param out_age receives the age in completed years; may be NULL.
/// @param out_entry_year receives the year of entry to grade 1; may be NULL.
/// @param out_compulsory receives 1 when of compulsory school age, else 0; may be NULL.
/// @param out_grade receives the grade expected on time; may be NULL.
/// @param out_stage receives the kcbx_stage; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_school_age(
    _ birth_date: Int32, _ on_date: Int32,
    _ out_age: UnsafeMutablePointer<Int32>?,
    _ out_entry_year: UnsafeMutablePointer<Int32>?,
    _ out_compulsory: UnsafeMutablePointer<Int32>?,
    _ out_grade: UnsafeMutablePointer<Int32>?,
    _ out_stage: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let birth = try Marshal.date(birth_date, "birth_date")
        let on = try Marshal.date(on_date, "on_date")
        guard on >= birth else { throw KCBXError.invalidInput(field: "on_date", rule: "\(on) is before birth_date \(birth)") }
        let a = SchoolAge(birthDate: birth)
        out_age?.pointee = Int32(clamping: a.age(on: on))
        out_entry_year?.pointee = Int32(clamping: a.entryYear)
        out_compulsory?.pointee = a.isCompulsoryAge(on: on) ? 1 : 0
        out_grade?.pointee = Int32(clamping: a.expectedGrade(on: on))
        out_stage?.pointee = kcbx_stage(a.expectedStage(on: on)).rawValue
    }
}
