import KCBXCore

/// What a ledger import did (roster or marks), behind a kcbx_import_result handle: the counts of
/// LedgerImportResult / LedgerMarkImportResult, the duplicate-day conflicts of a marks import and
/// the problems of a refused batch. The JSON serialiser gives the documents ABI 1 returned.
struct ImportOutcome {
    enum Kind { case roster, marks }
    var kind: Kind
    var rows = 0, added = 0, updated = 0, unchanged = 0, changed = 0
    var conflicts: [LedgerRowProblem] = []
    var problems: [LedgerRowProblem] = []

    init(kind: Kind, problems: [LedgerRowProblem]) {
        self.kind = kind
        self.problems = problems
    }

    init(_ r: LedgerImportResult) {
        kind = .roster
        rows = r.rows
        added = r.added
        updated = r.updated
        unchanged = r.unchanged
    }

    init(_ r: LedgerMarkImportResult) {
        kind = .marks
        rows = r.rows
        changed = r.changed
        unchanged = r.unchanged
        conflicts = r.conflicts
    }

    func count(_ c: kcbx_import_count) -> Int {
        switch c {
        case .rows: return rows
        case .added: return added
        case .updated: return updated
        case .unchanged: return unchanged
        case .changed: return changed
        case .conflicts: return conflicts.count
        case .problems: return problems.count
        }
    }

    static func rowsJSON(_ list: [LedgerRowProblem]) -> JSONValue {
        .array(list.map { .object(["row": .number(Double($0.row)), "field": .string($0.field), "rule": .string($0.rule)]) })
    }

    /// {"problems": [...]} for a refused batch; else {"rows","added","updated","unchanged"} for a
    /// roster, {"rows","changed","unchanged","conflicts"} for marks.
    var jsonValue: JSONValue {
        if !problems.isEmpty { return .object(["problems": Self.rowsJSON(problems)]) }
        switch kind {
        case .roster:
            return .object([
                "rows": .number(Double(rows)), "added": .number(Double(added)), "updated": .number(Double(updated)),
                "unchanged": .number(Double(unchanged)),
            ])
        case .marks:
            return .object([
                "rows": .number(Double(rows)), "changed": .number(Double(changed)), "unchanged": .number(Double(unchanged)),
                "conflicts": Self.rowsJSON(conflicts),
            ])
        }
    }

    static func table(_ title: String, _ list: [LedgerRowProblem]) -> ReportTable {
        ReportTable(
            title: title, headers: ["row", "field", "rule"], rows: list.map { [String($0.row), $0.field, $0.rule] },
            numericColumns: [0])
    }
}

typealias ImportResultHandle = Handle<ImportOutcome>

func importReport(_ r: LedgerImportResult) -> ImportOutcome { ImportOutcome(r) }

func marksReport(_ r: LedgerMarkImportResult) -> ImportOutcome { ImportOutcome(r) }

/// The counts of a kcbx_import_result (kcbx_import_result_count). A count that does not apply to
/// the import (added of a marks import, changed of a roster import) is 0.
@c public enum kcbx_import_count: Int32 {
    /// Rows read (0 for a refused batch).
    case rows = 1
    /// Roster: students added.
    case added = 2
    /// Roster: students whose stored row changed.
    case updated = 3
    /// Rows equal to what the ledger holds (students or marks): no event recorded.
    case unchanged = 4
    /// Marks: marks added or changed.
    case changed = 5
    /// Marks: rows that replaced an earlier row of the batch for the same child and day (the later wins).
    case conflicts = 6
    /// Bad fields of a refused batch (the batch was not applied).
    case problems = 7
}

/// One count of an import.
/// @param import_result the result of a kcbx_ledger_import_* call.
/// @param count which count (kcbx_import_count).
/// @param out_value receives the count.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a NULL argument or an unknown count.
@c public func kcbx_import_result_count(
    _ import_result: OpaquePointer?, _ count: Int32,
    _ out_value: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    guarded {
        let r = try ImportResultHandle.get(import_result, "import_result").value
        guard let c = kcbx_import_count(rawValue: count) else {
            throw KCBXError.invalidInput(field: "count", rule: "\(count) is not a kcbx_import_count (1-7)")
        }
        try Marshal.out(out_value, "out_value").pointee = Int64(r.count(c))
    }
}

/// The problems of a refused batch, one row per bad field: columns row (CSV rows as a spreadsheet
/// shows them, other inputs from 1), field, rule. Empty when the import went in.
/// @param import_result the result of a kcbx_ledger_import_* call.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a NULL argument.
@c public func kcbx_import_result_problems(_ import_result: OpaquePointer?, _ out_report: UnsafeMutablePointer<OpaquePointer?>?)
    -> kcbx_status
{
    out_report?.pointee = nil
    return guarded {
        let r = try ImportResultHandle.get(import_result, "import_result").value
        try TableResult.give(ImportOutcome.table("import problems", r.problems), out_report, "out_report")
    }
}

/// The duplicate-day conflicts of a marks import (DOMAIN.md section 7: the later mark of a child's
/// day wins, never counted twice), one row per replacing row: columns row, field, rule (which
/// earlier row it replaced). Empty for a roster import.
/// @param import_result the result of a kcbx_ledger_import_* call.
/// @param out_report receives the table (free with kcbx_report_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a NULL argument.
@c public func kcbx_import_result_conflicts(_ import_result: OpaquePointer?, _ out_report: UnsafeMutablePointer<OpaquePointer?>?)
    -> kcbx_status
{
    out_report?.pointee = nil
    return guarded {
        let r = try ImportResultHandle.get(import_result, "import_result").value
        try TableResult.give(ImportOutcome.table("mark conflicts", r.conflicts), out_report, "out_report")
    }
}

/// The import result as JSON: {"rows","added","updated","unchanged"} for a roster,
/// {"rows","changed","unchanged","conflicts":[{"row","field","rule"}]} for marks, or
/// {"problems":[{"row","field","rule"}]} for a refused batch.
/// @param import_result the result of a kcbx_ledger_import_* call.
/// @param out_json receives the text (free with kcbx_string_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT for a NULL argument.
@c public func kcbx_import_result_json(_ import_result: OpaquePointer?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> kcbx_status
{
    out_json?.pointee = nil
    return guarded {
        let r = try ImportResultHandle.get(import_result, "import_result").value
        try Marshal.give(r.jsonValue.serialized(pretty: false), to: try Marshal.out(out_json, "out_json"))
    }
}

/// Frees an import result. Accepts NULL.
/// @param import_result the result to free, or NULL.
@c public func kcbx_import_result_free(_ import_result: OpaquePointer?) { ImportResultHandle.release(import_result) }
