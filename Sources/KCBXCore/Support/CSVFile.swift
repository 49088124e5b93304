import CSV
import Dispatch
import Foundation

/// A CSV file read with a header row (UTF-8, optional BOM): rows by column name, with row
/// numbers for errors. Reading and writing go through the CSV.swift package.
public struct CSVFile: Sendable {
    public let path: String
    public let headers: [String]
    /// Data rows in file order (the header is row 1, so `rows[0]` is row 2).
    public let rows: [[String]]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw KCBXError.notFound(what: "CSV file", name: path) }
        guard var text = String(data: data, encoding: .utf8) else { throw KCBXError.invalidInput(field: path, rule: "must be UTF-8 text") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        try self.init(text: text, path: path)
    }

    public init(text: String, path: String = "CSV") throws {
        self.path = path
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            headers = (reader.headerRow ?? []).map(CSVFile.trimmed)
            var out: [[String]] = []
            while let row = reader.next() { if !(row.count == 1 && row[0].isEmpty) { out.append(row) } }
            if let error = reader.error { throw error }
            rows = out
        } catch let e as KCBXError { throw e } catch {
            throw KCBXError.invalidInput(field: path, rule: "is not valid CSV (\(error))")
        }
    }

    /// The index of a required column; the error names the file and the column.
    public func column(_ name: String) throws -> Int {
        guard let i = headers.firstIndex(of: name) else {
            throw KCBXError.invalidInput(field: "\(path): column \(name)", rule: "is required (columns: \(headers.joined(separator: ",")))")
        }
        return i
    }

    public func optionalColumn(_ name: String) -> Int? { headers.firstIndex(of: name) }

    /// A cell, or "" when the row is short.
    public func cell(_ row: [String], _ column: Int?) -> String {
        guard let column, column < row.count else { return "" }
        return CSVFile.trimmed(row[column])
    }

    /// `s` without leading and trailing spaces, tabs and ideographic spaces (U+3000; no copy when there are none).
    static func trimmed(_ s: String) -> String {
        guard let f = s.utf8.first, let l = s.utf8.last, f <= 0x20 || l <= 0x20 || f == 0xE3 || l == 0x80 else { return s }
        let space: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }
        return String(String(s.drop(while: space).reversed()).drop(while: space).reversed())
    }

    /// Reads several files at once, one per core (the large registry extracts of a
    /// reconciliation); the first failure in `paths` order is thrown.
    public static func read(_ paths: [String]) throws -> [CSVFile] {
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<CSVFile, Error>?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            results[i] = Result { try CSVFile(path: paths[i]) }
        }
        return try results.map { try $0!.get() }
    }

    /// "file row N, column C" for error messages (N counts the header as row 1).
    public func field(row index: Int, _ column: String) -> String { "\(path) row \(index + 2) \(column)" }
}
