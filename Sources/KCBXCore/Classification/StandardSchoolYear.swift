/// The parameters of a standard Chinese school year (two terms) for `SchoolCalendar.standard`.
/// Defaults are an interpretation (most provinces' calendars): autumn term 1 September to
/// 15 January, spring term 1 March to 10 July. A start that falls on a weekend moves to the
/// following Monday, an end on a weekend to the preceding Friday. National holidays and make-up
/// days (调休) are not built in: pass the dates of the State Council's notice for the year.
public struct StandardSchoolYear: Sendable, Equatable {
    /// The autumn's calendar year (2025 = the 2025-2026 school year).
    public var schoolYear: Int
    /// Autumn term start, in `schoolYear`.
    public var autumnStart = MonthDay(9, 1)
    /// Autumn term end, in `schoolYear + 1`.
    public var autumnEnd = MonthDay(1, 15)
    /// Spring term start, in `schoolYear + 1`.
    public var springStart = MonthDay(3, 1)
    /// Spring term end, in `schoolYear + 1`.
    public var springEnd = MonthDay(7, 10)
    /// Days off (e.g. the national holiday list); parts outside the school year are dropped.
    public var holidays: [SchoolHoliday] = []
    /// Make-up working days (调休); those outside both terms are dropped (they change nothing).
    public var makeUpDays: [CivilDate] = []

    public init(schoolYear: Int) { self.schoolYear = schoolYear }
}

extension SchoolCalendar {
    /// A calendar of consecutive standard school years (Saturday and Sunday off).
    public static func standard(_ years: [StandardSchoolYear], name: String = "") throws -> SchoolCalendar {
        guard !years.isEmpty else { throw KCBXError.invalidInput(field: "school_years", rule: "must list at least one school year") }
        var terms: [(SchoolTerm, String)] = []
        var holidays: [(SchoolHoliday, String)] = []
        var makeUp: [(CivilDate, String)] = []
        for (i, y) in years.enumerated() {
            let path = years.count == 1 ? "" : "school_years[\(i)]."
            func date(_ year: Int, _ md: MonthDay, _ field: String) throws -> CivilDate {
                try CivilDate(year: year, month: md.month, day: md.day, field: path + field)
            }
            let makeUpSet = Set(y.makeUpDays)
            func forwardToWorkday(_ d: CivilDate) -> CivilDate {
                var d = d
                while d.isWeekend && !makeUpSet.contains(d) { d = d.adding(days: 1) }
                return d
            }
            func backToWorkday(_ d: CivilDate) -> CivilDate {
                var d = d
                while d.isWeekend && !makeUpSet.contains(d) { d = d.adding(days: -1) }
                return d
            }
            let autumn = try SchoolTerm(
                schoolYear: y.schoolYear, name: "autumn",
                start: forwardToWorkday(try date(y.schoolYear, y.autumnStart, "autumn_start")),
                end: backToWorkday(try date(y.schoolYear + 1, y.autumnEnd, "autumn_end")),
                field: path + "autumn")
            let spring = try SchoolTerm(
                schoolYear: y.schoolYear, name: "spring",
                start: forwardToWorkday(try date(y.schoolYear + 1, y.springStart, "spring_start")),
                end: backToWorkday(try date(y.schoolYear + 1, y.springEnd, "spring_end")),
                field: path + "spring")
            terms.append((autumn, path + "autumn"))
            terms.append((spring, path + "spring"))
            let first = min(try CivilDate(year: y.schoolYear, month: 9, day: 1), autumn.start)
            let last = try CivilDate(year: y.schoolYear + 1, month: 8, day: 31)
            for (k, h) in y.holidays.enumerated() {
                let from = max(h.span.from, first)
                let to = min(h.span.to, last)
                guard from <= to else { continue }
                holidays.append((SchoolHoliday(name: h.name, span: try DateSpan(from: from, to: to)), path + "holidays[\(k)]"))
            }
            for (k, d) in y.makeUpDays.enumerated() where autumn.contains(d) || spring.contains(d) {
                makeUp.append((d, path + "make_up_days[\(k)]"))
            }
        }
        return try SchoolCalendar(
            name: name, terms: terms, holidays: holidays, makeUpDays: makeUp, weekendDays: [6, 7], weekendField: "weekend")
    }

    /// One standard school year; see `StandardSchoolYear` for the defaults.
    public static func standard(
        schoolYear: Int, autumnStart: MonthDay = MonthDay(9, 1), autumnEnd: MonthDay = MonthDay(1, 15),
        springStart: MonthDay = MonthDay(3, 1), springEnd: MonthDay = MonthDay(7, 10),
        holidays: [SchoolHoliday] = [], makeUpDays: [CivilDate] = [], name: String = ""
    ) throws -> SchoolCalendar {
        var y = StandardSchoolYear(schoolYear: schoolYear)
        y.autumnStart = autumnStart
        y.autumnEnd = autumnEnd
        y.springStart = springStart
        y.springEnd = springEnd
        y.holidays = holidays
        y.makeUpDays = makeUpDays
        return try standard([y], name: name)
    }
}
