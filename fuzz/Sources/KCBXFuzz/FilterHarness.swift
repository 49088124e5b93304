@testable import KCBXCore

/// Listing filters: the case filter JSON (`kcbx_ledger_cases_json`, `kcbx_ledger_export_csv`,
/// `kcbx cases --filter`) applied to a small county ledger with open cases, and the filter's student
/// key in the history listing. Invariant: every case listed matches the filter.
enum FilterHarness: Harness {
    static func run(_ data: [UInt8]) {
        let l = Fixture.ledger
        guard let text = utf8Text(data), let f = try? LedgerCaseFilter(json: text) else { return }
        // The invariants hold for the keys as stored (`scopedCases`); `cases` shows the same cases
        // with the keys masked (the one disclosure rule), so it is checked to list the same ids.
        let cases: [LedgerCase]
        do { cases = try l.scopedCases(f) } catch { return }
        if let shown = try? l.cases(f) {
            require(shown.map(\.id) == cases.map(\.id), "cases lists \(shown.count) cases, the scoped query \(cases.count)")
        }
        for c in cases {
            require(f.statuses.isEmpty || f.statuses.contains(c.status), "case \(c.id) status \(c.status) not in \(f.statuses)")
            require(f.kinds.isEmpty || f.kinds.contains(c.kind), "case \(c.id) kind \(c.kind) not in \(f.kinds)")
            require(f.studentKey == nil || f.studentKey == c.student, "case \(c.id) of \(c.student) listed for \(f.studentKey ?? "")")
            require(!f.openOnly || !c.status.isTerminal, "closed case \(c.id) listed as open")
            if let from = f.openedFrom { require(c.openedOn >= from.description, "case \(c.id) opened \(c.openedOn) before \(from)") }
            if let to = f.openedThrough { require(c.openedOn <= to.description, "case \(c.id) opened \(c.openedOn) after \(to)") }
        }
        if let key = f.studentKey { _ = try? l.history(student: key) }
        _ = try? l.due(asOf: f.openedThrough ?? Fixture.asOf)
    }
}
