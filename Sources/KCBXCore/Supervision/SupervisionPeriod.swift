/// The period a bulletin (通报) covers: any date range, or the week, month, quarter or term
/// containing a date (001 二（二）日清查、周上报、月汇总、季通报; 002 二（二）每月通报).
public struct SupervisionPeriod: Hashable, Sendable, CustomStringConvertible {
    public let from: CivilDate
    public let through: CivilDate

    /// A date range, both ends included; at most 3660 days (as the report calendar).
    public init(from: CivilDate, through: CivilDate) throws {
        guard from <= through else { throw KCBXError.invalidInput(field: "date_to", rule: "\(through) is before date_from \(from)") }
        guard from.days(to: through) <= 3660 else {
            throw KCBXError.invalidInput(field: "date_to", rule: "a period may span at most 3660 days")
        }
        self.from = from
        self.through = through
    }

    /// What a period is named after.
    public enum Span: String, Sendable, CaseIterable {
        case week, month, quarter, term
    }

    /// The week (Monday–Sunday), calendar month, calendar quarter or school term (from the
    /// calendar; the term's first to last day) containing `date`.
    public init(_ span: Span, containing date: CivilDate, calendar: SchoolCalendar? = nil) throws {
        switch span {
        case .week:
            let monday = date.adding(days: 1 - date.isoWeekday)
            try self.init(from: monday, through: monday.adding(days: 6))
        case .month:
            let first = try CivilDate(year: date.year, month: date.month, day: 1)
            try self.init(from: first, through: first.adding(months: 1).adding(days: -1))
        case .quarter:
            let first = try CivilDate(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1)
            try self.init(from: first, through: first.adding(months: 3).adding(days: -1))
        case .term:
            guard let term = calendar?.term(containing: date) else {
                throw KCBXError.invalidInput(
                    field: "period", rule: "\(date) lies in no term of the school calendar (a term period needs the calendar)")
            }
            try self.init(from: term.start, through: term.end)
        }
    }

    public func contains(_ d: CivilDate) -> Bool { from <= d && d <= through }

    /// `2025-11-01 至 2025-11-30`.
    public var description: String { "\(from) 至 \(through)" }
}
