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
            The main job: kcbx import --ledger xiji.kcbx --policy guyuan-2021 --actor county:640422:王老师
            --calendar data/sample/calendar.json --students data/sample/roster.csv --attendance
            data/sample/attendance.csv; kcbx sweep --ledger xiji.kcbx --as-of 2025-10-20; kcbx due
            --ledger xiji.kcbx --as-of 2025-10-20; kcbx escalate --ledger xiji.kcbx --as-of 2025-10-20;
            kcbx report --ledger xiji.kcbx --as-of 2025-10-20 (scripts/demo.sh, docs/cli.md).

            Exit codes: 0 success (verify: intact); 1 invalid input (the message names the file, row,
            field and rule; nothing of a bad batch is recorded); 2 not found; 3 permission denied
            (recorded in the ledger); 4 rule violation; 5 integrity failure (verify: the ledger was
            tampered with, the first problem naming the event); 6 storage error; 64 usage error;
            70 internal error.
            """,
        version: kcbxVersion,
        subcommands: [
            PolicyCommand.self, IDCommand.self, SynthCommand.self, ImportCommand.self, SweepCommand.self, CasesCommand.self,
            HistoryCommand.self, ExportCommand.self, ReportCommand.self, VerifyCommand.self, ClassifyCommand.self, ReconcileCommand.self,
            DueCommand.self, EscalateCommand.self, NoticeCommand.self, DutiesCommand.self, FileDutyCommand.self,
            HeadCommand.self, KeygenCommand.self, ChangeProfileCommand.self,
            AuditCommand.self, SpotCheckCommand.self, ZhongkaoCheckCommand.self,
        ]
    )
}

/// Maps an error to its documented exit code (`ExitStatus`), printing the message on stderr.
func fail(_ error: Error) -> ExitCode {
    if let code = error as? ExitCode { return code }
    FileHandle.standardError.write(Data("kcbx: \(error)\n".utf8))
    return ExitStatus(error).code
}
