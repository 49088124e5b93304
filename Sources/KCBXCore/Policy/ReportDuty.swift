/// When a recurring duty falls due.
public enum Schedule: Equatable, Sendable {
    case daily
    /// Weekly, on ISO weekday 1–7.
    case weekly(weekday: Int)
    case monthly
    case quarterly
    /// Every year on these (month, day) dates.
    case yearly([MonthDay])
    /// On the last day of these months.
    case monthEnds([Int])
    /// A number of calendar days after each term starts.
    case afterTermStart(days: Int)
    /// On ISO weekday 1–7 of the first week of each term.
    case firstWeekOfTerm(weekday: Int)
}

/// A month and day in the year (e.g. 20 September).
public struct MonthDay: Equatable, Sendable, CustomStringConvertible {
    public let month: Int, day: Int
    public init(_ month: Int, _ day: Int) {
        self.month = month
        self.day = day
    }
    public var description: String { "\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)" }
}

/// A report or check a level owes on a schedule (DOMAIN.md §3 cadence and calendar duties).
public struct ReportDuty: Equatable, Sendable {
    /// Stable identifier, e.g. "township_weekly_report".
    public var id: String
    /// Who owes it.
    public var level: UnitLevel
    public var schedule: Schedule
    /// What is due, in the document's words.
    public var what: String
    public var provenance: Provenance

    public init(id: String, level: UnitLevel, schedule: Schedule, what: String, provenance: Provenance) {
        self.id = id
        self.level = level
        self.schedule = schedule
        self.what = what
        self.provenance = provenance
    }
}

/// A referral route (联控联保): cases with these reasons or special groups go to a department.
public struct Referral: Equatable, Sendable {
    public var department: Department
    public var reasons: [ReasonCode]
    public var groups: [SpecialGroup]
    /// The department's duty in the document's words.
    public var duty: String
    public var provenance: Provenance

    public init(department: Department, reasons: [ReasonCode] = [], groups: [SpecialGroup] = [], duty: String, provenance: Provenance) {
        self.department = department
        self.reasons = reasons
        self.groups = groups
        self.duty = duty
        self.provenance = provenance
    }
}
