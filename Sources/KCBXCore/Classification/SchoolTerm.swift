/// A run of calendar days, both ends included: a holiday, a leave's approved span.
public struct DateSpan: Hashable, Sendable, CustomStringConvertible {
    public let from: CivilDate
    public let to: CivilDate

    /// A span from `from` to `to` inclusive; `field` names the input when `to` is before `from`.
    public init(from: CivilDate, to: CivilDate, field: String = "span") throws {
        guard from <= to else {
            throw KCBXError.invalidInput(field: field, rule: "ends \(to) before it starts \(from)")
        }
        self.from = from
        self.to = to
    }

    /// The one-day span of `day`.
    public init(day: CivilDate) {
        from = day
        to = day
    }

    public func contains(_ date: CivilDate) -> Bool { from <= date && date <= to }

    /// Number of calendar days in the span.
    public var dayCount: Int { from.days(to: to) + 1 }

    public var description: String { from == to ? "\(from)" : "\(from)..\(to)" }
}

/// A school term (学期): the days between its first and last day that are not weekends or
/// holidays (or are make-up working days, 调休) are school days.
public struct SchoolTerm: Hashable, Sendable, CustomStringConvertible {
    /// The school year the term belongs to, named by its autumn's calendar year (2025 = 2025–2026).
    public let schoolYear: Int
    /// Label, e.g. "autumn" / "秋季学期".
    public let name: String
    /// First day of the term.
    public let start: CivilDate
    /// Last day of the term.
    public let end: CivilDate

    /// A term; `field` names the input in errors. The term must start between 1 August of
    /// `schoolYear` and 31 July of the next year, and end by the following 31 August.
    public init(schoolYear: Int, name: String, start: CivilDate, end: CivilDate, field: String = "term") throws {
        guard (1900...9000).contains(schoolYear) else {
            throw KCBXError.invalidInput(field: "\(field).school_year", rule: "\(schoolYear) is not a plausible school year")
        }
        guard start <= end else {
            throw KCBXError.invalidInput(field: "\(field).end", rule: "\(end) is before the term's start \(start)")
        }
        let earliest = try CivilDate(year: schoolYear, month: 8, day: 1)
        let latestStart = try CivilDate(year: schoolYear + 1, month: 7, day: 31)
        let latestEnd = try CivilDate(year: schoolYear + 1, month: 8, day: 31)
        guard start >= earliest, start <= latestStart else {
            throw KCBXError.invalidInput(
                field: "\(field).start",
                rule:
                    "\(start) is not in school year \(schoolYear)-\(schoolYear + 1) (a term starts between \(earliest) and \(latestStart))")
        }
        guard end <= latestEnd else {
            throw KCBXError.invalidInput(
                field: "\(field).end", rule: "\(end) is after the end of school year \(schoolYear)-\(schoolYear + 1) (\(latestEnd))")
        }
        self.schoolYear = schoolYear
        self.name = name
        self.start = start
        self.end = end
    }

    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }

    public var description: String { "\(schoolYear) \(name) \(start)..\(end)" }
}

/// Days off inside the school calendar (national holidays, local breaks).
public struct SchoolHoliday: Hashable, Sendable {
    /// Label, e.g. "国庆节、中秋节".
    public let name: String
    public let span: DateSpan
    public init(name: String, span: DateSpan) {
        self.name = name
        self.span = span
    }
}
