/// A CSV file read with a header row through `StrictCSVReader` (UTF-8, optional BOM, RFC 4180;
/// anything that could be misread is an error naming the file, the row and the rule): rows by
/// column name, with row numbers for errors.
public struct CSVFile: Sendable {
    public let path: String
    public let headers: [String]
    /// Data rows in file order (the header is row 1, so without blank lines `rows[0]` is row 2).
    public let rows: [[String]]
    /// The row number of each of `rows` in the file (header = 1; skipped blank lines are counted).
    public let rowNumbers: [Int]

    public init(path: String) throws {
        var headers: [String] = []
        var rows: [[String]] = []
        var numbers: [Int] = []
        try StrictCSVReader.read(
            path: path, header: { headers = $0 },
            row: {
                rows.append($1)
                numbers.append($0)
            })
        self.init(path: path, headers: headers, rows: rows, rowNumbers: numbers)
    }

    /// Parses CSV text in memory; `path` names it in errors.
    public init(text: String, path: String = "CSV") throws {
        var headers: [String] = []
        var rows: [[String]] = []
        var numbers: [Int] = []
        try StrictCSVReader.read(
            text: text, source: path, header: { headers = $0 },
            row: {
                rows.append($1)
                numbers.append($0)
            })
        self.init(path: path, headers: headers, rows: rows, rowNumbers: numbers)
    }

    private init(path: String, headers: [String], rows: [[String]], rowNumbers: [Int]) {
        self.path = path
        self.headers = headers
        self.rows = rows
        self.rowNumbers = rowNumbers
    }

    /// The index of a required column; the error names the file and the column.
    public func column(_ name: String) throws -> Int { try CSVFile.column(name, in: headers, path: path) }

    /// The index of required column `name` among `headers` of the file at `path`.
    static func column(_ name: String, in headers: [String], path: String) throws -> Int {
        guard let i = headers.firstIndex(of: name) else {
            throw KCBXError.invalidInput(
                field: "\(path): column \(name)",
                rule: "is required (columns: \(KCBXError.quote(headers.joined(separator: ","), limit: 200)))")
        }
        return i
    }

    public func optionalColumn(_ name: String) -> Int? { headers.firstIndex(of: name) }

    /// A cell, or "" when the column is absent.
    public func cell(_ row: [String], _ column: Int?) -> String {
        guard let column, column < row.count else { return "" }
        return CSVFile.trimmed(row[column])
    }

    /// `s` without leading and trailing spaces, tabs and ideographic spaces (U+3000; no copy when there are none).
    public static func trimmed(_ s: String) -> String {
        guard let f = s.utf8.first, let l = s.utf8.last, f <= 0x20 || l <= 0x20 || f == 0xE3 || l == 0x80 else { return s }
        let space: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }
        return String(String(s.drop(while: space).reversed()).drop(while: space).reversed())
    }

    /// Reads several files one after the other on the calling thread (no thread pool: safe in a
    /// process forked from a multithreaded parent); the first failure is thrown.
    public static func read(_ paths: [String]) throws -> [CSVFile] { try paths.map { try CSVFile(path: $0) } }

    /// "file row N column" for error messages (N counts the header as row 1).
    public func field(row index: Int, _ column: String) -> String {
        "\(path) row \(index >= 0 && index < rowNumbers.count ? rowNumbers[index] : index + 2) \(column)"
    }
}
