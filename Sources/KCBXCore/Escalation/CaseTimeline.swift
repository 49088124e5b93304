import FoundationEssentials

/// A case as its events dated on or before the as-of date make it (time travel: events dated
/// later, even if recorded earlier, do not count). Dates are the payloads' dates, not recording times.
struct CaseTimeline {
    let id: Int64
    let student: String
    var openedOn: CivilDate
    var kind: LedgerCaseKind
    var status: LedgerCaseStatus = .suspected
    var reason: ReasonCode?
    var verifiedOn: CivilDate?
    var planOn: CivilDate?
    var personOn: CivilDate?
    /// Date of the change that ended active work (return, closure, dismissal, exemption), nil while active.
    var endedOn: CivilDate?
    var endedBy: LedgerCaseStatus?
    /// Actions taken, in order.
    var actions: [RecordedAction] = []

    /// Builds the timeline from the case's events (oldest first), nil when the case was opened after `asOf`.
    static func build(_ events: [EventRecord], asOf: CivilDate) -> CaseTimeline? {
        guard let first = events.first, first.kind == EventKind.caseOpened.rawValue,
            let opened = first.date, opened <= asOf
        else { return nil }
        let kind = LedgerCaseKind(rawValue: first.text("kind")) ?? .suspectedDropout
        var t = CaseTimeline(id: first.caseID, student: first.student, openedOn: opened, kind: kind)
        for e in events.dropFirst() {
            guard let date = e.date, date <= asOf, let k = EventKind(rawValue: e.kind) else { continue }
            switch k {
            case .casePromoted: t.kind = LedgerCaseKind(rawValue: e.text("kind")) ?? t.kind
            case .caseVerified:
                t.status = .verified
                t.verifiedOn = date
                t.reason = ReasonCode(rawValue: e.text("reason"))
            case .casePersuading:
                t.status = .persuading
                t.endedOn = nil
                t.endedBy = nil
                if t.planOn == nil && !e.text("plan").isEmpty { t.planOn = date }
                if t.personOn == nil && !e.text("person").isEmpty { t.personOn = date }
            case .caseReturned:
                t.status = .returned
                t.endedOn = date
                t.endedBy = .returned
            case .caseClosed:
                t.status = .closed
                if t.endedOn == nil {
                    t.endedOn = date
                    t.endedBy = .closed
                }
            case .caseDismissed:
                t.status = .dismissed
                t.endedOn = date
                t.endedBy = .dismissed
            case .caseExempted:
                let s = LedgerCaseStatus(rawValue: e.text("exemption")) ?? .deferred
                t.status = s
                t.endedOn = date
                t.endedBy = s
            case .caseAction:
                if let a = LedgerAction(rawValue: e.text("action")) {
                    t.actions.append(RecordedAction(action: a, date: date, department: Department(rawValue: e.text("department"))))
                }
            default: break
            }
        }
        return t
    }

    /// First date on or after `from` the action was taken (for referrals, to `department`).
    func first(_ action: LedgerAction, from: CivilDate, department: Department? = nil) -> CivilDate? {
        actions.filter { $0.action == action && $0.date >= from && (department == nil || $0.department == department) }.map(\.date).min()
    }
}

/// An action as recorded on a case or a child.
struct RecordedAction {
    var action: LedgerAction
    var date: CivilDate
    var department: Department?
}

/// One event row with its payload parsed (what the obligation rules read).
struct EventRecord {
    let seq: Int64
    let kind: String
    let student: String
    let caseID: Int64
    let payload: [String: JSONValue]

    init(seq: Int64, kind: String, student: String, caseID: Int64, payloadText: String) {
        self.seq = seq
        self.kind = kind
        self.student = student
        self.caseID = caseID
        if case .object(let o)? = try? JSONValue.parse(payloadText) { payload = o } else { payload = [:] }
    }

    func text(_ key: String) -> String {
        if case .string(let s)? = payload[key] { return s }
        return ""
    }

    /// The payload's `date` (the day the thing happened).
    var date: CivilDate? { try? CivilDate(iso: text("date")) }
}
