import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx audit`: entries the data contradicts (台账信息不实, seed 002 四（二）), recorded once.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit the ledger (台账信息不实, seed 002 四（二）): entries the marks, roster or case history contradict, each with its evidence.",
        discussion: """
            Checks: return_while_absent, closure_unsupported (the 20-of-30 closure rule, 000 三（二）),
            false_transfer, present_while_away, action_before_case, action_after_left, reason_unverified,
            same_day_return_and_closure (a pattern worth a look, not an accusation), spot_check_redrawn.
            New findings are recorded as audit_finding events (re-running records nothing twice; --dry-run
            records nothing). Needs a township, county, city or province actor. docs/supervision-audit.md.
            """)
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Flag(name: .customLong("dry-run"), help: "List the findings without recording them.") var dryRun = false
    @Option(name: .customLong("pattern-minimum"), help: "Cases one person returned and closed on one day before the pattern is flagged.")
    var patternMinimum = 5
    @Option(help: ArgumentHelp("Also write the table as CSV to this file.", valueName: "file")) var out: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let on = try parseDate(asOf)
            if let out { try SafeFile.check(out) }
            var o = LedgerAuditOptions()
            o.record = !dryRun
            o.sameDayPatternMinimum = patternMinimum
            let table = try ledger.open().auditReport(asOf: on, options: o)
            try emitReport(table, format: format, out: out)
        } catch { throw fail(error) }
    }
}

/// `kcbx spot-check`: draw, record home verifications, summarise (台账信息抽查、入户核查, seed 002 四（二）).
struct SpotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spot-check",
        abstract: "Spot checks of the ledger (台账信息抽查、入户核查, seed 002 四（二）): draw a sample, record home verifications, summarise.",
        discussion: """
            kcbx spot-check --period 2025-10 --as-of D [--per-stratum 2] [--seed N]    draw (recorded with its seed)
            kcbx spot-check --period 2025-10 --redraw-reason TEXT …                  a second draw, recorded as a redraw
            kcbx spot-check --verify CASE --result confirmed|contradicted|not_reached --date D [--note TEXT]
            kcbx spot-check --period 2025-10 --summary                               share confirmed per school
            A second draw of a period without --redraw-reason is refused (exit 4); the audit lists every redraw.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Period the draw is for, e.g. 2025-10 or 2025Q4.") var period: String?
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(name: .customLong("per-stratum"), help: "Cases drawn per school and status.") var perStratum = 2
    @Option(help: "Seed (default: derived from the chain head and the clock; recorded either way).") var seed: UInt64?
    @Option(name: .customLong("redraw-reason"), help: "Why the period is drawn again (recorded; the audit lists it).") var redrawReason = ""
    @Option(help: ArgumentHelp("Record the home verification of this drawn case.", valueName: "case")) var verify: Int64?
    @Option(help: "Result of the home verification: confirmed, contradicted or not_reached.") var result: String?
    @Option(help: ArgumentHelp("Date of the home verification YYYY-MM-DD (default: today, UTC).", valueName: "date")) var date: String?
    @Option(help: "Note on the home verification.") var note = ""
    @Flag(help: "Print the summary of --period (share confirmed).") var summary = false
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let led = try ledger.open()
            if let id = verify {
                guard let result, let r = HomeVerificationResult(rawValue: result) else {
                    throw KCBXError.invalidInput(
                        field: "--result", rule: "must be one of \(HomeVerificationResult.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                let seq = try led.recordHomeVerification(case: id, result: r, on: try parseDate(date, field: "--date"), note: note)
                print("home verification of case \(id): \(r.rawValue) (\(r.chinese)), event #\(seq)")
                return
            }
            guard let period else { throw KCBXError.invalidInput(field: "--period", rule: "is required to draw or summarise") }
            if summary { return try emitReport(try led.spotCheckSummary(period: period), format: format, out: nil) }
            let draw = try led.drawSpotCheck(
                period: period, asOf: try parseDate(asOf), perStratum: perStratum, seed: seed, redrawReason: redrawReason)
            try emitReport(try led.spotCheckTable(draw), format: format, out: nil)
        } catch { throw fail(error) }
    }
}

/// `kcbx zhongkao-check`: grade-9 students not registered for the 中考 (seed 001 二（二）).
struct ZhongkaoCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zhongkao-check",
        abstract: "Grade-9 students on the roster not on the 中考 registration list, for the school to explain (seed 001 二（二））.",
        discussion: """
            --registrations is a CSV file: resident_id and/or registry_number, optional name, exam_number,
            school_id; read strictly (unknown columns, invalid IDs and duplicates refused by row).
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("The registration list (CSV).", valueName: "file")) var registrations: String
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(help: ArgumentHelp("Also write the table as CSV to this file.", valueName: "file")) var out: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let on = try parseDate(asOf)
            if let out { try SafeFile.check(out) }
            let list = try ZhongkaoRegistrationList(csvPath: registrations)
            try emitReport(try ledger.open().zhongkaoCheck(registrations: list, asOf: on), format: format, out: out)
        } catch { throw fail(error) }
    }
}

/// Prints a report table in `format` (title, unit and notes around the table) and writes its CSV to `out`.
func emitReport(_ table: ReportTable, format: OutputFormat, out: String?) throws {
    if let out { try table.writeCSV(to: out) }
    switch format {
    case .json: printJSON(table.jsonValue)
    case .csv: print(TextTable(headers: table.headers, rows: table.rows).render(.csv))
    case .table:
        print(table.title)
        if !table.unit.isEmpty || table.asOf != nil { print("填报单位：\(table.unit)    填报日期：\(table.asOf?.description ?? "")") }
        print(TextTable(headers: table.headers, rows: table.rows).render(.table))
        for n in table.notes { print("  " + n) }
    }
}
