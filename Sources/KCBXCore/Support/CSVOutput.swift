/// CSV as every KCBX output writes it (ledger exports, reports, due lists, the CLI): UTF-8 with a
/// BOM for Excel, CRLF line ends, a field quoted when it holds a comma, quote or line break, and
/// every text cell that Excel would read as a formula neutralised (OWASP CSV injection: a cell
/// beginning with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`). A cell of a column the
/// producer declares numeric is kept when it is a number KCBX wrote (`-3`, `12.5`, `98.2%`);
/// roster text (names, addresses, schools) is never in such a column.
public enum CSVOutput {
    /// `cell` as written: neutralised unless `numeric` and a plain number.
    public static func neutralised(_ cell: String, numeric: Bool = false) -> String {
        guard let first = cell.utf8.first,
            [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains(first)
        else {
            return cell
        }
        if numeric && isNumber(cell) { return cell }
        return "'" + cell
    }

    /// Whether `text` is a number as KCBX prints one: optional sign, digits, optional fraction, optional %.
    static func isNumber(_ text: String) -> Bool {
        var b = Array(text.utf8)[...]
        if b.first == UInt8(ascii: "-") || b.first == UInt8(ascii: "+") { b = b.dropFirst() }
        if b.last == UInt8(ascii: "%") { b = b.dropLast() }
        let parts = b.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// One field: neutralised, then quoted when it holds a comma, quote, CR or LF.
    static func field(_ cell: String, numeric: Bool) -> String {
        let v = neutralised(cell, numeric: numeric)
        guard v.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return v }
        var out = "\""
        for ch in v.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// The rows as CSV text: a BOM (unless `bom` is false), each row ended by `lineEnd`.
    /// `numericColumns` are the column indexes whose cells KCBX computed as numbers.
    public static func text(_ rows: [[String]], numericColumns: Set<Int> = [], bom: Bool = true, lineEnd: String = "\r\n") -> String {
        var out = bom ? "\u{FEFF}" : ""
        for row in rows {
            out += row.enumerated().map { field($0.element, numeric: numericColumns.contains($0.offset)) }.joined(separator: ",")
            out += lineEnd
        }
        return out
    }

    /// Writes `rows` as CSV to `path` under the file policy of `SafeFile.write`.
    public static func write(_ rows: [[String]], to path: String, numericColumns: Set<Int> = []) throws {
        try SafeFile.write(Array(text(rows, numericColumns: numericColumns).utf8), to: path)
    }
}
