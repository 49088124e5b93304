import KCBXCore

/// Attendance for a synthetic county: one mark per registered child per school day from the
/// start of the term to the as-of date, following each child's planted pattern.
public struct SyntheticAttendance: Sendable {
    /// The 2025–26 school year as the generator assumes it: autumn term 1 Sep 2025 – 16 Jan 2026,
    /// spring term 2 Mar – 10 Jul 2026; 国庆节/中秋节 1–8 Oct; make-up days 28 Sep and 11 Oct 2025.
    public static func calendar2025() throws -> SchoolCalendar {
        try SchoolCalendar.standard(
            schoolYear: 2025, autumnStart: MonthDay(9, 1), autumnEnd: MonthDay(1, 16),
            springStart: MonthDay(3, 2), springEnd: MonthDay(7, 10),
            holidays: [
                SchoolHoliday(name: "国庆节、中秋节", span: try DateSpan(from: CivilDate(iso: "2025-10-01"), to: CivilDate(iso: "2025-10-08"))),
                SchoolHoliday(name: "元旦", span: try DateSpan(from: CivilDate(iso: "2026-01-01"), to: CivilDate(iso: "2026-01-03"))),
            ],
            makeUpDays: [try CivilDate(iso: "2025-09-28"), try CivilDate(iso: "2025-10-11")],
            name: "2025-2026学年（示例）")
    }

    /// Marks as parallel columns: child index into `SyntheticCounty.children`, date, kind.
    public private(set) var child: [Int32] = []
    public private(set) var date: [CivilDate] = []
    public private(set) var kind: [MarkKind] = []

    public init(county: SyntheticCounty, calendar: SchoolCalendar, asOf: CivilDate) {
        var generator = SyntheticMarksGenerator(seed: county.options.seed, calendar: calendar, asOf: asOf)
        for (i, c) in county.children.enumerated() {
            generator.marks(for: c) { d, k in
                child.append(Int32(i))
                date.append(d)
                kind.append(k)
            }
        }
    }

    /// The marks as the ledger's attendance CSV: student,date,kind (docs/ledger.md).
    public func table(county: SyntheticCounty) -> ReportTable {
        var rows: [[String]] = []
        rows.reserveCapacity(child.count)
        for i in 0..<child.count {
            rows.append([county.children[Int(child[i])].residentID, date[i].description, kind[i].label])
        }
        return ReportTable(title: "考勤", headers: ["student", "date", "kind"], rows: rows)
    }
}

/// Draws each child's marks in turn, in the order and with the random draws of
/// `SyntheticAttendance`, so attendance can be streamed child by child.
public struct SyntheticMarksGenerator: Sendable {
    /// The school days of the term up to the as-of date.
    public let days: [CivilDate]
    let asOf: CivilDate
    var rng: SeededRandom

    /// `seed` is the county's seed (the marks use seed + 1).
    public init(seed: UInt64, calendar: SchoolCalendar, asOf: CivilDate) {
        self.asOf = asOf
        rng = SeededRandom(seed: seed &+ 1)
        if let term = calendar.term(atOrBefore: asOf) {
            days = calendar.schoolDayList(from: term.start, through: min(asOf, term.end))
        } else {
            days = []
        }
    }

    /// Calls `emit(date, kind)` for each recorded school day of `c`, in date order; nothing for a
    /// child without a school here, studying elsewhere or left out of the roster.
    public mutating func marks(for c: SyntheticChild, _ emit: (CivilDate, MarkKind) -> Void) {
        let n = days.count
        guard n > 0, c.school != nil, c.pattern != .studyingElsewhere, c.inRoster else { return }
        var kinds = [MarkKind](repeating: MarkKind.present, count: n)
        var recorded = [Bool](repeating: true, count: n)
        for d in 0..<n {
            if rng.chance(0.008) {
                kinds[d] = .approvedLeave
            } else if rng.chance(0.004) {
                kinds[d] = .unexcused
            } else if rng.chance(0.02) {
                kinds[d] = .late
            }
        }
        let days = self.days
        let asOf = self.asOf
        // Calendar days back from the as-of date → the first school day of the streak.
        func streak(startingDaysBefore back: Int) -> Int {
            let start = asOf.adding(days: -back)
            return days.firstIndex(where: { $0 >= start }) ?? n
        }
        switch c.pattern {
        case .threeDayAbsence:
            let s = max(1, n - 3 - rng.int(2...min(6, max(2, n - 4))))
            if s + 3 < n {
                for d in s..<(s + 3) { kinds[d] = .unexcused }
                kinds[s - 1] = .present
                kinds[s + 3] = .present
            }
        case .suspected:
            let s = streak(startingDaysBefore: rng.int(9...25))
            if s > 0 { kinds[s - 1] = .present }
            for d in s..<n { kinds[d] = .unexcused }
        case .dropout:
            let s = streak(startingDaysBefore: rng.int(42...50))
            if s > 0 { kinds[s - 1] = .present }
            for d in s..<n { kinds[d] = .unexcused }
        case .leaveInStreak:
            let s = streak(startingDaysBefore: rng.int(12...16))
            if s > 0 { kinds[s - 1] = .present }
            for d in s..<n { kinds[d] = (d - s >= 2 && d - s < 5) ? .approvedLeave : .unexcused }
        case .missingMarks:
            for _ in 0..<3 { recorded[rng.int(0...(n - 1))] = false }
        case .chronicAbsence:
            for d in stride(from: rng.int(0...2), to: n, by: 4) { kinds[d] = .unexcused }
        default: break
        }
        for d in 0..<n where recorded[d] { emit(days[d], kinds[d]) }
    }
}

extension SyntheticChild {
    /// Whether the ledger roster holds the child: identity conflicts and mistyped IDs are left to
    /// reconciliation (a person resolves them; the ledger refuses a birth date that contradicts the ID).
    public var inRoster: Bool { pattern != .identityConflict && pattern != .idTypo }
}

extension SyntheticCounty {
    /// Township code (9 digits) of a township index.
    public func townshipCode(_ t: Int) -> String { options.regionCode + String(100 + t) }

    /// The roster in the ledger's import format (docs/ledger.md): registered children with their
    /// school, and out-of-school children with registration `none`.
    public func rosterTable() -> ReportTable {
        ReportTable(
            title: "花名册", headers: SyntheticCounty.rosterHeaders,
            rows: children.filter(\.inRoster).map { SyntheticCounty.rosterRow($0, schools: schools, regionCode: options.regionCode) })
    }

    static let rosterHeaders = [
        "resident_id", "registry_number", "name", "sex", "birth_date", "address", "region_code",
        "school_id", "school_name", "township_code", "grade", "registration", "special_groups",
    ]

    /// One roster row (docs/ledger.md) of a child the roster holds.
    static func rosterRow(_ c: SyntheticChild, schools: [SyntheticSchool], regionCode: String) -> [String] {
        let school = c.school.map { schools[$0] }
        let elsewhere = c.pattern == .studyingElsewhere
        return [
            c.residentID, school == nil ? "" : "G" + c.residentID, c.name, c.sex == .male ? "1" : "2",
            c.birthDate.description, c.address, String(c.residentID.prefix(6)),
            elsewhere ? "" : school?.id ?? "", elsewhere ? "" : school?.name ?? "", regionCode + String(100 + c.township),
            elsewhere || school == nil ? "" : String(c.grade),
            elsewhere ? "elsewhere" : school == nil ? "none" : "enrolled",
            c.groups.map(\.rawValue).joined(separator: ";"),
        ]
    }
}
