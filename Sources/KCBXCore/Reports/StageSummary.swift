/// Guyuan attachment 1 (固原市义务教育控辍保学摸底排查统计报表, seed 001 附件1): per stage
/// (小学, 初中, 合计) the children expected at school (应到校人数), on leave (请假未到校人数),
/// suspected dropouts (疑似辍学人数), dropouts (辍学人数) and dropouts by reason A–T.
/// Out-of-school children (失学) count as dropouts under A or B, as the attachment's own
/// classification does (A 失学（小学适龄阶段）, B 失学（初中适龄阶段）).
public struct StageSummary: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var expected = 0, onLeave = 0, threeLineAlert = 0, suspected = 0, dropouts = 0
        public var byReason: [ReasonCode: Int] = [:]
    }

    public var primary = Counts(), junior = Counts()
    public var total: Counts {
        var t = Counts()
        for c in [primary, junior] {
            t.expected += c.expected
            t.onLeave += c.onLeave
            t.threeLineAlert += c.threeLineAlert
            t.suspected += c.suspected
            t.dropouts += c.dropouts
            for (r, n) in c.byReason { t.byReason[r, default: 0] += n }
        }
        return t
    }

    public init() {}

    /// Adds one child: its stage, status and (for dropouts and out-of-school children) reason.
    public mutating func add(stage: Stage, status: ChildStatus, reason: ReasonCode?) {
        guard stage == .primary || stage == .junior else { return }
        var c = stage == .primary ? primary : junior
        switch status {
        case .inSchool, .threeLineAlert, .onLeave, .suspectedDropout, .dropout, .attendanceUnknown: c.expected += 1
        default: break
        }
        switch status {
        case .onLeave: c.onLeave += 1
        case .threeLineAlert: c.threeLineAlert += 1
        case .suspectedDropout: c.suspected += 1
        case .dropout, .outOfSchool:
            c.dropouts += 1
            if let reason { c.byReason[reason, default: 0] += 1 }
        default: break
        }
        if stage == .primary { primary = c } else { junior = c }
    }

    /// The attachment as a table; `withAlert` adds a 三线预警 column (profiles with the alert).
    public func table(unit: String, date: CivilDate, withAlert: Bool) -> ReportTable {
        var headers = ["学段", "应到校人数", "请假未到校人数"]
        if withAlert { headers.append("三线预警人数") }
        headers += ["疑似辍学人数", "辍学人数"] + ReasonCode.allCases.map(\.rawValue)
        func row(_ label: String, _ c: Counts) -> [String] {
            var r = [label, String(c.expected), String(c.onLeave)]
            if withAlert { r.append(String(c.threeLineAlert)) }
            r += [String(c.suspected), String(c.dropouts)] + ReasonCode.allCases.map { String(c.byReason[$0] ?? 0) }
            return r
        }
        return ReportTable(
            title: "固原市义务教育控辍保学摸底排查统计报表（填报单位：\(unit)；填报日期：\(date)）", headers: headers,
            rows: [row("小学", primary), row("初中", junior), row("合计", total)])
    }
}
