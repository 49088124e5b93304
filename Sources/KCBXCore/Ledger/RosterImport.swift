import FoundationEssentials

@_implementationOnly import GRDB

/// What an import did. Re-importing the same rows adds and updates nothing and records no event.
public struct LedgerImportResult: Hashable, Sendable, Codable {
    public var rows = 0
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public init() {}
}

extension Ledger {
    /// Imports or updates roster rows, all or nothing in one transaction. Every row is validated
    /// first; any bad row fails the batch with `.invalidInput` naming the first bad row, field and
    /// rule, and `problems` receives every one. Rows are numbered from `firstRow`.
    /// Each changed student is one `student.upserted` event; a student must be in the actor's
    /// jurisdiction before and after the change (a transfer between schools needs a unit covering both);
    /// a row outside it is refused even when it equals what is stored, and the refusal names the
    /// row and the masked key only (`outsideDetail`).
    public func importStudents(_ rows: [LedgerStudentRow], firstRow: Int = 1, problems: inout [LedgerRowProblem]) throws
        -> LedgerImportResult
    {
        let asOf = CivilDate.utcDate(of: clock())
        var students: [(Int, LedgerStudent)] = []
        var seen: [String: Int] = [:]
        problems = []
        for (i, row) in rows.enumerated() {
            let n = firstRow + i
            guard let s = row.validated(row: n, asOf: asOf, problems: &problems) else { continue }
            if let earlier = seen[s.key] {
                problems.append(
                    LedgerRowProblem(row: n, field: "resident_id", rule: "student \(s.key) is already in row \(earlier) of this batch"))
            } else {
                seen[s.key] = n
                students.append((n, s))
            }
        }
        if !problems.isEmpty { throw LedgerRowProblem.error(problems) }
        return try write { db, w in
            try requireWriter("import students")
            var result = LedgerImportResult()
            result.rows = rows.count
            for (n, s) in students {
                let old = try storedStudent(s.key, db)
                // Checked before "unchanged": re-importing another unit's exact row is refused, not confirmed.
                do {
                    try requireCovers(s, "import students")
                    if let old { try requireCovers(old, "import students") }
                } catch let r as LedgerRefusal {
                    throw LedgerRefusal(
                        operation: r.operation, student: r.student, caseID: 0, detail: "row \(n): \(r.detail); the batch was not applied")
                }
                if let old, old == s {
                    result.unchanged += 1
                    continue
                }
                try w.append(
                    db, .studentUpserted, student: s.key, payload: s,
                    reason: old == nil ? "roster import row \(n)" : "roster update row \(n)")
                if old == nil { result.added += 1 } else { result.updated += 1 }
            }
            return result
        }
    }

    /// `importStudents` without the problem list.
    public func importStudents(_ rows: [LedgerStudentRow], firstRow: Int = 1) throws -> LedgerImportResult {
        var problems: [LedgerRowProblem] = []
        return try importStudents(rows, firstRow: firstRow, problems: &problems)
    }

    /// Imports a roster CSV file (UTF-8, optional BOM, header row; columns in docs/ledger.md).
    /// Rows are numbered as a spreadsheet shows them: the header is row 1.
    public func importStudentsCSV(path: String, problems: inout [LedgerRowProblem]) throws -> LedgerImportResult {
        let file = try CSVFile(path: path)
        return try importStudents(try LedgerStudentRow.rows(csv: file), firstRow: 2, problems: &problems)
    }

    /// Imports a JSON array of objects keyed by the CSV column names (values strings or numbers).
    public func importStudentsJSON(_ text: String, problems: inout [LedgerRowProblem]) throws -> LedgerImportResult {
        try importStudents(try LedgerStudentRow.rows(json: text), firstRow: 1, problems: &problems)
    }

    /// All students of the actor's jurisdiction, by key; resident IDs and G numbers masked unless
    /// `fullIDs` is granted (`disclosure`: county level or above, recorded).
    public func students(fullIDs: Bool = false) throws -> [LedgerStudent] {
        let scope = actor.scopeSQL
        let d = try disclosure(fullIDs: fullIDs, "list students", format: "students")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM students s WHERE \(scope.sql) ORDER BY key", arguments: [scope.argument]).map {
                LedgerStudent(row: $0).disclosed(d)
            }
        }
    }
}

extension LedgerStudentRow {
    /// Rows of a CSV file; unknown columns are refused by name.
    static func rows(csv file: CSVFile) throws -> [LedgerStudentRow] {
        var probe = LedgerStudentRow()
        for h in file.headers where !probe.set(h, "") {
            throw KCBXError.invalidInput(
                field: "\(file.path): column \(h)", rule: "is not a roster column (\(columns.joined(separator: ",")))")
        }
        guard file.headers.contains("name") else {
            throw KCBXError.invalidInput(
                field: "\(file.path): column name", rule: "is required (columns: \(columns.joined(separator: ",")))")
        }
        return file.rows.map { cells in
            var r = LedgerStudentRow()
            for (i, h) in file.headers.enumerated() { _ = r.set(h, file.cell(cells, i)) }
            return r
        }
    }

    /// Rows of a JSON array of objects.
    static func rows(json text: String) throws -> [LedgerStudentRow] {
        guard case .array(let items) = try JSONValue.parse(text, field: "students") else {
            throw KCBXError.invalidInput(field: "students", rule: "must be a JSON array of objects")
        }
        return try items.enumerated().map { i, item in
            guard case .object(let o) = item else { throw KCBXError.invalidInput(field: "students[\(i)]", rule: "must be an object") }
            var r = LedgerStudentRow()
            for (k, v) in o {
                let text: String
                switch v {
                case .string(let s): text = s
                case .number(let n) where n == n.rounded() && abs(n) < 1e15: text = String(Int64(n))
                case .null: text = ""
                case .array(let a) where k == "special_groups":
                    text = try a.map { g -> String in
                        guard case .string(let s) = g else {
                            throw KCBXError.invalidInput(field: "students[\(i)].special_groups", rule: "must hold strings")
                        }
                        return s
                    }.joined(separator: ";")
                default: throw KCBXError.invalidInput(field: "students[\(i)].\(k)", rule: "must be a string or a whole number")
                }
                guard r.set(k, text) else {
                    throw KCBXError.invalidInput(
                        field: "students[\(i)].\(k)", rule: "is not a roster column (\(columns.joined(separator: ", ")))")
                }
            }
            return r
        }
    }
}

extension CivilDate {
    /// The UTC calendar date of `date`.
    static func utcDate(of date: Date) -> CivilDate {
        CivilDate(dayNumber: Int32((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
