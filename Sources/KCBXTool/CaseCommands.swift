import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx cases`: the ledger's cases, filtered.
struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "List the ledger's cases (失学/疑似辍学/辍学) of the actor's jurisdiction, filtered.",
        discussion:
            "Resident IDs are masked (e.g. 6404**********116X) unless --full-ids is given by a county-level (or higher) actor; that read is recorded, a refusal too."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Statuses, comma-separated (suspected, verified, persuading, returned, closed, dismissed, deferred, suspended).")
    var status: String?
    @Option(help: "Kinds, comma-separated (out_of_school, suspected_dropout, dropout).") var kind: String?
    @Option(help: "Reasons A–T, comma-separated.") var reason: String?
    @Option(help: "School id.") var school: String?
    @Option(help: "Township code (9 digits).") var township: String?
    @Option(help: "Special group code (e.g. registered_poor).") var group: String?
    @Option(help: "A student's key (resident ID or L registry number).") var student: String?
    @Flag(name: .customLong("open-only"), help: "Only cases not closed or dismissed.") var openOnly = false
    @Flag(name: .customLong("relapse-only"), help: "Only relapses (反弹).") var relapseOnly = false
    @Flag(name: .customLong("full-ids"), help: "Show full resident IDs (county level or above).") var fullIDs = false
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let led = try ledger.open()
            var filter: [String: JSONValue] = [:]
            func list(_ v: String?) -> JSONValue? { v.map { .array($0.split(separator: ",").map { .string(String($0)) }) } }
            filter["status"] = list(status)
            filter["kind"] = list(kind)
            filter["reason"] = list(reason)
            filter["school_id"] = school.map(JSONValue.string)
            filter["township_code"] = township.map(JSONValue.string)
            filter["group"] = group.map(JSONValue.string)
            filter["student"] = student.map(JSONValue.string)
            if openOnly { filter["open_only"] = .bool(true) }
            if relapseOnly { filter["relapse_only"] = .bool(true) }
            if fullIDs { filter["full_ids"] = .bool(true) }
            // Masked unless --full-ids is granted (county level or above, recorded): Ledger.disclosure.
            let listed = try led.casesWithStudents(try LedgerCaseFilter(json: JSONValue.object(filter).serialized(pretty: false)))
            let cases = listed.map(\.0)
            if format == .json {
                printJSON(.array(cases.map(\.jsonValue)))
                return
            }
            var t = TextTable(headers: ["case", "身份证号", "姓名", "学校", "类别", "状态", "原因", "发现日期", "反弹", "标记"])
            t.numericColumns = [0]
            for (c, s) in listed {
                t.rows.append([
                    String(c.id), c.student, s.name, s.schoolName, c.kind.chinese, c.status.chinese, c.reason, c.openedOn,
                    c.isRelapse ? "#\(c.relapseOf)" : "", c.flags,
                ])
            }
            print(
                format == .table
                    ? "\(cases.count) case\(cases.count == 1 ? "" : "s") in \(ledger.ledger)\n" + t.render(.table) : t.render(format))
        } catch { throw fail(error) }
    }
}

/// `kcbx history`: every event of a case or a student.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event of a case or a student, oldest first: who (level, unit, person), when, what and why.",
        discussion: "Resident IDs are masked unless --full-ids is given by a county-level (or higher) actor; that read is recorded.")
    @OptionGroup var ledger: LedgerOptions
    @Option(name: .customLong("case"), help: "Case id.") var caseID: Int64?
    @Option(help: "A student's key (resident ID or L registry number).") var student: String?
    @Flag(name: .customLong("full-ids"), help: "Full resident IDs (county level or above; recorded).") var fullIDs = false
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func validate() throws {
        if (caseID == nil) == (student == nil) { throw ValidationError("give exactly one of --case or --student") }
    }

    func run() throws {
        do {
            let led = try ledger.open()
            let events =
                try caseID.map { try led.history(case: $0, fullIDs: fullIDs) } ?? led.history(student: student ?? "", fullIDs: fullIDs)
            if format == .json {
                printJSON(.array(events.map(\.jsonValue)))
                return
            }
            var t = TextTable(headers: ["seq", "at", "actor", "kind", "case", "reason"])
            for e in events {
                t.rows.append([String(e.seq), e.at, e.actor.description, e.kind, e.caseID == 0 ? "" : String(e.caseID), e.reason])
            }
            print(t.render(format))
        } catch { throw fail(error) }
    }
}

/// `kcbx export`: the seeds' own ledger tables as CSV for Excel.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a ledger table as CSV (UTF-8 with BOM, CRLF): Guyuan 附件2 (verified cases) or Baiyin 附件4 (every case).",
        discussion:
            "Resident IDs are masked unless --full-ids is asked for by a county-level (or higher) actor; that export is recorded in the ledger, and a refusal is recorded too."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "guyuan-attachment-2 or baiyin-attachment-4.") var table: String
    @Option(help: ArgumentHelp("Output CSV file.", valueName: "file")) var out: String
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Flag(name: .customLong("full-ids"), help: "Full resident IDs (county level or above; recorded).") var fullIDs = false

    func run() throws {
        do {
            guard let f = LedgerExportFormat(rawValue: table) else {
                throw KCBXError.invalidInput(
                    field: "--table",
                    rule: "must be one of \(LedgerExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(table)'")
            }
            let led = try ledger.open()
            let n = try led.exportCSV(f, to: out, fullIDs: fullIDs, asOf: try parseDate(asOf))
            print("wrote \(n) row\(n == 1 ? "" : "s") of \(table) to \(out)")
        } catch { throw fail(error) }
    }
}
