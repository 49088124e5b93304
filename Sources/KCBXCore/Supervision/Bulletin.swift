@_implementationOnly import GRDB

/// The bulletin's figures: one row per unit directly below the bulletin's unit, and the total.
public struct Bulletin: Sendable {
    public var period: SupervisionPeriod
    public var unit: ReportUnit
    /// Rows in unit order: (unit key, label, figures).
    public var rows: [(key: String, label: String, counts: BulletinCounts)]
    public var total: BulletinCounts
    /// Obligations due in the period grouped by the unit that owed them (the ladder's owners).
    public var byOwner: [(owner: ObligationOwner, counts: BulletinCounts, escalatedTo: [String])]
    /// Whether the ledger had a school calendar (obligations need it).
    public var hasCalendar: Bool
}

extension Ledger {
    static let caseEventKinds: [EventKind] = [
        .caseOpened, .casePromoted, .caseVerified, .caseDismissed, .casePersuading,
        .caseReturned, .caseClosed, .caseExempted, .caseAction,
    ]

    /// The figures of the bulletin (通报) for `period` and `unit` (nil: the actor's own unit), per
    /// unit directly below it (a county's townships, a township's schools, a city's counties).
    /// Set-wise: one read of the case and supervision events, one due list as of the period's end.
    /// The unit must lie within the actor's jurisdiction (refusals recorded).
    public func bulletin(_ period: SupervisionPeriod, unit: ReportUnit? = nil) throws -> Bulletin {
        let unit = unit ?? ownUnit
        try requireReportable(unit, .bulletin)
        let kinds = Set(Ledger.caseEventKinds.map(\.rawValue)).union(SupervisionEventKind.allSpellings)
        let events = try scopedEvents(kinds: kinds)
        let (students, obligations, calendarSet, names) = try read {
            db -> ([String: LedgerStudent], [Obligation], Bool, [String: String]) in
            let list = try scopedStudents(db, only: nil)
            let cal = try storedCalendar(db) != nil
            let names = try Dictionary(
                Row.fetchAll(db, sql: "SELECT school_id, MAX(school_name) AS n FROM students WHERE school_name != '' GROUP BY school_id")
                    .map { ($0["school_id"] as String, $0["n"] as String) }, uniquingKeysWith: { a, _ in a })
            return (
                Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }),
                cal ? try self.obligations(asOf: period.through, db) : [], cal, names
            )
        }
        var counts: [String: BulletinCounts] = [:]
        var extra = BulletinCounts()  // events about no student (county draws): the total only
        func key(_ s: LedgerStudent) -> String? { Ledger.bulletinRowKey(unit, s) }
        var byCase: [Int64: [EventRecord]] = [:]
        for e in events {
            let r = EventRecord(seq: e.seq, kind: e.kind, student: e.student, caseID: e.caseID, payloadText: e.payload)
            if let sup = SupervisionEventKind(kind: e.kind) {
                guard let day = r.day(recordedAt: e.at), period.contains(day) else { continue }
                var c = BulletinCounts()
                switch sup {
                case .auditFinding: c.auditFindings = 1
                case .spotCheckDrawn: c.spotChecks = e.student.isEmpty ? r.drawnCount : 1
                case .homeVerification:
                    c.homeVerifications = 1
                    c.confirmed = r.confirmsEntry ? 1 : 0
                }
                if e.student.isEmpty {
                    extra = extra + c
                } else if let s = students[e.student], let k = key(s) {
                    counts[k, default: BulletinCounts()] = counts[k, default: BulletinCounts()] + c
                }
                continue
            }
            guard e.caseID != 0, let s = students[e.student], key(s) != nil else { continue }
            byCase[e.caseID, default: []].append(r)
        }
        for (_, list) in byCase {
            guard let first = list.first, let s = students[first.student], let k = key(s) else { continue }
            var c = BulletinCounts()
            for r in list {
                guard let day = r.date, period.contains(day), let kind = EventKind(rawValue: r.kind) else { continue }
                switch kind {
                case .caseOpened:
                    switch LedgerCaseKind(rawValue: r.text("kind")) {
                    case .dropout?: c.newDropouts += 1
                    case .outOfSchool?: c.newOutOfSchool += 1
                    default: c.newSuspected += 1
                    }
                    if case .number(let n)? = r.payload["relapse_of"], n != 0 { c.relapses += 1 }
                case .casePromoted where r.text("kind") == LedgerCaseKind.dropout.rawValue: c.newDropouts += 1
                case .caseReturned: c.returns += 1
                case .caseClosed: c.closures += 1
                default: break
                }
            }
            if let t = CaseTimeline.build(list, asOf: period.through), t.endedOn == nil {
                c.openAtEnd += 1
                if t.kind == .dropout || t.kind == .outOfSchool { c.dropoutsAtEnd += 1 }
            }
            counts[k, default: BulletinCounts()] = counts[k, default: BulletinCounts()] + c
        }
        var owners: [ObligationOwner: (BulletinCounts, Set<String>)] = [:]
        for o in obligations where period.contains(o.originalDueOn) {
            guard let s = students[o.student], let k = key(s) else { continue }
            counts[k, default: BulletinCounts()].add(o)
            var entry = owners[o.originalOwner] ?? (BulletinCounts(), [])
            entry.0.add(o)
            if let last = o.escalations.last { entry.1.insert(last.to.label) }
            owners[o.originalOwner] = entry
        }
        // Every unit below with students appears, even with nothing to report.
        for s in students.values { if let k = key(s), counts[k] == nil { counts[k] = BulletinCounts() } }
        let rows = counts.keys.sorted().map { k in
            (key: k, label: Ledger.bulletinRowLabel(unit, k, names), counts: counts[k] ?? BulletinCounts())
        }
        let total = rows.reduce(extra) { $0 + $1.counts }
        let byOwner = owners.sorted { ($0.key.level, $0.key.unit) < ($1.key.level, $1.key.unit) }
            .map { (owner: $0.key, counts: $0.value.0, escalatedTo: $0.value.1.sorted()) }
        return Bulletin(period: period, unit: unit, rows: rows, total: total, byOwner: byOwner, hasCalendar: calendarSet)
    }

    /// The row a student falls in under `unit`: the school under a school or township, the
    /// township under a county, the county under a city or province; nil outside the unit.
    static func bulletinRowKey(_ unit: ReportUnit, _ s: LedgerStudent) -> String? {
        guard unit.contains(schoolID: s.schoolID, townshipCode: s.townshipCode) else { return nil }
        switch unit {
        case .school: return s.schoolID
        case .township: return s.schoolID.isEmpty ? "township:\(s.townshipCode)" : s.schoolID
        case .region(let code):
            return ReportUnit.regionPrefix(code).utf8.count == 6 ? s.townshipCode : String(s.townshipCode.prefix(6))
        }
    }

    static func bulletinRowLabel(_ unit: ReportUnit, _ key: String, _ schoolNames: [String: String]) -> String {
        switch unit {
        case .school, .township:
            if key.hasPrefix("township:") { return "乡镇（街道）\(key.dropFirst(9))（无学籍）" }
            return schoolNames[key].map { "\($0)（\(key)）" } ?? key
        case .region(let code):
            return ReportUnit.regionPrefix(code).utf8.count == 6 ? "乡镇（街道）\(key)" : "县（区）\(key)"
        }
    }
}
