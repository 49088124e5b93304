import FoundationEssentials

@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// The due list and escalation over a ledger (DOMAIN.md §3). Obligations are derived from the
/// events (cases, actions, escalations) dated on or before the as-of date and from the attendance
/// marks up to it, so asking about a past date gives what was due then. Only `escalate` and the
/// action recorders write, each change one attributed event.
extension Ledger {
    /// The jurisdiction's obligations as of `asOf`, keys as stored; `bulk: false` derives them
    /// child by child (the tests compare both ways).
    func obligations(asOf: CivilDate, bulk: Bool) throws -> [Obligation] {
        try read { try obligationSet(asOf: asOf, $0, bulk: bulk).list }
    }

    /// Every obligation of the actor's jurisdiction as of `asOf`, in due-date order: done, due,
    /// overdue and escalated (filter with `states`). Needs the school calendar. Student keys are
    /// masked unless `fullIDs` is granted (`disclosure`).
    public func due(asOf: CivilDate, states: Set<ObligationState>? = nil, fullIDs: Bool = false) throws -> [Obligation] {
        try dueWithStudents(asOf: asOf, states: states, fullIDs: fullIDs).map(\.0)
    }

    /// The obligations of one case as of `asOf` (its due list), masked as `due(asOf:)`.
    public func due(case id: Int64, asOf: CivilDate, fullIDs: Bool = false) throws -> [Obligation] {
        try dueWithStudents(asOf: asOf, caseID: id, fullIDs: fullIDs).map(\.0)
    }

    /// The due list (of the jurisdiction, or of case `caseID`) with each obligation's student, both
    /// as the disclosure shows them (for tables with names).
    public func dueWithStudents(
        asOf: CivilDate, states: Set<ObligationState>? = nil, caseID: Int64? = nil,
        fullIDs: Bool = false
    ) throws -> [(Obligation, LedgerStudent)] {
        let only = try caseID.map { try readableCase($0).student }
        let d = try disclosure(fullIDs: fullIDs, "list obligations", format: "due")
        return try read { db in
            let set = try obligationSet(asOf: asOf, db, only: only)
            var list = set.list
            if let caseID { list = list.filter { $0.caseID == caseID } }
            if let states { list = list.filter { states.contains($0.state) } }
            return list.compactMap { o in set.students[o.student].map { (o.disclosed(d), $0.disclosed(d)) } }
        }
    }

    /// Hands every overdue obligation of the jurisdiction to the next level (one
    /// `obligation.escalated` event each, dated `asOf`, with the units notified under 双线) and
    /// returns what it did. Idempotent: a second call for the same date, or a call for an earlier
    /// date after a later escalation, records nothing new. School level or above.
    /// The summary's student keys are masked unless `fullIDs` is granted (`disclosure`).
    @discardableResult
    public func escalate(asOf: CivilDate, fullIDs: Bool = false) throws -> EscalationSummary {
        try escalate(asOf: asOf, fullIDs: fullIDs, bulk: true)
    }

    /// `bulk: false` derives the obligations child by child (the tests compare both ways).
    func escalate(asOf: CivilDate, fullIDs: Bool, bulk: Bool) throws -> EscalationSummary {
        let d = try disclosure(fullIDs: fullIDs, "escalate", format: "escalation")  // refused before anything is escalated
        let summary: EscalationSummary = try write { db, w in
            try requireWriter("escalate overdue obligations")
            try checkDate(asOf, notBefore: nil, field: "as_of")
            let set = try obligationSet(asOf: asOf, db, bulk: bulk)
            let obligations = set.list
            let students = set.students
            let everEscalated = Set(try allEscalations(db).map { "\($0.obligation)|\($0.from.rawValue)" })
            let rules = ObligationRules(policy: policy, calendar: set.calendar)
            var summary = EscalationSummary(asOf: asOf)
            for var o in obligations {
                guard o.state == .overdue, let s = students[o.student] else {
                    summary.states[o.state, default: 0] += 1
                    continue
                }
                guard let level = EscalationLadder.next(after: o.owner.level == .department ? .department : o.owner.level) else {
                    summary.overdueAtTop.append(o.id)
                    summary.states[.overdue, default: 0] += 1
                    continue
                }
                if everEscalated.contains("\(o.id)|\(o.owner.level.rawValue)") {
                    summary.states[.overdue, default: 0] += 1
                    continue
                }
                let to = ObligationRules.owner(level, s)
                let notify = EscalationLadder.notify(to, s, dualLine: policy.flag(.dualLine))
                let newDue = rules.add(.escalationResponse, to: asOf)
                try w.append(
                    db, .obligationEscalated, student: o.student, caseID: o.caseID,
                    payload: EscalatedPayload(
                        obligation: o.id, action: o.action.rawValue, from: o.owner.level.rawValue,
                        to: "\(to.level.rawValue):\(to.unit)", notify: notify,
                        due: o.dueOn.description, newDue: newDue.description, date: asOf.description),
                    reason: "逾期升级 \(asOf): \(o.action.chinese) 应于 \(o.dueOn) 前由 \(o.owner.label) 完成 → \(to.label)")
                o.escalations.append(ObligationEscalation(date: asOf, from: o.owner.level, to: to, notify: notify, newDue: newDue))
                o.owner = to
                o.dueOn = newDue
                o.state = .escalated
                summary.escalated.append(o)
                summary.students.append(s)
                summary.states[.escalated, default: 0] += 1
            }
            return summary
        }
        return summary.disclosed(d)
    }

    /// Refuses a step of the four steps (四步法, 004 二（七）4) that the due list does not have open
    /// on `date` for case `id`: the one check behind `recordAction`.
    func checkFourStepsOrder(_ id: Int64, _ action: LedgerAction, _ c: LedgerCase, on date: CivilDate, _ db: Database) throws {
        guard let step = ObligationAction.allCases.first(where: { $0.ledgerAction == action })?.step else { return }
        let open = try obligations(asOf: date, db, only: c.student).filter { $0.caseID == id && $0.step == step }
        if open.isEmpty || open.allSatisfy({ $0.state == .done }) {
            let why =
                open.first?.doneOn.map { "step \(step) of case \(id) was already taken on \($0)" }
                ?? (step == 1
                    ? "no guardian refusal is recorded on case \(id) by \(date) (record guardian_refusal first)"
                    : "step \(step - 1) of case \(id) was not taken, or its deadline had not passed without the child's return, by \(date)")
            throw KCBXError.ruleViolation(rule: "四步法 in order (004 二（七）4; DOMAIN.md §3): step \(step) \(action.chinese)", detail: why)
        }
    }

    /// Records an action on a child who has no case yet (guardian contact, three-line report on
    /// the first days of an absence, DOMAIN.md §3). One `student.action` event.
    public func recordStudentAction(student key: String, _ action: LedgerAction, on date: CivilDate, note: String = "") throws {
        try checkNote(note)
        guard [.guardianContact, .threeLineReport, .homeVisit, .note].contains(action) else {
            throw KCBXError.invalidInput(
                field: "action",
                rule: "before a case only guardian_contact, three_line_report, home_visit or note; '\(action.rawValue)' needs a case")
        }
        try write { db, w in
            try requireWriter("record an action", student: key.utf8.count <= 64 ? key : "")
            let s = try coveredStudent(key, "record an action", db)
            try checkDate(date, notBefore: nil)
            try checkDate(date, for: s)
            try w.append(
                db, .studentAction, student: s.key, payload: CaseActionPayload(action: action.rawValue, date: date.description),
                reason: note.isEmpty ? action.chinese : note)
        }
    }

    // MARK: Derivation

    func scopedStudents(_ db: Database, only: String?) throws -> [LedgerStudent] {
        let scope = actor.scopeSQL
        if let only {
            return try Row.fetchAll(
                db, sql: "SELECT * FROM students s WHERE \(scope.sql) AND s.key = ?", arguments: [scope.argument, only]
            ).map(LedgerStudent.init(row:))
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM students s WHERE \(scope.sql) ORDER BY key", arguments: [scope.argument]).map(
            LedgerStudent.init(row:))
    }

    func allEscalations(_ db: Database) throws -> [EscalationRecord] {
        try Row.fetchAll(
            db, sql: "SELECT seq, kind, student, case_id, payload FROM events WHERE kind = ? ORDER BY seq",
            arguments: [EventKind.obligationEscalated.rawValue]
        ).compactMap { EscalationRecord(record($0)) }
    }

    private func record(_ row: Row) -> EventRecord {
        EventRecord(seq: row["seq"], kind: row["kind"], student: row["student"], caseID: row["case_id"], payloadText: row["payload"])
    }

    /// All obligations as of `asOf` for the jurisdiction (or one student), with states resolved.
    func obligations(asOf: CivilDate, _ db: Database, only: String? = nil) throws -> [Obligation] {
        try obligationSet(asOf: asOf, db, only: only).list
    }

    /// The obligations as of `asOf` (in due-date order) with the roster row of each student who
    /// has one. For the jurisdiction, set-based: every child classified at once (`SweepColumns`,
    /// `classifyMany`), the case and action events read once; for one student (`only`), or with
    /// `bulk: false`, or when the bulk call refuses some child's data, child by child. Both ways
    /// make each obligation with the same rules (`ObligationRules`, `CaseTimeline`, `EscalationLadder`).
    func obligationSet(asOf: CivilDate, _ db: Database, only: String? = nil, bulk: Bool = true) throws -> ObligationSet {
        guard let cal = try storedCalendar(db) else {
            throw KCBXError.ruleViolation(
                rule: "obligations follow the school calendar (DOMAIN.md §2-3)",
                detail: "no calendar is set on this ledger; call setCalendar first")
        }
        let rules = ObligationRules(policy: policy, calendar: cal)
        let classifier = try Classifier(profile: policy, calendar: cal)
        let today = max(CivilDate.utcDate(of: clock()), asOf)
        // Open absence streaks: (student, streak start, its unexcused days), in key order.
        var streaks: [(key: String, start: CivilDate, unexcused: [CivilDate])] = []
        let inScope: (String) throws -> Bool
        var students: [String: LedgerStudent] = [:]
        if only == nil, bulk, let found = try streaksAtOnce(classifier, cal: cal, asOf: asOf, today: today, db) {
            streaks = found
            inScope = try inJurisdiction(db)
        } else {
            let list = try scopedStudents(db, only: only)
            for s in list {
                students[s.key] = s
                let result: Classification
                do {
                    result = try classifier.classify(
                        try marks(of: s.key, from: cal.firstDay, through: asOf, db),
                        facts: try facts(s, db), asOf: asOf, today: today)
                } catch { continue }
                if let streak = result.streak {
                    let unexcused = try marks(of: s.key, from: streak.start, through: asOf, db).filter { $0.kind == .unexcused }.map(\.date)
                    streaks.append((s.key, streak.start, unexcused))
                }
            }
            let keys = Set(students.keys)
            inScope = keys.contains
        }
        let (caseEvents, studentActions) = try caseAndActionEvents(db, inScope)
        if students.isEmpty {
            students = try SweepColumns.students(streaks.map(\.key) + caseEvents.values.compactMap(\.first?.student), db)
        }
        var escalations: [String: [EscalationRecord]] = [:]
        for e in try allEscalations(db) { escalations[e.obligation, default: []].append(e) }
        var out: [Obligation] = []
        for (key, start, unexcused) in streaks {
            guard let s = students[key] else { continue }
            out += rules.streakObligations(s, streakStart: start, unexcused: unexcused, actions: studentActions[key] ?? [], asOf: asOf)
        }
        for (_, events) in caseEvents.sorted(by: { $0.key < $1.key }) {
            guard let t = CaseTimeline.build(events, asOf: asOf), let s = students[t.student] else { continue }
            out += rules.caseObligations(t, s, asOf: asOf)
        }
        for i in out.indices { EscalationLadder.resolve(&out[i], escalations[out[i].id] ?? [], asOf: asOf) }
        out.sort { ($0.dueOn, $0.caseID, $0.id) < ($1.dueOn, $1.caseID, $1.id) }
        return ObligationSet(list: out, students: students, calendar: cal)
    }

    /// Every child of the jurisdiction classified, chunk by chunk (`SweepColumns.forEachChunk`);
    /// the open streaks with their unexcused days, in key order. Nil when the bulk call refuses
    /// some child's data (then the caller classifies child by child, skipping the refused ones).
    private func streaksAtOnce(
        _ classifier: Classifier, cal: SchoolCalendar, asOf: CivilDate, today: CivilDate,
        _ db: Database
    ) throws -> [(key: String, start: CivilDate, unexcused: [CivilDate])]? {
        var streaks: [(key: String, start: CivilDate, unexcused: [CivilDate])] = []
        var refused = false
        try SweepColumns.forEachChunk(
            db, scope: actor.scopeSQL, from: cal.firstDay, through: asOf,
            schoolDays: cal.schoolDays(from: cal.firstDay, through: asOf)
        ) { columns in
            let table: ClassificationTable
            do { table = try columns.classify(classifier, asOf: asOf, today: today) } catch is KCBXError {
                refused = true
                return false
            }
            for r in 0..<table.rows where table.streakStart[r] != ChildKernel.noDate {
                let start = CivilDate(dayNumber: table.streakStart[r])
                streaks.append((columns.keys[r], start, columns.unexcusedDays(of: r, from: start)))
            }
            return true
        }
        if refused { return nil }
        streaks.sort { SweepColumns.keyPrecedes($0.key, $1.key) }
        return streaks
    }

    /// Whether the student `key` is on the roster within the actor's jurisdiction: one prepared
    /// primary-key seek (the events name only a few of the students).
    private func inJurisdiction(_ db: Database) throws -> (String) throws -> Bool {
        let scope = actor.scopeSQL
        let statement = try db.makeStatement(
            sql: "SELECT 1 FROM students s WHERE s.key = ?2 AND \(scope.sql.replacingOccurrences(of: "?", with: "?1"))")
        var known: [String: Bool] = [:]
        return { key in
            if let k = known[key] { return k }
            var found = false
            try SweepColumns.each(
                statement, db,
                bind: { h in
                    ledgerBind(h, 1, scope.argument)
                    ledgerBind(h, 2, key)
                }
            ) { _ in found = true }
            known[key] = found
            return found
        }
    }

    /// The case events (by case) and the recorded actions (by student) of the students `inScope`,
    /// one pass over the events in chain order.
    private func caseAndActionEvents(_ db: Database, _ inScope: (String) throws -> Bool) throws
        -> (cases: [Int64: [EventRecord]], actions: [String: [RecordedAction]])
    {
        let kinds = [
            EventKind.caseOpened, .casePromoted, .caseVerified, .caseDismissed, .casePersuading, .caseReturned,
            .caseClosed, .caseExempted, .caseAction, .studentAction,
        ].map(\.rawValue)
        var caseEvents: [Int64: [EventRecord]] = [:]
        var studentActions: [String: [RecordedAction]] = [:]
        let statement = try db.makeStatement(
            sql: """
                SELECT seq, kind, student, case_id, payload FROM events WHERE kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ","))) ORDER BY seq
                """)
        try SweepColumns.each(statement, db, bind: { _ in }) { h in
            let student = ledgerText(h, 2)
            guard try inScope(student) else { return }
            let e = EventRecord(
                seq: sqlite3_column_int64(h, 0), kind: ledgerText(h, 1), student: student,
                caseID: sqlite3_column_int64(h, 3), payloadText: ledgerText(h, 4))
            if e.kind == EventKind.caseAction.rawValue || e.kind == EventKind.studentAction.rawValue,
                let a = LedgerAction(rawValue: e.text("action")), let d = e.date
            {
                studentActions[e.student, default: []].append(RecordedAction(action: a, date: d, department: nil))
            }
            if e.caseID != 0 { caseEvents[e.caseID, default: []].append(e) }
        }
        return (caseEvents, studentActions)
    }
}

/// The obligations of a due list with the roster rows of their students and the calendar they
/// were dated on.
struct ObligationSet {
    var list: [Obligation]
    var students: [String: LedgerStudent]
    var calendar: SchoolCalendar
}
