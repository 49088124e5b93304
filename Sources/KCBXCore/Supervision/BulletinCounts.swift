/// One unit's figures in a bulletin (通报) for a period.
public struct BulletinCounts: Hashable, Sendable {
    /// Cases opened in the period, by kind (新增疑似辍学、新增辍学、新增失学); a suspected case
    /// promoted to dropout in the period counts as a new dropout.
    public var newSuspected = 0, newDropouts = 0, newOutOfSchool = 0
    /// Returns (劝返复学) and closures (销号) dated in the period.
    public var returns = 0, closures = 0
    /// Cases opened in the period as relapses of a closed case (反弹, 001 二（二）无反弹).
    public var relapses = 0
    /// Cases still active at the period's end (not returned, closed, dismissed or exempt), and of
    /// them the dropout and out-of-school cases: 动态清零 is reached when that is zero (004 三（四）).
    public var openAtEnd = 0, dropoutsAtEnd = 0
    /// Obligations whose original deadline falls in the period, and how they stood at its end.
    public var obligationsDue = 0, onTime = 0, late = 0, overdue = 0, escalated = 0, pending = 0
    /// Audit findings dated in the period (台账信息不实, 002 四（二）).
    public var auditFindings = 0
    /// Children drawn for spot checks, home verifications recorded, and those confirming the entry (002 四（二）).
    public var spotChecks = 0, homeVerifications = 0, confirmed = 0

    public init() {}

    /// 动态清零: no dropout or out-of-school case active at the period's end.
    public var zeroReached: Bool { dropoutsAtEnd == 0 }

    /// Share of the obligations due that were done on time, nil when none were due.
    public var onTimeShare: Double? { obligationsDue == 0 ? nil : Double(onTime) / Double(obligationsDue) }

    /// Share of the home verifications that confirmed the entry, nil when none.
    public var confirmedShare: Double? { homeVerifications == 0 ? nil : Double(confirmed) / Double(homeVerifications) }

    static func + (a: BulletinCounts, b: BulletinCounts) -> BulletinCounts {
        var c = a
        c.newSuspected += b.newSuspected
        c.newDropouts += b.newDropouts
        c.newOutOfSchool += b.newOutOfSchool
        c.returns += b.returns
        c.closures += b.closures
        c.relapses += b.relapses
        c.openAtEnd += b.openAtEnd
        c.dropoutsAtEnd += b.dropoutsAtEnd
        c.obligationsDue += b.obligationsDue
        c.onTime += b.onTime
        c.late += b.late
        c.overdue += b.overdue
        c.escalated += b.escalated
        c.pending += b.pending
        c.auditFindings += b.auditFindings
        c.spotChecks += b.spotChecks
        c.homeVerifications += b.homeVerifications
        c.confirmed += b.confirmed
        return c
    }

    /// Counts one obligation whose original deadline lies in the period, as it stood at the end.
    mutating func add(_ o: Obligation) {
        obligationsDue += 1
        if let done = o.doneOn {
            if done <= o.originalDueOn { onTime += 1 } else { late += 1 }
        } else if o.state == .due {
            pending += 1
        } else {
            overdue += 1
        }
        if !o.escalations.isEmpty { escalated += 1 }
    }
}
