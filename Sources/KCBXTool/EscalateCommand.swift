import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx escalate`: hands every overdue obligation to the next level (docs/escalation.md).
struct EscalateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate",
        abstract:
            "Hand every overdue obligation of the actor's jurisdiction to the next level as of a date, notifying both lines (双线) where the profile says so.",
        discussion: """
            The ladder: class teacher → school → township → county → city → province; a department's or \
            the expert panel's overdue obligation goes to the county. Each hand-on is one attributed \
            obligation.escalated event dated --as-of, with the new responsible unit, the units notified \
            (with dual_line on: the government line and the education line) and the new due date \
            (--as-of + escalation_response). Prints what escalated to whom and the counts per state \
            afterwards.

            Idempotent: running the same date again, or an earlier date after a later run, \
            records nothing and says so (exit 0). Needs school level or above (exit 3 otherwise, recorded) \
            and the school calendar (exit 4 without it).
            """)
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(help: ArgumentHelp("Table only: list at most this many escalations (all are recorded).", valueName: "n")) var limit: Int?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let on = try parseDate(asOf)
            if let limit, limit < 0 { throw KCBXError.invalidInput(field: "--limit", rule: "must be 0 or more, got \(limit)") }
            let led = try ledger.open()
            let s = try led.escalate(asOf: on)
            if format == .json {
                printJSON(s.jsonValue)
                return
            }
            var t = TextTable(headers: ["事项", "案件", "姓名", "原截止日期", "原责任单位", "升级至", "通知", "新截止日期"])
            for (i, o) in s.escalated.enumerated() {
                guard let e = o.escalations.last else { continue }
                t.rows.append([
                    o.action.chinese, o.caseID == 0 ? "—" : "#\(o.caseID)", i < s.students.count ? s.students[i].name : o.student,
                    previousDue(o).description, previousOwner(o).label, e.to.label,
                    e.notify.map(notifyLabel).joined(separator: "；"), e.newDue.description,
                ])
            }
            if format == .csv {
                print(t.render(.csv))
                return
            }
            let counts = [ObligationState.overdue, .escalated, .due, .done].map { "\($0.chinese) \($0.rawValue) \(s.states[$0] ?? 0)" }
                .joined(separator: ", ")
            if s.escalated.isEmpty {
                print(
                    "escalation of \(ledger.ledger) as of \(on): nothing changed (no overdue obligation left to hand on; "
                        + "those already escalated from their level are not escalated again)")
            } else {
                print(
                    "escalation of \(ledger.ledger) as of \(on) under \(led.policy.id): \(s.escalated.count) obligation\(s.escalated.count == 1 ? "" : "s") handed on"
                )
                let shown = limit.map { min($0, t.rows.count) } ?? t.rows.count
                var head = t
                head.rows = Array(t.rows.prefix(shown))
                print(head.render(.table))
                if shown < t.rows.count { print("… \(t.rows.count - shown) more (kcbx due --state escalated, or --format csv)") }
            }
            print("states after: \(counts)")
            if !s.overdueAtTop.isEmpty { print("overdue at the top of the ladder (nothing above): \(s.overdueAtTop.count)") }
        } catch { throw fail(error) }
    }

    /// The due date before the last hand-on.
    private func previousDue(_ o: Obligation) -> CivilDate {
        o.escalations.count >= 2 ? o.escalations[o.escalations.count - 2].newDue : o.originalDueOn
    }

    private func previousOwner(_ o: Obligation) -> ObligationOwner {
        o.escalations.count >= 2 ? o.escalations[o.escalations.count - 2].to : o.originalOwner
    }
}

/// "government:township:640422103" → "政府线 乡镇（街道） 640422103".
func notifyLabel(_ n: String) -> String {
    let p = n.split(separator: ":", maxSplits: 2).map(String.init)
    guard p.count == 3, let level = UnitLevel(rawValue: p[1]) else { return n }
    let line = p[0] == "government" ? "政府线" : p[0] == "education" ? "教育线" : p[0]
    let unit = level == .county && p[0] == "education" ? "县（区）教育局" : level == .county ? "县（区）人民政府" : level.chinese
    return "\(line) \(unit) \(p[2])"
}
