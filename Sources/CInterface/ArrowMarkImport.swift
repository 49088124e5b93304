import KCBXCTypes
import KCBXCore

/// The Arrow marks import (kcbx_ledger_import_marks_arrow) record batch by record batch: each
/// batch is checked as `ArrowImport` checks a column, its marks are handed to
/// `Ledger.importMarkColumns` as bytes (text keys straight from the Arrow buffers, integer keys
/// as decimal text in a reused buffer), and the batch is released before the next is asked for.
/// Memory holds one batch (and the conversions of its dates and kinds), never the stream, and no
/// `String` per key. The stream is read once: when the roster or calendar changes while the marks
/// are written, the import stops with a storage error (import the marks again; docs/ledger.md).
enum ArrowMarkImport {
    /// The most marks one call takes.
    static let maxRows = 50_000_000

    static func run(_ l: Ledger, _ stream: UnsafeMutablePointer<ArrowArrayStream>?, problems: inout [LedgerRowProblem]) throws
        -> LedgerMarkImportResult
    {
        let reader = try ArrowStreamReader(stream: stream, "marks")
        defer { reader.finish() }
        for name in ["student", "date", "kind"] where !reader.fields.contains(where: { $0.name == name }) {
            throw KCBXError.invalidInput(
                field: "marks", rule: "no column \(name) (columns: \(reader.fields.map(\.name).joined(separator: ", ")))")
        }
        var read = false
        return try l.importMarkColumns(problems: &problems, rereadable: false) { add in
            guard !read else { throw KCBXError.storage("marks: an Arrow stream cannot be read twice; import the marks again") }
            read = true
            let key = DecimalText()
            var before = 0
            while let b = try reader.next() {
                let imp = try ArrowImport(reader: reader, batches: [b], firstRow: before, maxRows: maxRows)
                let (total, overflow) = before.addingReportingOverflow(imp.rows)
                guard !overflow, total <= maxRows else {
                    throw KCBXError.invalidInput(
                        field: "marks", rule: "more than the \(maxRows) rows one call takes; pass fewer rows per call")
                }
                try batch(imp, before: before, key: key, add)
                before = total
            }
        }
    }

    /// Hands batch `imp` (rows `before + 1 ...`) to `add`.
    private static func batch(
        _ imp: ArrowImport, before: Int, key: DecimalText,
        _ add: (_ row: Int, _ student: UnsafeBufferPointer<UInt8>, _ date: Int32, _ kind: Int) throws -> Void
    ) throws {
        func required(_ name: String) throws -> ArrowColumn {
            guard let c = imp.column(name) else {
                throw KCBXError.invalidInput(
                    field: "marks", rule: "no column \(name) (columns: \(imp.fields.map(\.name).joined(separator: ", ")))")
            }
            return c
        }
        let students = try required("student")
        let dateColumn = try required("date")
        try dateColumn.requireNoNulls()
        let (dates, _) = try dateColumn.dates(.yyyymmdd)
        let (kinds, _) = try ArrowClassification.kindColumn(try required("kind"))
        guard dates.count == imp.rows, kinds.count == imp.rows else {
            throw KCBXError.storage("marks: a batch's dates or kinds do not match its \(imp.rows) rows")
        }
        if students.isText {
            try students.forEachText { row, bytes in
                guard let bytes else { throw students.error(row, "is null; every mark names its student") }
                let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
                guard CSVFields.isValidUTF8(utf8) else { throw students.error(row, "is not valid UTF-8") }
                try add(before + row + 1, utf8, dates[row], Int(kinds[row]))
            }
        } else {
            try students.forEachInteger { row, v in
                guard let v else { throw students.error(row, "is null; every mark names its student") }
                try add(before + row + 1, key.text(v), dates[row], Int(kinds[row]))
            }
        }
    }
}
