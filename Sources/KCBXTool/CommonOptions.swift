import ArgumentParser
import Foundation
import KCBXCore

/// `--format`, shared by every subcommand that prints a table (one help text, one section in `--help`).
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
}

/// `--as-of`, shared by the subcommands that default to today (one help text, one section in `--help`).
struct AsOfOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Date YYYY-MM-DD (default: today, UTC; ledger writes are never dated in the future).", valueName: "date"))
    var asOf: String?
}

/// `--as-of` where a date is required (classify, reconcile: no default, the result depends on it).
struct RequiredAsOfOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Date YYYY-MM-DD (required).", valueName: "date"))
    var asOf: String
}

/// The documented exit codes (`kcbx --help`), in one table: every error leaves through `fail`.
enum ExitStatus: Int32 {
    case success = 0
    case invalidInput = 1
    case notFound = 2
    case permissionDenied = 3
    case ruleViolation = 4
    case integrity = 5
    case storage = 6
    case usage = 64
    case internalError = 70

    /// The status of an error: a KCBXError by its kind, anything else internal.
    init(_ error: Error) {
        switch error as? KCBXError {
        case .invalidInput?: self = .invalidInput
        case .notFound?: self = .notFound
        case .permissionDenied?: self = .permissionDenied
        case .ruleViolation?: self = .ruleViolation
        case .integrity?: self = .integrity
        case .storage?: self = .storage
        case nil: self = .internalError
        }
    }

    var code: ExitCode { ExitCode(rawValue) }
}
