import KCBXCTypes
import KCBXCore

/// Reconciliation registries from Arrow streams (docs/arrow.md, "Reconciliation"): each stream
/// is read batch by batch straight into `RegistryColumns` — text values are handed over as views
/// of the producer's bytes (trimmed and keyed as CSV cells are; no `String` per value), integer
/// columns (a CSV reader's guess for codes and IDs without X) are read as their decimal text,
/// dates as date32/date64, YYYYMMDD integers or ISO text. Each batch is released before the next
/// is asked for. Errors name the stream, column and row (`students.grade[12]`).
enum ArrowRegistry {
    /// Household columns (census too): resident_id, name, region_code required; birth_date, address optional.
    static func household(
        _ s: UnsafeMutablePointer<ArrowArrayStream>?, _ what: String, _ table: RegistryColumns.HouseholdTable,
        into c: inout RegistryColumns
    ) throws {
        try eachBatch(s, what, required: ["resident_id", "name", "region_code"]) { imp in
            let id = try cells(imp, "resident_id")
            let name = try cells(imp, "name")
            let region = try cells(imp, "region_code")
            let address = try cells(imp, "address", optional: true)
            let birth = try days(imp, "birth_date")
            for r in 0..<imp.rows {
                c.appendHousehold(table, residentID: id[r], name: name[r], birthDay: birth[r], address: address[r], regionCode: region[r])
            }
        }
    }

    /// Student columns: registry_number, resident_id, name, school_id, school_region_code, grade
    /// required; birth_date, status optional.
    static func students(_ s: UnsafeMutablePointer<ArrowArrayStream>?, into c: inout RegistryColumns) throws {
        try eachBatch(s, "students", required: ["registry_number", "resident_id", "name", "school_id", "school_region_code", "grade"]) {
            imp in
            let reg = try cells(imp, "registry_number")
            let id = try cells(imp, "resident_id")
            let name = try cells(imp, "name")
            let school = try cells(imp, "school_id")
            let region = try cells(imp, "school_region_code")
            let status = try cells(imp, "status", optional: true)
            let birth = try days(imp, "birth_date")
            let grades = try gradeColumn(imp)
            for r in 0..<imp.rows {
                let st = try CSVFields.trim(status[r]) { try RegistryColumns.status($0) { "students.status[\(r + imp.firstRow)]" } }
                c.appendStudent(
                    registryNumber: reg[r], residentID: id[r], name: name[r], birthDay: birth[r], schoolID: school[r],
                    schoolRegionCode: region[r], grade: grades[r], status: st)
            }
        }
    }

    /// An ID list (column resident_id); the list is compared even when the stream is empty.
    static func list(
        _ s: UnsafeMutablePointer<ArrowArrayStream>?, _ what: String, _ list: RegistryColumns.IDList,
        into c: inout RegistryColumns
    ) throws {
        c.compare(list)
        try eachBatch(s, what, required: ["resident_id"]) { imp in
            let id = try cells(imp, "resident_id")
            for r in 0..<imp.rows { c.insert(id[r], into: list) }
        }
    }

    // MARK: Batches and cells

    static func eachBatch(
        _ s: UnsafeMutablePointer<ArrowArrayStream>?, _ what: String, required: [String],
        _ body: (ArrowImport) throws -> Void
    ) throws {
        let reader = try ArrowStreamReader(stream: s, what)
        for name in required where !reader.fields.contains(where: { $0.name == name }) {
            throw KCBXError.invalidInput(
                field: "\(what).\(name)",
                rule: "is required (columns: \(reader.fields.map(\.name).joined(separator: ", ")))")
        }
        var first = 0
        while let b = try reader.next() {
            let imp = try ArrowImport(reader: reader, batches: [b], firstRow: first, maxRows: Int(Int32.max))
            try body(imp)
            first += imp.rows
        }
    }

    /// A column of one batch as byte views per row (empty for null or a missing optional column):
    /// text in place (UTF-8 checked), integers as decimal text in memory the batch owns.
    static func cells(_ imp: ArrowImport, _ name: String, optional: Bool = false) throws -> [UnsafeBufferPointer<UInt8>] {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var out = [UnsafeBufferPointer<UInt8>](repeating: empty, count: imp.rows)
        guard let c = imp.column(name) else {
            if optional { return out }
            throw KCBXError.invalidInput(field: "\(imp.what).\(name)", rule: "is required")
        }
        if c.isText {
            try c.forEachText { row, b in
                guard let b else { return }
                let span = b.assumingMemoryBound(to: UInt8.self)
                guard CSVFields.isValidUTF8(span) else { throw c.error(row, "is not valid UTF-8") }
                out[row] = span
            }
            return out
        }
        guard c.isInteger else {
            throw c.error(nil, "Arrow type \"\(c.field.valueFormat)\" is neither text nor integers (identifiers and codes are text)")
        }
        let arena = try imp.allocate(UInt8.self, imp.rows * 20, "the decimal text of \(c.name)")
        guard let base = arena.baseAddress else { return out }
        try c.forEachInteger { row, v in
            guard let v else { return }
            var digits = String(v)
            digits.withUTF8 { u in
                let at = base + row * 20
                for (i, d) in u.enumerated() where i < 20 { at[i] = d }
                out[row] = UnsafeBufferPointer(start: at, count: min(u.count, 20))
            }
        }
        return out
    }

    /// An optional date column of one batch as day numbers (nil: null, empty or missing).
    static func days(_ imp: ArrowImport, _ name: String) throws -> [Int32?] {
        guard let c = imp.column(name) else { return [Int32?](repeating: nil, count: imp.rows) }
        if c.isText {
            var out = [Int32?](repeating: nil, count: imp.rows)
            let text = try cells(imp, name)
            for r in 0..<imp.rows {
                out[r] = try CSVFields.trim(text[r]) { try RegistryColumns.isoDay($0, field: "\(c.name)[\(r + imp.firstRow)]") }
            }
            return out
        }
        let (d, _) = try c.dates(.dayNumber)
        return d.map { $0 == DateEncoding.dayNumber.none ? nil : $0 }
    }

    /// The grade column of one batch: integers or text, 1-9, as `RegistryColumns.grade` rules.
    static func gradeColumn(_ imp: ArrowImport) throws -> [UInt8] {
        guard let c = imp.column("grade") else { throw KCBXError.invalidInput(field: "students.grade", rule: "is required") }
        var out = [UInt8](repeating: 0, count: imp.rows)
        if c.isInteger {
            try c.forEachInteger { row, v in
                let field = { "\(c.name)[\(row + imp.firstRow)]" }
                guard let v else {
                    out[row] = try RegistryColumns.grade(UnsafeBufferPointer(start: nil, count: 0), field: field)
                    return
                }
                out[row] = try RegistryColumns.grade(Int(v), field: field)
            }
            return out
        }
        let text = try cells(imp, "grade")
        for r in 0..<imp.rows {
            out[r] = try CSVFields.trim(text[r]) { try RegistryColumns.grade($0) { "\(c.name)[\(r + imp.firstRow)]" } }
        }
        return out
    }
}
