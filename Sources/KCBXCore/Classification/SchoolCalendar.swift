/// Which days are school days, per school year: terms (学期), weekends, holidays and make-up
/// working days (调休). A day is a school day when it lies in a term and is either a weekday
/// that is not a holiday, or a make-up day.
///
/// The calendar covers whole school years: from 1 September of its first school year (or the
/// first term's start, if earlier) to 31 August after its last (or the last term's end).
/// A bitmap and a prefix sum of school days are built once, so `isSchoolDay` and
/// `schoolDays(from:through:)` are O(1).
public struct SchoolCalendar: Sendable, Equatable {
    /// Label, e.g. "西吉县 2025-2026 学年校历".
    public private(set) var name: String
    /// Terms in date order, not overlapping.
    public private(set) var terms: [SchoolTerm]
    /// Days off; days outside every term need not be listed (they are vacation).
    public private(set) var holidays: [SchoolHoliday]
    /// Weekend days that are working days (调休), in date order.
    public private(set) var makeUpDays: [CivilDate]
    /// ISO weekdays (1 = Monday … 7 = Sunday) that are weekend days; default Saturday and Sunday.
    public private(set) var weekendDays: [Int]
    /// The precomputed day index (bitmap, prefix sums, term of each day).
    let index: CalendarIndex

    /// First and last day the calendar covers.
    public var firstDay: CivilDate { CivilDate(dayNumber: index.base) }
    public var lastDay: CivilDate { CivilDate(dayNumber: index.base + Int32(index.count - 1)) }

    /// Builds and validates a calendar; errors name the offending field (`terms[1].start`,
    /// `make_up_days[0]`, ...).
    public init(
        name: String = "", terms: [SchoolTerm], holidays: [SchoolHoliday] = [], makeUpDays: [CivilDate] = [],
        weekendDays: [Int] = [6, 7]
    ) throws {
        try self.init(
            name: name,
            terms: terms.enumerated().map { ($1, "terms[\($0)]") },
            holidays: holidays.enumerated().map { ($1, "holidays[\($0)]") },
            makeUpDays: makeUpDays.enumerated().map { ($1, "make_up_days[\($0)]") },
            weekendDays: weekendDays, weekendField: "weekend")
    }

    /// The validating initializer behind every constructor; each input carries its field name.
    init(
        name: String, terms: [(SchoolTerm, String)], holidays: [(SchoolHoliday, String)], makeUpDays: [(CivilDate, String)],
        weekendDays: [Int], weekendField: String
    ) throws {
        guard !terms.isEmpty else { throw KCBXError.invalidInput(field: "terms", rule: "a calendar needs at least one term") }
        var seenWeekday = Set<Int>()
        for (i, w) in weekendDays.enumerated() {
            guard (1...7).contains(w) else {
                throw KCBXError.invalidInput(field: "\(weekendField)[\(i)]", rule: "\(w) is not an ISO weekday 1-7")
            }
            guard seenWeekday.insert(w).inserted else {
                throw KCBXError.invalidInput(field: "\(weekendField)[\(i)]", rule: "weekday \(w) is listed twice")
            }
        }
        guard weekendDays.count < 7 else {
            throw KCBXError.invalidInput(field: weekendField, rule: "at least one weekday must be a working day")
        }
        let sortedTerms = terms.sorted { $0.0.start < $1.0.start }
        for k in 1..<max(1, sortedTerms.count) {
            let (prev, prevField) = sortedTerms[k - 1]
            let (term, field) = sortedTerms[k]
            guard term.start > prev.end else {
                throw KCBXError.invalidInput(
                    field: "\(field).start", rule: "\(term.start) overlaps \(prevField) (\(prev.start)..\(prev.end))")
            }
        }
        let years = Array(Set(sortedTerms.map { $0.0.schoolYear })).sorted()
        for k in 1..<max(1, years.count) where years[k] != years[k - 1] + 1 {
            throw KCBXError.invalidInput(
                field: "terms", rule: "school year \(years[k]) follows \(years[k - 1]): school years must be consecutive")
        }
        guard years.count <= 50 else { throw KCBXError.invalidInput(field: "terms", rule: "at most 50 school years, got \(years.count)") }
        let first = min(try CivilDate(year: years[0], month: 9, day: 1), sortedTerms[0].0.start)
        let last = max(try CivilDate(year: years[years.count - 1] + 1, month: 8, day: 31), sortedTerms[sortedTerms.count - 1].0.end)
        func inRange(_ d: CivilDate) -> Bool { first <= d && d <= last }
        for (h, field) in holidays where !inRange(h.span.from) || !inRange(h.span.to) {
            throw KCBXError.invalidInput(field: field, rule: "\(h.span) is outside the calendar (\(first)..\(last))")
        }
        var seenMakeUp = Set<CivilDate>()
        for (d, field) in makeUpDays {
            guard inRange(d) else { throw KCBXError.invalidInput(field: field, rule: "\(d) is outside the calendar (\(first)..\(last))") }
            guard seenWeekday.contains(d.isoWeekday) else {
                throw KCBXError.invalidInput(
                    field: field,
                    rule: "\(d) is a \(weekdayName(d.isoWeekday)), not a weekend day: only weekend days can be make-up working days (调休)")
            }
            guard sortedTerms.contains(where: { $0.0.contains(d) }) else {
                throw KCBXError.invalidInput(field: field, rule: "\(d) is outside every term")
            }
            if let h = holidays.first(where: { $0.0.span.contains(d) }) {
                throw KCBXError.invalidInput(field: field, rule: "\(d) is also in \(h.1) '\(h.0.name)'")
            }
            guard seenMakeUp.insert(d).inserted else { throw KCBXError.invalidInput(field: field, rule: "\(d) is listed twice") }
        }
        self.name = name
        self.terms = sortedTerms.map(\.0)
        self.holidays = holidays.map(\.0)
        self.makeUpDays = makeUpDays.map(\.0).sorted()
        self.weekendDays = weekendDays.sorted()
        index = CalendarIndex(
            first: first, last: last, terms: self.terms, holidays: self.holidays,
            makeUpDays: self.makeUpDays, weekendDays: self.weekendDays)
    }

    public static func == (a: SchoolCalendar, b: SchoolCalendar) -> Bool {
        a.name == b.name && a.terms == b.terms && a.holidays == b.holidays && a.makeUpDays == b.makeUpDays && a.weekendDays == b.weekendDays
    }

    // MARK: Queries

    /// True when `date` lies within the calendar's school years.
    public func contains(_ date: CivilDate) -> Bool { index.offset(date) != nil }

    /// True when `date` is a school day (false outside the calendar).
    public func isSchoolDay(_ date: CivilDate) -> Bool {
        guard let o = index.offset(date) else { return false }
        return index.isSchool[o] != 0
    }

    /// School days from `from` through `through`, both included, in O(1). Dates outside the
    /// calendar are clamped to it; 0 when `through` is before `from`.
    public func schoolDays(from: CivilDate, through: CivilDate) -> Int {
        let lo = max(Int(from.dayNumber - index.base), 0)
        let hi = min(Int(through.dayNumber - index.base), index.count - 1)
        guard lo <= hi else { return 0 }
        return Int(index.schoolBefore[hi + 1] - index.schoolBefore[lo])
    }

    /// The school days from `from` through `through`, in order.
    public func schoolDayList(from: CivilDate, through: CivilDate) -> [CivilDate] {
        let lo = max(Int(from.dayNumber - index.base), 0)
        let hi = min(Int(through.dayNumber - index.base), index.count - 1)
        guard lo <= hi else { return [] }
        return (lo...hi).filter { index.isSchool[$0] != 0 }.map { CivilDate(dayNumber: index.base + Int32($0)) }
    }

    /// The term that contains `date`, or nil (vacation, or outside the calendar).
    public func term(containing date: CivilDate) -> SchoolTerm? {
        guard let o = index.offset(date) else { return nil }
        let t = index.termAt[o]
        return t < 0 ? nil : terms[Int(t)]
    }

    /// The term containing `date`, or the last one that ended before it (during a vacation).
    public func term(atOrBefore date: CivilDate) -> SchoolTerm? {
        guard let o = index.offset(date) else { return nil }
        let t = index.termAtOrBefore[o]
        return t < 0 ? nil : terms[Int(t)]
    }

    /// The first school day after `date`, or nil when there is none in the calendar.
    public func nextSchoolDay(after date: CivilDate) -> CivilDate? {
        var o = Int(date.dayNumber - index.base) + 1
        if o < 0 { o = 0 }
        while o < index.count {
            if index.isSchool[o] != 0 { return CivilDate(dayNumber: index.base + Int32(o)) }
            o += 1
        }
        return nil
    }

    /// Why `date` is not a school day ("a Saturday", "holiday '国庆节'", "outside every term",
    /// "outside the calendar ..."), or nil when it is one.
    public func whyNotSchoolDay(_ date: CivilDate) -> String? {
        guard let o = index.offset(date) else { return "outside the calendar (\(firstDay)..\(lastDay))" }
        if index.isSchool[o] != 0 { return nil }
        if index.termAt[o] < 0 { return "outside every term (vacation)" }
        if let h = holidays.first(where: { $0.span.contains(date) }) { return "in holiday '\(h.name)' (\(h.span))" }
        return "a \(weekdayName(date.isoWeekday)) (weekend)"
    }

    // MARK: Changes

    /// Adds days off (e.g. a local closure); the index is rebuilt.
    public mutating func addHoliday(_ holiday: SchoolHoliday) throws {
        try rebuild(holidays: holidays + [holiday], makeUpDays: makeUpDays)
    }

    /// Adds a weekend day that is a working day (调休); the index is rebuilt.
    public mutating func addMakeUpDay(_ date: CivilDate) throws {
        try rebuild(holidays: holidays, makeUpDays: makeUpDays + [date])
    }

    private mutating func rebuild(holidays: [SchoolHoliday], makeUpDays: [CivilDate]) throws {
        self = try SchoolCalendar(name: name, terms: terms, holidays: holidays, makeUpDays: makeUpDays, weekendDays: weekendDays)
    }
}

let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

func weekdayName(_ isoWeekday: Int) -> String {
    (1...7).contains(isoWeekday)
        ? weekdayNames[isoWeekday - 1].prefix(1).uppercased() + weekdayNames[isoWeekday - 1].dropFirst() : "day \(isoWeekday)"
}

/// The precomputed, immutable day index of a calendar: one entry per calendar day of its range
/// (offset 0 = the first day). Shared by copies of the calendar and read concurrently.
final class CalendarIndex: @unchecked Sendable {
    /// Day number of offset 0.
    let base: Int32
    /// Number of days covered.
    let count: Int
    /// 1 when the day is a school day.
    let isSchool: UnsafeMutableBufferPointer<UInt8>
    /// School days before each offset (count + 1 entries), for O(1) counting.
    let schoolBefore: UnsafeMutableBufferPointer<Int32>
    /// For a school day: the offset after the days it governs, i.e. its next school day in the same
    /// term, or the day after the term's end. Non-school days in between take its state.
    let segmentEnd: UnsafeMutableBufferPointer<Int32>
    /// Index of the term containing the day, or -1.
    let termAt: UnsafeMutableBufferPointer<Int16>
    /// Index of the term containing the day or the last one ended before it, or -1.
    let termAtOrBefore: UnsafeMutableBufferPointer<Int16>
    /// Term bounds as offsets.
    let termStart: [Int32], termEnd: [Int32]
    /// Offsets of the first day of each month from `firstYear`-01 on, for fast YYYYMMDD decoding.
    let firstYear: Int
    let monthBase: [Int32]

    init(first: CivilDate, last: CivilDate, terms: [SchoolTerm], holidays: [SchoolHoliday], makeUpDays: [CivilDate], weekendDays: [Int]) {
        base = first.dayNumber
        count = first.days(to: last) + 1
        isSchool = .allocate(capacity: count)
        isSchool.initialize(repeating: 0)
        schoolBefore = .allocate(capacity: count + 1)
        schoolBefore.initialize(repeating: 0)
        segmentEnd = .allocate(capacity: count)
        segmentEnd.initialize(repeating: 0)
        termAt = .allocate(capacity: count)
        termAt.initialize(repeating: -1)
        termAtOrBefore = .allocate(capacity: count)
        termAtOrBefore.initialize(repeating: -1)
        termStart = terms.map { $0.start.dayNumber - first.dayNumber }
        termEnd = terms.map { $0.end.dayNumber - first.dayNumber }
        var weekend = [Bool](repeating: false, count: 8)
        for w in weekendDays { weekend[w] = true }
        var off = [Bool](repeating: false, count: count)
        for h in holidays {
            let a = max(0, Int(h.span.from.dayNumber - base))
            let b = min(count - 1, Int(h.span.to.dayNumber - base))
            if a <= b { for o in a...b { off[o] = true } }
        }
        var makeUp = [Bool](repeating: false, count: count)
        for d in makeUpDays { makeUp[Int(d.dayNumber - base)] = true }
        for t in terms.indices {
            for o in Int(termStart[t])...Int(termEnd[t]) {
                termAt[o] = Int16(t)
                let weekday = (Int(base) + o) % 7
                let iso = (weekday + 7 + 3) % 7 + 1
                isSchool[o] = (makeUp[o] || (!weekend[iso] && !off[o])) ? 1 : 0
            }
        }
        var current: Int16 = -1
        var nextTerm = 0
        for o in 0..<count {
            while nextTerm < terms.count, Int(termStart[nextTerm]) <= o {
                current = Int16(nextTerm)
                nextTerm += 1
            }
            termAtOrBefore[o] = current
            schoolBefore[o + 1] = schoolBefore[o] + Int32(isSchool[o])
        }
        // Segment ends, scanning backwards within each term.
        for t in terms.indices {
            var next = termEnd[t] + 1
            var o = Int(termEnd[t])
            while o >= Int(termStart[t]) {
                if isSchool[o] != 0 {
                    segmentEnd[o] = next
                    next = Int32(o)
                }
                o -= 1
            }
        }
        let f = first.components
        let l = last.components
        firstYear = f.year
        var mb: [Int32] = []
        for y in f.year...l.year {
            for m in 1...12 { mb.append(Int32(CivilDate.days(year: y, month: m, day: 1)) - base) }
        }
        monthBase = mb
    }

    deinit {
        isSchool.deallocate()
        schoolBefore.deallocate()
        segmentEnd.deallocate()
        termAt.deallocate()
        termAtOrBefore.deallocate()
    }

    /// Offset of `date`, or nil outside the range.
    @inline(__always) func offset(_ date: CivilDate) -> Int? {
        let o = Int(date.dayNumber) - Int(base)
        return o >= 0 && o < count ? o : nil
    }

    /// Offset of a day number; -1 outside the range.
    @inline(__always) func offset(dayNumber v: Int32) -> Int32 {
        let o = Int64(v) - Int64(base)
        return o >= 0 && o < Int64(count) ? Int32(o) : -1
    }

    /// Offset of a packed YYYYMMDD date; -1 when it is not a date, -2 when it is a date outside the range.
    @inline(__always) func offset(yyyymmdd v: Int32) -> Int32 {
        guard v > 0 else { return -1 }
        let y = Int(v / 10000)
        let m = Int((v / 100) % 100)
        let d = Int(v % 100)
        guard m >= 1, m <= 12, d >= 1, d <= 31 else { return -1 }
        let yi = y - firstYear
        guard yi >= 0, (yi + 1) * 12 <= monthBase.count else {
            return (1...9999).contains(y) && d <= CivilDate.daysIn(year: y, month: m) ? -2 : -1
        }
        guard d <= 28 || d <= CivilDate.daysIn(year: y, month: m) else { return -1 }
        let o = Int(monthBase[yi * 12 + m - 1]) + d - 1
        return o >= 0 && o < count ? Int32(o) : -2
    }
}
