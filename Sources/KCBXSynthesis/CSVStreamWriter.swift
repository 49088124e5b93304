import FoundationEssentials
import KCBXCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a CSV file row by row through a 1 MiB buffer (UTF-8 with BOM, CRLF line ends, fields
/// quoted only when they hold a comma, quote or line break): the same bytes as `ReportTable.csv()`
/// without holding the table in memory.
final class CSVStreamWriter {
    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private(set) var rows = 0

    init(path: String, headers: [String]) throws {
        guard let f = fopen(path, "wb") else { throw KCBXError.storage("cannot write \(path)") }
        self.path = path
        file = f
        buffer.reserveCapacity(1 << 20)
        buffer += [0xEF, 0xBB, 0xBF]
        try write(headers)
        rows = 0
    }

    func write(_ cells: [String]) throws {
        for (i, c) in cells.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            append(c)
        }
        try endRow()
    }

    /// Appends one field's text (quoted when needed); call `endRow` after the last field.
    func append(_ cell: String) {
        if cell.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            buffer.append(34)
            for b in cell.utf8 {
                buffer.append(b)
                if b == 34 { buffer.append(34) }
            }
            buffer.append(34)
        } else {
            buffer += cell.utf8
        }
    }

    /// Appends bytes known to need no quoting, with a comma before them unless `first`.
    func appendRaw(_ bytes: [UInt8], first: Bool = false) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        buffer += bytes
    }

    func endRow() throws {
        buffer += [13, 10]
        rows += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let n = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == buffer.count else { throw KCBXError.storage("cannot write \(path) (disk full?)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        guard fclose(file) == 0 else { throw KCBXError.storage("cannot close \(path)") }
    }
}
