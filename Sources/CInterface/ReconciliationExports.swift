import KCBXCTypes
import KCBXCore

/// 四查三比对 from CSV files (column sets in docs/data-formats.md).
/// @param region_prefix the unit's region code or prefix (e.g. "640422").
/// @param as_of the date of the comparison, YYYYMMDD (ages, school age).
/// @param household_csv the household registry (户籍); required.
/// @param students_csv the student registry (学籍); required.
/// @param options the optional lists, the township census and a progress callback
///        (kcbx_reconcile_options, KCBX_RECONCILE_OPTIONS_INIT); NULL for none.
/// @param out_findings_report receives one row per finding with its reason (free with kcbx_report_free).
/// @param out_summary_report receives the four counts and the count of each finding kind; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad file, row or options version.
@c public func kcbx_reconcile_csv(
    _ region_prefix: UnsafePointer<CChar>?, _ as_of: Int32,
    _ household_csv: UnsafePointer<CChar>?, _ students_csv: UnsafePointer<CChar>?,
    _ options: UnsafePointer<kcbx_reconcile_options>?,
    _ out_findings_report: UnsafeMutablePointer<OpaquePointer?>?,
    _ out_summary_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_findings_report?.pointee = nil
    out_summary_report?.pointee = nil
    return guarded {
        let findingsOut = try Marshal.out(out_findings_report, "out_findings_report")
        let o =
            try Options.read(options, "options", current: KCBX_RECONCILE_OPTIONS_VERSION, initName: "KCBX_RECONCILE_OPTIONS_INIT")
            ?? kcbx_reconcile_options()
        let progress = o.progress
        let userData = o.user_data
        func report(_ p: ReconciliationProgress) {
            guard let progress else { return }
            p.phase.withCString { progress($0, Int64(p.done), Int64(p.total), userData) }
        }
        func path(_ p: UnsafePointer<CChar>?, _ field: String) throws -> String? {
            p == nil ? nil : try Marshal.string(p, "options.\(field)")
        }
        let files = ReconciliationFiles(
            household: try Marshal.string(household_csv, "household_csv"), students: try Marshal.string(students_csv, "students_csv"),
            attending: try path(o.attending_csv, "attending_csv"), poverty: try path(o.poverty_csv, "poverty_csv"),
            threeKinds: try path(o.three_kinds_csv, "three_kinds_csv"), dropouts: try path(o.dropouts_csv, "dropouts_csv"),
            census: try path(o.census_csv, "census_csv"), disabled: try path(o.disabled_csv, "disabled_csv"),
            leftBehind: try path(o.left_behind_csv, "left_behind_csv"))
        let input = try RegistryColumns.load(
            files, regionPrefix: try Marshal.string(region_prefix, "region_prefix"),
            asOf: try Marshal.date(as_of, "as_of"), progress: progress == nil ? nil : report)
        reconcile(input, progress: progress == nil ? nil : report, findingsOut, out_summary_report)
    }
}

/// Runs the reconciliation and hands out its two tables (every input path ends here).
private func reconcile(
    _ input: RegistryColumns, progress: ((ReconciliationProgress) -> Void)?,
    _ findingsOut: UnsafeMutablePointer<OpaquePointer?>, _ summaryOut: UnsafeMutablePointer<OpaquePointer?>?
) {
    let result = Reconciler.run(input, progress: progress)
    findingsOut.pointee = ReportHandle.make(result.findingsTable())
    summaryOut?.pointee = ReportHandle.make(result.summaryTable())
}

/// 四查三比对 from Arrow streams (docs/arrow.md): the columns of kcbx_reconcile_csv's files
/// (docs/data-formats.md) as record batches — text (utf8, large utf8, string view or dictionary),
/// or integers for codes and IDs, dates as date32/date64, YYYYMMDD integers or ISO text. Each
/// stream is read batch by batch into the reconciliation's columns (text in place) and every
/// stream passed is consumed (released, also on failure; those of `options` once its version is
/// accepted). Results equal
/// kcbx_reconcile_csv's on the same data; kcbx_report_to_arrow exports either table.
/// @param region_prefix the unit's region code or prefix (e.g. "640422").
/// @param as_of the date of the comparison, YYYYMMDD (ages, school age).
/// @param household the household registry (户籍): resident_id, name, region_code, optional birth_date, address; required.
/// @param students the student registry (学籍): registry_number, resident_id, name, school_id,
///        school_region_code, grade, optional birth_date, status; required.
/// @param options the optional list and census streams and a progress callback
///        (kcbx_reconcile_arrow_options, KCBX_RECONCILE_ARROW_OPTIONS_INIT); NULL for none.
/// @param out_findings_report receives one row per finding with its reason (free with kcbx_report_free).
/// @param out_summary_report receives the four counts and the count of each finding kind; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad stream, column or row (named
///         `students.grade[12]`) or options version.
@c public func kcbx_reconcile_arrow(
    _ region_prefix: UnsafePointer<CChar>?, _ as_of: Int32,
    _ household: UnsafeMutablePointer<ArrowArrayStream>?, _ students: UnsafeMutablePointer<ArrowArrayStream>?,
    _ options: UnsafePointer<kcbx_reconcile_arrow_options>?,
    _ out_findings_report: UnsafeMutablePointer<OpaquePointer?>?,
    _ out_summary_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_findings_report?.pointee = nil
    out_summary_report?.pointee = nil
    return guarded {
        var lists: [(UnsafeMutablePointer<ArrowArrayStream>?, String, RegistryColumns.IDList?)] = []
        defer {
            releaseArrowStream(household)
            releaseArrowStream(students)
            for l in lists { releaseArrowStream(l.0) }
        }
        let o =
            try Options.read(
                options, "options", current: KCBX_RECONCILE_ARROW_OPTIONS_VERSION, initName: "KCBX_RECONCILE_ARROW_OPTIONS_INIT")
            ?? kcbx_reconcile_arrow_options()
        lists = [
            (o.attending, "attending", .attending), (o.poverty, "poverty", .poverty), (o.three_kinds, "three_kinds", .threeKinds),
            (o.dropouts, "dropouts", .dropouts), (o.census, "census", nil), (o.disabled, "disabled", .disabled),
            (o.left_behind, "left_behind", .leftBehind),
        ]
        let findingsOut = try Marshal.out(out_findings_report, "out_findings_report")
        let progress = o.progress
        let userData = o.user_data
        func report(_ p: ReconciliationProgress) {
            guard let progress else { return }
            p.phase.withCString { progress($0, Int64(p.done), Int64(p.total), userData) }
        }
        var c = try RegistryColumns(
            checkedPrefix: try Marshal.string(region_prefix, "region_prefix"), asOf: try Marshal.date(as_of, "as_of"))
        let total = 2 + lists.filter { $0.0 != nil }.count
        var read = 0
        func tick(_ n: Int) {
            read += n
            if progress != nil { report(ReconciliationProgress(phase: "read", done: read, total: total)) }
        }
        try ArrowRegistry.household(household, "household", .household, into: &c)
        try ArrowRegistry.students(students, into: &c)
        tick(2)
        for (stream, name, list) in lists {
            guard let stream else { continue }
            if let list {
                try ArrowRegistry.list(stream, name, list, into: &c)
            } else {
                try ArrowRegistry.household(stream, name, .census, into: &c)
            }
            tick(1)
        }
        reconcile(c, progress: progress == nil ? nil : report, findingsOut, out_summary_report)
    }
}

/// Initialises `*options` for kcbx_reconcile_arrow() with the defaults of `version`
/// (KCBX_RECONCILE_ARROW_OPTIONS_VERSION): no lists, no census, no progress callback.
/// @param options the struct to fill; must not be NULL.
/// @param version KCBX_RECONCILE_ARROW_OPTIONS_VERSION; another is KCBX_STATUS_INVALID_INPUT.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_reconcile_arrow_options_init(_ options: UnsafeMutablePointer<kcbx_reconcile_arrow_options>?, _ version: UInt32)
    -> kcbx_status
{
    guarded {
        try Options.initialise(
            options, version, current: KCBX_RECONCILE_ARROW_OPTIONS_VERSION, initName: "KCBX_RECONCILE_ARROW_OPTIONS_INIT",
            zero: kcbx_reconcile_arrow_options())
    }
}

/// Feeds reconciliation findings into the ledger in one call, attributed to the ledger's actor:
/// out_of_school findings open out-of-school cases (the child must be on the roster with
/// registration none), registered_not_attending findings open suspected-dropout cases; other kinds
/// are for a person and open nothing. Idempotent (children with an open case are left alone).
/// Children outside the jurisdiction are refused, each refusal recorded. `findings_report` is the
/// findings table of kcbx_reconcile_csv (possibly edited); `as_of` (YYYYMMDD) dates the cases;
/// `note` may be NULL. `*out_summary_json` (may be NULL): `{"opened": [ids], "already_open": {id: case},
/// "refused": [ids], "skipped": {id: why}, "as_of"}`.
/// @param ledger the ledger.
/// @param findings_report the findings table of kcbx_reconcile_csv.
/// @param as_of YYYYMMDD: dates the cases.
/// @param note free text for the event; may be NULL.
/// @param out_summary_json receives the summary JSON (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the actor's
///        jurisdiction; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_intake_findings(
    _ ledger: OpaquePointer?, _ findings_report: OpaquePointer?, _ as_of: Int32,
    _ note: UnsafePointer<CChar>?,
    _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_summary_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let findings = try Finding.list(table: try ReportHandle.get(findings_report, "findings_report").value)
        let s = try l.intake(findings, asOf: try Marshal.date(as_of, "as_of"), note: try LedgerMarshal.text(note, "note"))
        if let out_summary_json { try Marshal.give(s.jsonValue.serialized(pretty: false), to: out_summary_json) }
    }
}

/// As kcbx_ledger_intake_findings, with the findings as JSON: an array of
/// `{"kind": "out_of_school", "resident_id": "…", "name": "…", "detail": "…"}` (name, detail optional).
/// @param ledger the ledger.
/// @param findings_json the findings as a JSON array.
/// @param as_of YYYYMMDD: dates the cases.
/// @param note free text for the event; may be NULL.
/// @param out_summary_json receives the summary JSON (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED outside the actor's
///        jurisdiction; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_intake_findings_json(
    _ ledger: OpaquePointer?, _ findings_json: UnsafePointer<CChar>?, _ as_of: Int32,
    _ note: UnsafePointer<CChar>?,
    _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_summary_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let findings = try Finding.list(json: try Marshal.string(findings_json, "findings_json"))
        let s = try l.intake(findings, asOf: try Marshal.date(as_of, "as_of"), note: try LedgerMarshal.text(note, "note"))
        if let out_summary_json { try Marshal.give(s.jsonValue.serialized(pretty: false), to: out_summary_json) }
    }
}
