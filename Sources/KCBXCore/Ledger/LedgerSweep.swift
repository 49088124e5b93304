@_implementationOnly import GRDB

/// What a sweep did. A second sweep for the same date finds everything in place and records nothing.
public struct LedgerSweepSummary: Hashable, Sendable {
    public var asOf: CivilDate
    /// Students classified (the actor's jurisdiction).
    public var classified = 0
    /// Count per classification status label.
    public var statuses: [String: Int] = [:]
    /// Cases opened, of them relapses (反弹), cases promoted suspected → dropout, cases flagged.
    public var opened: [Int64] = []
    public var relapses: [Int64] = []
    public var promoted: [Int64] = []
    public var flagged: [Int64] = []
    /// Students that could not be classified, with why.
    public var skipped: [String: String] = [:]

    /// Events recorded.
    public var changes: Int { opened.count + promoted.count + flagged.count }

    public var jsonValue: JSONValue {
        func ids(_ v: [Int64]) -> JSONValue { .array(v.map { .number(Double($0)) }) }
        return .object(["as_of": .string(asOf.description), "classified": .number(Double(classified)),
                        "statuses": .object(statuses.mapValues { .number(Double($0)) }),
                        "opened": ids(opened), "relapses": ids(relapses), "promoted": ids(promoted), "flagged": ids(flagged),
                        "skipped": .object(skipped.mapValues { .string($0) })])
    }
}

extension Ledger {
    /// Classifies every student of the actor's jurisdiction as of `asOf` (through `Classifier`) and
    /// brings the cases in line, in one transaction: a suspected dropout, dropout or out-of-school
    /// child without an open case gets one (linked and flagged 反弹 when an earlier case was closed);
    /// an open suspected-dropout case of a child now a dropout is promoted (001 note 2); a returned
    /// case whose child is away again is flagged `absent_again`. Idempotent for a date.
    public func sweep(asOf: CivilDate) throws -> LedgerSweepSummary {
        let scope = actor.scopeSQL
        return try write { db, w in
            try requireWriter("sweep the ledger")
            guard let cal = try storedCalendar(db) else {
                throw KCBXError.ruleViolation(rule: "the sweep classifies by the school calendar (DOMAIN.md §2)",
                                              detail: "no calendar is set on this ledger; call setCalendar first")
            }
            let classifier = try Classifier(profile: policy, calendar: cal)
            let today = CivilDate.utcDate(of: clock())
            guard asOf <= today else { throw KCBXError.invalidInput(field: "as_of", rule: "\(asOf) is in the future (today is \(today))") }
            var summary = LedgerSweepSummary(asOf: asOf)
            let students = try Row.fetchAll(db, sql: "SELECT * FROM students s WHERE \(scope.sql) ORDER BY key",
                                            arguments: [scope.argument]).map(LedgerStudent.init(row:))
            for s in students {
                let result: Classification
                do {
                    result = try classifier.classify(try marks(of: s.key, from: cal.firstDay, through: asOf, db),
                                                     facts: try facts(s, db), asOf: asOf, today: today)
                } catch let e as KCBXError {
                    summary.skipped[s.key] = e.description
                    continue
                }
                summary.classified += 1
                summary.statuses[result.status.label, default: 0] += 1
                let kind: LedgerCaseKind
                switch result.status {
                case .suspectedDropout: kind = .suspectedDropout
                case .dropout: kind = .dropout
                case .outOfSchool: kind = .outOfSchool
                default: continue
                }
                let date = min(result.since ?? asOf, asOf)
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE student = ? AND status NOT IN ('closed', 'dismissed')", arguments: [s.key]) {
                    let c = try LedgerCase(row: row)
                    if kind == .dropout && c.kind == .suspectedDropout {
                        try w.append(db, .casePromoted, student: s.key, caseID: c.id,
                                     payload: CasePromotedPayload(kind: LedgerCaseKind.dropout.rawValue, date: date.description),
                                     reason: "sweep \(asOf): \(result.ruleText)")
                        summary.promoted.append(c.id)
                    }
                    if c.status == .returned && kind != .outOfSchool && !c.flags.split(separator: ";").contains("absent_again") {
                        try w.append(db, .caseFlagged, student: s.key, caseID: c.id,
                                     payload: CaseFlaggedPayload(flag: "absent_again", date: date.description),
                                     reason: "sweep \(asOf): \(result.status.chinese) again after the return — \(result.ruleText)")
                        summary.flagged.append(c.id)
                    }
                    continue
                }
                let c: LedgerCase
                do {
                    c = try openCase(s, kind: kind, on: date, source: "sweep",
                                     note: "sweep \(asOf): \(result.status.chinese) — \(result.ruleText)", db, &w)
                } catch let e as KCBXError {
                    summary.skipped[s.key] = e.description
                    continue
                }
                summary.opened.append(c.id)
                if c.isRelapse { summary.relapses.append(c.id) }
            }
            return summary
        }
    }
}
