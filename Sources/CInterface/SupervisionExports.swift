import KCBXCore

/// A report over the period `date_from`..`date_to` (YYYYMMDD, both included): "bulletin" (通报 per
/// unit below: new suspected, dropout and out-of-school cases, returns, closures, relapses, open at
/// the end, 动态清零, obligations due / on time / late / overdue / escalated, audit findings, spot
/// checks; rated under profiles that rate, 004 三（四）), "bulletin-obligations" (the period's
/// obligations by the unit that owed them and its heads), "bulletin-duties" (the profile
/// calendar's report duties owed in the period and whether the ledger shows them done),
/// "accountability" (五长责任追究清单, 001 二（六）: each level with an overdue obligation on a
/// dropout's case, with the obligation, deadline, basis and heads). Any other kind of
/// kcbx_ledger_report is computed as of `date_to`. `unit` and `full_ids` as kcbx_ledger_report.
/// @param ledger the ledger.
/// @param kind the report (see above).
/// @param date_from first day, YYYYMMDD.
/// @param date_to last day, YYYYMMDD.
/// @param unit as kcbx_ledger_report.
/// @param full_ids as kcbx_ledger_report.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED (full IDs below county
///        level, or outside the jurisdiction).
@c public func kcbx_ledger_report_period(
    _ ledger: OpaquePointer?, _ kind: UnsafePointer<CChar>?, _ date_from: Int32, _ date_to: Int32,
    _ unit: UnsafePointer<CChar>?, _ full_ids: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let k = try LedgerReportKind(code: try Marshal.string(kind, "kind"))
        let period = try SupervisionPeriod(from: try Marshal.date(date_from, "date_from"), through: try Marshal.date(date_to, "date_to"))
        let u = try ReportUnit(parsing: unit == nil ? "" : try Marshal.string(unit, "unit"), default: l.ownUnit)
        guard full_ids == 0 || full_ids == 1 else { throw KCBXError.invalidInput(field: "full_ids", rule: "must be 0 or 1") }
        let out = try Marshal.out(out_report, "out_report")
        out.pointee = ReportHandle.make(try l.report(k, period: period, unit: u, fullIDs: full_ids == 1))
    }
}

/// Records that report duty `duty` (an id of the profile's report duties, e.g.
/// "county_monthly_summary") due on `due` (YYYYMMDD, an occurrence of the duty) was filed on
/// `filed_on`: one `duty.filed` event, which the bulletin's duty table reads. The actor's level
/// must be the duty's or above (a department's duty: county or above). `note` may be NULL.
/// @param ledger the ledger.
/// @param duty the duty's id in the profile.
/// @param due the occurrence's due date, YYYYMMDD.
/// @param filed_on YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for an unknown duty or date;
///        KCBX_STATUS_PERMISSION_DENIED below the duty's level.
@c public func kcbx_ledger_record_duty_filed(
    _ ledger: OpaquePointer?, _ duty: UnsafePointer<CChar>?, _ due: Int32, _ filed_on: Int32,
    _ note: UnsafePointer<CChar>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        try l.recordDutyFiled(
            try Marshal.string(duty, "duty"), due: try Marshal.date(due, "due"), on: try Marshal.date(filed_on, "filed_on"),
            note: note == nil ? "" : try Marshal.string(note, "note"))
    }
}
