import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx`: the county IT officer's command line over KCBXCore.
@main
struct KCBXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kcbx",
        abstract: "KCBX 控辍保学: find every school-age child out of school, classify, escalate, keep the ledger.",
        discussion: """
        Exit codes: 0 success; 1 invalid input (the message names the field and the rule);
        2 not found; 3 permission denied; 4 rule violation; 5 integrity failure; 6 storage error;
        64 usage error.
        """,
        subcommands: [PolicyCommand.self, IDCommand.self, SynthCommand.self, ImportCommand.self, SweepCommand.self, CasesCommand.self,
                      HistoryCommand.self, ExportCommand.self, ReportCommand.self, VerifyCommand.self, ClassifyCommand.self, ReconcileCommand.self]
    )
}

/// Maps a KCBXError to the documented exit code, printing the message on stderr.
func fail(_ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("kcbx: \(error)\n".utf8))
    switch error as? KCBXError {
    case .invalidInput?: return ExitCode(1)
    case .notFound?: return ExitCode(2)
    case .permissionDenied?: return ExitCode(3)
    case .ruleViolation?: return ExitCode(4)
    case .integrity?: return ExitCode(5)
    case .storage?: return ExitCode(6)
    case nil: return ExitCode(70)
    }
}
