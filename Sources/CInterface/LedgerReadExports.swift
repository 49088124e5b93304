import KCBXCore

// Reads a host needs besides the case list: one case, the closure check, a student's history and
// the audit trail (docs/ledger.md). JSON out, like the other ledger reads.

/// One case by id (student key masked) as a JSON object into `*out_json` (free with
/// kcbx_string_free), the same fields as an element of kcbx_ledger_cases_json. A case outside the
/// actor's jurisdiction is refused (recorded) like any read.
/// @param ledger the ledger.
/// @param case_id the case (positive).
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///        KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_json(
    _ ledger: OpaquePointer?, _ case_id: Int64,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        try Marshal.give(try l.ledgerCase(try LedgerMarshal.caseID(case_id)).jsonValue.serialized(pretty: false), to: out)
    }
}

/// Whether case `case_id` may be closed (销号) on `as_of` (YYYYMMDD), by the rule
/// kcbx_ledger_case_close applies (returned, calendar set, attended closure_attended_days of the
/// closure_window_days school days since the return, not away again), without closing it: a JSON
/// object {allowed, reasons, attended, school_days, required, window, status} into `*out_json`.
/// @param ledger the ledger.
/// @param case_id the case (positive).
/// @param as_of YYYYMMDD.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND for an unknown case;
///        KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_closure_check_json(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ as_of: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        let k = try l.closureCheck(case: try LedgerMarshal.caseID(case_id), asOf: try Marshal.date(as_of, "as_of"))
        let doc = JSONValue.object([
            "allowed": .bool(k.allowed), "reasons": .array(k.reasons.map(JSONValue.string)),
            "attended": .number(Double(k.attended)), "school_days": .number(Double(k.schoolDays)),
            "required": .number(Double(k.required)), "window": .number(Double(k.window)), "status": .string(k.status),
        ])
        try Marshal.give(doc.serialized(pretty: false), to: out)
    }
}

/// Every event about student `student` (roster changes and cases), oldest first, as a JSON array
/// like kcbx_ledger_case_history_json; IDs masked unless `full_ids` is 1 and granted (recorded).
/// A key outside the jurisdiction or on no roster is refused alike (recorded).
/// @param ledger the ledger.
/// @param student the student's key (resident ID or L number).
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the jurisdiction
///        or for a key on no roster.
@c public func kcbx_ledger_student_history_json(
    _ ledger: OpaquePointer?, _ student: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        let events = try l.history(student: try Marshal.string(student, "student"), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try Marshal.give(JSONValue.array(events.map(\.jsonValue)).serialized(pretty: false), to: out)
    }
}

/// The audit trail: events with seq greater than `after_seq` (0 = from the start), oldest first, at
/// most `limit` (1 … 100000), as a JSON array like kcbx_ledger_case_history_json. County level or
/// above, or a department; IDs masked unless `full_ids` is 1 and granted (recorded).
/// @param ledger the ledger.
/// @param after_seq 0 for the start, else the last seq already read.
/// @param limit at most this many events, 1-100000.
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED below county level
///        (departments excepted).
@c public func kcbx_ledger_events_json(
    _ ledger: OpaquePointer?, _ after_seq: Int64, _ limit: Int64, _ full_ids: Int32,
    _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let out = try Marshal.out(out_json, "out_json")
        guard after_seq >= 0 else { throw KCBXError.invalidInput(field: "after_seq", rule: "must be 0 or a seq, got \(after_seq)") }
        guard (1...100_000).contains(limit) else { throw KCBXError.invalidInput(field: "limit", rule: "must be 1 … 100000, got \(limit)") }
        let events = try l.events(after: after_seq, limit: Int(limit), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try Marshal.give(JSONValue.array(events.map(\.jsonValue)).serialized(pretty: false), to: out)
    }
}
