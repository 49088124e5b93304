import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx notice`: a notice about one child rendered from the ledger (docs/escalation.md, Notices).
struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "Render a notice about a child from the ledger as of a date: 义务教育入学通知书, 限期复学通知书 or the 三线 report (plain text).",
        discussion: """
            Kinds: enrollment (义务教育入学通知书, seed 000 二（一） 附件2, with the legal articles and \
            consequences 002 三（一） asks for), return_notice (限期复学通知书, 003 二（一）; the deadline is the \
            recorded notice's, else --as-of + return_notice_deadline), three_line_report (“三线”报告, \
            004 二（三）2). "-" may stand for "_" (return-notice).

            The ledger fills what it knows: the child's name, resident ID (masked below county level), \
            school, absence start and school days absent, deadline, recipients and basis. The ledger holds \
            no guardian name or issuing office: --guardian and --issuer default to a blank line to fill in \
            by hand. Any field can be given or overridden with --field NAME=VALUE (e.g. the enrollment \
            notice's report_date, which the ledger cannot know); a field still missing is an error \
            naming it (exit 1), an unknown field too. --out writes the text (UTF-8) to a file instead of \
            printing it. --format json prints the kind, title, student, fields and text.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("enrollment, return_notice or three_line_report.", valueName: "kind")) var kind: String
    @Option(
        help: ArgumentHelp(
            "The child's key (resident ID or L registry number; kcbx due --format json, kcbx cases --format json).", valueName: "key"))
    var student: String
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(help: ArgumentHelp("Guardian's name (default: a blank line to fill in by hand).", valueName: "name")) var guardian: String?
    @Option(help: ArgumentHelp("Issuing office, e.g. 西吉县新营乡人民政府 (default: a blank line to fill in by hand).", valueName: "office"))
    var issuer: String?
    @Option(
        name: .customLong("field"), parsing: .singleValue,
        help: ArgumentHelp("A template field NAME=VALUE (repeatable); overrides what the ledger gives.", valueName: "name=value"))
    var fields: [String] = []
    @Option(help: ArgumentHelp("Write the text to this file instead of printing it.", valueName: "file")) var out: String?
    @Flag(name: .customLong("full-ids"), help: "The child's full resident ID (county level or above; recorded). Default: masked.")
    var fullIDs = false
    @Option(help: "Output format: text or json.") var format: NoticeFormat = .text

    /// A blank to fill in by hand on the printed notice.
    static let blank = "＿＿＿＿＿＿＿＿"

    func run() throws {
        do {
            let k = try parseNoticeKind(kind)
            let on = try parseDate(asOf)
            var given: [String: String] = [:]
            for f in fields {
                guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
                    throw KCBXError.invalidInput(
                        field: "--field",
                        rule: "must be NAME=VALUE (a field of the \(k.rawValue) notice: \(k.fields.joined(separator: ", "))), got '\(f)'")
                }
                let name = String(f[..<eq])
                guard k.fields.contains(name) else {
                    throw KCBXError.invalidInput(
                        field: "--field \(name)", rule: "is not a field of the \(k.rawValue) notice (\(k.fields.joined(separator: ", ")))")
                }
                given[name] = String(f[f.index(after: eq)...])
            }
            let led = try ledger.open()
            var values = try led.noticeFields(k, student: student, asOf: on, fullIDs: fullIDs)
            if k.fields.contains("guardian") { values["guardian"] = guardian ?? Self.blank }
            if k.fields.contains("issuer") { values["issuer"] = issuer ?? Self.blank }
            values.merge(given) { _, new in new }
            let text: String
            do { text = try Notice.render(k, fields: values) } catch let KCBXError.invalidInput(field, rule)
                where field.hasPrefix("fields.")
            {
                let name = String(field.dropFirst("fields.".count))
                throw KCBXError.invalidInput(
                    field: "--field \(name)",
                    rule: "\(rule); the ledger does not give it for student \(student) as of \(on): give --field \(name)=VALUE")
            }
            if format == .json {
                printJSON(
                    .object([
                        "kind": .string(k.rawValue), "title": .string(k.title), "student": .string(student),
                        "as_of": .string(on.description), "fields": .object(values.mapValues { .string($0) }),
                        "text": .string(text),
                    ]))
                if out == nil { return }
            }
            if let out {
                try SafeFile.write(Array((text + "\n").utf8), to: out)
                if format == .text { print("wrote \(k.title) for \(values["child"] ?? student) to \(out)") }
                return
            }
            print(text)
        } catch { throw fail(error) }
    }
}

enum NoticeFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--kind`: a NoticeKind code ("-" may stand for "_").
func parseNoticeKind(_ text: String) throws -> NoticeKind {
    guard let k = NoticeKind(rawValue: text.replacingOccurrences("-", "_")) else {
        throw KCBXError.invalidInput(
            field: "--kind", rule: "must be one of \(NoticeKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
    }
    return k
}
