import KCBXCore

/// The ledger audit (台账信息不实, seed 002 四（二）) as of `as_of` (YYYYMMDD) into `*out_report`
/// (free with kcbx_report_free): one row per entry the data contradicts (columns check, 检查项,
/// case_id, student (masked), school, date, entry_seq, recorded_by, evidence, clause, finding_seq).
/// `record` 1 records new findings as audit_finding events (re-running records nothing twice),
/// 0 only lists them. Needs a township-level or higher writer (else KCBX_STATUS_PERMISSION_DENIED).
/// @param ledger the ledger.
/// @param as_of YYYYMMDD.
/// @param record 1 to record new findings as audit_finding events, 0 to list only.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED below township level.
@c public func kcbx_ledger_audit(
    _ ledger: OpaquePointer?, _ as_of: Int32, _ record: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let date = try Marshal.date(as_of, "as_of")
        guard record == 0 || record == 1 else { throw KCBXError.invalidInput(field: "record", rule: "must be 0 or 1, got \(record)") }
        let out = try Marshal.out(out_report, "out_report")
        var o = LedgerAuditOptions()
        o.record = record == 1
        out.pointee = ReportHandle.make(try l.auditReport(asOf: date, options: o))
    }
}

/// Draws a spot check (台账信息抽查, seed 002 四（二）) of the cases opened by `as_of`, stratified by
/// school and status, `per_stratum` (1-1000) from each, into `*out_report` (free with
/// kcbx_report_free; one row per drawn case: draw_seq, period, seed, school, status, case_id,
/// student). `period` names it (1-32 of A-Z a-z 0-9 - _ .). `seed` 0..INT64_MAX is used as given;
/// -1 derives one from the chain head and the clock. The seed is recorded with the sample in a
/// spot_check_drawn event. A second draw of the same period is KCBX_STATUS_RULE_VIOLATION unless
/// `redraw_reason` (NULL or "" for a first draw) says why; the redraw is then recorded and audited.
/// @param ledger the ledger.
/// @param period the spot check's name (1-32 of A-Z a-z 0-9 - _ .).
/// @param as_of YYYYMMDD: cases opened by this day are drawn.
/// @param per_stratum cases drawn per school and status, 1-1000.
/// @param seed 0..INT64_MAX used as given; -1 derives one from the chain head and the clock.
/// @param redraw_reason why the period is drawn again; NULL or "" for a first draw.
/// @param out_report receives the drawn cases (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_RULE_VIOLATION for a redraw without a
///        reason; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_spot_check_draw(
    _ ledger: OpaquePointer?, _ period: UnsafePointer<CChar>?, _ as_of: Int32,
    _ per_stratum: Int64, _ seed: Int64, _ redraw_reason: UnsafePointer<CChar>?,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let p = try Marshal.string(period, "period")
        let date = try Marshal.date(as_of, "as_of")
        guard (1...1000).contains(per_stratum) else {
            throw KCBXError.invalidInput(field: "per_stratum", rule: "must be 1-1000, got \(per_stratum)")
        }
        guard seed >= -1 else {
            throw KCBXError.invalidInput(field: "seed", rule: "must be 0..INT64_MAX, or -1 for a derived seed; got \(seed)")
        }
        let why = try LedgerMarshal.text(redraw_reason, "redraw_reason")
        let out = try Marshal.out(out_report, "out_report")
        let draw = try l.drawSpotCheck(
            period: p, asOf: date, perStratum: Int(per_stratum), seed: seed == -1 ? nil : UInt64(seed), redrawReason: why)
        out.pointee = ReportHandle.make(try l.spotCheckTable(draw))
    }
}

/// Records the result of the home verification (入户核查) of drawn case `case_id` on `date`:
/// `result` "confirmed", "contradicted" or "not_reached"; `note` may be NULL. The seq of the
/// home_verification event goes to `*out_seq` (may be NULL). A case in no draw, or verified
/// already for its draw, is KCBX_STATUS_RULE_VIOLATION.
/// @param ledger the ledger.
/// @param case_id a drawn case.
/// @param result "confirmed", "contradicted" or "not_reached".
/// @param date YYYYMMDD.
/// @param note free text for the event; may be NULL.
/// @param out_seq receives the event's seq; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_RULE_VIOLATION for a case in no draw or
///        already verified; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_home_verification(
    _ ledger: OpaquePointer?, _ case_id: Int64, _ result: UnsafePointer<CChar>?,
    _ date: Int32, _ note: UnsafePointer<CChar>?, _ out_seq: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let r = try Marshal.string(result, "result")
        guard let v = HomeVerificationResult(rawValue: r) else {
            throw KCBXError.invalidInput(
                field: "result",
                rule:
                    "'\(KCBXError.quote(r, limit: 40))' must be one of \(HomeVerificationResult.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let d = try Marshal.date(date, "date")
        let seq = try l.recordHomeVerification(case: case_id, result: v, on: d, note: try LedgerMarshal.text(note, "note"))
        out_seq?.pointee = seq
    }
}

/// The spot check of `period` (the latest draw of the actor's unit) into `*out_report` (free with
/// kcbx_report_free): per school drawn, verified, confirmed, contradicted, not_reached and
/// share_confirmed, with a 合计 row. No draw of the period is KCBX_STATUS_NOT_FOUND.
/// @param ledger the ledger.
/// @param period the spot check's name (1-32 of A-Z a-z 0-9 - _ .).
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_NOT_FOUND when the period has no draw.
@c public func kcbx_ledger_spot_check_summary(
    _ ledger: OpaquePointer?, _ period: UnsafePointer<CChar>?,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let p = try Marshal.string(period, "period")
        let out = try Marshal.out(out_report, "out_report")
        out.pointee = ReportHandle.make(try l.spotCheckSummary(period: p))
    }
}

/// The 中考 registration check (seed 001 二（二）): grade-9 students enrolled within the actor's
/// jurisdiction on `as_of` who are not on the registration list `registrations_csv` (a CSV file:
/// resident_id and/or registry_number, optional name, exam_number, school_id; read strictly),
/// into `*out_report` (free with kcbx_report_free), with an empty 说明 column for the school.
/// @param ledger the ledger.
/// @param registrations_csv the registration list (CSV file).
/// @param as_of YYYYMMDD: grade-9 students enrolled on this day.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a bad file or row; KCBX_STATUS_PERMISSION_DENIED.
@c public func kcbx_ledger_zhongkao_check(
    _ ledger: OpaquePointer?, _ registrations_csv: UnsafePointer<CChar>?, _ as_of: Int32,
    _ out_report: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_report?.pointee = nil
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let path = try Marshal.string(registrations_csv, "registrations_csv")
        guard !path.isEmpty else { throw KCBXError.invalidInput(field: "registrations_csv", rule: "must not be empty") }
        let date = try Marshal.date(as_of, "as_of")
        let out = try Marshal.out(out_report, "out_report")
        out.pointee = ReportHandle.make(try l.zhongkaoCheck(registrations: try ZhongkaoRegistrationList(csvPath: path), asOf: date))
    }
}
