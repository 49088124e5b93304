@testable import KCBXCore

/// School calendar JSON (docs/calendar-format.md). Invariants: a calendar that loads writes a file
/// that loads back equal; every day it counts as a school day lies in a term and has no reason
/// not to be one; the school-day count over its span equals the listed days.
enum CalendarHarness: Harness {
    static func run(_ data: [UInt8]) {
        guard let text = utf8Text(data), let cal = try? SchoolCalendar(json: text) else { return }
        let out = cal.json()
        let back: SchoolCalendar
        do { back = try SchoolCalendar(json: out) } catch { fatalError("invariant: written calendar does not load: \(error)\n\(out)") }
        require(back == cal, "calendar JSON does not round-trip")
        let first = cal.firstDay
        let last = cal.lastDay
        let days = cal.schoolDayList(from: first, through: last)
        require(days.count == cal.schoolDays(from: first, through: last), "school-day list and count differ")
        for d in days.prefix(400) {
            require(cal.isSchoolDay(d) && cal.whyNotSchoolDay(d) == nil, "\(d) listed as a school day but is not one")
            require(cal.term(containing: d) != nil, "school day \(d) outside every term")
        }
        _ = cal.nextSchoolDay(after: last)
        _ = cal.whyNotSchoolDay(first.adding(days: -1))
    }
}
