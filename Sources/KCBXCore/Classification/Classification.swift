/// The evidence behind an attendance status: the open streak's days, as counted.
public struct StreakEvidence: Sendable, Equatable {
    /// First unexcused school day of the open streak.
    public var start: CivilDate
    /// Unexcused school days in the streak (the clock in school days).
    public var unexcusedSchoolDays: Int
    /// Counted calendar days (the clock in calendar days): leave, unknown and vacation days excluded.
    public var clockDays: Int
    /// School days on approved leave inside the streak (paused).
    public var leaveSchoolDays: Int
    /// School days inside the streak with no mark (unknown, not counted).
    public var unknownSchoolDays: Int
}

/// One child's classification as of a date: status, when it began, the rule that decided it
/// (with the profile's citation) and the evidence, alerts, risk flags with reasons, the missing
/// attendance and the duplicate marks found.
public struct Classification: Sendable, Equatable {
    public var asOf: CivilDate
    public var status: ChildStatus
    /// The date the status began (e.g. the day the clock first exceeded `suspected_after`);
    /// nil when unknown (e.g. a deferral without a start date).
    public var since: CivilDate?
    public var rule: ClassificationRule
    /// The rule in words: parameter, value, provenance and citation, then the evidence.
    public var ruleText: String
    /// The rule's citation (seed file and clause, or DOMAIN.md).
    public var citation: String
    /// The open unexcused streak, if any.
    public var streak: StreakEvidence?
    public var alerts: AlertSet
    public var riskFlags: RiskFlags
    /// Each raised flag with why.
    public var risks: [RiskFinding]
    /// Proposed reason code (A or B for an out-of-school child); nil otherwise.
    public var proposedReason: ReasonCode?
    /// School days of the current term so far, and the unexcused ones among them.
    public var termSchoolDays: Int
    public var termUnexcusedDays: Int
    /// School days of the current term so far without a mark (unknown, not absent).
    public var missingDates: [CivilDate]
    /// Duplicate marks; the later one was kept.
    public var conflicts: [MarkConflict]

    /// The classification as one bulk-table row (`childID` given by the caller).
    public func row(childID: Int64) -> ClassificationRow {
        ClassificationRow(
            childID: childID, status: status, since: since, rule: rule, alerts: alerts, riskFlags: riskFlags,
            streakStart: streak?.start, streakUnexcusedDays: streak?.unexcusedSchoolDays ?? 0,
            streakClockDays: streak?.clockDays ?? 0, termSchoolDays: termSchoolDays,
            termUnexcusedDays: termUnexcusedDays, missingDays: missingDates.count,
            conflicts: conflicts.count, proposedReason: proposedReason)
    }

    /// The classification as JSON (stable keys; dates YYYY-MM-DD).
    public func json(pretty: Bool = true) -> String {
        func date(_ d: CivilDate?) -> JSONValue { d.map { .string($0.description) } ?? .null }
        func num(_ v: Int) -> JSONValue { .number(Double(v)) }
        var o: [String: JSONValue] = [
            "as_of": date(asOf), "status": .string(status.label), "status_zh": .string(status.chinese), "since": date(since),
            "rule": .string(rule.label), "rule_text": .string(ruleText), "citation": .string(citation),
            "alerts": .array(alerts.labels.map { .string($0) }),
            "risk_flags": .array(risks.map { .object(["flag": .string($0.flag.labels.first ?? ""), "why": .string($0.why)]) }),
            "proposed_reason": proposedReason.map { .string($0.rawValue) } ?? .null,
            "term_school_days": num(termSchoolDays), "term_unexcused_days": num(termUnexcusedDays),
            "missing_dates": .array(missingDates.map { .string($0.description) }),
            "conflicts": .array(
                conflicts.map {
                    .object([
                        "date": .string($0.date.description), "replaced": .string($0.replaced.label),
                        "kept": .string($0.kept.label), "replaced_index": num($0.replacedIndex),
                        "kept_index": num($0.keptIndex),
                    ])
                }),
        ]
        if let s = streak {
            o["streak"] = .object([
                "start": date(s.start), "unexcused_school_days": num(s.unexcusedSchoolDays), "clock_days": num(s.clockDays),
                "leave_school_days": num(s.leaveSchoolDays), "unknown_school_days": num(s.unknownSchoolDays),
            ])
        } else {
            o["streak"] = .null
        }
        return JSONValue.object(o).serialized(pretty: pretty)
    }
}
