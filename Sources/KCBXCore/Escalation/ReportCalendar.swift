/// A report or check falling due on a date (one occurrence of a profile's `ReportDuty`).
public struct DueReport: Hashable, Sendable {
    public var dutyID: String
    public var level: UnitLevel
    public var what: String
    public var due: CivilDate
    /// Document and clause (or DOMAIN.md default) the duty comes from.
    public var basis: String

    public var jsonValue: JSONValue {
        .object([
            "duty": .string(dutyID), "level": .string(level.rawValue), "level_label": .string(level.chinese),
            "what": .string(what), "due": .string(due.description), "basis": .string(basis),
        ])
    }
}

/// The reporting cadence as a calendar (DOMAIN.md §3): the reports each level owes in a date
/// range, from the profile's report duties. Daily and weekly duties fall on school days / in
/// terms when a school calendar is given; term-relative duties need it.
public enum ReportCalendar {
    /// Occurrences from `from` through `through` (at most ten years), by date then level.
    public static func due(_ profile: PolicyProfile, calendar: SchoolCalendar?, from: CivilDate, through: CivilDate) throws -> [DueReport] {
        guard from <= through else { throw KCBXError.invalidInput(field: "through", rule: "\(through) is before from \(from)") }
        guard from.days(to: through) <= 3660 else {
            throw KCBXError.invalidInput(field: "through", rule: "the range may span at most 3660 days")
        }
        var out: [DueReport] = []
        let days = (0...from.days(to: through)).map { from.adding(days: $0) }
        func inTerm(_ d: CivilDate) -> Bool { calendar.map { $0.term(containing: d) != nil } ?? true }
        func isLastOfMonth(_ d: CivilDate) -> Bool { d.adding(days: 1).month != d.month }
        for duty in profile.reportDuties {
            var dates: [CivilDate] = []
            switch duty.schedule {
            case .daily:
                dates = days.filter { d in calendar.map { $0.isSchoolDay(d) } ?? !d.isWeekend }
            case .weekly(let w):
                dates = days.filter { $0.isoWeekday == w && inTerm($0) }
            case .monthly:
                dates = days.filter(isLastOfMonth)
            case .quarterly:
                dates = days.filter { isLastOfMonth($0) && $0.month % 3 == 0 }
            case .yearly(let mds):
                dates = days.filter { d in mds.contains { $0.month == d.month && $0.day == d.day } }
            case .monthEnds(let months):
                dates = days.filter { isLastOfMonth($0) && months.contains($0.month) }
            case .afterTermStart(let n):
                dates = try terms(calendar, duty).map { $0.start.adding(days: n) }.filter { from <= $0 && $0 <= through }
            case .firstWeekOfTerm(let w):
                dates = try terms(calendar, duty).compactMap { t in (0..<7).map { t.start.adding(days: $0) }.first { $0.isoWeekday == w } }
                    .filter { from <= $0 && $0 <= through }
            }
            out += dates.map {
                DueReport(
                    dutyID: duty.id, level: duty.level, what: duty.what, due: $0,
                    basis: "\(duty.provenance.kind): \(duty.provenance.citation)")
            }
        }
        return out.sorted { ($0.due, $0.level, $0.dutyID) < ($1.due, $1.level, $1.dutyID) }
    }

    private static func terms(_ calendar: SchoolCalendar?, _ duty: ReportDuty) throws -> [SchoolTerm] {
        guard let calendar else {
            throw KCBXError.invalidInput(
                field: "calendar", rule: "duty '\(duty.id)' counts from each term's start: give the school calendar")
        }
        return calendar.terms
    }
}
