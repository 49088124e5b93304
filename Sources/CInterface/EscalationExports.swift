import KCBXCore

enum EscalationMarshal {
    /// "due,overdue" → states; NULL or "" = all.
    static func states(_ p: UnsafePointer<CChar>?) throws -> Set<ObligationState>? {
        guard p != nil else { return nil }
        let text = try Marshal.string(p, "states")
        guard !text.isEmpty else { return nil }
        return Set(
            try text.split(separator: ",").map { part in
                let s = String(part).trimmingSpaces
                guard let v = ObligationState(rawValue: s) else {
                    throw KCBXError.invalidInput(
                        field: "states", rule: "'\(s)' must be one of \(ObligationState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return v
            })
    }

    static func giveJSON(_ v: JSONValue, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ field: String) throws {
        try Marshal.give(v.serialized(pretty: false), to: try Marshal.out(out, field))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The due list (DOMAIN.md §3) of the ledger actor's jurisdiction as of `as_of` (YYYYMMDD): every
/// obligation with action, owner (level, unit), basis (document clause and parameters), opening
/// and due dates, state (due, done, overdue, escalated) and escalations, as a JSON array into
/// `*out_json` (free with kcbx_string_free). `states` filters ("due,overdue"; NULL = all). Read-only:
/// a past date gives what was due then. Needs the school calendar on the ledger. Student keys are
/// masked unless `full_ids` is 1 and the actor is county level or above (recorded; refused and
/// recorded below county).
/// @param ledger the ledger (needs its school calendar).
/// @param as_of YYYYMMDD.
/// @param states NULL for every state, else a comma-separated list, e.g. "due,overdue".
/// @param full_ids 1 for unmasked student keys (county level or above; recorded), else 0.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED (full IDs below county
///        level, or outside the jurisdiction).
@c public func kcbx_due_json(
    _ ledger: OpaquePointer?, _ as_of: Int32, _ states: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let list = try l.due(
            asOf: try Marshal.date(as_of, "as_of"), states: try EscalationMarshal.states(states),
            fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try EscalationMarshal.giveJSON(list.jsonValue, out_json, "out_json")
    }
}

/// The obligations of one case as of `as_of`, as kcbx_due_json (`full_ids` likewise).
/// @param ledger the ledger.
/// @param case_id the case (positive).
/// @param as_of YYYYMMDD.
/// @param full_ids as kcbx_due_json.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///        KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_due_case_json(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ as_of: Int32, _ full_ids: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let list = try l.due(
            case: try LedgerMarshal.caseID(case_id), asOf: try Marshal.date(as_of, "as_of"),
            fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try EscalationMarshal.giveJSON(list.jsonValue, out_json, "out_json")
    }
}

/// Writes the due list as CSV (UTF-8 BOM, CRLF; Chinese headers; formula-leading cells
/// neutralised) to `path` under the file policy of kcbx_ledger_export_csv; `states` and `full_ids`
/// as in kcbx_due_json. `*out_rows` (may be NULL) receives the number of data rows.
/// @param ledger the ledger.
/// @param as_of YYYYMMDD.
/// @param states as kcbx_due_json.
/// @param full_ids as kcbx_due_json.
/// @param path the CSV file to write.
/// @param out_rows receives the number of data rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad argument or a refused path; KCBX_STATUS_STORAGE
///        when writing fails. KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_due_csv(
    _ ledger: OpaquePointer?, _ as_of: Int32, _ states: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ path: UnsafePointer<CChar>?, _ out_rows: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let date = try Marshal.date(as_of, "as_of")
        let p = try Marshal.string(path, "path")
        let full = try LedgerMarshal.fullIDs(full_ids)
        try SafeFile.check(p)
        let list = try l.due(asOf: date, states: try EscalationMarshal.states(states), fullIDs: full)
        try list.writeCSV(to: p)
        out_rows?.pointee = Int64(list.count)
    }
}

/// Records an action on a child who has no case yet (`student` = resident ID or L number):
/// "guardian_contact", "three_line_report", "home_visit" or "note". `note` may be NULL.
/// @param ledger the ledger.
/// @param student the student's key (resident ID or L number).
/// @param action "guardian_contact", "three_line_report", "home_visit" or "note".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the jurisdiction
///        or for a key on no roster.
@c public func kcbx_due_record_student_action(
    _ ledger: OpaquePointer?, _ student: UnsafePointer<CChar>?, _ action: UnsafePointer<CChar>?,
    _ date: Int32, _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        try l.recordStudentAction(
            student: try Marshal.string(student, "student"), try LedgerMarshal.code(action, "action"),
            on: try Marshal.date(date, "date"), note: try LedgerMarshal.text(note, "note"))
    }
}

/// The reports and checks each level owes from `from` through `through` (YYYYMMDD) under `policy`
/// (school daily, township weekly, county monthly, …, term-relative duties from `calendar`, which
/// may be NULL when the profile has none), as a JSON array of {"duty","level","what","due","basis"}.
/// @param policy the policy profile.
/// @param calendar the school calendar; may be NULL when the profile has no term-relative duties.
/// @param from first day, YYYYMMDD.
/// @param through last day, YYYYMMDD.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_due_reports_json(
    _ policy: OpaquePointer?, _ calendar: OpaquePointer?, _ from: Int32, _ through: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let p = try PolicyHandle.get(policy, "policy").value
        let cal = calendar == nil ? nil : try Handle<SchoolCalendar>.get(calendar, "calendar").value
        let list = try ReportCalendar.due(
            p, calendar: cal, from: try Marshal.date(from, "from"), through: try Marshal.date(through, "through"))
        try EscalationMarshal.giveJSON(.array(list.map(\.jsonValue)), out_json, "out_json")
    }
}

/// Hands every overdue obligation of the jurisdiction to the next level as of `as_of` (school →
/// township → county → city; both lines notified under dual_line), one attributed ledger event
/// each. Idempotent for a date. `*out_summary_json` (may be NULL) receives {"as_of","escalated":
/// [obligations],"overdue_at_top":[ids],"states":{state: count}}, student keys masked unless
/// `full_ids` is 1 (as kcbx_due_json).
/// @param ledger the ledger.
/// @param as_of YYYYMMDD.
/// @param full_ids as kcbx_due_json.
/// @param out_summary_json receives the summary JSON (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the actor's
///        jurisdiction; KCBX_STATUS_STORAGE.
@c public func kcbx_escalate(
    _ ledger: OpaquePointer?, _ as_of: Int32, _ full_ids: Int32,
    _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_summary_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let summary = try l.escalate(asOf: try Marshal.date(as_of, "as_of"), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        if let out_summary_json { try Marshal.give(summary.jsonValue.serialized(pretty: false), to: out_summary_json) }
    }
}

/// The fields the ledger knows for a notice ("enrollment", "return_notice", "three_line_report")
/// about `student` as of `as_of`, as a JSON object of strings (add guardian, issuer, … and pass
/// to kcbx_notice_render). `child_id` is masked (the host that holds the full ID may override it).
/// A key on no roster is refused like one outside the jurisdiction (KCBX_STATUS_PERMISSION_DENIED).
/// @param ledger the ledger.
/// @param kind "enrollment", "return_notice" or "three_line_report".
/// @param student the student's key (resident ID or L number).
/// @param as_of YYYYMMDD.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the jurisdiction
///        or for a key on no roster.
@c public func kcbx_notice_fields_json(
    _ ledger: OpaquePointer?, _ kind: UnsafePointer<CChar>?, _ student: UnsafePointer<CChar>?,
    _ as_of: Int32, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let k: NoticeKind = try LedgerMarshal.code(kind, "kind")
        let f = try l.noticeFields(k, student: try Marshal.string(student, "student"), asOf: try Marshal.date(as_of, "as_of"))
        try EscalationMarshal.giveJSON(.object(f.mapValues { .string($0) }), out_json, "out_json")
    }
}

/// Renders a notice ("enrollment" 义务教育入学通知书, "return_notice" 限期复学通知书,
/// "three_line_report" 三线报告) from `fields_json` ({"guardian": "…", …}; every placeholder of
/// the template required, unknown fields refused) as UTF-8 plain text into `*out_text`.
/// @param kind "enrollment", "return_notice" or "three_line_report".
/// @param fields_json a JSON object of the template's fields.
/// @param out_text receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT naming a missing or unknown field.
@c public func kcbx_notice_render(
    _ kind: UnsafePointer<CChar>?, _ fields_json: UnsafePointer<CChar>?,
    _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_text?.pointee = nil
    return guarded {
        let k: NoticeKind = try LedgerMarshal.code(kind, "kind")
        let text = try Notice.render(k, fields: try Notice.fields(json: try Marshal.string(fields_json, "fields_json")))
        try Marshal.give(text, to: try Marshal.out(out_text, "out_text"))
    }
}

/// The placeholders of a notice template, as a JSON array of names into `*out_json`.
/// @param kind "enrollment", "return_notice" or "three_line_report".
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_notice_fields_of(_ kind: UnsafePointer<CChar>?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> kcbx_status
{
    out_json?.pointee = nil
    return guarded {
        let k: NoticeKind = try LedgerMarshal.code(kind, "kind")
        try EscalationMarshal.giveJSON(.array(k.fields.map { .string($0) }), out_json, "out_json")
    }
}
