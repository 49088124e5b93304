@_implementationOnly import GRDB

/// A case as its events up to a date make it (events dated after the date are not applied).
struct LedgerCaseAsOf: Sendable {
    var id: Int64
    var kind: LedgerCaseKind
    var status: LedgerCaseStatus = .suspected
    var reason: ReasonCode?
    var openedOn: CivilDate
    /// Date of the dismissal, closure or return that last took effect.
    var settledOn: CivilDate?
    var relapseOf: Int64

    /// Suspected, verified or persuading: the child is still away.
    var isAway: Bool { [.suspected, .verified, .persuading].contains(status) }
}

/// One child as the ledger stood on a date: the roster row in force, the latest case opened by
/// then, and the status the reports count.
struct LedgerChildAsOf: Sendable {
    var student: LedgerStudent
    var status: ChildStatus
    /// Reason A–T for dropouts and out-of-school children: the verified reason, else A/B proposed
    /// for out-of-school children by age (001 附件1 填表说明3); nil for an unverified dropout.
    var reason: ReasonCode?
    /// Stage by grade, or by age (`SchoolAge.expectedStage`) for a child with no grade.
    var stage: Stage
    var currentCase: LedgerCaseAsOf?
    /// Why classification failed (the child is then counted as attendance unknown), else nil.
    var unclassified: String?
}

extension Ledger {
    /// The children of `unit` (within the actor's jurisdiction) as of `asOf`, from ledger data only:
    /// the roster row in force on the date, the marks of school days up to it, and the case events
    /// dated up to it. Status precedence [interpretation, docs/reports.md]: a case still away on the
    /// date decides (out_of_school → 失学, dropout → 辍学, suspected_dropout → 疑似辍学, raised to
    /// 辍学 when the marks already make the child one); a deferral or suspension on the case decides
    /// next; otherwise the classification of the marks (`Classifier`), except that a suspected /
    /// dropout / out-of-school classification is overridden when a person dismissed the child's case
    /// on or after the streak began (verified: not a dropout).
    ///
    /// `bulk: false` classifies every child alone (the tests compare both ways). In key order.
    func children(asOf: CivilDate, unit: ReportUnit, _ db: Database, bulk: Bool = true) throws -> [LedgerChildAsOf] {
        var out: [LedgerChildAsOf] = []
        try forEachChild(asOf: asOf, unit: unit, db, bulk: bulk, restart: { out.removeAll() }) { out.append($0) }
        out.sort { SweepColumns.keyPrecedes($0.student.key, $1.student.key) }
        return out
    }

    /// `children(asOf:unit:_:bulk:)` one child at a time, in `students.id` order, without holding
    /// them: the roster read and classified chunk by chunk (`SweepColumns.forEachChunk`, the bulk
    /// classifier over each chunk, as the sweep does). A child whose roster row in force is an
    /// earlier version is classified alone; when the bulk call refuses some child's data, every
    /// child is classified alone: `restart` is called and the children are visited again.
    func forEachChild(
        asOf: CivilDate, unit: ReportUnit, _ db: Database, bulk: Bool = true, restart: () -> Void,
        _ visit: (LedgerChildAsOf) throws -> Void
    ) throws {
        let (classifier, cal, today) = try classifier(asOf: asOf, for: "a report", db)
        let scope = actor.scopeSQL
        let cases = try casesAsOf(asOf, keys: nil, db)
        func pass(bulk: Bool) throws -> Bool {
            var refused = false
            try SweepColumns.forEachChunk(
                db, scope: scope, from: cal.firstDay, through: asOf, withStudents: true,
                schoolDays: cal.schoolDays(from: cal.firstDay, through: asOf)
            ) { columns in
                var students: [(LedgerStudent, current: Bool)] = []
                var rowOf: [Int] = []
                for (r, current) in columns.students.enumerated() {
                    let s = try rosterRow(current, asOf: asOf, db)
                    if unit.contains(schoolID: s.schoolID, townshipCode: s.townshipCode) {
                        students.append((s, s == current))
                        rowOf.append(r)
                    }
                }
                var table: ClassificationTable? = nil
                if bulk, students.contains(where: \.current) {
                    do { table = try columns.classify(classifier, asOf: asOf, today: today) } catch {
                        refused = true
                        return false
                    }
                }
                for (i, entry) in students.enumerated() {
                    let r = entry.current ? table.map { ($0, rowOf[i]) } : nil
                    try visit(try child(entry.0, classified: r, cases[entry.0.key], classifier, cal, asOf: asOf, today: today, db))
                }
                return true
            }
            return !refused
        }
        if try pass(bulk: bulk) { return }
        restart()
        _ = try pass(bulk: false)
    }

    /// One child as of `asOf` (the precedence above): `classified` is the child's row of the bulk
    /// table when the bulk call classified it, else the child is classified alone.
    private func child(
        _ s: LedgerStudent, classified bulkRow: (ClassificationTable, Int)?, _ c: LedgerCaseAsOf?, _ classifier: Classifier,
        _ cal: SchoolCalendar, asOf: CivilDate, today: CivilDate, _ db: Database
    ) throws -> LedgerChildAsOf {
        var classified = ChildStatus.attendanceUnknown
        var since: CivilDate?
        var failure: String?
        if let row = bulkRow {
            let (table, r) = row
            classified = ChildStatus(rawValue: table.status[r]) ?? .attendanceUnknown
            since = table.since[r] == ChildKernel.noDate ? nil : CivilDate(dayNumber: table.since[r])
        } else {
            var facts = try self.facts(s, db)
            facts.pastDropout = c.map { $0.relapseOf != 0 || $0.status == .closed } ?? false
            do {
                let result = try classifier.classify(
                    try marks(of: s.key, from: cal.firstDay, through: asOf, db),
                    facts: facts, asOf: asOf, today: today)
                (classified, since) = (result.status, result.since)
            } catch let e as KCBXError { failure = e.description }
        }
        var status = classified
        var reason: ReasonCode? = nil
        if let c, c.isAway {
            switch c.kind {
            case .outOfSchool: status = .outOfSchool
            case .dropout: status = .dropout
            case .suspectedDropout: status = classified == .dropout ? .dropout : .suspectedDropout
            }
            reason = c.reason
        } else if let c, c.status == .deferred || c.status == .suspended {
            status = c.status == .deferred ? .deferred : .suspended
        } else if [.suspectedDropout, .dropout, .outOfSchool].contains(classified), let c, c.status == .dismissed,
            let settled = c.settledOn, settled >= (since ?? asOf)
        {
            status = classified == .outOfSchool ? .studyingElsewhere : .inSchool
        }
        if status == .outOfSchool && reason == nil { reason = ReasonCode.outOfSchool(birthDate: s.birth, on: asOf) }
        let stage = s.grade > 0 ? Stage(grade: s.grade) : SchoolAge(birthDate: s.birth).expectedStage(on: asOf)
        return LedgerChildAsOf(
            student: s, status: status, reason: status == .dropout || status == .outOfSchool ? reason : nil,
            stage: stage, currentCase: c, unclassified: failure)
    }

    /// `children(asOf:unit:_:bulk:)` in a read of its own.
    func children(asOf: CivilDate, unit: ReportUnit, bulk: Bool) throws -> [LedgerChildAsOf] {
        try read { try children(asOf: asOf, unit: unit, $0, bulk: bulk) }
    }

    /// The roster row in force on `asOf`: the current one unless its registration change takes
    /// effect after the date; then the latest earlier version whose change had taken effect (a
    /// row without a registration date is in force from its recording). With no such version the
    /// current row stands (classification treats a transfer or graduation dated later as not yet in force).
    func rosterRow(_ current: LedgerStudent, asOf: CivilDate, _ db: Database) throws -> LedgerStudent {
        func inForce(_ s: LedgerStudent) -> Bool {
            s.registrationDate.isEmpty || (try? CivilDate(iso: s.registrationDate)).map { $0 <= asOf } ?? true
        }
        if inForce(current) { return current }
        for (_, s) in try RosterReplay.versions(of: current.key, db) where inForce(s) { return s }
        return current
    }

    /// For each student in `keys` (nil: every student), the latest case opened on or before
    /// `asOf`, replaying its events dated on or before `asOf` in chain order.
    func casesAsOf(_ asOf: CivilDate, keys: Set<String>?, _ db: Database) throws -> [String: LedgerCaseAsOf] {
        let kinds: [EventKind] = [
            .caseOpened, .casePromoted, .caseVerified, .caseDismissed, .casePersuading, .caseReturned,
            .caseClosed, .caseExempted,
        ]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, kind, student, case_id, payload FROM events
                WHERE case_id != 0 AND kind IN (\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ", "))) ORDER BY seq
                """)
        var byID: [Int64: (student: String, c: LedgerCaseAsOf)] = [:]
        for row in rows {
            let student: String = row["student"]
            if let keys, !keys.contains(student) { continue }
            let seq: Int64 = row["seq"]
            let id: Int64 = row["case_id"]
            let payload: String = row["payload"]
            guard let kind = EventKind(rawValue: row["kind"]) else { continue }
            func dated(_ text: String) -> CivilDate? { (try? CivilDate(iso: text)).flatMap { $0 <= asOf ? $0 : nil } }
            if kind == .caseOpened {
                let p = try PayloadCoding.decode(CaseOpenedPayload.self, payload, seq: seq)
                guard let d = dated(p.date), let k = LedgerCaseKind(rawValue: p.kind) else { continue }
                byID[id] = (student, LedgerCaseAsOf(id: id, kind: k, openedOn: d, relapseOf: p.relapseOf))
                continue
            }
            guard var c = byID[id]?.c else { continue }
            switch kind {
            case .casePromoted:
                let p = try PayloadCoding.decode(CasePromotedPayload.self, payload, seq: seq)
                guard dated(p.date) != nil, let k = LedgerCaseKind(rawValue: p.kind) else { continue }
                c.kind = k
            case .caseVerified:
                let p = try PayloadCoding.decode(CaseVerifiedPayload.self, payload, seq: seq)
                guard dated(p.date) != nil else { continue }
                c.status = .verified
                c.reason = ReasonCode(rawValue: p.reason)
            case .caseDismissed:
                let p = try PayloadCoding.decode(CaseDismissedPayload.self, payload, seq: seq)
                guard let d = dated(p.date) else { continue }
                c.status = .dismissed
                c.settledOn = d
            case .casePersuading:
                let p = try PayloadCoding.decode(CasePersuadingPayload.self, payload, seq: seq)
                guard dated(p.date) != nil else { continue }
                c.status = .persuading
            case .caseReturned:
                let p = try PayloadCoding.decode(CaseReturnedPayload.self, payload, seq: seq)
                guard let d = dated(p.date) else { continue }
                c.status = .returned
                c.settledOn = d
            case .caseClosed:
                let p = try PayloadCoding.decode(CaseClosedPayload.self, payload, seq: seq)
                guard let d = dated(p.date) else { continue }
                c.status = .closed
                c.settledOn = d
            case .caseExempted:
                let p = try PayloadCoding.decode(CaseExemptedPayload.self, payload, seq: seq)
                guard dated(p.date) != nil, let st = LedgerCaseStatus(rawValue: p.exemption) else { continue }
                c.status = st
            default: continue
            }
            byID[id]?.c = c
        }
        var latest: [String: LedgerCaseAsOf] = [:]
        for (_, v) in byID where (latest[v.student]?.id ?? 0) < v.c.id { latest[v.student] = v.c }
        return latest
    }
}
