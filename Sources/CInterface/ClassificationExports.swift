import KCBXCTypes
import KCBXCore

// MARK: - Enums

/// A child's status as of a date (DOMAIN.md §2).
@c public enum kcbx_child_status: Int32 {
    /// 在校: attending (possibly with a short absence under every threshold).
    case inSchool = 0
    /// 请假: approved leave in force (the latest mark is approved leave).
    case onLeave = 1
    /// 三线报告: unexcused streak reached three_line_alert_after (004 二（三）2).
    case threeLineAlert = 2
    /// 疑似辍学: unexcused streak longer than suspected_after (001 附件1 填表说明1).
    case suspectedDropout = 3
    /// 辍学: still absent dropout_after_suspected after becoming suspected (001 附件1 填表说明2).
    case dropout = 4
    /// 失学: compulsory-age resident with no student registration (000, 001 A/B, 004).
    case outOfSchool = 5
    /// 缓学 with an expert panel's written opinion.
    case deferred = 6
    /// 休学 with an expert panel's written opinion.
    case suspended = 7
    /// 送教上门: taught at home, counts as enrolled.
    case homeDelivered = 8
    case transferredOut = 9
    case graduated = 10
    /// Past compulsory age (over 15) with no registration.
    case overAge = 11
    /// Not yet due to enter grade 1 (6 by 31 August, seed 000).
    case belowSchoolAge = 12
    /// Studies elsewhere without a registration here.
    case studyingElsewhere = 13
    /// Enrolled but no attendance mark at all on or before the date (DOMAIN.md §7).
    case attendanceUnknown = 14
}

/// What the class teacher records for a child on a school day.
@c public enum kcbx_mark_kind: Int32 {
    case present = 0
    /// Absent with approved leave (请假): pauses a streak's clock.
    case approvedLeave = 1
    /// Absent without leave: starts or extends a streak.
    case unexcused = 2
    /// Late: present for streaks.
    case late = 3
    /// Left early: present for streaks.
    case leftEarly = 4
}

/// A child's standing in the student registry (学籍).
@c public enum kcbx_registration: Int32 {
    case enrolled = 0
    /// No student registration.
    case none = 1
    /// 缓学: needs an expert opinion reference.
    case deferred = 2
    /// 休学: needs an expert opinion reference.
    case suspended = 3
    /// 送教上门.
    case homeDelivered = 4
    /// Needs the transfer date.
    case transferredOut = 5
    /// Needs the graduation date.
    case graduated = 6
}

/// Alert bits (things needing attention now).
@c public enum kcbx_alert: Int32 {
    /// The school owes the three-line report (004 二（三）2).
    case threeLineReport = 1
    /// School days this term with no mark (unknown, not absent; DOMAIN.md §7).
    case missingAttendance = 2
    /// Two marks for one day; the later was kept.
    case conflictingMarks = 4
    /// Absent without leave on the as-of date: contact the guardian (004 二（三）3).
    case guardianContact = 8
}

/// Early-warning risk-flag bits.
@c public enum kcbx_risk_flag: Int32 {
    /// Unexcused share of the term's school days so far >= chronic_absence_share.
    case chronicAbsence = 1
    /// Member of a group the profile monitors.
    case specialGroup = 2
    /// Had a dropout case before (relapse risk).
    case pastDropout = 4
    /// 小升初: grade 6 near/after graduation or first weeks of grade 7.
    case primaryToJunior = 8
    /// 初二.
    case gradeEight = 16
    /// 初三毕业季.
    case graduationSeason = 32
}

/// Bits of a child's fact mask; 0 is a resident child with no dropout history.
@c public enum kcbx_child_fact: Int32 {
    /// Not in the household or census registry of the jurisdiction.
    case notInHouseholdRegistry = 1
    /// Studies elsewhere without a registration here.
    case studyingElsewhere = 2
    /// Had a dropout case before.
    case pastDropout = 4
}

/// Special groups (DOMAIN.md §1); a group mask has bit (1 << value) set per group.
@c public enum kcbx_special_group: Int32 {
    case registeredPoor = 0
    case unstableOutOfPoverty = 1
    case marginalRisk = 2
    case suddenHardship = 3
    case disabled = 4
    case leftBehind = 5
    case migrant = 6
    case minority = 7
    case subsistenceAllowance = 8
    case extremeHardship = 9
    case prisonerChild = 10
    case unsupported = 11
    case relocated = 12
    case familyCrisis = 13
}

/// The rule that decided a status; kcbx_rule_describe gives its value and citation.
@c public enum kcbx_rule: Int32 {
    case attending = 0
    case approvedLeave = 1
    case threeLineAlertAfter = 2
    case suspectedAfter = 3
    case dropoutAfterSuspected = 4
    case outOfSchool = 5
    case deferral = 6
    case suspension = 7
    case homeDelivery = 8
    case transfer = 9
    case graduation = 10
    case overAge = 11
    case belowSchoolAge = 12
    case studyingElsewhere = 13
    case noAttendance = 14
    case absentBelowThreshold = 15
}

/// Dropout reason codes A-T (seed 001 附件1 填表说明3); 0 = none proposed.
@c public enum kcbx_reason: Int32 {
    case none = 0
    case a = 1
    case b = 2
    case c = 3
    case d = 4
    case e = 5
    case f = 6
    case g = 7
    case h = 8
    case i = 9
    case j = 10
    case k = 11
    case l = 12
    case m = 13
    case n = 14
    case o = 15
    case p = 16
    case q = 17
    case r = 18
    case s = 19
    case t = 20
}

/// How dates are given in bulk columns.
@c public enum kcbx_date_encoding: Int32 {
    /// Packed YYYYMMDD; 0 = no date.
    case yyyymmdd = 0
    /// Days since 1970-01-01; INT32_MIN = no date. Like YYYYMMDD dates, day numbers must lie in
    /// 0001-01-01 … 9999-12-31 (-719162 … 2932896), else KCBX_STATUS_INVALID_INPUT naming the entry.
    case dayNumber = 1
}

/// Columns of a classification table.
@c public enum kcbx_table_column: Int32 {
    /// int64: the caller's child id (kcbx_table_copy_child_ids).
    case childId = 0
    case status = 1
    /// Date the status began.
    case since = 2
    case rule = 3
    case alerts = 4
    case riskFlags = 5
    /// First day of the open unexcused streak.
    case streakStart = 6
    case streakUnexcusedDays = 7
    case streakClockDays = 8
    case termSchoolDays = 9
    case termUnexcusedDays = 10
    case missingDays = 11
    case conflicts = 12
    /// kcbx_reason code.
    case proposedReason = 13
}

typealias CalendarHandle = Handle<SchoolCalendar>
typealias ClassificationHandle = Handle<Classification>
typealias TableHandle = Handle<ClassificationTable>

// MARK: - Marshalling helpers

extension Marshal {
    /// Checks a count from the caller: 0 ... `max` (the documented maximum of the parameter), so
    /// that no array is read, and nothing allocated, for a count the caller cannot mean.
    static func count(_ count: Int64, _ countField: String, max: Int64) throws -> Int {
        guard count >= 0 else { throw KCBXError.invalidInput(field: countField, rule: "must not be negative, got \(count)") }
        guard count <= max else { throw KCBXError.invalidInput(field: countField, rule: "\(count) is more than the maximum \(max)") }
        return Int(truncatingIfNeeded: count)
    }

    /// A required C array of `count` elements (0 ... `max`); NULL is allowed only when `count` is 0.
    static func array<T>(_ p: UnsafePointer<T>?, _ count: Int64, _ field: String, countField: String, max: Int64) throws
        -> UnsafeBufferPointer<T>
    {
        let n = try Marshal.count(count, countField, max: max)
        guard let p else {
            if n > 0 { throw KCBXError.invalidInput(field: field, rule: "must not be NULL when \(countField) is \(count)") }
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: p, count: n)
    }

    /// An optional C array: nil when `p` is NULL, else `count` (0 ... `max`) elements.
    static func optionalArray<T>(_ p: UnsafePointer<T>?, _ count: Int64, _ field: String, countField: String, max: Int64) throws
        -> UnsafeBufferPointer<T>?
    {
        let n = try Marshal.count(count, countField, max: max)
        guard let p else { return nil }
        return UnsafeBufferPointer(start: p, count: n)
    }

    static func optionalString(_ p: UnsafePointer<CChar>?, _ field: String) throws -> String? {
        guard let p else { return nil }
        guard let s = String(validatingCString: p) else { throw KCBXError.invalidInput(field: field, rule: "must be valid UTF-8") }
        return s
    }

    static func encoding(_ v: Int32) throws -> DateEncoding {
        guard v >= 0, let e = DateEncoding(rawValue: UInt8(truncatingIfNeeded: v)), v <= 1 else {
            throw KCBXError.invalidInput(field: "encoding", rule: "\(v) is not a kcbx_date_encoding (0 YYYYMMDD, 1 day number)")
        }
        return e
    }

    static func groupMask(_ v: UInt32, _ field: String) throws -> [SpecialGroup] {
        let all = SpecialGroup.mask(SpecialGroup.allCases)
        guard v & ~all == 0 else { throw KCBXError.invalidInput(field: field, rule: "unknown group bits 0x\(String(v & ~all, radix: 16))") }
        return SpecialGroup.groups(in: v)
    }
}

private func classifier(_ policy: OpaquePointer?, _ calendar: OpaquePointer?) throws -> Classifier {
    let p = try PolicyHandle.get(policy, "policy")
    let c = try CalendarHandle.get(calendar, "calendar")
    return try Classifier(profile: p.value, calendar: c.value)
}

// MARK: - Calendar

/// Parses and validates a school calendar in JSON (docs/calendar-format.md). Free with kcbx_calendar_free.
/// @param json the calendar JSON.
/// @param out_calendar receives the handle (free with kcbx_calendar_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT naming the field and rule.
@c public func kcbx_calendar_from_json(_ json: UnsafePointer<CChar>?, _ out_calendar: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status
{
    out_calendar?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_calendar, "out_calendar")
        out.pointee = CalendarHandle.make(try SchoolCalendar(json: try Marshal.string(json, "json")))
    }
}

/// Loads and validates a calendar file (JSON, docs/calendar-format.md). Free with kcbx_calendar_free.
/// @param path the calendar file.
/// @param out_calendar receives the handle (free with kcbx_calendar_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_NOT_FOUND for a missing file; KCBX_STATUS_INVALID_INPUT naming the
///        field and rule.
@c public func kcbx_calendar_from_file(_ path: UnsafePointer<CChar>?, _ out_calendar: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status
{
    out_calendar?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_calendar, "out_calendar")
        out.pointee = CalendarHandle.make(try SchoolCalendar.load(path: try Marshal.string(path, "path")))
    }
}

/// A standard school year: autumn term in `school_year`, spring term in the next year. Term
/// dates are YYYYMMDD or 0 for the defaults (1 September, 15 January, 1 March, 10 July); a start
/// on a weekend moves to Monday, an end to Friday. `holiday_from`/`holiday_to` (n_holidays
/// entries, e.g. the State Council's holiday list) and `make_up_days` (n_make_up_days, 调休)
/// may be NULL when their count is 0; entries outside the school year are dropped. Each count is
/// at most 10,000.
/// @param school_year the autumn term's year, e.g. 2025.
/// @param autumn_start YYYYMMDD, 0 for 1 September.
/// @param autumn_end YYYYMMDD, 0 for 15 January.
/// @param spring_start YYYYMMDD, 0 for 1 March.
/// @param spring_end YYYYMMDD, 0 for 10 July.
/// @param holiday_from first day of each holiday; may be NULL when n_holidays is 0.
/// @param holiday_to last day of each holiday; may be NULL when n_holidays is 0.
/// @param n_holidays number of holidays, 0-10,000.
/// @param make_up_days weekend days worked (调休); may be NULL when n_make_up_days is 0.
/// @param n_make_up_days number of make-up days, 0-10,000.
/// @param out_calendar receives the handle (free with kcbx_calendar_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_standard(
    _ school_year: Int32, _ autumn_start: Int32, _ autumn_end: Int32,
    _ spring_start: Int32, _ spring_end: Int32,
    _ holiday_from: UnsafePointer<Int32>?, _ holiday_to: UnsafePointer<Int32>?, _ n_holidays: Int64,
    _ make_up_days: UnsafePointer<Int32>?, _ n_make_up_days: Int64,
    _ out_calendar: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_calendar?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_calendar, "out_calendar")
        guard (1900...9000).contains(school_year) else {
            throw KCBXError.invalidInput(field: "school_year", rule: "\(school_year) is not a plausible school year")
        }
        var y = StandardSchoolYear(schoolYear: Int(school_year))
        func monthDay(_ v: Int32, _ field: String, year: Int) throws -> MonthDay? {
            guard let d = try Marshal.optionalDate(v, field) else { return nil }
            guard d.year == year else { throw KCBXError.invalidInput(field: field, rule: "\(d) must be in \(year)") }
            return MonthDay(d.month, d.day)
        }
        let sy = Int(school_year)
        if let v = try monthDay(autumn_start, "autumn_start", year: sy) { y.autumnStart = v }
        if let v = try monthDay(autumn_end, "autumn_end", year: sy + 1) { y.autumnEnd = v }
        if let v = try monthDay(spring_start, "spring_start", year: sy + 1) { y.springStart = v }
        if let v = try monthDay(spring_end, "spring_end", year: sy + 1) { y.springEnd = v }
        let hf = try Marshal.array(holiday_from, n_holidays, "holiday_from", countField: "n_holidays", max: Limits.calendarEntries)
        let ht = try Marshal.array(holiday_to, n_holidays, "holiday_to", countField: "n_holidays", max: Limits.calendarEntries)
        for i in 0..<hf.count {
            let from = try Marshal.date(hf[i], "holiday_from[\(i)]")
            let to = try Marshal.date(ht[i], "holiday_to[\(i)]")
            y.holidays.append(SchoolHoliday(name: "", span: try DateSpan(from: from, to: to, field: "holiday_to[\(i)]")))
        }
        let mu = try Marshal.array(make_up_days, n_make_up_days, "make_up_days", countField: "n_make_up_days", max: Limits.calendarEntries)
        for i in 0..<mu.count { y.makeUpDays.append(try Marshal.date(mu[i], "make_up_days[\(i)]")) }
        out.pointee = CalendarHandle.make(try SchoolCalendar.standard([y]))
    }
}

/// Adds days off from `from` to `to` (YYYYMMDD, inclusive) named `name` (may be NULL).
/// Do not call while another thread uses the calendar.
/// @param calendar the calendar to change.
/// @param from first day off, YYYYMMDD.
/// @param to last day off, YYYYMMDD.
/// @param name the holiday's name; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_add_holiday(_ calendar: OpaquePointer?, _ from: Int32, _ to: Int32, _ name: UnsafePointer<CChar>?)
    -> kcbx_status
{
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        let span = try DateSpan(from: try Marshal.date(from, "from"), to: try Marshal.date(to, "to"), field: "to")
        try h.value.addHoliday(SchoolHoliday(name: try Marshal.optionalString(name, "name") ?? "", span: span))
    }
}

/// Makes a weekend day inside a term a working day (调休). Do not call while another thread uses the calendar.
/// @param calendar the calendar to change.
/// @param date a weekend day inside a term, YYYYMMDD.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_add_make_up_day(_ calendar: OpaquePointer?, _ date: Int32) -> kcbx_status {
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        try h.value.addMakeUpDay(try Marshal.date(date, "date"))
    }
}

/// `*out_is_school_day` = 1 when `date` (YYYYMMDD) is a school day, else 0 (also outside the calendar).
/// @param calendar the school calendar.
/// @param date YYYYMMDD.
/// @param out_is_school_day receives 1 or 0.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_is_school_day(_ calendar: OpaquePointer?, _ date: Int32, _ out_is_school_day: UnsafeMutablePointer<Int32>?)
    -> kcbx_status
{
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        let d = try Marshal.date(date, "date")
        try Marshal.out(out_is_school_day, "out_is_school_day").pointee = h.value.isSchoolDay(d) ? 1 : 0
    }
}

/// School days from `from` through `through` (YYYYMMDD, both included), in O(1); 0 when
/// `through` is before `from`. Dates outside the calendar are clamped to it.
/// @param calendar the school calendar.
/// @param from first day, YYYYMMDD.
/// @param through last day, YYYYMMDD.
/// @param out_count receives the number of school days.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_count_school_days(
    _ calendar: OpaquePointer?, _ from: Int32, _ through: Int32,
    _ out_count: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        let a = try Marshal.date(from, "from")
        let b = try Marshal.date(through, "through")
        try Marshal.out(out_count, "out_count").pointee = Int64(h.value.schoolDays(from: a, through: b))
    }
}

/// The term containing `date`: its index (-1 in a vacation or outside the calendar), school
/// year, first and last day (0 when none). Out-params may be NULL.
/// @param calendar the school calendar.
/// @param date YYYYMMDD.
/// @param out_index receives the term's index, -1 when none; may be NULL.
/// @param out_school_year receives the school year; may be NULL.
/// @param out_start receives the term's first day; may be NULL.
/// @param out_end receives the term's last day; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_term(
    _ calendar: OpaquePointer?, _ date: Int32, _ out_index: UnsafeMutablePointer<Int64>?,
    _ out_school_year: UnsafeMutablePointer<Int32>?, _ out_start: UnsafeMutablePointer<Int32>?,
    _ out_end: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        let d = try Marshal.date(date, "date")
        let t = h.value.term(containing: d)
        out_index?.pointee = t.flatMap { h.value.terms.firstIndex(of: $0) }.map(Int64.init) ?? -1
        out_school_year?.pointee = t.map { Int32($0.schoolYear) } ?? 0
        out_start?.pointee = t?.start.yyyymmdd ?? 0
        out_end?.pointee = t?.end.yyyymmdd ?? 0
    }
}

/// First and last day the calendar covers (YYYYMMDD). Out-params may be NULL.
/// @param calendar the school calendar.
/// @param out_first receives the first day; may be NULL.
/// @param out_last receives the last day; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_range(
    _ calendar: OpaquePointer?, _ out_first: UnsafeMutablePointer<Int32>?,
    _ out_last: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        out_first?.pointee = h.value.firstDay.yyyymmdd
        out_last?.pointee = h.value.lastDay.yyyymmdd
    }
}

/// The calendar in the file format (docs/calendar-format.md). Free with kcbx_string_free.
/// @param calendar the school calendar.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_calendar_to_json(_ calendar: OpaquePointer?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> kcbx_status
{
    out_json?.pointee = nil
    return guarded {
        let h = try CalendarHandle.get(calendar, "calendar")
        try Marshal.give(h.value.json(), to: try Marshal.out(out_json, "out_json"))
    }
}

/// Frees a calendar. Accepts NULL.
/// @param calendar the calendar to free, or NULL.
@c public func kcbx_calendar_free(_ calendar: OpaquePointer?) { CalendarHandle.release(calendar) }

// MARK: - One child

/// Classifies one child as of `as_of` under `policy` and `calendar`. Of two marks for one day the
/// later in the arrays wins (reported as a conflict). A mark on a day that is not a school day,
/// before birth, or in the future is KCBX_STATUS_INVALID_INPUT naming it.
/// @param policy the profile.
/// @param calendar the school calendar.
/// @param as_of YYYYMMDD, not after today.
/// @param options the child's marks and registry facts (kcbx_classify_options,
///        KCBX_CLASSIFY_OPTIONS_INIT); NULL for a child with no marks and no facts.
/// @param out_classification receives the result (free with kcbx_classification_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad mark, fact or options version;
///         KCBX_STATUS_RULE_VIOLATION for a deferral or suspension without the expert opinion.
@c public func kcbx_classify(
    _ policy: OpaquePointer?, _ calendar: OpaquePointer?, _ as_of: Int32,
    _ options: UnsafePointer<kcbx_classify_options>?,
    _ out_classification: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_classification?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_classification, "out_classification")
        let c = try classifier(policy, calendar)
        let asOf = try Marshal.date(as_of, "as_of")
        let o =
            try Options.read(options, "options", current: KCBX_CLASSIFY_OPTIONS_VERSION, initName: "KCBX_CLASSIFY_OPTIONS_INIT")
            ?? kcbx_classify_options()
        let n_marks = o.n_marks
        let dates = try Marshal.array(o.mark_dates, n_marks, "options.mark_dates", countField: "options.n_marks", max: Limits.childMarks)
        let kinds = try Marshal.array(o.mark_kinds, n_marks, "options.mark_kinds", countField: "options.n_marks", max: Limits.childMarks)
        let lf = try Marshal.optionalArray(
            o.leave_from, n_marks, "options.leave_from", countField: "options.n_marks", max: Limits.childMarks)
        let lt = try Marshal.optionalArray(o.leave_to, n_marks, "options.leave_to", countField: "options.n_marks", max: Limits.childMarks)
        let slips = try Marshal.optionalArray(
            o.leave_slips, n_marks, "options.leave_slips", countField: "options.n_marks", max: Limits.childMarks)
        var marks: [AttendanceMark] = []
        marks.reserveCapacity(dates.count)
        for i in 0..<dates.count {
            let d = try Marshal.date(dates[i], "options.mark_dates[\(i)]")
            let k = try MarkKind(code: Int(kinds[i]), field: "options.mark_kinds[\(i)]")
            var m = AttendanceMark(d, k)
            let from = try lf.flatMap { try Marshal.optionalDate($0[i], "options.leave_from[\(i)]") }
            let to = try lt.flatMap { try Marshal.optionalDate($0[i], "options.leave_to[\(i)]") }
            let slip = try slips.flatMap { try Marshal.optionalString($0[i], "options.leave_slips[\(i)]") }
            if from != nil || to != nil || slip != nil {
                guard k == .approvedLeave else {
                    throw KCBXError.invalidInput(
                        field: "options.leave_from[\(i)]/leave_to[\(i)]/leave_slips[\(i)]",
                        rule: "only an approved-leave mark (kind 1) carries a leave span or slip")
                }
                m.leave = ApprovedLeave(span: try DateSpan(from: from ?? d, to: to ?? d, field: "options.leave_to[\(i)]"), slip: slip)
            }
            marks.append(m)
        }
        var facts = ChildFacts()
        facts.birthDate = try Marshal.optionalDate(o.birth_date, "options.birth_date")
        if o.grade != 0 { facts.grade = Int(o.grade) }
        facts.registration = try RegistrationState(code: Int(o.registration), field: "options.registration")
        facts.registrationDate = try Marshal.optionalDate(o.registration_date, "options.registration_date")
        facts.expertOpinion = try Marshal.optionalString(o.expert_opinion, "options.expert_opinion")
        let bits = ChildFactBits(rawValue: o.fact_bits)
        guard ChildFactBits.known.isSuperset(of: bits) else {
            throw KCBXError.invalidInput(
                field: "options.fact_bits", rule: "unknown bits 0x\(String(o.fact_bits & ~ChildFactBits.known.rawValue, radix: 16))")
        }
        facts.inHouseholdRegistry = !bits.contains(.notInHouseholdRegistry)
        facts.studyingElsewhere = bits.contains(.studyingElsewhere)
        facts.pastDropout = bits.contains(.pastDropout)
        facts.groups = try Marshal.groupMask(o.group_mask, "options.group_mask")
        out.pointee = ClassificationHandle.make(try c.classify(marks, facts: facts, asOf: asOf))
    }
}

/// Status (kcbx_child_status), the date it began (YYYYMMDD, 0 unknown), the deciding rule
/// (kcbx_rule), alert bits (kcbx_alert), risk-flag bits (kcbx_risk_flag) and the proposed reason
/// (kcbx_reason). Out-params may be NULL.
/// @param classification the classification (from kcbx_classify).
/// @param out_status receives the kcbx_child_status; may be NULL.
/// @param out_since receives the date the status began; may be NULL.
/// @param out_rule receives the kcbx_rule; may be NULL.
/// @param out_alerts receives the kcbx_alert bits; may be NULL.
/// @param out_risk_flags receives the kcbx_risk_flag bits; may be NULL.
/// @param out_reason receives the kcbx_reason; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_classification_summary(
    _ classification: OpaquePointer?, _ out_status: UnsafeMutablePointer<Int32>?,
    _ out_since: UnsafeMutablePointer<Int32>?, _ out_rule: UnsafeMutablePointer<Int32>?,
    _ out_alerts: UnsafeMutablePointer<UInt32>?, _ out_risk_flags: UnsafeMutablePointer<UInt32>?,
    _ out_reason: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        out_status?.pointee = kcbx_child_status(c.status).rawValue
        out_since?.pointee = c.since?.yyyymmdd ?? 0
        out_rule?.pointee = kcbx_rule(c.rule).rawValue
        out_alerts?.pointee = c.alerts.rawValue
        out_risk_flags?.pointee = c.riskFlags.rawValue
        out_reason?.pointee = kcbx_reason(c.proposedReason).rawValue
    }
}

/// The open unexcused streak: first day (YYYYMMDD, 0 when none), unexcused school days, clock in
/// counted calendar days, school days on leave (paused) and unmarked (not counted). Out-params may be NULL.
/// @param classification the classification (from kcbx_classify).
/// @param out_start receives the first day; may be NULL.
/// @param out_unexcused_days receives the unexcused school days; may be NULL.
/// @param out_clock_days receives the counted calendar days; may be NULL.
/// @param out_leave_days receives the school days on leave; may be NULL.
/// @param out_unknown_days receives the unmarked school days; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_classification_streak(
    _ classification: OpaquePointer?, _ out_start: UnsafeMutablePointer<Int32>?,
    _ out_unexcused_days: UnsafeMutablePointer<Int64>?, _ out_clock_days: UnsafeMutablePointer<Int64>?,
    _ out_leave_days: UnsafeMutablePointer<Int64>?, _ out_unknown_days: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let s = try ClassificationHandle.get(classification, "classification").value.streak
        out_start?.pointee = s?.start.yyyymmdd ?? 0
        out_unexcused_days?.pointee = Int64(s?.unexcusedSchoolDays ?? 0)
        out_clock_days?.pointee = Int64(s?.clockDays ?? 0)
        out_leave_days?.pointee = Int64(s?.leaveSchoolDays ?? 0)
        out_unknown_days?.pointee = Int64(s?.unknownSchoolDays ?? 0)
    }
}

/// The current term so far: school days, unexcused ones, unmarked ones (missing attendance) and
/// the number of duplicate marks resolved. Out-params may be NULL.
/// @param classification the classification (from kcbx_classify).
/// @param out_school_days receives the school days; may be NULL.
/// @param out_unexcused_days receives the unexcused days; may be NULL.
/// @param out_missing_days receives the unmarked days; may be NULL.
/// @param out_conflicts receives the duplicate marks resolved; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_classification_term(
    _ classification: OpaquePointer?, _ out_school_days: UnsafeMutablePointer<Int64>?,
    _ out_unexcused_days: UnsafeMutablePointer<Int64>?, _ out_missing_days: UnsafeMutablePointer<Int64>?,
    _ out_conflicts: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        out_school_days?.pointee = Int64(c.termSchoolDays)
        out_unexcused_days?.pointee = Int64(c.termUnexcusedDays)
        out_missing_days?.pointee = Int64(c.missingDates.count)
        out_conflicts?.pointee = Int64(c.conflicts.count)
    }
}

/// The deciding rule in words: parameter, value, provenance, seed citation and the evidence.
/// Free with kcbx_string_free.
/// @param classification the classification (from kcbx_classify).
/// @param out_text receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_classification_rule_text(
    _ classification: OpaquePointer?, _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_text?.pointee = nil
    return guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        try Marshal.give(c.ruleText, to: try Marshal.out(out_text, "out_text"))
    }
}

/// Why risk flag `flag` (one kcbx_risk_flag bit) was raised. KCBX_STATUS_NOT_FOUND when it was
/// not raised. Free with kcbx_string_free.
/// @param classification the classification (from kcbx_classify).
/// @param flag one kcbx_risk_flag bit.
/// @param out_text receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_NOT_FOUND when the flag was not raised; KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_classification_risk_why(
    _ classification: OpaquePointer?, _ flag: Int32,
    _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_text?.pointee = nil
    return guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        let out = try Marshal.out(out_text, "out_text")
        guard let known = RiskFlags.all.first(where: { Int32($0.0.rawValue) == flag }) else {
            throw KCBXError.invalidInput(field: "flag", rule: "\(flag) is not a single kcbx_risk_flag bit")
        }
        guard let finding = c.risks.first(where: { $0.flag == known.0 }) else {
            throw KCBXError.notFound(what: "risk flag", name: "\(known.1) (not raised for this child)")
        }
        try Marshal.give(finding.why, to: out)
    }
}

/// The `index`-th school day without a mark (YYYYMMDD), 0 <= index < missing days.
/// @param classification the classification (from kcbx_classify).
/// @param index 0-based index.
/// @param out_date receives the date, YYYYMMDD.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for an index out of range.
@c public func kcbx_classification_missing_date(_ classification: OpaquePointer?, _ index: Int64, _ out_date: UnsafeMutablePointer<Int32>?)
    -> kcbx_status
{
    guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        guard index >= 0, index < Int64(c.missingDates.count) else {
            throw KCBXError.invalidInput(field: "index", rule: "\(index) is not in 0..<\(c.missingDates.count)")
        }
        try Marshal.out(out_date, "out_date").pointee = c.missingDates[Int(index)].yyyymmdd
    }
}

/// The `index`-th duplicate mark: its date, the dropped and the kept kind (kcbx_mark_kind) and
/// their positions in the input arrays. Out-params may be NULL.
/// @param classification the classification (from kcbx_classify).
/// @param index 0-based index.
/// @param out_date receives the date; may be NULL.
/// @param out_replaced_kind receives the dropped kcbx_mark_kind; may be NULL.
/// @param out_kept_kind receives the kept kcbx_mark_kind; may be NULL.
/// @param out_replaced_index receives the dropped mark's input position; may be NULL.
/// @param out_kept_index receives the kept mark's input position; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for an index out of range.
@c public func kcbx_classification_conflict(
    _ classification: OpaquePointer?, _ index: Int64, _ out_date: UnsafeMutablePointer<Int32>?,
    _ out_replaced_kind: UnsafeMutablePointer<Int32>?, _ out_kept_kind: UnsafeMutablePointer<Int32>?,
    _ out_replaced_index: UnsafeMutablePointer<Int64>?, _ out_kept_index: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        guard index >= 0, index < Int64(c.conflicts.count) else {
            throw KCBXError.invalidInput(field: "index", rule: "\(index) is not in 0..<\(c.conflicts.count)")
        }
        let k = c.conflicts[Int(index)]
        out_date?.pointee = k.date.yyyymmdd
        out_replaced_kind?.pointee = kcbx_mark_kind(k.replaced).rawValue
        out_kept_kind?.pointee = kcbx_mark_kind(k.kept).rawValue
        out_replaced_index?.pointee = Int64(k.replacedIndex)
        out_kept_index?.pointee = Int64(k.keptIndex)
    }
}

/// The whole classification as JSON (status, since, rule, evidence, alerts, risk reasons,
/// missing dates, conflicts). Free with kcbx_string_free.
/// @param classification the classification (from kcbx_classify).
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_classification_to_json(
    _ classification: OpaquePointer?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let c = try ClassificationHandle.get(classification, "classification").value
        try Marshal.give(c.json(), to: try Marshal.out(out_json, "out_json"))
    }
}

/// Frees a classification. Accepts NULL.
/// @param classification the classification to free, or NULL.
@c public func kcbx_classification_free(_ classification: OpaquePointer?) { ClassificationHandle.release(classification) }

/// The reason code proposed for an out-of-school child born `birth_date` on `on_date` (YYYYMMDD):
/// KCBX_REASON_A (primary age) or KCBX_REASON_B (junior age), KCBX_REASON_NONE when not of
/// compulsory school age.
/// @param birth_date YYYYMMDD.
/// @param on_date YYYYMMDD.
/// @param out_reason receives the kcbx_reason.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_reason_for_out_of_school(_ birth_date: Int32, _ on_date: Int32, _ out_reason: UnsafeMutablePointer<Int32>?)
    -> kcbx_status
{
    guarded {
        let b = try Marshal.date(birth_date, "birth_date")
        let on = try Marshal.date(on_date, "on_date")
        guard on >= b else { throw KCBXError.invalidInput(field: "on_date", rule: "\(on) is before birth_date \(b)") }
        let r = ReasonCode.outOfSchool(birthDate: b, on: on)
        try Marshal.out(out_reason, "out_reason").pointee = kcbx_reason(r).rawValue
    }
}

/// A rule (kcbx_rule) in words under `policy`: parameter, value and citation. Free with kcbx_string_free.
/// @param policy the policy profile.
/// @param rule the kcbx_rule.
/// @param out_text receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_rule_describe(_ policy: OpaquePointer?, _ rule: Int32, _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> kcbx_status
{
    out_text?.pointee = nil
    return guarded {
        let p = try PolicyHandle.get(policy, "policy")
        guard rule >= 0, rule <= 255, let r = ClassificationRule(rawValue: UInt8(rule)) else {
            throw KCBXError.invalidInput(field: "rule", rule: "\(rule) is not a kcbx_rule")
        }
        try Marshal.give(r.describe(in: p.value), to: try Marshal.out(out_text, "out_text"))
    }
}

// MARK: - Bulk

/// Classifies every child in one call from columns (kcbx_classify_many_options): any order of
/// marks, fastest grouped by child and sorted by date. The first bad mark (lowest index) or child
/// (lowest row) fails the call with a message naming it. At most 100,000,000 children and
/// 2,147,483,646 marks per call (KCBX_STATUS_INVALID_INPUT beyond); when the memory for the table
/// cannot be had the call returns KCBX_STATUS_STORAGE ("out of memory ...") rather than aborting.
/// @param policy the profile.
/// @param calendar the school calendar.
/// @param as_of YYYYMMDD (every other date is in `options->encoding`).
/// @param options the child and mark columns (KCBX_CLASSIFY_MANY_OPTIONS_INIT); NULL for none
///        (an empty table).
/// @param out_table receives the table (free with kcbx_table_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_STORAGE when out of memory.
@c public func kcbx_classify_many(
    _ policy: OpaquePointer?, _ calendar: OpaquePointer?, _ as_of: Int32,
    _ options: UnsafePointer<kcbx_classify_many_options>?,
    _ out_table: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_table?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_table, "out_table")
        let c = try classifier(policy, calendar)
        let asOf = try Marshal.date(as_of, "as_of")
        let o =
            try Options.read(
                options, "options", current: KCBX_CLASSIFY_MANY_OPTIONS_VERSION,
                initName: "KCBX_CLASSIFY_MANY_OPTIONS_INIT") ?? kcbx_classify_many_options()
        let enc = try Marshal.encoding(o.encoding)
        let n_children = o.n_children
        let n_marks = o.n_marks
        let nChildren = try Marshal.count(n_children, "options.n_children", max: Int64(ChildColumns.maxCount))
        func col<T>(_ p: UnsafePointer<T>?, _ name: String) throws -> UnsafeBufferPointer<T>? {
            try Marshal.optionalArray(p, n_children, "options.\(name)", countField: "options.n_children", max: Int64(ChildColumns.maxCount))
        }
        func markCol<T>(_ p: UnsafePointer<T>?, _ name: String) throws -> UnsafeBufferPointer<T> {
            try Marshal.array(p, n_marks, "options.\(name)", countField: "options.n_marks", max: Int64(MarkColumns.maxCount))
        }
        func optionalMarkCol<T>(_ p: UnsafePointer<T>?, _ name: String) throws -> UnsafeBufferPointer<T>? {
            try Marshal.optionalArray(p, n_marks, "options.\(name)", countField: "options.n_marks", max: Int64(MarkColumns.maxCount))
        }
        let opinions = try col(o.expert_opinions, "expert_opinions")
        if let opinions {
            for i in 0..<opinions.count { _ = try Marshal.optionalString(opinions[i], "options.expert_opinions[\(i)]") }
        }
        let children = ChildColumns(
            count: nChildren, ids: try col(o.child_ids, "child_ids"), birthDate: try col(o.birth_dates, "birth_dates"),
            grade: try col(o.grades, "grades"), registration: try col(o.registrations, "registrations"),
            registrationDate: try col(o.registration_dates, "registration_dates"),
            factBits: try col(o.fact_bits, "fact_bits"), groupMask: try col(o.group_masks, "group_masks"),
            expertOpinion: opinions.map { o in { i in o[i].flatMap { String(validatingCString: $0) } } },
            encoding: enc)
        let marks = MarkColumns(
            child: try markCol(o.mark_child, "mark_child"), date: try markCol(o.mark_dates, "mark_dates"),
            kind: try markCol(o.mark_kinds, "mark_kinds"), leaveFrom: try optionalMarkCol(o.leave_from, "leave_from"),
            leaveTo: try optionalMarkCol(o.leave_to, "leave_to"), encoding: enc)
        out.pointee = TableHandle.make(try c.classifyMany(children: children, marks: marks, asOf: asOf))
    }
}

/// Number of rows (children) of a table.
/// @param table the classification table.
/// @param out_rows receives the number of rows.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_table_rows(_ table: OpaquePointer?, _ out_rows: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded {
        let t = try TableHandle.get(table, "table").value
        try Marshal.out(out_rows, "out_rows").pointee = Int64(t.rows)
    }
}

private func tableColumn(_ v: Int32) throws -> TableColumn {
    guard v >= 0, v <= 255, let c = TableColumn(rawValue: UInt8(v)) else {
        throw KCBXError.invalidInput(field: "column", rule: "\(v) is not a kcbx_table_column")
    }
    return c
}

/// Copies a column (every kcbx_table_column but KCBX_TABLE_COLUMN_CHILD_ID) into `out_values`,
/// which must hold `capacity` >= rows entries; dates in `encoding` (no date: 0 or INT32_MIN).
/// @param table the classification table.
/// @param column the kcbx_table_column.
/// @param encoding kcbx_date_encoding of date columns.
/// @param out_values the host's array of `capacity` entries.
/// @param capacity entries `out_values` can hold (at least the rows).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT (also when capacity is below the rows).
@c public func kcbx_table_copy_column(
    _ table: OpaquePointer?, _ column: Int32, _ encoding: Int32,
    _ out_values: UnsafeMutablePointer<Int32>?, _ capacity: Int64
) -> kcbx_status {
    guarded {
        let t = try TableHandle.get(table, "table").value
        let col = try tableColumn(column)
        guard col != .childID else {
            throw KCBXError.invalidInput(field: "column", rule: "child ids are int64: use kcbx_table_copy_child_ids")
        }
        let enc = try Marshal.encoding(encoding)
        let out = try Marshal.out(out_values, "out_values")
        guard capacity >= Int64(t.rows) else {
            throw KCBXError.invalidInput(field: "capacity", rule: "\(capacity) is less than the \(t.rows) rows")
        }
        t.copy(col, into: UnsafeMutableBufferPointer(start: out, count: t.rows), dates: enc)
    }
}

/// Copies the child ids into `out_ids` (capacity >= rows).
/// @param table the classification table.
/// @param out_ids the host's array of `capacity` entries.
/// @param capacity entries `out_ids` can hold (at least the rows).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT (also when capacity is below the rows).
@c public func kcbx_table_copy_child_ids(_ table: OpaquePointer?, _ out_ids: UnsafeMutablePointer<Int64>?, _ capacity: Int64) -> kcbx_status
{
    guarded {
        let t = try TableHandle.get(table, "table").value
        let out = try Marshal.out(out_ids, "out_ids")
        guard capacity >= Int64(t.rows) else {
            throw KCBXError.invalidInput(field: "capacity", rule: "\(capacity) is less than the \(t.rows) rows")
        }
        t.copyChildIDs(into: UnsafeMutableBufferPointer(start: out, count: t.rows))
    }
}

/// One cell; dates as YYYYMMDD (0 = none).
/// @param table the classification table.
/// @param row 0-based row.
/// @param column the kcbx_table_column.
/// @param out_value receives the value.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a row or column out of range.
@c public func kcbx_table_value(_ table: OpaquePointer?, _ row: Int64, _ column: Int32, _ out_value: UnsafeMutablePointer<Int64>?)
    -> kcbx_status
{
    guarded {
        let t = try TableHandle.get(table, "table").value
        let col = try tableColumn(column)
        let out = try Marshal.out(out_value, "out_value")
        let v = try t.value(col, row: Int(row))
        if col.isDate {
            out.pointee = v == Int64(Int32.min) ? 0 : Int64(CivilDate(dayNumber: Int32(clamping: v)).yyyymmdd)
        } else {
            out.pointee = v
        }
    }
}

/// Number of rows with `status` (kcbx_child_status).
/// @param table the classification table.
/// @param status the kcbx_child_status.
/// @param out_count receives the count.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_table_count(_ table: OpaquePointer?, _ status: Int32, _ out_count: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded {
        let t = try TableHandle.get(table, "table").value
        guard status >= 0, status <= 255, let s = ChildStatus(rawValue: UInt8(status)) else {
            throw KCBXError.invalidInput(field: "status", rule: "\(status) is not a kcbx_child_status")
        }
        try Marshal.out(out_count, "out_count").pointee = Int64(t.count(s))
    }
}

/// Number of duplicate marks resolved over the whole input.
/// @param table the classification table.
/// @param out_count receives the count.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_table_conflict_count(_ table: OpaquePointer?, _ out_count: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded {
        let t = try TableHandle.get(table, "table").value
        try Marshal.out(out_count, "out_count").pointee = Int64(t.conflicts.count)
    }
}

/// The `index`-th duplicate mark: the child's row, the date (YYYYMMDD) and the input positions of
/// the dropped and the kept mark. Out-params may be NULL.
/// @param table the classification table.
/// @param index 0-based index.
/// @param out_row receives the child's row; may be NULL.
/// @param out_date receives the date; may be NULL.
/// @param out_replaced_mark receives the dropped mark's input position; may be NULL.
/// @param out_kept_mark receives the kept mark's input position; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for an index out of range.
@c public func kcbx_table_conflict(
    _ table: OpaquePointer?, _ index: Int64, _ out_row: UnsafeMutablePointer<Int64>?,
    _ out_date: UnsafeMutablePointer<Int32>?, _ out_replaced_mark: UnsafeMutablePointer<Int64>?,
    _ out_kept_mark: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let t = try TableHandle.get(table, "table").value
        guard index >= 0, index < Int64(t.conflicts.count) else {
            throw KCBXError.invalidInput(field: "index", rule: "\(index) is not in 0..<\(t.conflicts.count)")
        }
        let k = t.conflicts[Int(index)]
        out_row?.pointee = Int64(k.row)
        out_date?.pointee = k.date.yyyymmdd
        out_replaced_mark?.pointee = Int64(k.replacedMark)
        out_kept_mark?.pointee = Int64(k.keptMark)
    }
}

/// Frees a classification table. Accepts NULL.
/// @param table the table to free, or NULL.
@c public func kcbx_table_free(_ table: OpaquePointer?) { TableHandle.release(table) }
