import KCBXCore

/// 四查三比对 from CSV files (column sets in docs/data-formats.md): household registry and
/// student registry are required; the attending, poverty, “三类” and dropout lists (one column
/// `resident_id`) may be NULL. `region_prefix` is the unit's region code or prefix (e.g. "640422").
/// `*out_findings_report` gets one row per finding with its reason; `*out_summary_report` (may be NULL) the four
/// counts and the count of each finding kind. Free both with kcbx_report_free.
@c public func kcbx_reconcile_csv(_ region_prefix: UnsafePointer<CChar>?, _ as_of: Int32,
                                  _ household_csv: UnsafePointer<CChar>?, _ students_csv: UnsafePointer<CChar>?,
                                  _ attending_csv: UnsafePointer<CChar>?, _ poverty_csv: UnsafePointer<CChar>?,
                                  _ three_kinds_csv: UnsafePointer<CChar>?, _ dropouts_csv: UnsafePointer<CChar>?,
                                  _ out_findings_report: UnsafeMutablePointer<OpaquePointer?>?,
                                  _ out_summary_report: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    kcbx_reconcile_csv_progress(region_prefix, as_of, household_csv, students_csv, attending_csv, poverty_csv, three_kinds_csv,
                                dropouts_csv, nil, nil, nil, nil, nil, out_findings_report, out_summary_report)
}

/// As kcbx_reconcile_csv, with three more inputs (each may be NULL): `census_csv`, the township
/// census of school-age children (乡镇排摸, household columns; children the household registry
/// lacks are compared too), and the disabled (残疾) and left-behind (留守) lists (column
/// `resident_id`, named in findings and counted in the summary); and calling
/// `progress(phase, done, total, user_data)` (may be NULL) as the run
/// advances, on the calling thread: phase "read" as input files are read (files done/total, read one after the other on the calling thread), then
/// "household", "students", "out_of_school" every 100,000 records and at each phase's end, and
/// "poverty" once. `phase` is valid only during the call.
@c public func kcbx_reconcile_csv_progress(_ region_prefix: UnsafePointer<CChar>?, _ as_of: Int32,
                                           _ household_csv: UnsafePointer<CChar>?, _ students_csv: UnsafePointer<CChar>?,
                                           _ attending_csv: UnsafePointer<CChar>?, _ poverty_csv: UnsafePointer<CChar>?,
                                           _ three_kinds_csv: UnsafePointer<CChar>?, _ dropouts_csv: UnsafePointer<CChar>?,
                                           _ census_csv: UnsafePointer<CChar>?, _ disabled_csv: UnsafePointer<CChar>?,
                                           _ left_behind_csv: UnsafePointer<CChar>?,
                                           _ progress: (@convention(c) (UnsafePointer<CChar>?, Int64, Int64, UnsafeMutableRawPointer?) -> Void)?,
                                           _ user_data: UnsafeMutableRawPointer?,
                                           _ out_findings_report: UnsafeMutablePointer<OpaquePointer?>?,
                                           _ out_summary_report: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    out_findings_report?.pointee = nil
    out_summary_report?.pointee = nil
    return guarded {
        let findingsOut = try Marshal.out(out_findings_report, "out_findings_report")
        func report(_ p: ReconciliationProgress) {
            guard let progress else { return }
            p.phase.withCString { progress($0, Int64(p.done), Int64(p.total), user_data) }
        }
        func path(_ p: UnsafePointer<CChar>?, _ field: String) throws -> String? { p == nil ? nil : try Marshal.string(p, field) }
        let files = ReconciliationFiles(
            household: try Marshal.string(household_csv, "household_csv"), students: try Marshal.string(students_csv, "students_csv"),
            attending: try path(attending_csv, "attending_csv"), poverty: try path(poverty_csv, "poverty_csv"),
            threeKinds: try path(three_kinds_csv, "three_kinds_csv"), dropouts: try path(dropouts_csv, "dropouts_csv"),
            census: try path(census_csv, "census_csv"), disabled: try path(disabled_csv, "disabled_csv"),
            leftBehind: try path(left_behind_csv, "left_behind_csv"))
        let input = try RegistryColumns.load(files, regionPrefix: try Marshal.string(region_prefix, "region_prefix"),
                                                 asOf: try Marshal.date(as_of, "as_of"), progress: progress == nil ? nil : report)
        let result = Reconciler.run(input, progress: progress == nil ? nil : report)
        findingsOut.pointee = ReportHandle.make(result.findingsTable())
        out_summary_report?.pointee = ReportHandle.make(result.summaryTable())
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
@c public func kcbx_ledger_intake_findings(_ ledger: OpaquePointer?, _ findings_report: OpaquePointer?, _ as_of: Int32,
                                           _ note: UnsafePointer<CChar>?,
                                           _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
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
@c public func kcbx_ledger_intake_findings_json(_ ledger: OpaquePointer?, _ findings_json: UnsafePointer<CChar>?, _ as_of: Int32,
                                                _ note: UnsafePointer<CChar>?,
                                                _ out_summary_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_summary_json?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let findings = try Finding.list(json: try Marshal.string(findings_json, "findings_json"))
        let s = try l.intake(findings, asOf: try Marshal.date(as_of, "as_of"), note: try LedgerMarshal.text(note, "note"))
        if let out_summary_json { try Marshal.give(s.jsonValue.serialized(pretty: false), to: out_summary_json) }
    }
}
