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
    out_findings_report?.pointee = nil
    out_summary_report?.pointee = nil
    return guarded {
        let prefix = try Marshal.string(region_prefix, "region_prefix")
        guard !prefix.isEmpty, prefix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw KCBXError.invalidInput(field: "region_prefix", rule: "must be digits of a GB/T 2260 code, got '\(prefix)'")
        }
        let findingsOut = try Marshal.out(out_findings_report, "out_findings_report")
        func list(_ p: UnsafePointer<CChar>?, _ field: String) throws -> Set<String>? {
            guard p != nil else { return nil }
            return try ReconciliationInput.idList(csv: CSVFile(path: try Marshal.string(p, field)))
        }
        let input = ReconciliationInput(
            regionPrefix: prefix, asOf: try Marshal.date(as_of, "as_of"),
            household: try ReconciliationInput.household(csv: CSVFile(path: try Marshal.string(household_csv, "household_csv"))),
            students: try ReconciliationInput.students(csv: CSVFile(path: try Marshal.string(students_csv, "students_csv"))),
            attending: try list(attending_csv, "attending_csv"), poverty: try list(poverty_csv, "poverty_csv") ?? [],
            threeKinds: try list(three_kinds_csv, "three_kinds_csv") ?? [], dropouts: try list(dropouts_csv, "dropouts_csv") ?? [])
        let report = Reconciler.run(input)
        findingsOut.pointee = ReportHandle.make(report.findingsTable())
        out_summary_report?.pointee = ReportHandle.make(report.summaryTable())
    }
}
