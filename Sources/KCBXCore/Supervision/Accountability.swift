@_implementationOnly import GRDB

/// One line of the accountability list (五长责任追究, 001 二（六）): a level that let an
/// obligation on a dropout's case pass its deadline.
public struct AccountabilityEntry: Hashable, Sendable {
    public var caseID: Int64
    /// Student key as disclosed (masked unless full IDs were granted).
    public var student: String
    public var name: String
    /// The case's kind at the period's end (辍学 or 失学).
    public var kind: LedgerCaseKind
    /// The unit that owed the obligation at that level, and the heads the profile names for it.
    public var owner: ObligationOwner
    public var heads: [String]
    public var obligation: Obligation
    /// The deadline the unit missed (the original one, or the one after an escalation).
    public var deadline: CivilDate
    /// When it was done (after the deadline), nil while still not done at the period's end.
    public var doneOn: CivilDate?
}

extension Ledger {
    /// The accountability list (五长) for `period`: for each dropout or out-of-school case active in
    /// the period (opened by its end and not ended before its start), every level that had an
    /// obligation on it overdue by the period's end — the original owner if it missed the original
    /// deadline, and each level it was escalated to that missed its own — with the obligation, its
    /// deadline and basis and the heads the profile names (001 二（六）; `AccountableHead`).
    /// Set-wise: one read of the case events, one due list. Needs the school calendar.
    public func accountability(_ period: SupervisionPeriod, unit: ReportUnit? = nil, fullIDs: Bool = false) throws -> [AccountabilityEntry]
    {
        let unit = unit ?? ownUnit
        try requireReportable(unit, .accountability)
        let d = try disclosure(fullIDs: fullIDs, "list accountability", format: "accountability")
        let events = try scopedEvents(kinds: Set(Ledger.caseEventKinds.map(\.rawValue)))
        let (students, obligations) = try read { db -> ([String: LedgerStudent], [Obligation]) in
            guard try storedCalendar(db) != nil else {
                throw KCBXError.ruleViolation(
                    rule: "obligations follow the school calendar (DOMAIN.md §2-3)",
                    detail: "no calendar is set on this ledger; call setCalendar first")
            }
            let list = try scopedStudents(db, only: nil)
            return (Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }), try self.obligations(asOf: period.through, db))
        }
        var byCase: [Int64: [EventRecord]] = [:]
        for e in events where e.caseID != 0 {
            guard let s = students[e.student], unit.contains(schoolID: s.schoolID, townshipCode: s.townshipCode) else { continue }
            byCase[e.caseID, default: []].append(
                EventRecord(seq: e.seq, kind: e.kind, student: e.student, caseID: e.caseID, payloadText: e.payload))
        }
        var dropouts: [Int64: CaseTimeline] = [:]
        for (id, list) in byCase {
            guard let t = CaseTimeline.build(list, asOf: period.through), t.kind == .dropout || t.kind == .outOfSchool else { continue }
            if let ended = t.endedOn, ended < period.from { continue }
            dropouts[id] = t
        }
        var out: [AccountabilityEntry] = []
        for o in obligations {
            guard let t = dropouts[o.caseID], let s = students[t.student] else { continue }
            let stages = [(o.originalOwner, o.originalDueOn)] + o.escalations.map { ($0.to, $0.newDue) }
            for (owner, deadline) in stages {
                let missed = o.doneOn.map { $0 > deadline } ?? (period.through > deadline)
                guard missed else { continue }
                out.append(
                    AccountabilityEntry(
                        caseID: o.caseID, student: d.key(s.key), name: s.name, kind: t.kind, owner: owner,
                        heads: policy.heads(answeringFor: owner.level).map(\.title),
                        obligation: o.disclosed(d), deadline: deadline, doneOn: o.doneOn))
            }
        }
        return out.sorted {
            ($0.caseID, $0.deadline, $0.owner.level, $0.obligation.id) < ($1.caseID, $1.deadline, $1.owner.level, $1.obligation.id)
        }
    }

    /// Columns of the accountability list.
    public static let accountabilityHeaders = [
        "序号", "案件", "姓名", "学生", "类别", "责任层级", "责任单位", "责任人", "事项", "截止日期",
        "完成情况", "依据",
    ]

    func accountabilityTable(_ period: SupervisionPeriod, unit: ReportUnit, fullIDs: Bool) throws -> ReportTable {
        let list = try accountability(period, unit: unit, fullIDs: fullIDs)
        let label = try read { db in try unitLabel(unit, db) }
        let rows = list.enumerated().map { i, e -> [String] in
            let late =
                e.doneOn.map { "\($0) 完成（逾期 \(e.deadline.days(to: $0)) 天）" }
                ?? "截至 \(period.through) 未完成（逾期 \(e.deadline.days(to: period.through)) 天）"
            return [
                String(i + 1), String(e.caseID), e.name, e.student, e.kind.chinese,
                e.owner.department == nil ? e.owner.level.chinese : UnitLevel.department.chinese, e.owner.label,
                e.heads.joined(separator: "、"), e.obligation.action.chinese, e.deadline.description, late, e.obligation.basis,
            ]
        }
        return ReportTable(
            title: "控辍保学责任追究清单（\(period)）", headers: Ledger.accountabilityHeaders, rows: rows, unit: label,
            asOf: period.through,
            notes: [
                "期间内在案的辍学、失学案件中逾期未办（或逾期办理）的事项，按责任层级列出责任单位和责任人（001 二（六）“五长”责任追究制度：因工作不力、弄虚作假等原因造成学生辍学的，追究责任人责任）。",
                "责任人取自政策档案 \(policy.id)：\(policy.accountableHeads.provenance.kind)：\(policy.accountableHeads.provenance.citation)。",
                "逾期事项升级后，原责任单位和接手单位各按其期限列出；村（居）委会负责人与乡镇同列（政府一线）。",
                "本清单列出事实（事项、期限、依据），是否追责由上级依规认定。",
            ], numericColumns: [0, 1])
    }
}
