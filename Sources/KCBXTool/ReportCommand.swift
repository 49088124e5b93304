import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx report`: a statutory report computed from the ledger for a date and unit.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "A statutory report from the ledger as it stood on a date, for a unit: Guyuan 附件1 (default) and 附件2, Baiyin 附件3 and 附件4, rates; the bulletin (通报) and the accountability list (五长) over a period.",
        discussion: """
            Kinds: guyuan-attachment-1 (摸底排查统计报表 per stage, seed 001), guyuan-attachment-2 (辍学学生信息,
            001), baiyin-attachment-3 (6周岁户籍人口花名册, seed 000), baiyin-attachment-4 (疑似失学儿童核查劝返台账,
            000), rates (enrollment, dropout and consolidation rates with their formulas); over a period:
            bulletin (通报 per unit below: cases, returns, closures, relapses, 动态清零, obligations, audit
            findings, spot checks; 001 二（二）, 002 二（二）, 004 三（四）), bulletin-obligations (by the unit
            that owed them), bulletin-duties (the profile's report duties owed and filed), accountability
            (五长责任追究清单, 001 二（六）). The period is --from/--to, or --period week|month|quarter|term
            containing --as-of, or else the month of --as-of up to --as-of.
            --unit is school:<id>, township:<9 digits> or a 6-digit region code, within the actor's
            jurisdiction (default: the actor's own unit). --out writes the table as CSV for Excel (BOM, CRLF).
            Resident IDs are masked unless --full-ids is asked for by county level or above (recorded).
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Report kind (see below).") var kind = "guyuan-attachment-1"
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(help: ArgumentHelp("First day of the period (period kinds), YYYY-MM-DD.", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Last day of the period (period kinds), YYYY-MM-DD; other kinds: the as-of date.", valueName: "date"))
    var to: String?
    @Option(help: ArgumentHelp("week, month, quarter or term containing --as-of (period kinds).", valueName: "span")) var period: String?
    @Option(help: ArgumentHelp("school:<id>, township:<code> or a region code (default: the actor's unit).", valueName: "unit")) var unit:
        String?
    @Flag(name: .customLong("full-ids"), help: "Full resident IDs (county level or above; recorded).") var fullIDs = false
    @Option(help: ArgumentHelp("Also write the table as CSV to this file.", valueName: "file")) var out: String?
    @Option(
        name: .customLong("sign-key"),
        help: ArgumentHelp(
            "Append the ledger's head signed with the county's key (kcbx keygen) to the notes, for the level above.", valueName: "file"))
    var signKey: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let k = try LedgerReportKind(code: kind, field: "--kind")
            if (from == nil) != (to == nil) && k.coversPeriod {
                throw KCBXError.invalidInput(field: from == nil ? "--from" : "--to", rule: "give both --from and --to, or --period")
            }
            if period != nil && from != nil {
                throw KCBXError.invalidInput(field: "--period", rule: "give --period or --from/--to, not both")
            }
            let on = try to.map { try CivilDate(iso: $0, field: "--to") } ?? parseDate(asOf)
            let span = try period.map { p -> SupervisionPeriod.Span in
                guard let s = SupervisionPeriod.Span(rawValue: p) else {
                    throw KCBXError.invalidInput(field: "--period", rule: "must be week, month, quarter or term, got '\(p)'")
                }
                return s
            }
            if let out { try SafeFile.check(out) }  // a refused destination before a full-ID read is recorded
            let key = try signKey.map { try LedgerSigningKey(hex: try readSmallText($0, field: "--sign-key"), field: "--sign-key") }
            let led = try ledger.open()
            let u = try unit.map { try ReportUnit(parsing: $0, default: led.ownUnit) }
            let table: ReportTable
            if k.coversPeriod, let from {
                table = try led.report(
                    k, period: try SupervisionPeriod(from: try CivilDate(iso: from, field: "--from"), through: on),
                    unit: u, fullIDs: fullIDs, signingKey: key)
            } else if k.coversPeriod, let span {
                table = try led.report(
                    k, period: try SupervisionPeriod(span, containing: on, calendar: try led.calendar()),
                    unit: u, fullIDs: fullIDs, signingKey: key)
            } else {
                table = try led.report(k, asOf: on, unit: u, fullIDs: fullIDs, signingKey: key)
            }
            if let out { try table.writeCSV(to: out) }
            switch format {
            case .json: printJSON(table.jsonValue)
            case .csv: print(TextTable(headers: table.headers, rows: table.rows).render(.csv))
            case .table:
                print(table.title)
                if !table.unit.isEmpty || table.asOf != nil {
                    print("填报单位：\(table.unit)    填报日期：\(table.asOf?.description ?? "")")
                }
                print(TextTable(headers: table.headers, rows: table.rows).render(.table))
                for n in table.notes { print("  " + n) }
            }
        } catch { throw fail(error) }
    }
}
