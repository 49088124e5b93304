/// The strict CSV reader behind every CSV input (registries, ID lists, roster and marks
/// imports, `kcbx classify`): UTF-8 with an optional BOM, RFC 4180 quoting, a header row.
/// A file that could be misread is refused, the error naming the file, the row (the header
/// is row 1) and the rule: an unterminated quote, a double quote inside an unquoted field or
/// text after a closing quote, duplicate header names, a row with more or fewer cells than the
/// header, a NUL byte, a carriage return without a line feed, CRLF and LF line ends in one
/// file (line breaks inside quoted fields are values, not line ends), a field longer than
/// `maxFieldBytes` or a row longer than `maxRowBytes`, invalid UTF-8. Blank lines are skipped
/// (and counted in row numbers). The file is read in chunks with POSIX calls, so memory is a
/// chunk plus one row, and reading stops at the first error.
public enum StrictCSVReader {
    /// The longest field accepted (64 KiB): far above any legal value (an address is < 1 KiB).
    public static var maxFieldBytes: Int { 64 * 1024 }
    /// The longest row accepted (1 MiB), quotes and separators included.
    public static var maxRowBytes: Int { 1024 * 1024 }
    static var chunkBytes: Int { 64 * 1024 }

    /// Reads `path`, calling `header` once with the header cells (trimmed), then `row` with each
    /// data row's number and cells (untrimmed), in file order.
    public static func read(path: String, header: ([String]) throws -> Void, row: (Int, [String]) throws -> Void) throws {
        try readFields(path: path, header: header) { n, fields in try row(n, fields.strings()) }
    }

    /// As `read(path:)`, over text in memory; `source` names it in errors.
    public static func read(text: String, source: String, header: ([String]) throws -> Void, row: (Int, [String]) throws -> Void) throws {
        try readFields(text: text, source: source, header: header) { n, fields in try row(n, fields.strings()) }
    }

    /// As `read(path:)`, handing each data row over as byte views of its (UTF-8 validated)
    /// fields, valid only during the call: no `String` per value, for readers that fill columns.
    public static func readFields(path: String, header: ([String]) throws -> Void, row: (Int, CSVFields) throws -> Void) throws {
        let file = try InputFile(path: path, what: "CSV file")
        var parser = StrictCSVParser(source: path)
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        var first = true
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { break }
            try buffer.withUnsafeBufferPointer { all in
                var chunk = UnsafeBufferPointer(rebasing: all[0..<n])
                if first, n >= 3, all[0] == 0xEF, all[1] == 0xBB, all[2] == 0xBF { chunk = UnsafeBufferPointer(rebasing: chunk[3...]) }
                first = false
                try parser.consume(chunk, header: header, row: row)
            }
        }
        try parser.finish(header: header, row: row)
    }

    /// As `readFields(path:)`, over text in memory; `source` names it in errors.
    public static func readFields(text: String, source: String, header: ([String]) throws -> Void, row: (Int, CSVFields) throws -> Void)
        throws
    {
        var parser = StrictCSVParser(source: source)
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        try bytes.withUnsafeBufferPointer { try parser.consume($0, header: header, row: row) }
        try parser.finish(header: header, row: row)
    }
}

/// The byte-level state machine of `StrictCSVReader`, fed chunk by chunk.
struct StrictCSVParser {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }
    private enum LineEnd: String {
        case lf = "LF"
        case crlf = "CRLF"
    }
    private static var comma: UInt8 { 0x2C }
    private static var quote: UInt8 { 0x22 }
    private static var lf: UInt8 { 0x0A }
    private static var cr: UInt8 { 0x0D }
    private static var nul: UInt8 { 0 }

    let source: String
    private var state = State.fieldStart
    /// The row being read (header = 1).
    private var rowNumber = 1
    /// The current row's field bytes, concatenated; `fieldEnds` marks where each field ends.
    private var bytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var fieldStart = 0
    private var rowRawBytes = 0
    private var rowHasQuotes = false
    private var quoteOpenedIn = 0
    private var lineEnd: (kind: LineEnd, row: Int)?
    private var headers: [String]?

    init(source: String) {
        self.source = source
        bytes.reserveCapacity(4096)
        fieldEnds.reserveCapacity(16)
    }

    private func refuse(_ rule: String, row: Int? = nil) -> KCBXError {
        .invalidInput(field: "\(source) row \(row ?? rowNumber)", rule: rule)
    }

    /// Appends field bytes, enforcing the field and row bounds before buffering anything more.
    private mutating func append(_ chunk: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws {
        let n = range.count
        if bytes.count - fieldStart + n > StrictCSVReader.maxFieldBytes {
            throw state == .quoted
                ? refuse(
                    "has an unterminated quote: the quoted field opened in this row runs past \(StrictCSVReader.maxFieldBytes) bytes without closing; reading stopped there",
                    row: quoteOpenedIn)
                : refuse("a field is longer than \(StrictCSVReader.maxFieldBytes) bytes, the limit for one value; reading stopped there")
        }
        try count(n)
        if n > 0 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[range])) }
    }

    /// Counts raw bytes of the row against the row bound.
    private mutating func count(_ n: Int) throws {
        rowRawBytes += n
        if rowRawBytes > StrictCSVReader.maxRowBytes {
            throw refuse("the row is longer than \(StrictCSVReader.maxRowBytes) bytes, the limit for one row; reading stopped there")
        }
    }

    private mutating func endField() {
        fieldEnds.append(bytes.count)
        fieldStart = bytes.count
    }

    mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>, header: ([String]) throws -> Void, row: (Int, CSVFields) throws -> Void)
        throws
    {
        let n = chunk.count
        var i = 0
        while i < n {
            switch state {
            case .afterCR:
                guard chunk[i] == Self.lf else { throw refuse("has a carriage return (CR) not followed by a line feed") }
                i += 1
                try endRow(.crlf, header: header, row: row)
            case .fieldStart:
                if chunk[i] == Self.quote {
                    state = .quoted
                    quoteOpenedIn = rowNumber
                    rowHasQuotes = true
                    i += 1
                    try count(1)
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < n {
                    let b = chunk[j]
                    if b == Self.comma || b == Self.lf || b == Self.cr || b == Self.quote || b == Self.nul { break }
                    j += 1
                }
                try append(chunk, i..<j)
                i = j
                guard j < n else { break }
                let b = chunk[j]
                i += 1
                try count(1)
                switch b {
                case Self.comma:
                    endField()
                    state = .fieldStart
                case Self.lf: try endRow(.lf, header: header, row: row)
                case Self.cr: state = .afterCR
                case Self.quote:
                    throw refuse("has a double quote inside an unquoted field (RFC 4180: quote the whole field and double the quote)")
                default: throw refuse("contains a NUL byte")
                }
            case .quoted:
                var j = i
                while j < n, chunk[j] != Self.quote, chunk[j] != Self.nul { j += 1 }
                try append(chunk, i..<j)
                i = j
                guard j < n else { break }
                if chunk[j] == Self.nul { throw refuse("contains a NUL byte") }
                state = .quoteInQuoted
                i += 1
                try count(1)
            case .quoteInQuoted:
                let b = chunk[i]
                i += 1
                try count(1)
                switch b {
                case Self.quote:
                    state = .quoted
                    try append(chunk, (i - 1)..<i)
                case Self.comma:
                    endField()
                    state = .fieldStart
                case Self.lf: try endRow(.lf, header: header, row: row)
                case Self.cr: state = .afterCR
                default:
                    throw refuse(
                        quoteOpenedIn == rowNumber
                            ? "has text after the closing quote of a quoted field (RFC 4180: a quoted field ends at a comma or the line end)"
                            : "has text after the closing quote of a field whose quote opened in row \(quoteOpenedIn) (an unterminated quote?)",
                        row: quoteOpenedIn)
                }
            }
        }
    }

    /// Ends the input: the last row may lack a line end; an open quote is refused.
    mutating func finish(header: ([String]) throws -> Void, row: (Int, CSVFields) throws -> Void) throws {
        switch state {
        case .quoted: throw refuse("has an unterminated quote: the quoted field opened in this row never closes", row: quoteOpenedIn)
        case .afterCR: throw refuse("has a carriage return (CR) not followed by a line feed")
        case .fieldStart where bytes.isEmpty && fieldEnds.isEmpty && rowRawBytes == 0: break
        default: try endRow(nil, header: header, row: row)
        }
        if headers == nil { throw KCBXError.invalidInput(field: source, rule: "is empty (a header row is required)") }
    }

    private mutating func endRow(_ end: LineEnd?, header: ([String]) throws -> Void, row: (Int, CSVFields) throws -> Void) throws {
        endField()
        state = .fieldStart
        if let end {
            if let seen = lineEnd, seen.kind != end {
                throw refuse(
                    "ends with \(end.rawValue) but row \(seen.row) ends with \(seen.kind.rawValue): mixed line endings (re-save the file with one kind)"
                )
            }
            if lineEnd == nil { lineEnd = (end, rowNumber) }
        }
        defer {
            bytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            fieldStart = 0
            rowRawBytes = 0
            rowHasQuotes = false
            rowNumber += 1
        }
        if fieldEnds.count == 1, bytes.isEmpty, !rowHasQuotes { return }  // a blank line
        try bytes.withUnsafeBufferPointer { all in
            try fieldEnds.withUnsafeBufferPointer { ends in
                let fields = CSVFields(bytes: all, ends: ends)
                for k in 0..<fields.count where !CSVFields.isValidUTF8(fields.raw(k)) {
                    let name = headers.flatMap { k < $0.count ? " (\($0[k]))" : nil } ?? ""
                    throw refuse("column \(k + 1)\(name) is not valid UTF-8 (save the file as UTF-8)")
                }
                guard let headers else {
                    let names = fields.strings().map(CSVFile.trimmed)
                    var seen: [String: Int] = [:]
                    for (k, name) in names.enumerated() {
                        if let first = seen.updateValue(k, forKey: name) {
                            throw refuse(
                                "column name \(KCBXError.quote(name)) appears twice (columns \(first + 1) and \(k + 1)); every column needs its own name"
                            )
                        }
                    }
                    self.headers = names
                    try header(names)
                    return
                }
                guard fields.count == headers.count else {
                    throw refuse(
                        "has \(fields.count) cells but the header has \(headers.count) columns"
                            + (fields.count > headers.count
                                ? " (an unquoted comma in a value?)" : " (a row cut short or an unquoted line break?)"))
                }
                try row(rowNumber, fields)
            }
        }
    }
}
