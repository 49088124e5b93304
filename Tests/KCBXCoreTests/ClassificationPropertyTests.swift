// Property-based tests over random calendars and random marks (seeded, deterministic):
// DOMAIN.md §2's streak rule — a present day always ends a streak; severity never decreases as
// unexcused days are appended to an unbroken absence — and bulk classification equals the
// one-child classification for every child, sorted or shuffled input, both date encodings.
import Testing

@testable import KCBXCore

/// A random calendar of one or two standard school years between 2000 and 2020, with random term
/// dates, holidays inside the terms and make-up weekend days.
private func randomCalendar(_ rng: inout TestRandom) throws -> SchoolCalendar {
    let first = rng.int(2000, 2019)
    var years: [StandardSchoolYear] = []
    for y in first...(first + rng.int(0, 1)) {
        var s = StandardSchoolYear(schoolYear: y)
        s.autumnStart = rng.chance(0.3) ? MonthDay(8, rng.int(25, 31)) : MonthDay(9, rng.int(1, 7))
        s.autumnEnd = MonthDay(1, rng.int(8, 25))
        s.springStart = MonthDay(rng.int(2, 3), rng.int(1, 28))
        s.springEnd = MonthDay(rng.int(6, 7), rng.int(1, 28))
        years.append(s)
    }
    var c = try SchoolCalendar.standard(years)
    for _ in 0..<rng.int(0, 5) {
        let t = rng.pick(c.terms)
        let from = t.start.adding(days: rng.int(0, max(0, t.start.days(to: t.end) - 8)))
        try c.addHoliday(SchoolHoliday(name: "h", span: try DateSpan(from: from, to: from.adding(days: rng.int(0, 7)))))
    }
    for _ in 0..<rng.int(0, 3) {
        let t = rng.pick(c.terms)
        let d = t.start.adding(days: rng.int(0, t.start.days(to: t.end)))
        if d.isWeekend, !c.isSchoolDay(d), c.whyNotSchoolDay(d)?.contains("weekend") == true { try c.addMakeUpDay(d) }
    }
    return c
}

/// Random marks for one child on the school days of `days`: mostly present, some leave (with spans
/// sometimes), scattered and long unexcused runs, late / left-early, missing days and duplicates.
private func randomMarks(_ rng: inout TestRandom, _ days: [CivilDate], calendar: SchoolCalendar) -> [AttendanceMark] {
    var out: [AttendanceMark] = []
    var run = 0
    let missing = rng.chance(0.3) ? 0.05 : 0.0
    for d in days {
        if run == 0 && rng.chance(0.04) { run = rng.int(2, 40) }
        let kind: MarkKind
        if run > 0 {
            run -= 1
            kind = rng.chance(0.9) ? .unexcused : .approvedLeave
        } else {
            let x = rng.int(0, 99)
            kind = x < 72 ? .present : x < 80 ? .approvedLeave : x < 90 ? .unexcused : x < 95 ? .late : .leftEarly
        }
        if rng.chance(missing) { continue }
        var m = AttendanceMark(d, kind)
        if kind == .approvedLeave, rng.chance(0.3) {
            let from = max(d.adding(days: -rng.int(0, 2)), calendar.firstDay)
            let to = min(d.adding(days: rng.int(0, 5)), calendar.lastDay)
            m.leave = ApprovedLeave(span: try! DateSpan(from: from, to: to), slip: "slip")
        }
        out.append(m)
        if rng.chance(0.02) { out.append(AttendanceMark(d, rng.pick(MarkKind.allCases))) }
    }
    return out
}

private let propertyProfiles: [PolicyProfile] = [
    builtinProfile("guyuan-2021"), builtinProfile("dongchuan-2025"),
    try! PolicyProfile(
        json:
            #"{"id": "school-days", "extends": "dongchuan-2025", "parameters": {"suspected_after": {"amount": 5, "unit": "school_days"}, "dropout_after_suspected": {"amount": 10, "unit": "school_days"}, "three_line_alert_after": {"amount": 4, "unit": "calendar_days"}}}"#
    ),
    try! PolicyProfile(
        json:
            #"{"id": "months", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 1, "unit": "calendar_months"}, "dropout_after_suspected": {"amount": 2, "unit": "calendar_months"}}}"#
    ),
]

@Suite("Classification: properties over random calendars and marks")
struct ClassificationPropertyTests {
    @Test("DOMAIN.md §2: a present day always ends a streak (random calendars, marks, profiles)")
    func presentEndsStreak() throws {
        var rng = TestRandom(seed: 20_250_908)
        for _ in 0..<150 {
            let c = try randomCalendar(&rng)
            let k = try Classifier(profile: rng.pick(propertyProfiles), calendar: c)
            let days = c.schoolDayList(from: c.firstDay, through: c.lastDay)
            let t = days[rng.int(1, days.count - 1)]
            let before = randomMarks(&rng, days.filter { $0 < t }, calendar: c)
            let kind = rng.pick([MarkKind.present, .late, .leftEarly])
            let m = before + [AttendanceMark(t, kind)]
            let r = try k.classify(m, asOf: t)
            #expect(
                r.streak == nil && r.status == .inSchool && r.rule == .attending,
                "present \(t) \(kind): \(r.status) \(String(describing: r.streak))")
            // Still no streak on later days with no new unexcused mark.
            let later = min(t.adding(days: rng.int(1, 30)), c.lastDay)
            let l = try k.classify(m, asOf: later)
            #expect(l.streak == nil && l.status == .inSchool)
        }
    }

    @Test("DOMAIN.md §2: severity never decreases as unexcused school days are appended to an unbroken absence")
    func monotoneInAbsence() throws {
        var rng = TestRandom(seed: 1_000_001)
        for _ in 0..<80 {
            let c = try randomCalendar(&rng)
            let k = try Classifier(profile: rng.pick(propertyProfiles), calendar: c)
            let days = c.schoolDayList(from: c.firstDay, through: c.lastDay)
            let split = rng.int(0, days.count / 2)
            var m = randomMarks(&rng, Array(days[..<split]), calendar: c)
            var severity = 0
            var clock = 0
            var unexcused = 0
            var since: CivilDate?
            for d in days[split...].prefix(rng.int(10, 120)) {
                m.append(AttendanceMark(d, .unexcused))
                let r = try k.classify(m, asOf: d)
                let s = try #require(r.status.attendanceSeverity)
                #expect(s >= severity, "\(k.profile.id) \(d): \(r.status) after severity \(severity)")
                #expect(r.streak != nil && r.streak!.clockDays >= clock && r.streak!.unexcusedSchoolDays > unexcused)
                if s == severity, s > 0, let since { #expect(r.since == since, "the status keeps its start date") }
                severity = s
                clock = r.streak?.clockDays ?? 0
                unexcused = r.streak?.unexcusedSchoolDays ?? 0
                since = r.since
            }
        }
    }

    @Test("Bulk classification equals one-child classification for every child (sorted and shuffled, both encodings)")
    func bulkEqualsSingle() throws {
        var rng = TestRandom(seed: 77)
        var seen = Set<ChildStatus>()
        var alerts = AlertSet()
        var flags = RiskFlags()
        for round in 0..<12 {
            let c = try randomCalendar(&rng)
            let profile = rng.pick(propertyProfiles)
            let k = try Classifier(profile: profile, calendar: c)
            let days = c.schoolDayList(from: c.firstDay, through: c.lastDay)
            let asOf = min(days[rng.int(0, days.count - 1)].adding(days: rng.int(0, 3)), c.lastDay)
            let n = rng.int(50, 250)
            var facts: [ChildFacts] = []
            var perChild: [[AttendanceMark]] = []
            for _ in 0..<n {
                var f = ChildFacts()
                let x = rng.int(0, 99)
                if rng.chance(0.7) { f.birthDate = asOf.adding(days: -rng.int(4 * 365, 17 * 365)) }
                if x < 8 {
                    f.registration = .none
                    if f.birthDate == nil { f.birthDate = asOf.adding(days: -rng.int(4 * 365, 17 * 365)) }
                } else if x < 11 {
                    f.registration = rng.pick([.deferred, .suspended])
                    f.expertOpinion = "专家组意见 \(x)"
                    f.registrationDate = rng.chance(0.5) ? asOf.adding(days: rng.int(-40, 0)) : nil
                } else if x < 14 {
                    f.registration = rng.pick([.transferredOut, .graduated])
                    f.registrationDate = asOf.adding(days: rng.int(-60, 0))
                } else if x < 16 {
                    f.registration = .homeDelivered
                } else if x < 20 {
                    f.registrationDate = c.firstDay.adding(days: rng.int(0, 60))
                }
                if f.registration == .none && rng.chance(0.2) { f.studyingElsewhere = true }
                if rng.chance(0.5) { f.grade = rng.int(1, 9) }
                f.pastDropout = rng.chance(0.05)
                f.groups = SpecialGroup.allCases.filter { _ in rng.chance(0.08) }
                facts.append(f)
                var ms = randomMarks(&rng, days, calendar: c)
                if let b = f.birthDate { ms.removeAll { $0.date < b } }
                perChild.append(ms)
            }
            // Global columns: grouped and sorted, or shuffled.
            var entries: [(child: Int, mark: AttendanceMark)] = []
            for (i, ms) in perChild.enumerated() { for m in ms { entries.append((i, m)) } }
            let shuffled = round % 2 == 1
            if shuffled {
                for i in stride(from: entries.count - 1, to: 0, by: -1) { entries.swapAt(i, rng.int(0, i)) }
            }
            let encoding: DateEncoding = round % 4 < 2 ? .dayNumber : .yyyymmdd
            func enc(_ d: CivilDate?) -> Int32 { d.map { encoding == .dayNumber ? $0.dayNumber : $0.yyyymmdd } ?? encoding.none }
            let ids = (0..<n).map { Int64(1_000_000 + $0 * 7) }
            let table = try k.classifyMany(
                children: facts, ids: ids, markChild: entries.map { Int32($0.child) },
                markDate: entries.map { enc($0.mark.date) }, markKind: entries.map { Int8($0.mark.kind.rawValue) },
                leaveFrom: entries.map { enc($0.mark.leave?.span.from) }, leaveTo: entries.map { enc($0.mark.leave?.span.to) },
                encoding: encoding, asOf: asOf)
            #expect(table.rows == n)
            var conflicts = 0
            // Each child's marks in the order they appear in the columns.
            var mine = [[AttendanceMark]](repeating: [], count: n)
            for e in entries { mine[e.child].append(e.mark) }
            for i in 0..<n {
                let single = try k.classify(mine[i], facts: facts[i], asOf: asOf)
                seen.insert(single.status)
                alerts.formUnion(single.alerts)
                flags.formUnion(single.riskFlags)
                #expect(
                    try table.row(i) == single.row(childID: ids[i]),
                    "round \(round) child \(i) (\(profile.id), \(shuffled ? "shuffled" : "sorted"), \(encoding))")
                conflicts += single.conflicts.count
            }
            #expect(table.conflicts.count == conflicts)
            #expect(ChildStatus.allCases.reduce(0) { $0 + table.count($1) } == n)
        }
        // The generated cases reach every status except the rare registry ones, and every alert.
        let expected: Set<ChildStatus> = [
            .inSchool, .onLeave, .threeLineAlert, .suspectedDropout, .dropout, .outOfSchool, .deferred,
            .transferredOut, .graduated, .homeDelivered, .overAge, .belowSchoolAge, .studyingElsewhere,
        ]
        #expect(expected.isSubset(of: seen), "statuses reached: \(seen.map(\.label).sorted())")
        #expect(alerts == [.threeLineReport, .missingAttendance, .conflictingMarks, .guardianContact])
        #expect(flags.contains([.chronicAbsence, .specialGroup, .pastDropout, .gradeEight]))
    }

    @Test("Bulk: a large shuffled input (parallel regrouping) gives the same table as the grouped input")
    func largeShuffledEqualsSorted() throws {
        var rng = TestRandom(seed: 4242)
        let c = try calendar2025()
        let k = try classifier("dongchuan-2025", c)
        let days = c.schoolDayList(from: day("2025-09-01"), through: day("2025-12-19"))
        let n = 30_000
        var child: [Int32] = []
        var date: [Int32] = []
        var kind: [Int8] = []
        for i in 0..<n {
            let start = rng.int(0, days.count - 1)
            let away = rng.chance(0.05)
            for (j, d) in days.enumerated() where !rng.chance(0.003) {
                child.append(Int32(i))
                date.append(d.dayNumber)
                kind.append(away && j >= start ? 2 : Int8(rng.pick([0, 0, 0, 0, 0, 0, 1, 2, 3, 4])))
            }
        }
        #expect(child.count > 2_000_000, "enough marks for the parallel regrouping")
        let facts = [ChildFacts](repeating: ChildFacts(), count: n)
        let sorted = try k.classifyMany(children: facts, markChild: child, markDate: date, markKind: kind, asOf: day("2025-12-19"))
        var order = Array(child.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0, i)) }
        let shuffled = try k.classifyMany(
            children: facts, markChild: order.map { child[$0] }, markDate: order.map { date[$0] },
            markKind: order.map { kind[$0] }, asOf: day("2025-12-19"))
        var same = true
        for r in 0..<n where try sorted.row(r) != shuffled.row(r) {
            same = false
            Issue.record("row \(r) differs")
            break
        }
        #expect(same)
        #expect(sorted.count(.dropout) + sorted.count(.suspectedDropout) > 0)
    }
}
