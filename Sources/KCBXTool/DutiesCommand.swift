import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx duties`: the reports and checks each level owes in a date range (the report calendar).
struct DutiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duties",
        abstract: "The reports and checks each level owes between two dates under a profile (the reporting cadence), by date.",
        discussion: """
            From the profile's report duties (kcbx policy show; docs/escalation.md, Reporting cadence): \
            daily duties fall on school days, weekly ones within terms, term-relative ones (e.g. Dongchuan's \
            四查三比对 a week after each term starts) need the school calendar. Give --policy and \
            --calendar, or --ledger to take both from a ledger. At most 3660 days.
            """)
    @Option(help: ArgumentHelp("A ledger whose profile and calendar to use.", valueName: "path")) var ledger: String?
    @Option(help: ArgumentHelp("Policy profile: built-in id or profile JSON (default: the ledger's).", valueName: "name|file")) var policy:
        String?
    @Option(help: ArgumentHelp("School calendar JSON (default: the ledger's; without either, weekdays).", valueName: "file")) var calendar:
        String?
    @Option(help: ArgumentHelp("First date YYYY-MM-DD.", valueName: "date")) var from: String
    @Option(help: ArgumentHelp("Last date YYYY-MM-DD (inclusive).", valueName: "date")) var to: String
    @Option(help: ArgumentHelp("Only duties of this level (school, township, county, city, province, …).", valueName: "level")) var level:
        String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let start = try CivilDate(iso: from, field: "--from")
            let end = try CivilDate(iso: to, field: "--to")
            if end < start { throw KCBXError.invalidInput(field: "--to", rule: "\(end) is before --from \(start)") }
            let lvl = try level.map { l -> UnitLevel in
                guard let v = UnitLevel(rawValue: l) else {
                    throw KCBXError.invalidInput(
                        field: "--level", rule: "must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", ")), got '\(l)'")
                }
                return v
            }
            var profile: PolicyProfile
            var cal: SchoolCalendar?
            if let ledger {
                (profile, cal) = try ledgerSettings(path: ledger, policy: policy)
            } else {
                guard let policy else {
                    throw KCBXError.invalidInput(field: "--policy", rule: "give a profile (e.g. --policy guyuan-2021) or --ledger")
                }
                profile = try loadPolicy(policy)
                cal = nil
            }
            if let calendar { cal = try SchoolCalendar.load(path: calendar) }
            var list = try ReportCalendar.due(profile, calendar: cal, from: start, through: end)
            if let lvl { list = list.filter { $0.level == lvl } }
            if format == .json {
                printJSON(.array(list.map(\.jsonValue)))
                return
            }
            var t = TextTable(headers: ["日期", "层级", "事项", "编号", "依据"])
            for d in list { t.rows.append([d.due.description, d.level.chinese, d.what, d.dutyID, d.basis]) }
            print(
                format == .table
                    ? "\(list.count) report\(list.count == 1 ? "" : "s") due \(start) – \(end) under \(profile.id)\n" + t.render(.table)
                    : t.render(format))
        } catch { throw fail(error) }
    }
}
