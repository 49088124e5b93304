import ArgumentParser
import Foundation
import KCBXCore

/// `kcbx due`: the due list — who must do what for which child by when (docs/escalation.md).
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract:
            "The due list as of a date: each obligation's action, case and child, responsible unit, basis, due date and state; overdue first.",
        discussion: """
            Obligations come from the ledger's cases and from the children's open unexcused absences \
            (guardian contact, three-line report) as the ledger stood on --as-of (docs/escalation.md): \
            asking about a past date gives what was due then. States: overdue (逾期: past its due date, \
            not done), escalated (已升级: handed to the next level, its new due date not passed), due (待办), \
            done (已办). Rows are sorted overdue, escalated, due, done, then by due date. The table's first \
            line counts every state (within --unit/--case), whatever --state shows.

            --unit keeps the obligations a unit is responsible for: LEVEL:CODE (e.g. township:640422103, \
            school:640422132, county:640422, department:police) or a bare code matching any level.

            The table shows the child's name and masked ID and the clauses the basis cites; --format csv \
            has every column of the office's due list (full basis, escalations, recipients), --format json \
            the obligations as the library gives them (student keys included, for kcbx notice --student). \
            --out writes the full due list as CSV for Excel (UTF-8 BOM, CRLF). Needs the school calendar.
            """)
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup(title: "Date") var day: AsOfOptions
    var asOf: String? { day.asOf }
    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "Only these states: due, overdue, escalated, done (repeatable or comma-separated; default: all).", valueName: "state"))
    var state: [String] = []
    @Option(help: ArgumentHelp("Only obligations this unit is responsible for: LEVEL:CODE or CODE.", valueName: "unit")) var unit: String?
    @Option(name: .customLong("case"), help: ArgumentHelp("Only this case's obligations.", valueName: "id")) var caseID: Int64?
    @Option(help: ArgumentHelp("Table only: show at most this many rows (the counts still cover all).", valueName: "n")) var limit: Int?
    @Flag(name: .customLong("full-ids"), help: "Full resident IDs in the table, CSV and JSON (county level or above; recorded).")
    var fullIDs = false
    @Option(help: ArgumentHelp("Also write the due list as CSV (Excel) to this file.", valueName: "file")) var out: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    var format: OutputFormat { output.format }

    func run() throws {
        do {
            let states = try parseStates(state)
            let on = try parseDate(asOf)
            if let limit, limit < 0 { throw KCBXError.invalidInput(field: "--limit", rule: "must be 0 or more, got \(limit)") }
            let unitFilter = try unit.map(UnitFilter.init(parsing:))
            if let out { try SafeFile.check(out) }
            let led = try ledger.open()
            // Masked unless --full-ids is granted (county level or above, recorded): Ledger.disclosure.
            var pairs = try led.dueWithStudents(asOf: on, caseID: caseID, fullIDs: fullIDs)
            if let unitFilter { pairs = pairs.filter { unitFilter.matches($0.0.owner) } }
            let names = Dictionary(pairs.map { ($0.0.id, $0.1.name) }, uniquingKeysWith: { a, _ in a })
            var list = pairs.map(\.0)
            var counts: [ObligationState: Int] = [:]
            for o in list { counts[o.state, default: 0] += 1 }
            let total = list.count
            if let states { list = list.filter { states.contains($0.state) } }
            list = list.enumerated().sorted { a, b in
                (stateOrder(a.element.state), a.offset) < (stateOrder(b.element.state), b.offset)
            }.map(\.element)
            if let out { try list.writeCSV(to: out) }
            if format == .json {
                printJSON(list.jsonValue)
                return
            }
            if format == .csv {
                var t = TextTable(headers: ["状态"] + Obligation.tableHeaders.filter { $0 != "状态" } + ["姓名"])
                for o in list {
                    var row = o.tableRow
                    row.remove(at: Obligation.tableHeaders.firstIndex(of: "状态")!)
                    t.rows.append([o.state.rawValue] + row + [names[o.id] ?? ""])
                }
                print(t.render(.csv))
                return
            }
            let order: [ObligationState] = [.overdue, .escalated, .due, .done]
            print(
                "\(total) obligation\(total == 1 ? "" : "s") as of \(on) in \(ledger.ledger) (\(led.actor.level.chinese) \(led.actor.unitCode), \(led.policy.id)): "
                    + order.map { "\($0.chinese) \($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            if let states { print("showing \(order.filter(states.contains).map(\.rawValue).joined(separator: ", ")): \(list.count)") }
            var t = TextTable(headers: ["状态", "截止日期", "事项", "案件", "姓名", "身份证号", "责任单位", "依据"])
            let shown = limit.map { Array(list.prefix($0)) } ?? list
            for o in shown {
                t.rows.append([
                    o.state.chinese, o.dueOn.description, o.action.chinese, o.caseID == 0 ? "—" : "#\(o.caseID)",
                    names[o.id] ?? "", o.student, o.owner.label, citations(o.basis),
                ])
            }
            print(t.render(.table))
            if shown.count < list.count { print("… \(list.count - shown.count) more (without --limit, or --format csv for all)") }
        } catch { throw fail(error) }
    }
}

/// Sort rank: overdue, escalated, due, done.
func stateOrder(_ s: ObligationState) -> Int {
    switch s {
    case .overdue: return 0
    case .escalated: return 1
    case .due: return 2
    case .done: return 3
    }
}

/// `--state` values, each possibly comma-separated; nil when none were given.
func parseStates(_ values: [String]) throws -> Set<ObligationState>? {
    let names = values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    guard !names.isEmpty else { return nil }
    return Set(
        try names.map { n in
            guard let s = ObligationState(rawValue: n) else {
                throw KCBXError.invalidInput(
                    field: "--state", rule: "must be one of \(ObligationState.allCases.map(\.rawValue).joined(separator: ", ")), got '\(n)'"
                )
            }
            return s
        })
}

/// `--unit`: LEVEL:CODE or a bare CODE, matched against an obligation's responsible unit.
struct UnitFilter {
    var level: UnitLevel?
    var code: String

    init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            guard let l = UnitLevel(rawValue: parts[0]) else {
                throw KCBXError.invalidInput(
                    field: "--unit",
                    rule: "level '\(parts[0])' must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            level = l
            code = parts[1]
        } else {
            code = text
        }
        guard !code.isEmpty else { throw KCBXError.invalidInput(field: "--unit", rule: "must be LEVEL:CODE or CODE, got '\(text)'") }
    }

    func matches(_ o: ObligationOwner) -> Bool {
        let ownCode = o.department?.rawValue ?? o.unit
        return (level == nil || level == o.level) && (code == o.unit || code == ownCode)
    }
}

/// The clauses a basis cites ("004 二（三）3", "DOMAIN.md §3", …), for the table; the full text otherwise shortened.
func citations(_ basis: String) -> String {
    let pattern = /\d{3} (?:附件\d+ ?)?[一二三四五六七八九十]*(?:（[一二三四五六七八九十]+）)?\d*|DOMAIN\.md §\d+/
    var found: [String] = []
    for m in basis.matches(of: pattern) {
        let c = String(m.output).trimmingTrailingSpaces()
        if c.count > 4, !found.contains(c) { found.append(c) }
    }
    if !found.isEmpty { return found.joined(separator: "; ") }
    return basis.count > 24 ? String(basis.prefix(23)) + "…" : basis
}
