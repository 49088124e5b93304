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
    /// Imports or updates roster rows, all or nothing in one transaction. Every row is validated;
    /// any bad row fails the batch with `.invalidInput` naming the first bad row, field and rule,
    /// and `problems` receives every one. Rows are numbered from `firstRow`.
    /// Changed students are recorded in `students.upserted` events of up to 5,000 students each
    /// (`RosterBatch`); a student must be in the actor's jurisdiction before and after the change
    /// (a transfer between schools needs a unit covering both); a row outside it is refused even
    /// when it equals what is stored, and the refusal names the row and the masked key only
    /// (`outsideDetail`).
    public func importStudents(_ rows: [LedgerStudentRow], firstRow: Int = 1, problems: inout [LedgerRowProblem]) throws
        -> LedgerImportResult
    {
        try importStudentStream(problems: &problems) { add, _ in
            for (i, r) in rows.enumerated() { try add(firstRow + i, r) }
        }
    }

    /// `importStudents` without the problem list.
    public func importStudents(_ rows: [LedgerStudentRow], firstRow: Int = 1) throws -> LedgerImportResult {
        var problems: [LedgerRowProblem] = []
        return try importStudents(rows, firstRow: firstRow, problems: &problems)
    }

    /// Imports a roster CSV file (UTF-8, optional BOM, header row; columns in docs/ledger.md),
    /// streamed in one pass: memory does not grow with its size. Rows are numbered as a
    /// spreadsheet shows them: the header is row 1. `progress` is called with the rows done, the
    /// bytes done and the file's size, about every 16,384 rows.
    public func importStudentsCSV(
        path: String, problems: inout [LedgerRowProblem],
        progress: ((_ rows: Int, _ bytes: Int64, _ total: Int64) -> Void)? = nil
    ) throws -> LedgerImportResult {
        let total = LedgerFileAccess.size(path)
        return try importStudentStream(problems: &problems) { _, add in
            var count = 0
            var bytes: Int64 = 0
            try LedgerStudentRow.readCSVRows(path: path) { n, r in
                try add(n, r)
                count += 1
                if let progress {
                    for k in 0..<r.fields.count { bytes += Int64(r.fields.raw(k).count) + 1 }
                    if count & 0x3FFF == 0 { progress(count, bytes, total) }
                }
            }
            progress?(count, total, total)
        }
    }

    /// Imports a JSON array of objects keyed by the CSV column names (values strings or numbers).
    public func importStudentsJSON(_ text: String, problems: inout [LedgerRowProblem]) throws -> LedgerImportResult {
        try importStudents(try LedgerStudentRow.rows(json: text), firstRow: 1, problems: &problems)
    }

    /// The one roster write behind every form (CSV, JSON, arrays, Arrow): `source` feeds rows
    /// (row number, row) once, in one IMMEDIATE transaction, as text (`add`) or as CSV bytes
    /// (`addCSV`). Every row is checked; any problem rolls all of it back (`problems` lists each),
    /// else a row outside the jurisdiction is refused and recorded (`LedgerRefusal`).
    func importStudentStream(
        problems: inout [LedgerRowProblem],
        _ source: (_ add: (Int, LedgerStudentRow) throws -> Void, _ addCSV: (Int, RosterCSVRow) throws -> Void) throws -> Void
    ) throws -> LedgerImportResult {
        problems = []
        let asOf = CivilDate.utcDate(of: clock())
        var found: [LedgerRowProblem] = []
        do {
            return try write { db, w in
                try requireWriter("import students")
                // A roster touches the key index at random: a page cache of 64 MB for this batch
                // (SQLite's default is 2 MB) keeps a city's index in memory instead of spilling
                // it to the WAL and reading it back; the default is restored after.
                let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = -65536")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
                let batch = try RosterBatch(ledger: self, db: db, asOf: asOf)
                defer { found = batch.problems }
                try source({ n, r in try batch.add(row: n, r, &w) }, { n, r in try batch.add(row: n, csv: r, &w) })
                guard batch.problems.isEmpty else { throw LedgerRowProblem.error(batch.problems) }
                if let r = batch.refusal { throw r }
                try batch.flush(&w)
                return try batch.finish()
            }
        } catch {
            problems = found
            throw error
        }
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
    /// Streams the rows of a roster CSV file (header checked by `checkColumns`; rows numbered as a
    /// spreadsheet shows them, the header being row 1) with each row's fields as read.
    static func readCSV(path: String, _ row: (Int, LedgerStudentRow, CSVFields) throws -> Void) throws {
        try readCSVRows(path: path) { n, r in try row(n, r.row, r.fields) }
    }

    /// As `readCSV`, handing each row over as its fields' bytes (`RosterCSVRow`), no `String` made.
    static func readCSVRows(path: String, _ row: (Int, RosterCSVRow) throws -> Void) throws {
        var columns: [Int?] = []
        try StrictCSVReader.readFields(
            path: path,
            header: { headers in
                try checkColumns(headers, path: path)
                columns = Self.columns.map { headers.firstIndex(of: $0) }
            },
            row: { n, fields in try row(n, RosterCSVRow(fields: fields, columns: columns)) })
        if columns.isEmpty { try checkColumns([], path: path) }
    }

    /// Refuses a header with a column that is not a roster column, or without `name`.
    static func checkColumns(_ headers: [String], path: String) throws {
        for h in headers where !columns.contains(h) {
            throw KCBXError.invalidInput(
                field: "\(path): column \(h)", rule: "is not a roster column (\(columns.joined(separator: ",")))")
        }
        guard headers.contains("name") else {
            throw KCBXError.invalidInput(
                field: "\(path): column name", rule: "is required (columns: \(columns.joined(separator: ",")))")
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
