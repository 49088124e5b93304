// The school calendar (DOMAIN.md §2: "A school calendar says which days are school days (terms,
// holidays, weekends)"): terms, weekends, holidays, make-up working days (调休), O(1) counting,
// the JSON file format (docs/calendar-format.md) with strict, field-naming validation, and the
// standard-school-year generator.
import Testing

@testable import KCBXCore

func day(_ iso: String) -> CivilDate { try! CivilDate(iso: iso) }

/// 2025-2026 with the State Council's 2025 National Day / Mid-Autumn arrangement
/// (1-8 October off; Sunday 28 September and Saturday 11 October are working days).
func calendar2025() throws -> SchoolCalendar {
    try SchoolCalendar.standard(
        schoolYear: 2025,
        holidays: [SchoolHoliday(name: "国庆节、中秋节", span: DateSpan(from: day("2025-10-01"), to: day("2025-10-08")))],
        makeUpDays: [day("2025-09-28"), day("2025-10-11")])
}

/// The invalid-input error `body` throws, or nil.
func invalidInputError(_ body: () throws -> Void) -> (field: String, rule: String)? {
    do { try body() } catch let KCBXError.invalidInput(field, rule) { return (field, rule) } catch { return nil }
    return nil
}

@Suite("Classification: the school calendar")
struct ClassificationCalendarTests {
    @Test("Calendar: weekdays in a term are school days; weekends, holidays and vacations are not; make-up days are")
    func calendarSchoolDays() throws {
        let c = try calendar2025()
        #expect(c.isSchoolDay(day("2025-09-01")))  // Monday, first day of the autumn term
        #expect(!c.isSchoolDay(day("2025-09-06")))  // Saturday
        #expect(!c.isSchoolDay(day("2025-09-07")))  // Sunday
        #expect(c.isSchoolDay(day("2025-09-28")))  // Sunday make-up day (调休)
        #expect(c.isSchoolDay(day("2025-10-11")))  // Saturday make-up day
        for d in 1...8 { #expect(!c.isSchoolDay(try CivilDate(year: 2025, month: 10, day: d)), "October \(d) is a holiday") }
        #expect(c.isSchoolDay(day("2025-10-09")))
        #expect(!c.isSchoolDay(day("2026-02-02")))  // winter vacation
        #expect(!c.isSchoolDay(day("2024-05-06")))  // outside the calendar
        #expect(c.whyNotSchoolDay(day("2025-09-06"))?.contains("Saturday") == true)
        #expect(c.whyNotSchoolDay(day("2025-10-03"))?.contains("国庆节") == true)
        #expect(c.whyNotSchoolDay(day("2026-02-02"))?.contains("vacation") == true)
        #expect(c.whyNotSchoolDay(day("2030-01-01"))?.contains("outside the calendar") == true)
        #expect(c.whyNotSchoolDay(day("2025-09-01")) == nil)
    }

    @Test("Calendar: standard generator moves weekend starts to Monday and weekend ends to Friday")
    func calendarStandardGenerator() throws {
        let c = try calendar2025()
        #expect(c.terms.count == 2)
        #expect(c.terms[0].start == day("2025-09-01") && c.terms[0].end == day("2026-01-15"))
        // 1 March 2026 is a Sunday: the spring term starts Monday 2 March; 10 July 2026 is a Friday.
        #expect(c.terms[1].start == day("2026-03-02") && c.terms[1].end == day("2026-07-10"))
        #expect(c.firstDay == day("2025-09-01") && c.lastDay == day("2026-08-31"))
        let shifted = try SchoolCalendar.standard(schoolYear: 2024, autumnEnd: MonthDay(1, 18), springEnd: MonthDay(7, 5))
        #expect(shifted.terms[0].start == day("2024-09-02"))  // 1 Sept 2024 is a Sunday
        #expect(shifted.terms[0].end == day("2025-01-17"))  // 18 Jan 2025 is a Saturday
        #expect(shifted.terms[1].end == day("2025-07-04"))  // 5 July 2025 is a Saturday
        // National holidays outside the school year are dropped; make-up days in vacations too.
        let y = try SchoolCalendar.standard(
            schoolYear: 2025,
            holidays: [
                SchoolHoliday(name: "劳动节", span: DateSpan(from: day("2025-05-01"), to: day("2025-05-05"))),
                SchoolHoliday(name: "元旦", span: DateSpan(day: day("2026-01-01"))),
            ],
            makeUpDays: [day("2026-02-14")])
        #expect(y.holidays.count == 1 && y.makeUpDays.isEmpty)
        #expect(!y.isSchoolDay(day("2026-01-01")))
        #expect(
            invalidInputError { _ = try SchoolCalendar.standard(schoolYear: 2025, springStart: MonthDay(2, 30)) }?.field == "spring_start")
    }

    @Test("Calendar: school-day counting between dates is O(1) and equals a day-by-day count; term lookup")
    func calendarCounting() throws {
        let c = try calendar2025()
        // September 2025: 22 weekdays + Sunday 28th make-up day.
        #expect(c.schoolDays(from: day("2025-09-01"), through: day("2025-09-30")) == 23)
        // October 2025: 23 weekdays - 6 weekday holidays (1-3, 6-8) + Saturday 11th.
        #expect(c.schoolDays(from: day("2025-10-01"), through: day("2025-10-31")) == 18)
        #expect(c.schoolDays(from: day("2025-09-10"), through: day("2025-09-09")) == 0)
        #expect(
            c.schoolDays(from: day("2020-01-01"), through: day("2030-01-01")) == c.schoolDayList(from: c.firstDay, through: c.lastDay).count
        )
        var rng = TestRandom(seed: 11)
        for _ in 0..<300 {
            let a = c.firstDay.adding(days: rng.int(0, 370))
            let b = a.adding(days: rng.int(-5, 200))
            var brute = 0
            var d = a
            while d <= b {
                if c.isSchoolDay(d) { brute += 1 }
                d = d.adding(days: 1)
            }
            #expect(c.schoolDays(from: a, through: b) == brute, "\(a)..\(b)")
        }
        #expect(c.term(containing: day("2025-12-01"))?.name == "autumn")
        #expect(c.term(containing: day("2026-04-01"))?.name == "spring")
        #expect(c.term(containing: day("2026-02-01")) == nil)
        #expect(c.term(atOrBefore: day("2026-02-01"))?.name == "autumn")
        #expect(c.nextSchoolDay(after: day("2025-09-30")) == day("2025-10-09"))
    }

    @Test("Calendar: add a holiday and a make-up day; invalid ones are refused naming the field")
    func calendarChanges() throws {
        var c = try calendar2025()
        try c.addHoliday(SchoolHoliday(name: "暴雨停课", span: DateSpan(day: day("2025-11-05"))))
        #expect(!c.isSchoolDay(day("2025-11-05")))
        try c.addMakeUpDay(day("2025-11-08"))
        #expect(c.isSchoolDay(day("2025-11-08")))
        let weekday = invalidInputError { try c.addMakeUpDay(day("2025-11-10")) }
        #expect(weekday?.field == "make_up_days[3]" && weekday?.rule.contains("Monday") == true)
        #expect(invalidInputError { try c.addMakeUpDay(day("2026-02-07")) }?.rule.contains("outside every term") == true)
        #expect(
            invalidInputError { try c.addHoliday(SchoolHoliday(name: "x", span: DateSpan(day: day("2027-01-01")))) }?.rule.contains(
                "outside the calendar") == true)
    }

    private let calendarJSON = """
        {
          "kcbx_calendar": 1,
          "name": "西吉县 2025-2026 学年校历",
          "weekend": ["saturday", "sunday"],
          "school_years": [
            {
              "school_year": 2025,
              "terms": [
                {"name": "秋季学期", "start": "2025-09-01", "end": "2026-01-16"},
                {"name": "春季学期", "start": "2026-03-02", "end": "2026-07-10"}
              ],
              "holidays": [
                {"name": "国庆节、中秋节", "from": "2025-10-01", "to": "2025-10-08"},
                {"name": "元旦", "date": "2026-01-01"}
              ],
              "make_up_days": ["2025-09-28", "2025-10-11"]
            },
            {
              "school_year": 2026,
              "terms": [{"name": "秋季学期", "start": "2026-09-01", "end": "2027-01-15"}]
            }
          ]
        }
        """

    @Test("Calendar file (docs/calendar-format.md): loads, and writes back a file that loads equal")
    func calendarJSONRoundTrip() throws {
        let c = try SchoolCalendar(json: calendarJSON)
        #expect(c.name == "西吉县 2025-2026 学年校历")
        #expect(c.terms.count == 3 && c.holidays.count == 2 && c.makeUpDays.count == 2)
        #expect(c.isSchoolDay(day("2025-09-28")) && !c.isSchoolDay(day("2026-01-01")) && c.isSchoolDay(day("2026-09-01")))
        #expect(c.lastDay == day("2027-08-31"))
        let again = try SchoolCalendar(json: c.json())
        #expect(again == c)
        #expect(again.schoolDays(from: again.firstDay, through: again.lastDay) == c.schoolDays(from: c.firstDay, through: c.lastDay))
        // The standard generator's calendar round-trips too.
        let s = try calendar2025()
        #expect(try SchoolCalendar(json: s.json(pretty: false)) == s)
    }

    @Test("Calendar file: strict validation, every error names its field")
    func calendarJSONErrors() throws {
        func field(_ json: String) -> String? { invalidInputError { _ = try SchoolCalendar(json: json) }?.field }
        func year(_ body: String) -> String { #"{"school_years": [{"school_year": 2025, \#(body)}]}"# }
        let terms = #""terms": [{"name": "a", "start": "2025-09-01", "end": "2026-01-16"}]"#
        #expect(field(#"{"kcbx_calendar": 2, "school_years": []}"#) == "kcbx_calendar")
        #expect(field(#"{"name": "x"}"#) == "school_years")
        #expect(field(#"{"school_years": [], "extra": 1}"#) == "school_years")
        #expect(field(#"{"school_yeers": []}"#) == "school_years")
        #expect(field(year(terms + #", "termz": []"#)) == "school_years[0].termz")
        #expect(field(year(#""terms": [{"name": "a", "start": "2025-09-31", "end": "2026-01-16"}]"#)) == "school_years[0].terms[0].start")
        #expect(field(year(#""terms": [{"name": "a", "start": "2025-09-01", "end": "2025-08-16"}]"#)) == "school_years[0].terms[0].end")
        #expect(field(year(#""terms": [{"name": "a", "start": "2027-09-01", "end": "2027-12-16"}]"#)) == "school_years[0].terms[0].start")
        #expect(
            field(
                year(
                    #""terms": [{"name": "a", "start": "2025-09-01", "end": "2026-01-16"}, {"name": "b", "start": "2026-01-10", "end": "2026-06-30"}]"#
                )) == "school_years[0].terms[1].start")
        #expect(field(year(terms + #", "make_up_days": ["2025-09-29"]"#)) == "school_years[0].make_up_days[0]")
        #expect(field(year(terms + #", "make_up_days": [20250928]"#)) == "school_years[0].make_up_days[0]")
        #expect(
            field(year(terms + #", "holidays": [{"name": "x", "from": "2025-10-08", "to": "2025-10-01"}]"#))
                == "school_years[0].holidays[0].to")
        #expect(
            field(year(terms + #", "holidays": [{"name": "x", "date": "2025-10-01", "from": "2025-10-01"}]"#))
                == "school_years[0].holidays[0]")
        #expect(field(year(terms + #", "holidays": [{"name": "x", "day": "2025-10-01"}]"#)) == "school_years[0].holidays[0].from")
        #expect(field(#"{"weekend": ["caturday"], "school_years": []}"#) == "weekend[0]")
        #expect(field(#"{"school_years": [{"school_year": 2025, "terms": []}]}"#) == "school_years[0].terms")
        #expect(field("not json") == "calendar")
        #expect(throws: KCBXError.self) { _ = try SchoolCalendar.load(path: "/nonexistent/calendar.json") }
    }

    @Test("Calendar: a custom weekend (Friday and Saturday) is honoured and make-up days must be on it")
    func calendarCustomWeekend() throws {
        let term = try SchoolTerm(schoolYear: 2025, name: "t", start: day("2025-09-01"), end: day("2025-12-31"))
        let c = try SchoolCalendar(terms: [term], makeUpDays: [day("2025-09-05")], weekendDays: [5, 6])
        #expect(c.isSchoolDay(day("2025-09-07")))  // Sunday is a working day here
        #expect(!c.isSchoolDay(day("2025-09-06")))  // Saturday
        #expect(c.isSchoolDay(day("2025-09-05")))  // Friday make-up day
        #expect(invalidInputError { _ = try SchoolCalendar(terms: [term], weekendDays: [1, 2, 3, 4, 5, 6, 7]) }?.field == "weekend")
        #expect(invalidInputError { _ = try SchoolCalendar(terms: []) }?.field == "terms")
    }
}
