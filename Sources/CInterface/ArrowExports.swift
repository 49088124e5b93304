import KCBXCTypes
import KCBXCore

// The Arrow C data and stream interfaces at the boundary (docs/arrow.md). Streams passed in are
// consumed: the call releases them (also on failure) unless they are NULL or already released.
// Streams passed out are the host's to release (their release callback).

/// Classifies every child from Arrow record batches and writes the classification table to
/// `*out_stream` as one batch. `marks` (required): columns `child` (int8-int64 keys or text:
/// utf8, large utf8, string view, or a dictionary of them), `date` (date32, date64, or int32
/// YYYYMMDD), `kind` (int8 kcbx_mark_kind codes, other integers, or text labels present /
/// approved_leave / unexcused / late / left_early / 到校 / 请假 / 无故缺勤 / 迟到 / 早退,
/// plain or dictionary), optional `leave_from` / `leave_to` (dates; null = none). `children` (may be
/// NULL): one row per child, column `child` (the key the marks use) and optional `birth_date`,
/// `registration_date` (dates), `grade`, `registration` (kcbx_registration), `fact_bits`
/// (kcbx_child_fact), `group_mask`, `expert_opinion` (text); its rows are the table's rows.
/// Without it the children are the marks' distinct keys, in key order. Columns of the expected
/// type, in one batch, are used in place (int32 keys 0, 0, 1, 1, 2, … are their own rows);
/// others are converted; schema metadata `kcbx:converted` names the converted ones. Several
/// batches sorted by child (the first batch decides; no `children`) are classified batch by
/// batch, each released before the next is asked for (`kcbx:streamed_batches`); a key that then
/// goes back is an error naming its row; other streams are read whole. Output
/// columns: child (int64, or utf8 for text keys), status and rule (dictionary of labels), since
/// and streak_start (date32, null for none), alerts and risk_flags (uint32), streak and term
/// counts (int32), proposed_reason (dictionary A-T, null for none). Errors name the column and row.
/// @param policy the policy profile.
/// @param calendar the school calendar.
/// @param as_of YYYYMMDD.
/// @param marks the Arrow stream of marks (consumed: released, also on failure).
/// @param children the Arrow stream of children (consumed); may be NULL.
/// @param out_stream receives the Arrow stream (release it with its release callback).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT naming the column and row.
@c public func kcbx_classify_arrow(
    _ policy: OpaquePointer?, _ calendar: OpaquePointer?, _ as_of: Int32,
    _ marks: UnsafeMutablePointer<ArrowArrayStream>?, _ children: UnsafeMutablePointer<ArrowArrayStream>?,
    _ out_stream: UnsafeMutablePointer<ArrowArrayStream>?
) -> kcbx_status {
    out_stream?.pointee.release = nil
    return guarded {
        defer {
            releaseArrowStream(marks)
            releaseArrowStream(children)
        }
        let out = try Marshal.out(out_stream, "out_stream")
        let c = try classifierOf(policy, calendar)
        let asOf = try Marshal.date(as_of, "as_of")
        let table = try ArrowClassification.classify(c, asOf: asOf, marks: marks, children: children)
        try ArrowClassification.outTable(table).export(into: out)
    }
}

/// As kcbx_classify_arrow, into a table handle (`*out_table`, free with kcbx_table_free) for the
/// kcbx_table_* accessors; kcbx_table_to_arrow exports it.
/// @param policy the policy profile.
/// @param calendar the school calendar.
/// @param as_of YYYYMMDD.
/// @param marks the Arrow stream of marks (consumed: released, also on failure).
/// @param children the Arrow stream of children (consumed); may be NULL.
/// @param out_table receives the table (free with kcbx_table_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT naming the column and row.
@c public func kcbx_classify_arrow_table(
    _ policy: OpaquePointer?, _ calendar: OpaquePointer?, _ as_of: Int32,
    _ marks: UnsafeMutablePointer<ArrowArrayStream>?, _ children: UnsafeMutablePointer<ArrowArrayStream>?,
    _ out_table: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_table?.pointee = nil
    return guarded {
        defer {
            releaseArrowStream(marks)
            releaseArrowStream(children)
        }
        let out = try Marshal.out(out_table, "out_table")
        let c = try classifierOf(policy, calendar)
        let asOf = try Marshal.date(as_of, "as_of")
        out.pointee = TableHandle.make(try ArrowClassification.classify(c, asOf: asOf, marks: marks, children: children))
    }
}

/// A classification table as an Arrow stream of one batch (columns as kcbx_classify_arrow
/// gives them). May be called any number of times; each stream is independent of the table.
/// @param table the classification table.
/// @param out_stream receives the Arrow stream (release it with its release callback).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_table_to_arrow(_ table: OpaquePointer?, _ out_stream: UnsafeMutablePointer<ArrowArrayStream>?) -> kcbx_status {
    out_stream?.pointee.release = nil
    return guarded {
        let t = try TableHandle.get(table, "table").value
        try ArrowClassification.outTable(t).export(into: try Marshal.out(out_stream, "out_stream"))
    }
}

/// A report table (due list, cases, findings, statutory reports) as an Arrow stream of one
/// batch: columns KCBX computes as numbers are int64 (float64 when fractional), the others
/// utf8; schema metadata `kcbx:title`, `kcbx:unit`, `kcbx:as_of` and `kcbx:notes`.
/// @param report the report table.
/// @param out_stream receives the Arrow stream (release it with its release callback).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_report_to_arrow(_ report: OpaquePointer?, _ out_stream: UnsafeMutablePointer<ArrowArrayStream>?) -> kcbx_status {
    out_stream?.pointee.release = nil
    return guarded {
        let r = try ReportHandle.get(report, "report").value
        try ArrowReport.outTable(r).export(into: try Marshal.out(out_stream, "out_stream"))
    }
}

/// Releases a consumed input stream (NULL or released: nothing to do).
func releaseArrowStream(_ s: UnsafeMutablePointer<ArrowArrayStream>?) {
    guard let s, let r = s.pointee.release else { return }
    r(s)
}

private func classifierOf(_ policy: OpaquePointer?, _ calendar: OpaquePointer?) throws -> Classifier {
    let p = try PolicyHandle.get(policy, "policy")
    let c = try CalendarHandle.get(calendar, "calendar")
    return try Classifier(profile: p.value, calendar: c.value)
}

/// Report tables as Arrow columns.
enum ArrowReport {
    static func outTable(_ r: ReportTable) throws -> ArrowOutTable {
        var out = ArrowOutTable()
        for (j, name) in r.headers.enumerated() {
            let cells = r.rows.map { j < $0.count ? $0[j] : "" }
            if r.numericColumns.contains(j), !cells.isEmpty {
                let ints = cells.map { Int64($0) }
                if ints.allSatisfy({ $0 != nil }) {
                    out.add(name, .int64(ints.map { $0 ?? 0 }))
                    continue
                }
                let reals = cells.map { Double($0) }
                if reals.allSatisfy({ $0 != nil }) {
                    out.add(name, .float64(reals.map { $0 ?? 0 }))
                    continue
                }
            }
            var t = TextColumn()
            for c in cells { try t.append(c) }
            out.add(name, .utf8(t, valid: nil))
        }
        out.metadata = [
            ("kcbx:title", r.title), ("kcbx:unit", r.unit), ("kcbx:as_of", r.asOf?.description ?? ""),
            ("kcbx:notes", r.notes.joined(separator: "\n")),
        ]
        return out
    }
}

/// Imports attendance marks from Arrow record batches, as kcbx_ledger_import_marks: columns
/// `student` (the roster key: text, or integers), `date` (date32, date64 or int32 YYYYMMDD) and
/// `kind` (int8 codes or the labels of kcbx_classify_arrow). All or nothing; rows counted from 1.
/// At most 50,000,000 marks per call. The stream is read batch by batch, each batch released
/// before the next is asked for (memory holds one batch), and consumed (released, also on
/// failure). A stream is read once: if the roster or calendar changes (another writer) after the
/// marks were checked and before they are all written, the call fails with
/// KCBX_STATUS_STORAGE after the parts already written (each whole): import the marks again,
/// which completes them (docs/ledger.md).
/// @param ledger the ledger.
/// @param marks the Arrow stream of marks.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE
///         (also when the roster or calendar changed during the writing).
@c public func kcbx_ledger_import_marks_arrow(
    _ ledger: OpaquePointer?, _ marks: UnsafeMutablePointer<ArrowArrayStream>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    defer { releaseArrowStream(marks) }
    return LedgerMarshal.runImport(out_import_result, .marks) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        return marksReport(try ArrowMarkImport.run(l, marks, problems: &problems))
    }
}

/// Imports roster rows from Arrow record batches, as kcbx_ledger_import_students_csv: one column
/// per roster column of docs/ledger.md (`name` required; text, integers, or dates as date32 for
/// the date columns; null = empty), all or nothing; rows counted from 1. At most 10,000,000 rows.
/// The stream is consumed (released, also on failure).
/// @param ledger the ledger.
/// @param students the Arrow stream of roster rows.
/// @param out_import_result receives the result (counts, problems, conflicts; free with
///        kcbx_import_result_free), also when the batch is refused for bad rows; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for bad rows (all of them in the result's
///         problems), a NULL or bad argument; KCBX_STATUS_PERMISSION_DENIED; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_import_students_arrow(
    _ ledger: OpaquePointer?, _ students: UnsafeMutablePointer<ArrowArrayStream>?,
    _ out_import_result: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    defer { releaseArrowStream(students) }
    return LedgerMarshal.runImport(out_import_result, .roster) { problems in
        let l = try LedgerHandle.get(ledger, "ledger").value
        let imp = try ArrowImport(stream: students, "students", maxRows: 10_000_000)
        var probe = LedgerStudentRow()
        for f in imp.fields where !probe.set(f.name, "") {
            throw KCBXError.invalidInput(
                field: "students.\(f.name)", rule: "is not a roster column (\(LedgerStudentRow.columns.joined(separator: ",")))")
        }
        guard imp.field("name") != nil else {
            throw KCBXError.invalidInput(
                field: "students.name", rule: "is required (columns: \(LedgerStudentRow.columns.joined(separator: ",")))")
        }
        var rows = [LedgerStudentRow](repeating: LedgerStudentRow(), count: imp.rows)
        for f in imp.fields {
            guard let c = imp.column(f.name) else { continue }
            for (i, text) in try c.cellTexts().enumerated() { _ = rows[i].set(f.name, text) }
        }
        return importReport(try l.importStudents(rows, firstRow: 1, problems: &problems))
    }
}
