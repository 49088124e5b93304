/// A table as the seeds print them: a title, the reporting unit (填报单位) and date (填报日期),
/// headers, text cells and notes (definitions, formulas, interpretations). Written as CSV with a
/// BOM so Excel opens the Chinese text correctly, or as JSON with every part.
public struct ReportTable: Sendable, Equatable {
    public var title: String
    public var headers: [String]
    public var rows: [[String]]
    /// The unit the report is for (school, township, county), as printed after 填报单位; "" when none.
    public var unit: String
    /// The date the report describes (填报日期 / as-of date); nil for tables without one.
    public var asOf: CivilDate?
    /// Notes printed under the table: 填表说明, formulas, interpretations.
    public var notes: [String]
    /// Columns whose cells KCBX computed as numbers: their negative numbers are written as they
    /// are; every other cell beginning with = + - @ is neutralised in CSV (`CSVOutput`).
    public var numericColumns: Set<Int> = []

    public init(
        title: String, headers: [String], rows: [[String]] = [], unit: String = "", asOf: CivilDate? = nil, notes: [String] = [],
        numericColumns: Set<Int> = []
    ) {
        self.title = title
        self.headers = headers
        self.rows = rows
        self.unit = unit
        self.asOf = asOf
        self.notes = notes
        self.numericColumns = numericColumns
    }

    /// CSV text (UTF-8 with BOM, CRLF line ends as Excel writes them): the header row and the data
    /// rows only, so the file stays a plain table (title, unit, date and notes are in `json()`).
    /// Formula-leading text cells are neutralised (`CSVOutput`).
    public func csv() -> String { CSVOutput.text([headers] + rows, numericColumns: numericColumns) }

    /// Writes `csv()` to `path` under the file policy of `SafeFile.write` (regular files only,
    /// permissions never widened, atomic replacement).
    public func writeCSV(to path: String) throws { try SafeFile.write(Array(csv().utf8), to: path) }

    /// The whole report as a JSON value: `{"title", "unit", "as_of" (YYYY-MM-DD or null),
    /// "columns": [...], "rows": [[...]], "notes": [...]}`.
    public var jsonValue: JSONValue {
        .object([
            "title": .string(title), "unit": .string(unit), "as_of": asOf.map { .string($0.description) } ?? .null,
            "columns": .array(headers.map { .string($0) }),
            "rows": .array(rows.map { .array($0.map { .string($0) }) }),
            "notes": .array(notes.map { .string($0) }),
        ])
    }

    /// `jsonValue` as text (sorted keys).
    public func json(pretty: Bool = false) -> String { jsonValue.serialized(pretty: pretty) }

    /// The rows as dictionaries keyed by header (for tests and hosts).
    public var records: [[String: String]] {
        rows.map { r in Dictionary(uniqueKeysWithValues: headers.enumerated().map { ($0.element, $0.offset < r.count ? r[$0.offset] : "") })
        }
    }
}
