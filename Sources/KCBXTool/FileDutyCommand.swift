import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx file-duty`: records a report duty's occurrence as filed (the bulletin's duty table reads it).
struct FileDutyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file-duty",
        abstract: "Record that a report duty of the profile's calendar (kcbx duties) was filed: one attributed duty.filed event.",
        discussion: """
            --duty is the duty's id (e.g. county_monthly_summary), --due the occurrence's date (it must be \
            one), --on the day it was filed (default today). The actor's level must be the duty's or \
            above; a department's duty is recorded by the county. `kcbx report --kind bulletin-duties` \
            shows each occurrence on time, late or without a record.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("Report duty id.", valueName: "id")) var duty: String
    @Option(help: ArgumentHelp("The occurrence's due date YYYY-MM-DD.", valueName: "date")) var due: String
    @Option(help: ArgumentHelp("Filed on YYYY-MM-DD (default: today, UTC).", valueName: "date")) var on: String?
    @Option(help: ArgumentHelp("Note recorded with the event.", valueName: "text")) var note = ""

    func run() throws {
        do {
            let d = try CivilDate(iso: due, field: "--due")
            let filed = try parseDate(on, field: "--on")
            try ledger.open().recordDutyFiled(duty, due: d, on: filed, note: note)
            print("recorded: \(duty) due \(d) filed \(filed)")
        } catch { throw fail(error) }
    }
}
