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
    /// The profile the sweep classified under: its id and SHA-256 (the ledger's profile in force).
    public var profile = ""
    public var profileHash = ""

    /// Events recorded.
    public var changes: Int { opened.count + promoted.count + flagged.count }

    public var jsonValue: JSONValue {
        func ids(_ v: [Int64]) -> JSONValue { .array(v.map { .number(Double($0)) }) }
        return .object([
            "as_of": .string(asOf.description), "classified": .number(Double(classified)),
            "statuses": .object(statuses.mapValues { .number(Double($0)) }),
            "opened": ids(opened), "relapses": ids(relapses), "promoted": ids(promoted), "flagged": ids(flagged),
            "skipped": .object(skipped.mapValues { .string($0) }),
            "profile": .string(profile), "profile_hash": .string(profileHash),
        ])
    }
}

extension Ledger {
    /// Classifies every student of the actor's jurisdiction as of `asOf` (through `Classifier`) and
    /// brings the cases in line, in one transaction: a suspected dropout, dropout or out-of-school
    /// child without an open case gets one (linked and flagged 反弹 when an earlier case was closed);
    /// an open suspected-dropout case of a child now a dropout is promoted (001 note 2); a returned
    /// case whose child is away again is flagged `absent_again`. Idempotent for a date.
    public func sweep(asOf: CivilDate) throws -> LedgerSweepSummary { try sweep(asOf: asOf, bulk: true) }

    /// `bulk: false` classifies child by child (the tests compare both ways).
    func sweep(asOf: CivilDate, bulk: Bool) throws -> LedgerSweepSummary {
        let scope = actor.scopeSQL
        return try write { db, w in
            try requireWriter("sweep the ledger")
            let (classifier, cal, today) = try classifier(asOf: asOf, for: "the sweep", db)
            var summary = LedgerSweepSummary(asOf: asOf, profile: policy.id, profileHash: profileHash)
            // Everyone at once through the bulk classifier; a child whose data the classifier
            // refuses makes the bulk call fail, and then each child is classified alone so the
            // refused ones are reported in `skipped` and the others still swept.
            if !bulk { return try sweepChildByChild(classifier, cal: cal, asOf: asOf, today: today, db, &w) }
            // Chunk by chunk (flat memory); only the children the sweep may act on are kept.
            var candidates: [(key: String, kind: LedgerCaseKind)] = []
            var refused = false
            try SweepColumns.forEachChunk(
                db, scope: scope, from: cal.firstDay, through: asOf,
                schoolDays: cal.schoolDays(from: cal.firstDay, through: asOf)
            ) { columns in
                let table: ClassificationTable
                do {
                    table = try columns.classify(classifier, asOf: asOf, today: today)
                } catch is KCBXError {
                    refused = true
                    return false
                }
                for r in 0..<table.rows {
                    guard let status = ChildStatus(rawValue: table.status[r]) else { continue }
                    summary.statuses[status.label, default: 0] += 1
                    if let kind = Self.caseKind(status) { candidates.append((columns.keys[r], kind)) }
                }
                summary.classified += table.rows
                return true
            }
            if refused { return try sweepChildByChild(classifier, cal: cal, asOf: asOf, today: today, db, &w) }
            // In key order, as the cases were always opened (their ids follow it).
            candidates.sort { SweepColumns.keyPrecedes($0.key, $1.key) }
            let open = Dictionary(
                try Row.fetchAll(db, sql: "SELECT * FROM cases WHERE status NOT IN ('closed', 'dismissed')")
                    .map { try LedgerCase(row: $0) }.map { ($0.student, $0) }, uniquingKeysWith: { a, _ in a })
            for (key, kind) in candidates {
                // Only the children the sweep may act on are classified again one by one, for the
                // event's full rule text (the same text as `classify`).
                if let c = open[key], !Self.sweepChanges(c, kind) { continue }
                let s = try student(key, db)
                let result = try classifier.classify(
                    try marks(of: key, from: cal.firstDay, through: asOf, db),
                    facts: try facts(s, db), asOf: asOf, today: today)
                try apply(result, kind: kind, to: s, open: open[key], &summary, db, &w)
            }
            return summary
        }
    }

    /// The profile's classifier over the ledger's calendar, for a date not after today (UTC);
    /// `purpose` names who needs it in the error when no calendar is set.
    func classifier(asOf: CivilDate, for purpose: String, _ db: Database) throws -> (Classifier, SchoolCalendar, today: CivilDate) {
        guard let cal = try storedCalendar(db) else {
            throw KCBXError.ruleViolation(
                rule: "\(purpose) classifies by the school calendar (DOMAIN.md §2)",
                detail: "no calendar is set on this ledger; call setCalendar first")
        }
        let today = CivilDate.utcDate(of: clock())
        guard asOf <= today else { throw KCBXError.invalidInput(field: "as_of", rule: "\(asOf) is in the future (today is \(today))") }
        return (try Classifier(profile: policy, calendar: cal), cal, today)
    }

    /// The per-child sweep (used when the bulk call refuses some child's data).
    func sweepChildByChild(
        _ classifier: Classifier, cal: SchoolCalendar, asOf: CivilDate, today: CivilDate,
        _ db: Database, _ w: inout EventWriter
    ) throws -> LedgerSweepSummary {
        let scope = actor.scopeSQL
        var summary = LedgerSweepSummary(asOf: asOf, profile: policy.id, profileHash: profileHash)
        let students = try Row.fetchAll(
            db, sql: "SELECT * FROM students s WHERE \(scope.sql) ORDER BY key",
            arguments: [scope.argument]
        ).map(LedgerStudent.init(row:))
        for s in students {
            let result: Classification
            do {
                result = try classifier.classify(
                    try marks(of: s.key, from: cal.firstDay, through: asOf, db),
                    facts: try facts(s, db), asOf: asOf, today: today)
            } catch let e as KCBXError {
                summary.skipped[s.key] = e.description
                continue
            }
            summary.classified += 1
            summary.statuses[result.status.label, default: 0] += 1
            guard let kind = Self.caseKind(result.status) else { continue }
            let open = try Row.fetchOne(
                db, sql: "SELECT * FROM cases WHERE student = ? AND status NOT IN ('closed', 'dismissed')",
                arguments: [s.key]
            ).map { try LedgerCase(row: $0) }
            try apply(result, kind: kind, to: s, open: open, &summary, db, &w)
        }
        return summary
    }

    /// The case kind a classification status calls for, if any.
    static func caseKind(_ status: ChildStatus) -> LedgerCaseKind? {
        switch status {
        case .suspectedDropout: return .suspectedDropout
        case .dropout: return .dropout
        case .outOfSchool: return .outOfSchool
        default: return nil
        }
    }

    /// Whether a sweep finding `kind` changes the open case `c` (promotion or the absent-again flag).
    static func sweepChanges(_ c: LedgerCase, _ kind: LedgerCaseKind) -> Bool {
        (kind == .dropout && c.kind == .suspectedDropout)
            || (c.status == .returned && kind != .outOfSchool && !c.flags.split(separator: ";").contains("absent_again"))
    }

    /// Opens, promotes or flags the case of one child found `kind`.
    func apply(
        _ result: Classification, kind: LedgerCaseKind, to s: LedgerStudent, open: LedgerCase?,
        _ summary: inout LedgerSweepSummary, _ db: Database, _ w: inout EventWriter
    ) throws {
        let asOf = summary.asOf
        // A dropout streak dates from when it passed the threshold; a child out of school (失学)
        // since reaching school age years ago is found, and its case opened, on the sweep date:
        // the obligations run from then, not from years back.
        let date = kind == .outOfSchool ? asOf : min(result.since ?? asOf, asOf)
        if let c = open {
            if kind == .dropout && c.kind == .suspectedDropout {
                try w.append(
                    db, .casePromoted, student: s.key, caseID: c.id,
                    payload: CasePromotedPayload(kind: LedgerCaseKind.dropout.rawValue, date: date.description),
                    reason: "sweep \(asOf): \(result.ruleText)")
                summary.promoted.append(c.id)
            }
            if c.status == .returned && kind != .outOfSchool && !c.flags.split(separator: ";").contains("absent_again") {
                try w.append(
                    db, .caseFlagged, student: s.key, caseID: c.id,
                    payload: CaseFlaggedPayload(flag: "absent_again", date: date.description),
                    reason: "sweep \(asOf): \(result.status.chinese) again after the return — \(result.ruleText)")
                summary.flagged.append(c.id)
            }
            return
        }
        let c: LedgerCase
        do {
            c = try openCase(
                s, kind: kind, on: date, source: "sweep",
                note: "sweep \(asOf): \(result.status.chinese) — \(result.ruleText)", db, &w)
        } catch let e as KCBXError {
            summary.skipped[s.key] = e.description
            return
        }
        summary.opened.append(c.id)
        if c.isRelapse { summary.relapses.append(c.id) }
    }
}
