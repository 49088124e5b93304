/// A streak threshold read from a profile duration, in its own unit (`PolicyDuration.unit`).
struct StreakThreshold: Sendable, Equatable {
    let amount: Int32
    let unit: DurationUnit

    /// Counts school days (unexcused marks) rather than calendar days of the streak's clock.
    var countsSchoolDays: Bool { unit == .schoolDays }

    /// The threshold in counting units for a clock that starts on day number `from`: school days
    /// or calendar days as given; calendar months become the calendar days from `from` to the
    /// same day `amount` months later (15 Sept + 1 month = 30 days).
    @inline(__always) func units(from dayNumber: Int32) -> Int32 {
        guard unit == .calendarMonths else { return amount }
        let d = CivilDate(dayNumber: dayNumber)
        return Int32(clamping: d.days(to: d.adding(months: Int(amount))))
    }
}

/// The streak thresholds of a profile (DOMAIN.md §2), read only from the profile.
struct StreakRules: Sendable, Equatable {
    /// `three_line_alert_after`, nil where the profile has no three-line report.
    let alert: StreakThreshold?
    /// `suspected_after`: the clock must exceed it.
    let suspected: StreakThreshold
    /// `dropout_after_suspected`: the clock after the suspected date must exceed it.
    let dropout: StreakThreshold
    /// `chronic_absence_share`.
    let chronicShare: Double

    init(profile: PolicyProfile) throws {
        func required(_ key: ParameterKey) throws -> StreakThreshold {
            guard let d = profile.duration(key) else {
                throw KCBXError.invalidInput(
                    field: "parameters.\(key.rawValue)", rule: "classification needs a duration, the profile has it off")
            }
            return StreakThreshold(amount: Int32(clamping: d.amount), unit: d.unit)
        }
        suspected = try required(.suspectedAfter)
        dropout = try required(.dropoutAfterSuspected)
        alert = profile.duration(.threeLineAlertAfter).map { StreakThreshold(amount: Int32(clamping: max($0.amount, 1)), unit: $0.unit) }
        guard let share = profile.number(.chronicAbsenceShare) else {
            throw KCBXError.invalidInput(
                field: "parameters.chronic_absence_share", rule: "classification needs a share, the profile has it off")
        }
        chronicShare = share
    }
}
