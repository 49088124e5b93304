/// The escalation ladder (DOMAIN.md §3): an overdue obligation goes to the next level of the
/// responsible line — class teacher → school → township → county → city; a joint-control
/// department's (or the expert panel's) to the county. With the profile's `dual_line` on (双线),
/// both lines are notified: the government line (township, county government) and the education
/// line (school, county education bureau).
public enum EscalationLadder {
    /// The level an overdue obligation owned at `level` goes to, nil at the top.
    public static func next(after level: UnitLevel) -> UnitLevel? {
        switch level {
        case .classTeacher: return .school
        case .school, .village: return .township
        case .township, .department: return .county
        case .county: return .city
        case .city: return .province
        case .province: return nil
        }
    }

    /// Units notified when an obligation reaches `to`, each "<line>:<level>:<unit>".
    static func notify(_ to: ObligationOwner, _ s: LedgerStudent, dualLine: Bool) -> [String] {
        let county = String(s.townshipCode.prefix(6))
        switch to.level {
        case .school: return ["education:school:\(to.unit)"]
        case .township:
            return ["government:township:\(to.unit)"] + (dualLine ? ["education:county:\(county)"] : [])
        case .county, .city, .province:
            return ["education:\(to.level.rawValue):\(to.unit)"] + (dualLine ? ["government:\(to.level.rawValue):\(to.unit)"] : [])
        default: return ["\(to.level.rawValue):\(to.unit)"]
        }
    }

    /// Applies recorded escalations dated on or before `asOf` and sets the state as of `asOf`.
    static func resolve(_ o: inout Obligation, _ escalations: [EscalationRecord], asOf: CivilDate) {
        let mine = escalations.filter { $0.date <= asOf }.sorted { $0.date < $1.date }
        o.escalations = mine.map { ObligationEscalation(date: $0.date, from: $0.from, to: $0.to, notify: $0.notify, newDue: $0.newDue) }
        if let last = mine.last {
            o.owner = last.to
            o.dueOn = last.newDue
        }
        if let done = o.doneOn, done <= asOf {
            o.state = .done
            return
        }
        o.doneOn = nil
        if asOf > o.dueOn { o.state = .overdue } else { o.state = mine.isEmpty ? .due : .escalated }
    }
}

/// An `obligation.escalated` event as read back.
struct EscalationRecord {
    /// The obligation id under today's spelling: events stored before the guardian-contact action
    /// had one name carry `…/contact_guardian`; the chain keeps them as written (verify reads them).
    static func currentID(_ stored: String) -> String {
        stored.hasSuffix("/contact_guardian") ? String(stored.dropLast("contact_guardian".count)) + "guardian_contact" : stored
    }

    var obligation: String
    var date: CivilDate
    var from: UnitLevel
    var to: ObligationOwner
    var notify: [String]
    var newDue: CivilDate

    init?(_ e: EventRecord) {
        guard let date = e.date, let from = UnitLevel(rawValue: e.text("from")), let newDue = try? CivilDate(iso: e.text("new_due")) else {
            return nil
        }
        let toParts = e.text("to").split(separator: ":", maxSplits: 1).map(String.init)
        guard toParts.count == 2, let level = UnitLevel(rawValue: toParts[0]) else { return nil }
        obligation = Self.currentID(e.text("obligation"))
        self.date = date
        self.from = from
        self.newDue = newDue
        to = ObligationOwner(level: level, unit: toParts[1])
        if case .array(let items)? = e.payload["notify"] {
            notify = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        } else {
            notify = []
        }
    }
}

/// What `escalate(asOf:)` did: the obligations handed on, and the counts as of the date.
public struct EscalationSummary: Hashable, Sendable {
    public var asOf: CivilDate
    /// Obligations escalated by this call (each an `obligation.escalated` event).
    public var escalated: [Obligation] = []
    /// Overdue obligations left at the top of the ladder (nothing above to hand them to).
    public var overdueAtTop: [String] = []
    /// The student of each escalated obligation (parallel to `escalated`), as disclosed.
    public var students: [LedgerStudent] = []
    /// Counts per state after the escalations.
    public var states: [ObligationState: Int] = [:]

    public var jsonValue: JSONValue {
        .object([
            "as_of": .string(asOf.description),
            "escalated": .array(escalated.map(\.jsonValue)),
            "overdue_at_top": .array(overdueAtTop.map { .string($0) }),
            "states": .object(
                Dictionary(uniqueKeysWithValues: ObligationState.allCases.map { ($0.rawValue, .number(Double(states[$0] ?? 0))) })),
        ])
    }
}
