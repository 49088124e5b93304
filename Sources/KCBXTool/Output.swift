import ArgumentParser
import Foundation
import KCBXCore

/// Output formats shared by the subcommands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// A simple text table: columns padded by display width (CJK characters count as two).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns holding numbers KCBX computed (kept as they are in CSV; see `CSVOutput`).
    var numericColumns: Set<Int> = []

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            var widths = headers.map(displayWidth)
            for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], displayWidth(c)) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - displayWidth(c)) }
                    .joined(separator: "  ").trimmingTrailingSpaces()
            }
            return ([line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
                .joined(separator: "\n")
        case .csv:
            // The one CSV writer (formula-leading cells neutralised); no BOM on a terminal.
            var text = CSVOutput.text([headers] + rows, numericColumns: numericColumns, bom: false, lineEnd: "\n")
            if text.hasSuffix("\n") { text.removeLast() }
            return text
        case .json:
            let objects = rows.map { r in
                "{" + zip(headers, r).map { "\(jsonString($0)): \(jsonString($1))" }.joined(separator: ", ") + "}"
            }
            return "[\n  " + objects.joined(separator: ",\n  ") + "\n]"
        }
    }
}

func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && ($1.value <= 0x115F || (0x2E80...0xFFEF).contains($1.value)) ? 2 : 1) }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    func replacingOccurrences(_ a: String, _ b: String) -> String {
        self.split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
