import KCBXCore

/// Typed results (issue 12): lists a C host would otherwise parse as JSON come back as a
/// kcbx_report table with fixed columns, read with kcbx_report_rows/columns/header/cell (CSV and
/// JSON stay available through kcbx_report_csv / kcbx_report_json, and the *_json functions).
enum TableResult {
    /// `records` (JSON objects) as a table with `columns`: a dotted column ("actor.level") reads a
    /// nested object; numbers are written as integers when whole; arrays and objects as compact
    /// JSON; null and missing keys as "".
    static func table(
        _ title: String, columns: [String], records: [JSONValue], numeric: Set<String> = [],
        asOf: CivilDate? = nil
    ) -> ReportTable {
        let rows = records.map { r in columns.map { cell(lookup(r, $0)) } }
        let numericColumns = Set(columns.enumerated().filter { numeric.contains($0.element) }.map(\.offset))
        return ReportTable(title: title, headers: columns, rows: rows, asOf: asOf, numericColumns: numericColumns)
    }

    static func lookup(_ value: JSONValue, _ path: String) -> JSONValue? {
        var v: JSONValue? = value
        for part in path.split(separator: ".") {
            guard case .object(let o)? = v else { return nil }
            v = o[String(part)]
        }
        return v
    }

    static func cell(_ v: JSONValue?) -> String {
        switch v {
        case nil, .null?: return ""
        case .bool(let b)?: return b ? "1" : "0"
        case .number(let n)?:
            if n.rounded() == n, let i = Int64(exactly: n) { return String(i) }
            return String(n)
        case .string(let s)?: return s
        case .array(let a)?: return JSONValue.array(a).serialized(pretty: false)
        case .object(let o)?: return JSONValue.object(o).serialized(pretty: false)
        }
    }

    static func give(_ table: ReportTable, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ field: String) throws {
        try Marshal.out(out, field).pointee = ReportHandle.make(table)
    }

    static let caseColumns = [
        "id", "student", "kind", "status", "reason", "dismissal", "plan", "person", "return_school", "placement",
        "return_date", "opinion_ref", "opened_on", "verified_on", "closed_on", "relapse_of", "relapse", "source",
        "flags", "updated_seq", "kind_label", "status_label",
    ]
    static let eventColumns = [
        "seq", "at", "kind", "student", "case_id", "reason", "actor.level", "actor.unit_code", "actor.person",
        "actor.role", "payload", "hash", "prev_hash",
    ]
    static let obligationColumns = [
        "id", "case_id", "student", "action", "action_label", "step", "owner.level", "owner.unit",
        "owner.label", "owner.department", "basis", "opens_on", "due_on", "original_due_on", "state",
        "state_label", "done_on", "department", "guardian_deadline", "recipients", "escalations",
    ]
}

/// Cases matching `filter_json` within the actor's jurisdiction, one row per case, as a table.
/// Columns: id, student, kind, status (the codes of kcbx_ledger_cases_json: "suspected_dropout",
/// "persuading", ...), reason, dismissal, plan, person, return_school, placement, return_date,
/// opinion_ref, opened_on, verified_on, closed_on, relapse_of, relapse (1/0), source, flags,
/// updated_seq, kind_label, status_label. Student keys masked as in kcbx_ledger_cases_json.
/// @param ledger the ledger.
/// @param filter_json NULL for all cases, else the filter object of docs/ledger.md.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad filter; KCBX_STATUS_PERMISSION_DENIED
///         for full IDs below county level.
@c public func kcbx_ledger_cases(
    _ ledger: OpaquePointer?, _ filter_json: UnsafePointer<CChar>?,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        _ = try Marshal.out(out_report, "out_report")
        let cases = try l.cases(try LedgerMarshal.filter(filter_json))
        try TableResult.give(
            TableResult.table(
                "cases", columns: TableResult.caseColumns, records: cases.map(\.jsonValue),
                numeric: ["id", "relapse_of", "updated_seq"]), out_report, "out_report")
    }
}

/// A case's history, one row per event, oldest first. Columns: seq, at, kind, student, case_id,
/// reason, actor.level, actor.unit_code, actor.person, actor.role, payload (JSON text), hash,
/// prev_hash. Resident IDs masked as in kcbx_ledger_case_history_json.
/// @param ledger the ledger.
/// @param case_id the case.
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_NOT_FOUND for an unknown case; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_case_history(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ full_ids: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        _ = try Marshal.out(out_report, "out_report")
        let events = try l.history(case: try LedgerMarshal.caseID(case_id), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try TableResult.give(
            TableResult.table(
                "case history", columns: TableResult.eventColumns, records: events.map(\.jsonValue),
                numeric: ["seq", "case_id"]), out_report, "out_report")
    }
}

/// The due list as of `as_of`, one row per obligation (DOMAIN.md section 3). Columns: id, case_id,
/// student, action, action_label, step, owner.level, owner.unit, owner.label, owner.department,
/// basis, opens_on, due_on, original_due_on, state, state_label, done_on, department,
/// guardian_deadline, recipients (JSON array), escalations (JSON array). Dates YYYY-MM-DD.
/// @param ledger the ledger (needs its school calendar).
/// @param as_of YYYYMMDD; a past date gives what was due then.
/// @param states NULL for every state, else e.g. "due,overdue".
/// @param full_ids 1 for unmasked student keys (county level or above; recorded), else 0.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_due_list(
    _ ledger: OpaquePointer?, _ as_of: Int32, _ states: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        _ = try Marshal.out(out_report, "out_report")
        let asOf = try Marshal.date(as_of, "as_of")
        let list = try l.due(asOf: asOf, states: try EscalationMarshal.states(states), fullIDs: try LedgerMarshal.fullIDs(full_ids))
        try TableResult.give(
            TableResult.table(
                "due list", columns: TableResult.obligationColumns, records: list.map(\.jsonValue),
                numeric: ["case_id", "step"], asOf: asOf), out_report, "out_report")
    }
}

/// The built-in profile ids, one row each, in a table with one column "id".
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL out_report.
@c public func kcbx_policy_names(_ out_report: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        try TableResult.give(
            ReportTable(title: "built-in profiles", headers: ["id"], rows: PolicyProfile.builtinNames.map { [$0] }),
            out_report, "out_report")
    }
}
