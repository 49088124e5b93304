import FoundationEssentials

@_implementationOnly import GRDB

/// `audit_finding` event payload: one contradicted entry, as found.
struct AuditFindingPayload: Codable {
    var check: String
    var fingerprint: String
    var date: String
    var entrySeq: Int64
    var evidence: String
    var asOf: String
    enum CodingKeys: String, CodingKey {
        case check, fingerprint, date
        case entrySeq = "entry_seq"
        case evidence
        case asOf = "as_of"
    }
}

/// The fields of a case event's payload the audit reads (every case payload has `date`).
private struct AuditDated: Decodable {
    var date: String?
    var why: String?
    var from: String?
    var reason: String?
    var action: String?
    var registration: String?
}

extension Ledger {
    /// The ledger audit (台账信息不实, seed 002 四（二）; DOMAIN.md §8): every entry within the
    /// actor's jurisdiction that the marks, the roster or the case history contradict as of
    /// `asOf`, each with its evidence (`LedgerAuditCheck` lists the checks and their clauses). New
    /// findings are recorded as attributable `audit_finding` events (`options.record`); a finding
    /// already recorded is not recorded again, so re-running the audit changes nothing. Needs a
    /// writer at township level or above and the school calendar.
    public func audit(asOf: CivilDate, options: LedgerAuditOptions = LedgerAuditOptions()) throws -> LedgerAuditResult {
        guard (1...30).contains(options.returnGraceDays) else {
            throw KCBXError.invalidInput(field: "return_grace_days", rule: "must be 1-30 school days, got \(options.returnGraceDays)")
        }
        guard (2...100_000).contains(options.sameDayPatternMinimum) else {
            throw KCBXError.invalidInput(
                field: "same_day_pattern_minimum", rule: "must be 2-100000 cases, got \(options.sameDayPatternMinimum)")
        }
        try checkDate(asOf, notBefore: nil, field: "as_of")
        try requireSupervisor("audit the ledger")
        var found = try auditFindings(asOf: asOf, options: options)
        var recorded = 0
        let earlier = try read { db in try auditRecord(db) }
        if options.record {
            recorded = try write { db, w in
                try requireWriter("record audit findings", minimum: .township)
                var n = 0
                var known = try auditRecord(db)
                for i in found.indices {
                    if let seq = known[found[i].fingerprint] {
                        found[i].findingSeq = seq
                        continue
                    }
                    let f = found[i]
                    let seq = try w.append(
                        db, .auditFinding, student: f.student, caseID: f.caseID,
                        payload: AuditFindingPayload(
                            check: f.check.rawValue, fingerprint: f.fingerprint, date: f.date,
                            entrySeq: f.entrySeq, evidence: f.evidence, asOf: asOf.description),
                        reason: "台账信息核查 \(f.check.chinese): \(KCBXError.quote(f.evidence, limit: 160))")
                    found[i].findingSeq = seq
                    known[f.fingerprint] = seq
                    n += 1
                }
                return n
            }
        } else {
            for i in found.indices { found[i].findingSeq = earlier[found[i].fingerprint] ?? 0 }
        }
        for i in found.indices { found[i].student = IDDisclosure.masked.key(found[i].student) }
        return LedgerAuditResult(asOf: asOf, findings: found, recorded: recorded)
    }

    /// The audit as a report table (`LedgerAuditResult.table`) for the actor's unit.
    public func auditReport(asOf: CivilDate, options: LedgerAuditOptions = LedgerAuditOptions()) throws -> ReportTable {
        let r = try audit(asOf: asOf, options: options)
        var t = r.table(unit: try read { db in try unitLabel(ownUnit, db) })
        t.notes.append("本次新记录 \(r.recorded) 条 (recorded now); 共 \(r.findings.count) 条 (all findings as of \(asOf)).")
        t.notes.append(profileNote)
        return t
    }

    /// Supervision (audit, spot checks, the 中考 check) is work of the levels above the school:
    /// a writer at township level or above; anyone else is refused and the refusal recorded.
    func requireSupervisor(_ operation: String) throws {
        guard actor.mayWrite, actor.level >= .township else {
            try refuseRead(operation, "supervision (督导、抽查) needs a township, county, city or province writer")
        }
    }

    /// Fingerprint → seq of every `audit_finding` event recorded so far.
    func auditRecord(_ db: Database) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for e in try supervisionEvents(.auditFinding, db) {
            let p = try PayloadCoding.decode(AuditFindingPayload.self, e.payload, seq: e.seq)
            if out[p.fingerprint] == nil { out[p.fingerprint] = e.seq }
        }
        return out
    }

    /// Events of one supervision kind, oldest first (the one place the supervision code reads the chain by kind).
    func supervisionEvents(_ kind: EventKind, _ db: Database) throws -> [LedgerEvent] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM events WHERE kind = ? ORDER BY seq"), arguments: [kind.rawValue]).map(
            LedgerEvent.init(row:))
    }

    /// The checks, through the ledger's reading API (cases, histories, marks, the closure rule).
    private func auditFindings(asOf: CivilDate, options: LedgerAuditOptions) throws -> [LedgerAuditFinding] {
        guard let cal = try calendar() else {
            throw KCBXError.ruleViolation(
                rule: "the audit reads attendance against the school calendar (DOMAIN.md §7)",
                detail: "no calendar is set on this ledger; call setCalendar first")
        }
        var out: [LedgerAuditFinding] = []
        var sameDay: [String: [Int64]] = [:]
        for c in try scopedCases(LedgerCaseFilter()) {
            guard let opened = try? CivilDate(iso: c.openedOn), opened <= asOf else { continue }
            let s = try read { db in try student(c.student, db) }
            let events = try history(case: c.id).filter { e in
                guard let d = dated(e).date.flatMap({ try? CivilDate(iso: $0) }) else { return true }
                return d <= asOf
            }
            let marks = try read { db in try self.marks(of: s.key, from: opened, through: asOf, db) }
            func finding(_ check: LedgerAuditCheck, _ e: LedgerEvent?, date: String, _ evidence: String, key: String = "")
                -> LedgerAuditFinding
            {
                LedgerAuditFinding(
                    check: check, caseID: c.id, student: s.key, school: s.schoolID, date: date, entrySeq: e?.seq ?? 0,
                    recordedBy: e.map { "\($0.actor)" } ?? "", evidence: evidence,
                    fingerprint: "\(check.rawValue):\(c.id):\(e?.seq ?? 0)\(key)", findingSeq: 0)
            }
            let returned = events.last { $0.kind == EventKind.caseReturned.rawValue }
            let closed = events.last { $0.kind == EventKind.caseClosed.rawValue }

            // A return while the marks show the child still absent.
            if [.returned, .closed].contains(c.status), let r = returned, let rd = dated(r).date.flatMap({ try? CivilDate(iso: $0) }) {
                let days = Set(cal.schoolDayList(from: rd, through: asOf))
                let first = marks.filter { $0.date >= rd && days.contains($0.date) }.prefix(options.returnGraceDays)
                if !first.isEmpty, !first.contains(where: { $0.kind.countsAsPresent }), first.contains(where: { $0.kind == .unexcused }) {
                    out.append(
                        finding(
                            .returnWhileAbsent, r, date: rd.description,
                            "return recorded on \(rd) (#\(r.seq)); the first \(first.count) marked school days from it: "
                                + first.map { "\($0.date) \($0.kind.label)" }.joined(separator: ", ") + "; no day at school"))
                }
            }
            // A closure the closure rule does not support with the marks as they stand.
            if c.status == .closed, let e = closed, let cd = dated(e).date.flatMap({ try? CivilDate(iso: $0) }), !c.returnDate.isEmpty {
                let k = try read { db in try closureCheck(c, s, asOf: cd, db) }
                if !k.allowed {
                    out.append(
                        finding(
                            .closureUnsupported, e, date: cd.description,
                            "closed on \(cd) (#\(e.seq)); " + closureDetail(c, k, cd) + " (\(closureRule))"))
                }
            }
            // A dismissal as transferred or studying elsewhere the roster or the marks contradict.
            if c.status == .dismissed,
                [LedgerDismissal.transferred.rawValue, LedgerDismissal.studyingElsewhere.rawValue].contains(c.dismissal),
                let e = events.last(where: { $0.kind == EventKind.caseDismissed.rawValue }),
                let dd = dated(e).date.flatMap({ try? CivilDate(iso: $0) })
            {
                var why: [String] = []
                if s.registration == LedgerRegistration.enrolled.rawValue && !s.schoolID.isEmpty {
                    why.append("the roster still shows the child enrolled at \(s.schoolID) grade \(s.grade)")
                }
                let after = marks.filter { $0.date > dd }
                if !after.isEmpty {
                    why.append(
                        "\(after.count) attendance marks after the dismissal (\(after.prefix(3).map { "\($0.date) \($0.kind.label)" }.joined(separator: ", ")))"
                    )
                }
                if !why.isEmpty {
                    out.append(
                        finding(
                            .falseTransfer, e, date: dd.description,
                            "dismissed as \(c.dismissal) on \(dd) (#\(e.seq)); " + why.joined(separator: "; ")))
                }
            }
            // Present marks on days the case history says the child was away.
            if c.status != .dismissed {
                var spans: [(from: CivilDate, to: CivilDate, seq: Int64)] = []
                var start: (CivilDate, Int64)?
                for e in events {
                    guard let d = dated(e).date.flatMap({ try? CivilDate(iso: $0) }) else { continue }
                    switch EventKind(rawValue: e.kind) {
                    case .caseVerified?: if start == nil { start = (d, e.seq) }
                    case .casePersuading?: if start == nil && dated(e).from == LedgerCaseStatus.returned.rawValue { start = (d, e.seq) }
                    case .caseReturned?, .caseClosed?:
                        if let (f, seq) = start {
                            if d > f { spans.append((f, d.adding(days: -1), seq)) }
                            start = nil
                        }
                    default: break
                    }
                }
                if let (f, seq) = start { spans.append((f, asOf, seq)) }
                for span in spans {
                    let present = marks.filter { $0.date >= span.from && $0.date <= span.to && $0.kind.countsAsPresent }
                    guard !present.isEmpty, let e = events.first(where: { $0.seq == span.seq }) else { continue }
                    out.append(
                        finding(
                            .presentWhileAway, e, date: span.from.description,
                            "the case history has the child away from \(span.from) (#\(span.seq)) through \(span.to); marked at school on \(present.count) of those days ("
                                + present.prefix(5).map { "\($0.date) \($0.kind.label)" }.joined(separator: ", ")
                                + (present.count > 5 ? ", …" : "") + ")"))
                }
            }
            // Steps dated before the case existed or after the child left.
            let left: CivilDate? =
                [LedgerRegistration.transferredOut.rawValue, LedgerRegistration.graduated.rawValue].contains(s.registration)
                ? try? CivilDate(iso: s.registrationDate) : nil
            for e in events where e.kind == EventKind.caseAction.rawValue {
                let p = dated(e)
                guard let d = p.date.flatMap({ try? CivilDate(iso: $0) }) else { continue }
                if d < opened {
                    out.append(
                        finding(
                            .actionBeforeCase, e, date: d.description,
                            "\(p.action ?? "action") dated \(d) (#\(e.seq)), before the case was opened on \(opened)"))
                }
                if let left, d > left {
                    out.append(
                        finding(
                            .actionAfterLeft, e, date: d.description,
                            "\(p.action ?? "action") dated \(d) (#\(e.seq)), after the child left the roster (\(s.registration) on \(left))"
                        ))
                }
            }
            // Reasons and registrations changed without a recorded verification.
            if !c.reason.isEmpty {
                let verified = events.last { $0.kind == EventKind.caseVerified.rawValue }
                let given = verified.flatMap { dated($0).reason }
                if given != c.reason {
                    out.append(
                        finding(
                            .reasonUnverified, verified, date: c.verifiedOn,
                            "the case holds reason \(c.reason); "
                                + (given.map { "the last verification (#\(verified?.seq ?? 0)) gave \($0)" }
                                    ?? "no verification is recorded"),
                            key: ":reason:\(c.reason)"))
                }
            }
            let away: Set<String> = [
                LedgerRegistration.elsewhere.rawValue, LedgerRegistration.transferredOut.rawValue, LedgerRegistration.deferred.rawValue,
                LedgerRegistration.suspended.rawValue, LedgerRegistration.graduated.rawValue, LedgerRegistration.none.rawValue,
            ]
            if c.kind != .outOfSchool, [.suspected, .verified, .persuading].contains(c.status), away.contains(s.registration) {
                let change = try history(student: s.key).last {
                    $0.kind == EventKind.studentUpserted.rawValue || $0.kind == EventKind.studentsUpserted.rawValue
                }
                out.append(
                    finding(
                        .reasonUnverified, change, date: s.registrationDate.isEmpty ? c.openedOn : s.registrationDate,
                        "the roster changed the child's registration to \(s.registration)\(change.map { " (#\($0.seq) by \($0.actor))" } ?? "") while case \(c.id) is \(c.status.rawValue); no dismissal or exemption (expert opinion) is recorded on the case",
                        key: ":registration:\(s.registration)"))
            }
            // One person recording the return and the closure on the same day.
            if c.status == .closed, let r = returned, let e = closed, r.actor == e.actor, r.at.prefix(10) == e.at.prefix(10) {
                sameDay["\(e.actor)|\(e.at.prefix(10))", default: []].append(c.id)
            }
        }
        for (key, ids) in sameDay.sorted(by: { $0.key < $1.key }) where ids.count >= options.sameDayPatternMinimum {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            let who = parts.first ?? ""
            let day = parts.count > 1 ? parts[1] : ""
            out.append(
                LedgerAuditFinding(
                    check: .sameDayReturnAndClosure, caseID: 0, student: "", school: "", date: day, entrySeq: 0, recordedBy: who,
                    evidence:
                        "\(who) recorded both the return and the closure of \(ids.count) cases on \(day) (cases \(ids.prefix(20).map(String.init).joined(separator: ", "))\(ids.count > 20 ? ", …" : "")): a pattern worth a look, not an accusation",
                    fingerprint: "\(LedgerAuditCheck.sameDayReturnAndClosure.rawValue):\(key)", findingSeq: 0))
        }
        out += try read { db in try spotCheckRedrawFindings(asOf: asOf, db) }
        let order = Dictionary(uniqueKeysWithValues: LedgerAuditCheck.allCases.enumerated().map { ($0.element, $0.offset) })
        return out.sorted { a, b in
            (order[a.check] ?? 0, a.caseID, a.entrySeq, a.fingerprint) < (order[b.check] ?? 0, b.caseID, b.entrySeq, b.fingerprint)
        }
    }

    private func dated(_ e: LedgerEvent) -> AuditDated {
        (try? JSONDecoder().decode(AuditDated.self, from: Data(e.payload.utf8))) ?? AuditDated()
    }
}
