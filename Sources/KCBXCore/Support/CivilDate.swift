import FoundationEssentials

/// A calendar date (proleptic Gregorian, no time zone), stored as a day number so that
/// day arithmetic over a term of attendance is integer arithmetic.
///
/// Every `CivilDate` lies in 0001-01-01 … 9999-12-31 (`validDayNumbers`): input in any encoding
/// outside it is refused (`init(yyyymmdd:)`, `init(iso:)`, `init(checkedDayNumber:)`), and
/// arithmetic (`adding(days:)`, `adding(months:)`) saturates at its ends, so that no value from a
/// caller can make `components`, `yyyymmdd` or the arithmetic overflow.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int32

    /// Day numbers of 0001-01-01 … 9999-12-31, the dates a `CivilDate` can hold.
    public static let validDayNumbers: ClosedRange<Int32> = -719_162...2_932_896
    public static let earliest = CivilDate(dayNumber: validDayNumbers.lowerBound)
    public static let latest = CivilDate(dayNumber: validDayNumbers.upperBound)

    /// A date from a trusted day number, clamped to `validDayNumbers` (use
    /// `init(checkedDayNumber:field:)` for input).
    public init(dayNumber: Int32) {
        self.dayNumber = min(max(dayNumber, CivilDate.validDayNumbers.lowerBound), CivilDate.validDayNumbers.upperBound)
    }

    /// A day number given as input (e.g. a day-number column): outside 0001-01-01 … 9999-12-31 it
    /// is refused naming `field`.
    public init(checkedDayNumber v: Int32, field: String = "date") throws {
        guard CivilDate.validDayNumbers.contains(v) else {
            throw KCBXError.invalidInput(
                field: field,
                rule:
                    "day number \(v) is outside 0001-01-01 … 9999-12-31 (day numbers \(CivilDate.validDayNumbers.lowerBound)…\(CivilDate.validDayNumbers.upperBound))"
            )
        }
        dayNumber = v
    }

    /// A validated date; `field` names the input in the error.
    public init(year: Int, month: Int, day: Int, field: String = "date") throws {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysIn(year: year, month: month)).contains(day)
        else {
            throw KCBXError.invalidInput(field: field, rule: "\(format4(year))-\(pad2(month))-\(pad2(day)) is not a calendar date")
        }
        dayNumber = Int32(CivilDate.days(year: year, month: month, day: day))
    }

    /// From the packed integer YYYYMMDD used across the C ABI (e.g. 20250908).
    public init(yyyymmdd: Int32, field: String = "date") throws {
        guard yyyymmdd > 0 else { throw KCBXError.invalidInput(field: field, rule: "\(yyyymmdd) is not a date in YYYYMMDD form") }
        let v = Int(yyyymmdd)
        try self.init(year: v / 10000, month: (v / 100) % 100, day: v % 100, field: field)
    }

    /// From ISO 8601 text `YYYY-MM-DD`.
    public init(iso text: String, field: String = "date") throws {
        // Ten ASCII bytes, digits but for the two dashes at 4 and 7.
        var parts = (0, 0, 0)
        var ok = text.utf8.count == 10
        if ok {
            for (i, b) in text.utf8.enumerated() {
                if i == 4 || i == 7 {
                    ok = ok && b == 45
                    continue
                }
                guard b >= 48 && b <= 57 else {
                    ok = false
                    break
                }
                let v = Int(b - 48)
                if i < 4 { parts.0 = parts.0 * 10 + v } else if i < 7 { parts.1 = parts.1 * 10 + v } else { parts.2 = parts.2 * 10 + v }
            }
        }
        guard ok else { throw KCBXError.invalidInput(field: field, rule: "\(KCBXError.quote(text)) is not a date in YYYY-MM-DD form") }
        try self.init(year: parts.0, month: parts.1, day: parts.2, field: field)
    }

    /// Today's date in UTC.
    public static func today() -> CivilDate {
        CivilDate(dayNumber: Int32(exactly: (Date().timeIntervalSince1970 / 86_400).rounded(.down)) ?? 0)
    }

    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = Int(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// The packed integer YYYYMMDD.
    public var yyyymmdd: Int32 {
        let c = components
        return Int32(clamping: c.year * 10000 + c.month * 100 + c.day)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = (Int(dayNumber) % 7 + 7 + 3) % 7
        return w + 1
    }

    public var isWeekend: Bool { isoWeekday >= 6 }

    /// `days` later (earlier when negative), saturating at 0001-01-01 and 9999-12-31.
    public func adding(days: Int) -> CivilDate {
        let span = Int(CivilDate.validDayNumbers.upperBound) - Int(CivilDate.validDayNumbers.lowerBound)
        let d = Int(dayNumber) + min(max(days, -span), span)
        return CivilDate(dayNumber: Int32(clamping: d))
    }

    /// Same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb);
    /// saturating at 0001-01-01 and 9999-12-31.
    public func adding(months: Int) -> CivilDate {
        let c = components
        let total = c.year * 12 + (c.month - 1) + min(max(months, -120_000), 120_000)
        if total < 12 { return .earliest }
        if total >= 10_000 * 12 { return .latest }
        let y = total / 12
        let m = total % 12 + 1
        let d = min(c.day, CivilDate.daysIn(year: y, month: m))
        return CivilDate(dayNumber: Int32(clamping: CivilDate.days(year: y, month: m, day: d)))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int { Int(other.dayNumber) - Int(dayNumber) }

    public var description: String {
        let c = components
        return "\(format4(c.year))-\(pad2(c.month))-\(pad2(c.day))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
private func format4(_ v: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
