import KCBXCore

typealias ReportHandle = Handle<ReportTable>

/// Number of data rows of a report table.
@c public func kcbx_report_rows(_ report: OpaquePointer?, _ out_rows: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded { try Marshal.out(out_rows, "out_rows").pointee = Int64(try ReportHandle.get(report, "report").value.rows.count) }
}

/// Number of columns of a report table.
@c public func kcbx_report_columns(_ report: OpaquePointer?, _ out_columns: UnsafeMutablePointer<Int64>?) -> kcbx_status {
    guarded { try Marshal.out(out_columns, "out_columns").pointee = Int64(try ReportHandle.get(report, "report").value.headers.count) }
}

/// A column's header into `*out_name` (free with kcbx_string_free).
@c public func kcbx_report_header(_ report: OpaquePointer?, _ column: Int64, _ out_name: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_name?.pointee = nil
    return guarded {
        let r = try ReportHandle.get(report, "report").value
        guard column >= 0, column < Int64(r.headers.count) else { throw KCBXError.invalidInput(field: "column", rule: "\(column) is outside 0..<\(r.headers.count)") }
        Marshal.give(r.headers[Int(column)], to: try Marshal.out(out_name, "out_name"))
    }
}

/// A cell's text into `*out_text` (free with kcbx_string_free).
@c public func kcbx_report_cell(_ report: OpaquePointer?, _ row: Int64, _ column: Int64, _ out_text: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_text?.pointee = nil
    return guarded {
        let r = try ReportHandle.get(report, "report").value
        guard row >= 0, row < Int64(r.rows.count) else { throw KCBXError.invalidInput(field: "row", rule: "\(row) is outside 0..<\(r.rows.count)") }
        guard column >= 0, column < Int64(r.headers.count) else { throw KCBXError.invalidInput(field: "column", rule: "\(column) is outside 0..<\(r.headers.count)") }
        let cells = r.rows[Int(row)]
        Marshal.give(Int(column) < cells.count ? cells[Int(column)] : "", to: try Marshal.out(out_text, "out_text"))
    }
}

/// The whole table as CSV text (UTF-8 with BOM, for Excel) into `*out_csv` (free with kcbx_string_free).
@c public func kcbx_report_csv(_ report: OpaquePointer?, _ out_csv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    out_csv?.pointee = nil
    return guarded { Marshal.give(try ReportHandle.get(report, "report").value.csv(), to: try Marshal.out(out_csv, "out_csv")) }
}

/// Frees a report table. Accepts NULL.
@c public func kcbx_report_free(_ report: OpaquePointer?) { ReportHandle.release(report) }
