@_implementationOnly import GRDB

/// The closure check (销号, “稳得住”, seed 000 三（二）): how the child did since the return.
public struct LedgerClosureCheck: Hashable, Sendable, Codable {
    /// School days counted: the most recent `window` school days from the return through the as-of date.
    public var schoolDays: Int
    /// Those with a present, late or left-early mark (unmarked days are unknown, not attended).
    public var attended: Int
    /// `closure_attended_days` and `closure_window_days` of the profile.
    public var required: Int
    public var window: Int
    /// The child's classification on the as-of date (`ChildStatus.label`).
    public var status: String
    /// Whether the case may close.
    public var allowed: Bool
    /// Why it may not (empty when `allowed`): the lifecycle, calendar, attendance or away-again
    /// rule that `closeCase` would refuse it by, with the counts.
    public var reasons: [String] = []
}

extension Ledger {
    /// Closes a returned case as of `asOf` when the child is back and has stayed: attended on at
    /// least `closure_attended_days` of the `closure_window_days` school days after the return
    /// (profile parameters; default 20 of 30), and is not suspected or a dropout again on `asOf`
    /// (classification). The window starts on the return date; once more than `window` school days
    /// have passed, the most recent `window` count. Early closing is a `.ruleViolation` naming the
    /// rule and the counts. Needs the school calendar.
    @discardableResult
    public func closeCase(_ id: Int64, asOf: CivilDate, note: String = "") throws -> LedgerCase {
        try caseOperation(id, .close, on: asOf, note: note) { db, w, c, s in
            let check = try closureCheck(c, s, asOf: asOf, db)
            guard check.allowed else {
                throw KCBXError.ruleViolation(rule: closureRule, detail: closureDetail(c, check, asOf))
            }
            try w.append(
                db, .caseClosed, student: c.student, caseID: id,
                payload: CaseClosedPayload(
                    date: asOf.description, attended: check.attended, schoolDays: check.schoolDays,
                    required: check.required, window: check.window),
                reason: note.isEmpty ? "销号: 复学后 \(check.schoolDays) 个上学日到校 \(check.attended) 天" : note)
        }
    }

    /// The closure check for a case as of `asOf`, without closing it: the rule `closeCase` applies
    /// (lifecycle: the case must be returned; the school calendar; the attendance window; not away
    /// again). A case that may not close has `allowed` false and `reasons` naming each rule it fails.
    public func closureCheck(case id: Int64, asOf: CivilDate) throws -> LedgerClosureCheck {
        _ = try ledgerCase(id)
        return try read { db in
            let c = try ledgerCase(id, db)
            do {
                try CaseOperation.close.check(c)
                return try closureCheck(c, try student(c.student, db), asOf: asOf, db)
            } catch let KCBXError.ruleViolation(rule, detail) {
                return LedgerClosureCheck(
                    schoolDays: 0, attended: 0, required: Int(policy.number(.closureAttendedDays) ?? 20),
                    window: Int(policy.number(.closureWindowDays) ?? 30), status: "", allowed: false,
                    reasons: ["\(detail) (\(rule))"])
            }
        }
    }

    var closureRule: String {
        let a = policy[.closureAttendedDays]
        let w = policy[.closureWindowDays]
        return
            "稳得住 (000 三（二）): \(policy.id) closure_attended_days = \(Int(policy.number(.closureAttendedDays) ?? 0)) (\(a.provenance.citation)), "
            + "closure_window_days = \(Int(policy.number(.closureWindowDays) ?? 0)) (\(w.provenance.citation))"
    }

    func closureDetail(_ c: LedgerCase, _ k: LedgerClosureCheck, _ asOf: CivilDate) -> String {
        var d =
            "case \(c.id): attended \(k.attended) of \(k.schoolDays) school days since the return on \(c.returnDate) (as of \(asOf)); closing needs \(k.required) of \(k.window)"
        if k.status == ChildStatus.suspectedDropout.label || k.status == ChildStatus.dropout.label {
            d += "; the child is \(k.status) again on \(asOf)"
        }
        return d
    }

    func closureCheck(_ c: LedgerCase, _ s: LedgerStudent, asOf: CivilDate, _ db: Database) throws -> LedgerClosureCheck {
        guard let cal = try storedCalendar(db) else {
            throw KCBXError.ruleViolation(rule: closureRule, detail: "counting school days needs the school calendar; none is set")
        }
        let returned = try CivilDate(iso: c.returnDate, field: "return_date")
        let required = Int(policy.number(.closureAttendedDays) ?? 20)
        let window = Int(policy.number(.closureWindowDays) ?? 30)
        let days = cal.schoolDayList(from: returned, through: asOf).suffix(window)
        var attended = 0
        if let first = days.first {
            let marks = try self.marks(of: s.key, from: first, through: asOf, db)
            let present = Set(marks.filter { $0.kind.countsAsPresent }.map(\.date))
            attended = days.filter(present.contains).count
        }
        let classifier = try Classifier(profile: policy, calendar: cal)
        let status = try classifier.classify(
            try self.marks(of: s.key, from: cal.firstDay, through: asOf, db), facts: facts(s, db),
            asOf: asOf, today: CivilDate.utcDate(of: clock())
        ).status
        let away = status == .suspectedDropout || status == .dropout
        var reasons: [String] = []
        if attended < required {
            reasons.append(
                "case \(c.id): attended \(attended) of \(days.count) school days since the return on \(c.returnDate) (as of \(asOf)); closing needs \(required) of \(window) (\(closureRule))"
            )
        }
        if away { reasons.append("case \(c.id): the child is \(status.label) again on \(asOf) (\(closureRule))") }
        return LedgerClosureCheck(
            schoolDays: days.count, attended: attended, required: required, window: window,
            status: status.label, allowed: reasons.isEmpty, reasons: reasons)
    }

    /// What classification needs to know about a roster student.
    func facts(_ s: LedgerStudent, _ db: Database) throws -> ChildFacts {
        let registration: RegistrationState
        switch LedgerRegistration(rawValue: s.registration) ?? .enrolled {
        case .enrolled: registration = .enrolled
        case .none, .elsewhere: registration = .none
        case .deferred: registration = .deferred
        case .suspended: registration = .suspended
        case .homeDelivered: registration = .homeDelivered
        case .transferredOut: registration = .transferredOut
        case .graduated: registration = .graduated
        }
        let past =
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM cases WHERE student = ? AND status = 'closed')"), arguments: [s.key])
            ?? false
        return ChildFacts(
            birthDate: s.birth, grade: s.grade == 0 ? nil : s.grade, registration: registration,
            registrationDate: s.registrationDate.isEmpty ? nil : try? CivilDate(iso: s.registrationDate),
            expertOpinion: s.expertOpinion.isEmpty ? nil : s.expertOpinion,
            studyingElsewhere: s.registration == LedgerRegistration.elsewhere.rawValue,
            pastDropout: past, groups: s.specialGroups)
    }
}
