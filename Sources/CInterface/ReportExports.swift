import KCBXCore

typealias ReportHandle = Handle<ReportTable>

/// Number of data rows of a report table.
/// @param report the report table.
/// @param out_rows receives the number of rows.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_rows(_ report: OpaquePointer?, _ out_rows: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded { try Marshal.out(out_rows, "out_rows").pointee = Int64(try ReportHandle.get(report, "report").value.rows.count) }
}

/// Number of columns of a report table.
/// @param report the report table.
/// @param out_columns receives the number of columns.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_columns(_ report: OpaquePointer?, _ out_columns: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded { try Marshal.out(out_columns, "out_columns").pointee = Int64(try ReportHandle.get(report, "report").value.headers.count) }
}

/// A column's header into `*out_name` (free with kcbx_string_free).
/// @param report the report table.
/// @param column 0-based column.
/// @param out_name receives the header (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a column out of range.
@c public func kcbx_report_header(
    _ report: OpaquePointer?, _ column: Int64, _ out_name: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_name?.pointee = nil
    return guarded {
        let r = try ReportHandle.get(report, "report").value
        guard column >= 0, column < Int64(r.headers.count) else {
            throw KCBXError.invalidInput(field: "column", rule: "\(column) is outside 0..<\(r.headers.count)")
        }
        try Marshal.give(r.headers[Int(column)], to: try Marshal.out(out_name, "out_name"))
    }
}

/// A cell's text into `*out_text` (free with kcbx_string_free).
/// @param report the report table.
/// @param row 0-based row.
/// @param column 0-based column.
/// @param out_text receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a row or column out of range.
@c public func kcbx_report_cell(
    _ report: OpaquePointer?, _ row: Int64, _ column: Int64, _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_text?.pointee = nil
    return guarded {
        let r = try ReportHandle.get(report, "report").value
        guard row >= 0, row < Int64(r.rows.count) else {
            throw KCBXError.invalidInput(field: "row", rule: "\(row) is outside 0..<\(r.rows.count)")
        }
        guard column >= 0, column < Int64(r.headers.count) else {
            throw KCBXError.invalidInput(field: "column", rule: "\(column) is outside 0..<\(r.headers.count)")
        }
        let cells = r.rows[Int(row)]
        try Marshal.give(Int(column) < cells.count ? cells[Int(column)] : "", to: try Marshal.out(out_text, "out_text"))
    }
}

/// The whole table as CSV text (UTF-8 with BOM, for Excel) into `*out_csv` (free with kcbx_string_free).
/// @param report the report table.
/// @param out_csv receives the CSV text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_csv(_ report: OpaquePointer?, _ out_csv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_csv?.pointee = nil
    return guarded { try Marshal.give(try ReportHandle.get(report, "report").value.csv(), to: try Marshal.out(out_csv, "out_csv")) }
}

/// Frees a report table. Accepts NULL.
/// @param report the table to free, or NULL.
@c public func kcbx_report_free(_ report: OpaquePointer?) { ReportHandle.release(report) }

/// The whole report as JSON into `*out_json` (free with kcbx_string_free): `{"title", "unit",
/// "as_of" (YYYY-MM-DD or null), "columns": [...], "rows": [[...]], "notes": [...]}`; notes hold
/// the seed's 填表说明, formulas and interpretations.
/// @param report the report table.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_json(_ report: OpaquePointer?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_json?.pointee = nil
    return guarded { try Marshal.give(try ReportHandle.get(report, "report").value.json(), to: try Marshal.out(out_json, "out_json")) }
}

/// Writes the table to `path` as CSV (UTF-8 with BOM, CRLF), headers first; formula-leading cells
/// neutralised and the file policy of kcbx_ledger_export_csv (regular files only, permissions kept,
/// atomic replacement).
/// @param report the report table.
/// @param path the CSV file to write.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad argument or a refused path; KCBX_STATUS_STORAGE
///        when writing fails.
@c public func kcbx_report_write_csv(_ report: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> kcbx_status {
    guarded {
        let r = try ReportHandle.get(report, "report").value
        let p = try Marshal.string(path, "path")
        guard !p.isEmpty else { throw KCBXError.invalidInput(field: "path", rule: "must not be empty") }
        try r.writeCSV(to: p)
    }
}

/// A statutory report computed from the ledger as it stood on `as_of` (YYYYMMDD) into
/// `*out_report` (free with kcbx_report_free). `kind`: "guyuan-attachment-1" (seed 001 附件1, per
/// stage), "guyuan-attachment-2" (001 附件2), "baiyin-attachment-3" (000 附件3, 6-year-old roster),
/// "baiyin-attachment-4" (000 附件4), "rates" (enrollment, dropout, consolidation rates with their
/// formulas and the profile's target; relapses); "bulletin", "bulletin-obligations", "bulletin-duties" and
/// "accountability" cover the month of `as_of` up to `as_of` (any period: kcbx_ledger_report_period). `unit`: NULL or "" for the actor's own unit, else
/// "school:<id>", "township:<9 digits>", "county:<6 digits>" or a bare 6-digit region code; a unit
/// outside the actor's jurisdiction is refused (KCBX_STATUS_PERMISSION_DENIED) and recorded.
/// `full_ids` 1 asks for unmasked resident IDs (county level or above; recorded), else 0.
/// @param ledger the ledger.
/// @param kind the report (see above).
/// @param as_of YYYYMMDD.
/// @param unit NULL or "" for the actor's own unit, else "school:<id>", "township:<9 digits>", "county:<6
///        digits>" or a 6-digit region code.
/// @param full_ids 1 for unmasked resident IDs (county level or above; recorded), else 0.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED (full IDs below county
///        level, or outside the jurisdiction).
@c public func kcbx_ledger_report(
    _ ledger: OpaquePointer?, _ kind: UnsafePointer<CChar>?, _ as_of: Int32,
    _ unit: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let k = try LedgerReportKind(code: try Marshal.string(kind, "kind"))
        let date = try Marshal.date(as_of, "as_of")
        let u = try ReportUnit(parsing: unit == nil ? "" : try Marshal.string(unit, "unit"), default: l.ownUnit)
        guard full_ids == 0 || full_ids == 1 else { throw KCBXError.invalidInput(field: "full_ids", rule: "must be 0 or 1") }
        let out = try Marshal.out(out_report, "out_report")
        out.pointee = ReportHandle.make(try l.report(k, asOf: date, unit: u, fullIDs: full_ids == 1))
    }
}

/// Appends the ledger's head, signed with the county's 32-byte Ed25519 `private_key`, to the
/// report's notes (after "台账签名头 signed head: "), so the report sent upward (周上报、月汇总)
/// carries it for the level above to keep and check with kcbx_ledger_verify_heads. Signing again
/// replaces the earlier head.
/// @param report the report to sign (changed).
/// @param ledger the ledger whose head is signed.
/// @param private_key the county's 32-byte Ed25519 private key.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_sign(_ report: OpaquePointer?, _ ledger: OpaquePointer?, _ private_key: UnsafePointer<UInt8>?) -> kcbx_status {
    guarded {
        let r = try ReportHandle.get(report, "report")
        let l = try LedgerHandle.get(ledger, "ledger").value
        let key = try LedgerSigningKey(rawRepresentation: try HeadMarshal.key(private_key, "private_key"))
        try l.sign(&r.value, key: key)
    }
}
