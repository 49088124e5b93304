import KCBXCTypes
import KCBXCore

typealias LedgerHandle = Handle<Ledger>

/// Case kinds (DOMAIN.md §2, §4).
@c public enum kcbx_case_kind: Int32 {
    /// 失学: no student registration.
    case outOfSchool = 1
    /// 疑似辍学.
    case suspectedDropout = 2
    /// 辍学.
    case dropout = 3
}

/// Case statuses: suspected → verified | dismissed → persuading → returned → closed; deferred / suspended are exempt.
@c public enum kcbx_case_status: Int32 {
    case suspected = 1
    case verified = 2
    case dismissed = 3
    case persuading = 4
    case returned = 5
    case closed = 6
    case deferred = 7
    case suspended = 8
}

enum LedgerMarshal {
    /// The actor of kcbx_ledger_open and kcbx_ledger_change_profile: a kcbx_actor of a known
    /// version (`role` may be NULL); errors name `actor.<field>`.
    static func actor(_ p: UnsafePointer<kcbx_actor>?) throws -> LedgerActor {
        guard let a = try Options.read(p, "actor", current: KCBX_ACTOR_VERSION, initName: "KCBX_ACTOR_INIT") else {
            throw KCBXError.invalidInput(field: "actor", rule: "must not be NULL (a kcbx_actor initialised with KCBX_ACTOR_INIT)")
        }
        return try LedgerActor(
            level: try Marshal.string(a.level, "actor.level"), unitCode: try Marshal.string(a.unit_code, "actor.unit_code"),
            person: try Marshal.string(a.person, "actor.person"), role: try text(a.role, "actor.role"))
    }

    /// `full_ids`: 0 (masked) or 1 (full resident IDs, `Ledger.disclosure` decides).
    static func fullIDs(_ v: Int32) throws -> Bool {
        guard v == 0 || v == 1 else { throw KCBXError.invalidInput(field: "full_ids", rule: "must be 0 or 1, got \(v)") }
        return v == 1
    }

    /// NULL reads as "".
    static func text(_ p: UnsafePointer<CChar>?, _ field: String) throws -> String {
        p == nil ? "" : try Marshal.string(p, field)
    }

    static func code<T: RawRepresentable & CaseIterable>(_ p: UnsafePointer<CChar>?, _ field: String) throws -> T
    where T.RawValue == String {
        let s = try Marshal.string(p, field)
        guard let v = T(rawValue: s) else {
            throw KCBXError.invalidInput(field: field, rule: "'\(s)' must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    static func filter(_ p: UnsafePointer<CChar>?) throws -> LedgerCaseFilter {
        p == nil ? LedgerCaseFilter() : try LedgerCaseFilter(json: try Marshal.string(p, "filter_json"))
    }

    static func caseID(_ v: Int64) throws -> Int64 {
        guard v > 0 else { throw KCBXError.invalidInput(field: "case_id", rule: "must be a positive case id, got \(v)") }
        return v
    }

    /// Runs an import: `*out` (may be NULL) gets the result, also for a batch refused for bad rows
    /// (then holding the problems); NULL for any other failure.
    static func runImport(
        _ out: UnsafeMutablePointer<OpaquePointer?>?, _ kind: ImportOutcome.Kind,
        _ body: (inout [LedgerRowProblem]) throws -> ImportOutcome
    ) -> kcbx_status {
        out?.pointee = nil
        var problems: [LedgerRowProblem] = []
        let status = guarded {
            let outcome = try body(&problems)
            out?.pointee = ImportResultHandle.make(outcome)
        }
        if status != .ok, !problems.isEmpty, let out {
            out.pointee = ImportResultHandle.make(ImportOutcome(kind: kind, problems: problems))
        }
        return status
    }

    static func caseOp(_ ledger: OpaquePointer?, _ body: (Ledger) throws -> Void) -> kcbx_status {
        guarded { try body(try LedgerHandle.get(ledger, "ledger").value) }
    }
}

/// Opens (creating when missing) the ledger file at `path` under `policy`, acting as `actor`.
/// Free with kcbx_ledger_free.
/// @param path the ledger file (an SQLite database; created when missing).
/// @param policy the profile in force; must match the profile the ledger records (else
///        KCBX_STATUS_RULE_VIOLATION: record a change with kcbx_ledger_change_profile).
/// @param actor who acts (kcbx_actor, KCBX_ACTOR_INIT); every event records it.
/// @param out_ledger receives the handle.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT (a field of the actor is named `actor.<field>`);
///         KCBX_STATUS_RULE_VIOLATION; KCBX_STATUS_STORAGE when the file cannot be opened.
@c public func kcbx_ledger_open(
    _ path: UnsafePointer<CChar>?, _ policy: OpaquePointer?, _ actor: UnsafePointer<kcbx_actor>?,
    _ out_ledger: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_ledger?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_ledger, "out_ledger")
        let p = try Marshal.string(path, "path")
        let profile = try PolicyHandle.get(policy, "policy").value
        let a = try LedgerMarshal.actor(actor)
        out.pointee = LedgerHandle.make(try Ledger(path: p, policy: profile, actor: a))
    }
}

/// Initialises `*actor` with the defaults of `version` (KCBX_ACTOR_VERSION): every field NULL.
/// @param actor the struct to fill; must not be NULL.
/// @param version KCBX_ACTOR_VERSION; another is KCBX_STATUS_INVALID_INPUT.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_actor_init(_ actor: UnsafeMutablePointer<kcbx_actor>?, _ version: UInt32) -> kcbx_status {
    guarded {
        try Options.initialise(
            actor, version, current: KCBX_ACTOR_VERSION, initName: "KCBX_ACTOR_INIT", zero: kcbx_actor(),
            field: "actor")
    }
}

/// Closes the ledger and frees its handle. Accepts NULL.
/// @param ledger the ledger to close, or NULL.
@c public func kcbx_ledger_free(_ ledger: OpaquePointer?) { LedgerHandle.release(ledger) }

/// Imports roster rows from a CSV file (UTF-8, optional BOM; columns in docs/ledger.md), all or
/// nothing; rows numbered as a spreadsheet shows them (header = row 1).
/// @param ledger the ledger (the actor must cover every row's school or unit).
/// @param path the CSV file.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_import_students_csv(
    _ ledger: OpaquePointer?, _ path: UnsafePointer<CChar>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    LedgerMarshal.runImport(out_import_result, .roster) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        return importReport(try l.importStudentsCSV(path: try Marshal.string(path, "path"), problems: &problems))
    }
}

/// Imports roster rows from a JSON array of objects keyed by the CSV column names; as
/// kcbx_ledger_import_students_csv, rows numbered from 1.
/// @param ledger the ledger.
/// @param json the array of roster objects.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_import_students_json(
    _ ledger: OpaquePointer?, _ json: UnsafePointer<CChar>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    LedgerMarshal.runImport(out_import_result, .roster) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        return importReport(try l.importStudentsJSON(try Marshal.string(json, "json"), problems: &problems))
    }
}

/// Imports `count` attendance marks from parallel arrays, all or nothing (rows numbered from 1).
/// Needs the school calendar.
/// @param ledger the ledger.
/// @param count number of marks, 0-50,000,000.
/// @param students the student keys (resident ID or L number); may be NULL when count is 0.
/// @param dates the mark dates, YYYYMMDD; may be NULL when count is 0.
/// @param kinds kcbx_mark_kind of each mark (0 present, 1 approved leave, 2 unexcused, 3 late,
///        4 left early); may be NULL when count is 0.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_import_marks(
    _ ledger: OpaquePointer?, _ count: Int64,
    _ students: UnsafePointer<UnsafePointer<CChar>?>?, _ dates: UnsafePointer<Int32>?,
    _ kinds: UnsafePointer<Int8>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    LedgerMarshal.runImport(out_import_result, .marks) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        guard count >= 0, count <= 50_000_000 else {
            throw KCBXError.invalidInput(field: "count", rule: "must be 0-50000000, got \(count)")
        }
        let n = Int(count)
        guard n > 0 else { return marksReport(try l.importMarks(students: [], dates: [], kinds: [], problems: &problems)) }
        guard let students, let dates, let kinds else {
            throw KCBXError.invalidInput(
                field: students == nil ? "students" : dates == nil ? "dates" : "kinds", rule: "must not be NULL when count > 0")
        }
        // Streamed from the caller's arrays as bytes: no copy of the batch, no String per value.
        return marksReport(
            try l.importMarkColumns(problems: &problems) { add in
                for i in 0..<n { try add(i + 1, try Marshal.utf8(students[i], "students[\(i)]"), dates[i], Int(kinds[i])) }
            })
    }
}

/// Imports attendance marks from a CSV file (columns student,date,kind[,leave_from,leave_to,slip]);
/// as kcbx_ledger_import_marks, rows numbered as a spreadsheet shows them (header = row 1).
/// @param ledger the ledger.
/// @param path the CSV file.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_import_marks_csv(
    _ ledger: OpaquePointer?, _ path: UnsafePointer<CChar>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    LedgerMarshal.runImport(out_import_result, .marks) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        return marksReport(try l.importMarksCSV(path: try Marshal.string(path, "path"), problems: &problems))
    }
}

/// Sets the school calendar (calendar file format JSON, docs/calendar-format.md); county level or
/// above. `*out_changed` (may be NULL) is 0 when the same calendar was already set.
/// @param ledger the ledger.
/// @param json the calendar JSON.
/// @param out_changed receives 1 when the calendar changed, 0 when it was already set; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED below county level.
@c public func kcbx_ledger_set_calendar_json(
    _ ledger: OpaquePointer?, _ json: UnsafePointer<CChar>?,
    _ out_changed: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let changed = try l.setCalendar(try SchoolCalendar(json: try Marshal.string(json, "json")))
        out_changed?.pointee = changed ? 1 : 0
    }
}

/// Sets the school calendar from a calendar handle (kcbx_calendar_*); as kcbx_ledger_set_calendar_json.
/// @param ledger the ledger.
/// @param calendar the school calendar.
/// @param out_changed receives 1 when the calendar changed, 0 when it was already set; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED below county level.
@c public func kcbx_ledger_set_calendar(
    _ ledger: OpaquePointer?, _ calendar: OpaquePointer?,
    _ out_changed: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let changed = try l.setCalendar(try Handle<SchoolCalendar>.get(calendar, "calendar").value)
        out_changed?.pointee = changed ? 1 : 0
    }
}

/// Opens a case for a student; a child with an earlier closed case gets a case flagged as a
/// relapse (反弹).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param student the student's key (resident ID or L number).
/// @param kind "out_of_school", "suspected_dropout" or "dropout".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @param out_case_id receives the new case's id; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_RULE_VIOLATION (e.g. an out-of-school
///         case for a child not of school age); KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_open(
    _ ledger: OpaquePointer?, _ student: UnsafePointer<CChar>?, _ kind: UnsafePointer<CChar>?,
    _ date: Int32, _ note: UnsafePointer<CChar>?, _ out_case_id: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        let k: LedgerCaseKind = try LedgerMarshal.code(kind, "kind")
        let c = try l.openCase(
            student: try Marshal.string(student, "student"), kind: k, on: try Marshal.date(date, "date"),
            note: try LedgerMarshal.text(note, "note"))
        out_case_id?.pointee = c.id
    }
}

/// Verifies a suspected case with its reason code (seed 001 附件1).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param reason "A".."T".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///         KCBX_STATUS_RULE_VIOLATION when the lifecycle refuses it; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_verify(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ reason: UnsafePointer<CChar>?,
    _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        try l.verifyCase(
            try LedgerMarshal.caseID(case_id), reason: try ReasonCode(code: try Marshal.string(reason, "reason")),
            on: try Marshal.date(date, "date"), note: try LedgerMarshal.text(note, "note"))
    }
}

/// Dismisses a suspected case.
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param why "transferred", "studying_elsewhere" or "data_error".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///         KCBX_STATUS_RULE_VIOLATION when the lifecycle refuses it; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_dismiss(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ why: UnsafePointer<CChar>?,
    _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        try l.dismissCase(
            try LedgerMarshal.caseID(case_id), why: try LedgerMarshal.code(why, "why"),
            on: try Marshal.date(date, "date"), note: try LedgerMarshal.text(note, "note"))
    }
}

/// Starts or resumes persuasion (劝返).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param plan the per-child plan (一人一案); may be NULL unless the profile requires it (per_child_plan).
/// @param person the assigned person (人盯人); may be NULL unless the profile requires it (one_to_one_assignment).
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///         KCBX_STATUS_RULE_VIOLATION when the lifecycle refuses it; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_persuade(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ plan: UnsafePointer<CChar>?,
    _ person: UnsafePointer<CChar>?, _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        try l.startPersuasion(
            try LedgerMarshal.caseID(case_id), plan: try LedgerMarshal.text(plan, "plan"),
            person: try LedgerMarshal.text(person, "person"), on: try Marshal.date(date, "date"),
            note: try LedgerMarshal.text(note, "note"))
    }
}

/// Records the child's return (复学) and placement (安置, 000 二（四）).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param school the school the child returned to.
/// @param placement "original_school", "other_school", "special_school", "regular_class",
///        "home_delivered" or "separate_class".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///         KCBX_STATUS_RULE_VIOLATION when the lifecycle refuses it; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_return(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ school: UnsafePointer<CChar>?,
    _ placement: UnsafePointer<CChar>?, _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        try l.recordReturn(
            try LedgerMarshal.caseID(case_id), school: try Marshal.string(school, "school"),
            placement: try LedgerMarshal.code(placement, "placement"), on: try Marshal.date(date, "date"),
            note: try LedgerMarshal.text(note, "note"))
    }
}

/// Closes (销号) a returned case when the child stayed: attended at least closure_attended_days of
/// the closure_window_days school days from the return (稳得住, 000 三（二）).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_RULE_VIOLATION when closing early (the counts in the message);
///         KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_close(_ ledger: OpaquePointer?, _ case_id: Int64, _ date: Int32, _ note: UnsafePointer<CChar>?)
    -> kcbx_status
{
    LedgerMarshal.caseOp(ledger) { l in
        try l.closeCase(try LedgerMarshal.caseID(case_id), asOf: try Marshal.date(date, "date"), note: try LedgerMarshal.text(note, "note"))
    }
}

/// Puts a case in an exempt state (seed 002: refused without the expert panel's opinion).
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param exemption "deferred" (缓学) or "suspended" (休学).
/// @param opinion the expert panel's opinion reference; required.
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///         KCBX_STATUS_RULE_VIOLATION when the lifecycle refuses it; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_exempt(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ exemption: UnsafePointer<CChar>?,
    _ opinion: UnsafePointer<CChar>?, _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        try l.exemptCase(
            try LedgerMarshal.caseID(case_id), try LedgerMarshal.code(exemption, "exemption"),
            opinion: try LedgerMarshal.text(opinion, "opinion"), on: try Marshal.date(date, "date"),
            note: try LedgerMarshal.text(note, "note"))
    }
}

/// Records an action on case `case_id` on `date`: the one write path for actions
/// (`Ledger.recordAction`; ABI 1's kcbx_due_record_action is this function).
/// @param ledger the ledger.
/// @param case_id the case.
/// @param action "home_visit", "guardian_contact", "guardian_refusal" (starts the four steps),
///        "education", "return_notice", "administrative_penalty", "court_application" (the four
///        steps, refused out of order with KCBX_STATUS_RULE_VIOLATION: 004 二（七）4),
///        "persuasion_visit", "cross_region_letter", "expert_assessment", "three_line_report",
///        "referral" or "note".
/// @param department for a "referral" the department referred to (e.g. "police"); else NULL.
/// @param date YYYYMMDD.
/// @param note may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_RULE_VIOLATION;
///         KCBX_STATUS_PERMISSION_DENIED outside the actor's jurisdiction.
@c public func kcbx_ledger_case_action(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ action: UnsafePointer<CChar>?,
    _ department: UnsafePointer<CChar>?, _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let a: LedgerAction = try LedgerMarshal.code(action, "action")
        let d: Department? = department == nil ? nil : try LedgerMarshal.code(department, "department")
        try l.recordAction(
            try LedgerMarshal.caseID(case_id), a, department: d, on: try Marshal.date(date, "date"),
            note: try LedgerMarshal.text(note, "note"))
    }
}

/// A case's status and kind.
/// @param ledger the ledger (the actor must cover the case's school or unit).
/// @param case_id the case (positive).
/// @param out_status receives the kcbx_case_status; may be NULL.
/// @param out_kind receives the kcbx_case_kind; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_status(
    _ ledger: OpaquePointer?, _ case_id: Int64,
    _ out_status: UnsafeMutablePointer<Int32>?, _ out_kind: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    LedgerMarshal.caseOp(ledger) { l in
        let c = try l.ledgerCase(try LedgerMarshal.caseID(case_id))
        out_status?.pointee = kcbx_case_status(c.status).rawValue
        out_kind?.pointee = kcbx_case_kind(c.kind).rawValue
    }
}

/// Cases matching `filter_json` (NULL = all; keys in docs/ledger.md) within the actor's
/// jurisdiction, as a JSON array into `*out_json` (free with kcbx_string_free). Student keys are
/// masked unless the filter has "full_ids": true and the actor is county level or above
/// (recorded; refused and recorded below county).
/// @param ledger the ledger.
/// @param filter_json NULL for all, else the filter object of docs/ledger.md.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED (full IDs below county
///        level, or outside the jurisdiction).
@c public func kcbx_ledger_cases_json(
    _ ledger: OpaquePointer?, _ filter_json: UnsafePointer<CChar>?,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        try Marshal.give(
            JSONValue.array(try l.cases(try LedgerMarshal.filter(filter_json)).map(\.jsonValue)).serialized(pretty: false), to: out)
    }
}

/// A case's full history (every event, oldest first, with actor, time, reason and payload) as a
/// JSON array into `*out_json` (free with kcbx_string_free); resident IDs masked unless `full_ids`
/// is 1 and the actor is county level or above (recorded; refused and recorded below county).
/// @param ledger the ledger.
/// @param case_id the case (positive).
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///        KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_history_json(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ full_ids: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        let events = try l.history(case: try LedgerMarshal.caseID(case_id), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try Marshal.give(JSONValue.array(events.map(\.jsonValue)).serialized(pretty: false), to: out)
    }
}

/// Writes an export to `path` as CSV (UTF-8 BOM, CRLF): `format` "guyuan-attachment-2" (seed 001
/// 附件2) or "baiyin-attachment-4" (seed 000 附件4). IDs are masked unless `full_ids` is 1 and the
/// actor is county level or above (otherwise refused and recorded). `as_of` (YYYYMMDD, 0 = today)
/// dates ages. `*out_rows` (may be NULL) receives the number of data rows. Cells beginning with
/// = + - @ tab or CR are prefixed with ' (CSV injection). File policy (every KCBX file output):
/// only a regular file or a new name is written — a symlink, FIFO, device or directory at `path`
/// is refused and left alone; a read-only file is refused; the file keeps its mode (new: 0644
/// less umask); content goes to a temporary file in the same directory and is renamed over `path`.
/// @param ledger the ledger.
/// @param format "guyuan-attachment-2" or "baiyin-attachment-4".
/// @param filter_json NULL for all, else the filter object of docs/ledger.md.
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param as_of YYYYMMDD, 0 for today.
/// @param path the CSV file to write.
/// @param out_rows receives the number of data rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad argument or a refused path; KCBX_STATUS_STORAGE
///        when writing fails. KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_export_csv(
    _ ledger: OpaquePointer?, _ format: UnsafePointer<CChar>?, _ filter_json: UnsafePointer<CChar>?,
    _ full_ids: Int32, _ as_of: Int32, _ path: UnsafePointer<CChar>?,
    _ out_rows: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let f: LedgerExportFormat = try LedgerMarshal.code(format, "format")
        let n = try l.exportCSV(
            f, to: try Marshal.string(path, "path"), filter: try LedgerMarshal.filter(filter_json),
            fullIDs: try LedgerMarshal.fullIDs(full_ids), asOf: try Marshal.optionalDate(as_of, "as_of"))
        out_rows?.pointee = Int64(n)
    }
}

/// Classifies every student in the actor's jurisdiction as of `as_of` and opens, promotes or flags
/// cases; a second sweep for the same date changes nothing.
/// @param ledger the ledger.
/// @param as_of YYYYMMDD, not after today.
/// @param out_summary_report receives the summary as a table (free with kcbx_report_free) with
///        columns item, key, value, one row per fact: ("as_of", "", date), ("classified", "", n),
///        ("status", status, n) per status, ("opened" | "relapse" | "promoted" | "flagged", "", case id)
///        per case touched, ("skipped", masked key, why), ("profile", id, hash); may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad date; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_sweep(
    _ ledger: OpaquePointer?, _ as_of: Int32,
    _ out_summary_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_summary_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let s = try l.sweep(asOf: try Marshal.date(as_of, "as_of")).disclosed(.masked)
        guard let out_summary_report else { return }
        var rows: [[String]] = [["as_of", "", s.asOf.description], ["classified", "", String(s.classified)]]
        rows += s.statuses.sorted { $0.key < $1.key }.map { ["status", $0.key, String($0.value)] }
        for (item, ids) in [("opened", s.opened), ("relapse", s.relapses), ("promoted", s.promoted), ("flagged", s.flagged)] {
            rows += ids.map { [item, "", String($0)] }
        }
        rows += s.skipped.sorted { $0.key < $1.key }.map { ["skipped", $0.key, $0.value] }
        rows.append(["profile", s.profile, s.profileHash])
        out_summary_report.pointee = ReportHandle.make(
            ReportTable(
                title: "sweep", headers: ["item", "key", "value"], rows: rows,
                asOf: s.asOf))
    }
}

/// As kcbx_ledger_sweep, with the summary as JSON: `*out_summary_json` (may be NULL) receives the
/// counts and the cases touched (skipped students' keys masked).
/// @param ledger the ledger.
/// @param as_of YYYYMMDD, not after today.
/// @param out_summary_json receives the summary JSON (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad date; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_sweep_json(
    _ ledger: OpaquePointer?, _ as_of: Int32,
    _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_summary_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let summary = try l.sweep(asOf: try Marshal.date(as_of, "as_of"))
        let shown = summary.disclosed(.masked)
        if let out_summary_json { try Marshal.give(shown.jsonValue.serialized(pretty: false), to: out_summary_json) }
    }
}

/// Verifies the file: hash chain, no gaps, recorded head, append-only triggers, current state equal
/// to the events' replay; with `anchor_seq` > 0 also that event's hash equals `anchor_hash` (kept
/// by the host from kcbx_ledger_head). KCBX_STATUS_INTEGRITY names the first event found edited,
/// deleted or reordered. Out-params may be NULL; `*out_first_bad_seq` is 0 when intact.
/// @param ledger the ledger.
/// @param anchor_seq 0 for none, else the seq of a kept head.
/// @param anchor_hash the kept head's hash; ignored when anchor_seq is 0.
/// @param out_events receives the number of events; may be NULL.
/// @param out_first_bad_seq receives the first bad seq, 0 when intact; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INTEGRITY; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_verify(
    _ ledger: OpaquePointer?, _ anchor_seq: Int64, _ anchor_hash: UnsafePointer<CChar>?,
    _ out_events: UnsafeMutablePointer<Int64>?, _ out_first_bad_seq: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    out_first_bad_seq?.pointee = 0
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        guard anchor_seq >= 0 else { throw KCBXError.invalidInput(field: "anchor_seq", rule: "must be 0 (none) or a seq") }
        let anchor = anchor_seq > 0 ? LedgerAnchor(seq: anchor_seq, hash: try Marshal.string(anchor_hash, "anchor_hash")) : nil
        let v = try l.check(anchor: anchor)
        out_events?.pointee = v.events
        out_first_bad_seq?.pointee = v.firstBadSeq
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
    }
}

/// The newest event's seq and hash (64 hex digits, free with kcbx_string_free): an anchor for
/// kcbx_ledger_verify. Out-params may be NULL.
/// @param ledger the ledger.
/// @param out_seq receives the seq; may be NULL.
/// @param out_hash receives the hash (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_ledger_head(
    _ ledger: OpaquePointer?, _ out_seq: UnsafeMutablePointer<Int64>?,
    _ out_hash: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_hash?.pointee = nil
    return guarded {
        let h = try LedgerHandle.get(ledger, "ledger").value.head()
        out_seq?.pointee = h.seq
        if let out_hash { try Marshal.give(h.hash, to: out_hash) }
    }
}
