import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx report`: a statutory report computed from the ledger for a date and unit.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A statutory report from the ledger as it stood on a date, for a unit: Guyuan 附件1 (default) and 附件2, Baiyin 附件3 and 附件4, rates.",
        discussion: """
        Kinds: guyuan-attachment-1 (摸底排查统计报表 per stage, seed 001), guyuan-attachment-2 (辍学学生信息,
        001), baiyin-attachment-3 (6周岁户籍人口花名册, seed 000), baiyin-attachment-4 (疑似失学儿童核查劝返台账,
        000), rates (enrollment, dropout and consolidation rates with their formulas).
        --unit is school:<id>, township:<9 digits> or a 6-digit region code, within the actor's
        jurisdiction (default: the actor's own unit). --out writes the table as CSV for Excel (BOM, CRLF).
        Resident IDs are masked unless --full-ids is asked for by county level or above (recorded).
        """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Report kind (see below).") var kind = "guyuan-attachment-1"
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(help: ArgumentHelp("school:<id>, township:<code> or a region code (default: the actor's unit).", valueName: "unit")) var unit: String?
    @Flag(name: .customLong("full-ids"), help: "Full resident IDs (county level or above; recorded).") var fullIDs = false
    @Option(help: ArgumentHelp("Also write the table as CSV to this file.", valueName: "file")) var out: String?
    @Option(name: .customLong("sign-key"), help: ArgumentHelp("Append the ledger's head signed with the county's key (kcbx keygen) to the notes, for the level above.", valueName: "file")) var signKey: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let k = try LedgerReportKind(code: kind, field: "--kind")
            let on = try parseDate(asOf)
            if let out { try SafeFile.check(out) }   // a refused destination before a full-ID read is recorded
            let key = try signKey.map { try LedgerSigningKey(hex: try readSmallText($0, field: "--sign-key"), field: "--sign-key") }
            let led = try ledger.open()
            let u = try unit.map { try ReportUnit(parsing: $0, default: led.ownUnit) }
            let table = try led.report(k, asOf: on, unit: u, fullIDs: fullIDs, signingKey: key)
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
