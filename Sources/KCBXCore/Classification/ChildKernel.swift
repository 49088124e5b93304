/// The classification of one child from its marks, shared by `Classifier.classify` (one child)
/// and `Classifier.classifyMany` (bulk) so that both give the same answer by construction.
/// It works on calendar-day offsets and never allocates.
///
/// ## The streak rule (DOMAIN.md §2 [interpretation], implemented exactly)
/// As of date D, with at most one mark per school day (`MarkConflict` precedence):
/// * A streak starts on the first unexcused school day after the child's last day present
///   (present, late or left early) on or before D, and ends on the next day present; it is
///   *open* on D when no present day follows its start up to D.
/// * Every calendar day from the start S to D is *counted*, *paused* or *unknown*:
///   - a school day marked unexcused is counted;
///   - a school day marked approved leave is paused (it neither counts nor ends the streak);
///   - a school day with no mark is unknown: not counted and never a reason for a status
///     (DOMAIN.md §7); inside an approved leave span it is paused instead (same effect, and not
///     reported as missing);
///   - a weekend or holiday inside a term takes the state of the school day before it (a weekend
///     after an unexcused Friday counts, after a leave Friday is paused, after an unmarked Friday
///     is unknown), except that days inside an approved leave span are paused;
///   - a day outside every term (winter or summer vacation) is paused: the clock does not run
///     through vacations, which do not end the streak either.
/// * The *clock* is the number of counted days; it has the unit of the threshold it is compared
///   with: calendar days are the counted days, school days are the unexcused school days, and
///   calendar months are converted to the calendar days from the clock's start to the same day
///   that many months later.
/// * Three-line alert: clock ≥ `three_line_alert_after` (004: 3天及以上), dated the day it
///   first held. Suspected: clock > `suspected_after` (001 note 1: 超过一星期), dated Q, the
///   first day it held. Dropout: the days counted after Q exceed `dropout_after_suspected`
///   measured from Q (001 note 2: 疑似辍学超过一个月). With 7 calendar days and 1 month, a first
///   absence on Monday 8 Sept 2025 gives suspected as of Monday 15 Sept (the clock is 7 on
///   Sunday 14) and dropout as of 16 Oct (30 days after 15 Sept are exceeded on 16 Oct).
/// * Approved leave inside the streak subtracts its days from the clock: a 7-day calendar
///   threshold with 2 leave days between absences needs 10 calendar days.
enum ChildKernel {
    static let noDate = Int32.min

    /// Offsets of an approved leave span (both ends included), clamped to the calendar.
    struct Span {
        var from: Int32
        var to: Int32
    }

    /// Per-child facts in compact form.
    struct Facts {
        var birthDay: Int32 = noDate
        /// 1-9, or 0 when unknown.
        var grade: Int8 = 0
        var registration: RegistrationState = .enrolled
        var registrationDay: Int32 = noDate
        var resident = true
        var studyingElsewhere = false
        var pastDropout = false
        var groupMask: UInt32 = 0
    }

    /// Problems that depend on the as-of date and are reported as errors by the callers.
    enum Problem: UInt8 { case none = 0, notResident = 1 }

    struct Outcome {
        var status: ChildStatus = .inSchool
        var rule: ClassificationRule = .attending
        var since: Int32 = noDate
        var alerts: UInt32 = 0
        var flags: UInt32 = 0
        var streakStart: Int32 = noDate
        var streakUnexcused: Int32 = 0
        var streakClock: Int32 = 0
        var streakLeaveDays: Int32 = 0
        var streakUnknownDays: Int32 = 0
        var termSchoolDays: Int32 = 0
        var termUnexcused: Int32 = 0
        var missing: Int32 = 0
        /// 0 none, else 1 + index in `ReasonCode.allCases`.
        var reason: UInt8 = 0
        var problem: Problem = .none
    }

    /// What every child of one run shares: the calendar index, the as-of date, the rules.
    struct Context {
        let base: Int32
        let isSchool: UnsafeMutablePointer<UInt8>
        let schoolBefore: UnsafeMutablePointer<Int32>
        let segmentEnd: UnsafeMutablePointer<Int32>
        /// As-of offset.
        let d: Int32
        let asOf: CivilDate
        let rules: StreakRules
        /// Term window for missing attendance and chronic absence: the term containing D (or the
        /// last before it) from its start to min(D, its end); empty when wStart > wEnd.
        let wStart: Int32, wEnd: Int32
        let grade6Window: Bool, grade7Window: Bool, grade9Window: Bool
        let monitoredMask: UInt32

        init(calendar: SchoolCalendar, rules: StreakRules, asOf: CivilDate, windows: TransitionWindows, monitoredMask: UInt32) throws {
            let ix = calendar.index
            guard let d = ix.offset(asOf) else {
                throw KCBXError.invalidInput(
                    field: "as_of", rule: "\(asOf) is outside the calendar (\(calendar.firstDay)..\(calendar.lastDay))")
            }
            base = ix.base
            isSchool = ix.isSchool.baseAddress!
            schoolBefore = ix.schoolBefore.baseAddress!
            segmentEnd = ix.segmentEnd.baseAddress!
            self.d = Int32(d)
            self.asOf = asOf
            self.rules = rules
            self.monitoredMask = monitoredMask
            let t = Int(ix.termAtOrBefore[d])
            if t >= 0 {
                wStart = ix.termStart[t]
                wEnd = min(Int32(d), ix.termEnd[t])
                let year = calendar.terms[t].schoolYear
                let yearTerms = calendar.terms.indices.filter { calendar.terms[$0].schoolYear == year }
                let firstStart = ix.termStart[yearTerms.first!]
                let lastEnd = ix.termEnd[yearTerms.last!]
                let nextYearStart: Int32 =
                    calendar.terms.indices.first { calendar.terms[$0].schoolYear == year + 1 }.map { ix.termStart[$0] }
                    ?? ((try? CivilDate(year: year + 1, month: 9, day: 1)).map { $0.dayNumber - ix.base } ?? Int32.max)
                let dd = Int32(d)
                grade6Window = dd > lastEnd - Int32(windows.primaryGraduationLeadDays) && dd < nextYearStart
                grade7Window = dd >= firstStart && dd < firstStart + Int32(windows.juniorFirstDays)
                grade9Window = dd > lastEnd - Int32(windows.graduationLeadDays) && dd < nextYearStart
            } else {
                wStart = 1
                wEnd = 0
                grade6Window = false
                grade7Window = false
                grade9Window = false
            }
        }

        @inline(__always) func date(_ offset: Int32) -> CivilDate { CivilDate(dayNumber: base + offset) }
    }

    /// Flags that depend on facts only.
    @inline(__always)
    static func factFlags(_ c: Context, _ f: Facts) -> UInt32 {
        var flags: UInt32 = 0
        if f.groupMask & c.monitoredMask != 0 { flags |= RiskFlags.specialGroup.rawValue }
        if f.pastDropout { flags |= RiskFlags.pastDropout.rawValue }
        var grade = Int(f.grade)
        if grade == 0, f.birthDay != noDate { grade = SchoolAge(birthDate: CivilDate(dayNumber: f.birthDay)).expectedGrade(on: c.asOf) }
        switch grade {
        case 6: if c.grade6Window { flags |= RiskFlags.primaryToJunior.rawValue }
        case 7: if c.grade7Window { flags |= RiskFlags.primaryToJunior.rawValue }
        case 8: flags |= RiskFlags.gradeEight.rawValue
        case 9: if c.grade9Window { flags |= RiskFlags.graduationSeason.rawValue }
        default: break
        }
        return flags
    }

    /// Classifies one child. `offsets`/`kinds` hold its marks sorted by day with no duplicates;
    /// `spans` the approved leave spans that reach beyond their own mark's day.
    static func classify(
        _ c: Context, offsets: UnsafeBufferPointer<Int32>, kinds: UnsafeBufferPointer<UInt8>,
        spans: UnsafeBufferPointer<Span>, facts f: Facts
    ) -> Outcome {
        var out = Outcome()
        out.flags = factFlags(c, f)
        let asOfDay = c.base + c.d
        @inline(__always) func inForce(_ day: Int32) -> Bool { day == noDate || day <= asOfDay }
        switch f.registration {
        case .transferredOut where inForce(f.registrationDay):
            out.status = .transferredOut
            out.rule = .transfer
            out.since = f.registrationDay
            return out
        case .graduated where inForce(f.registrationDay):
            out.status = .graduated
            out.rule = .graduation
            out.since = f.registrationDay
            return out
        case .deferred where inForce(f.registrationDay):
            out.status = .deferred
            out.rule = .deferral
            out.since = f.registrationDay
            return out
        case .suspended where inForce(f.registrationDay):
            out.status = .suspended
            out.rule = .suspension
            out.since = f.registrationDay
            return out
        case .homeDelivered where inForce(f.registrationDay):
            out.status = .homeDelivered
            out.rule = .homeDelivery
            out.since = f.registrationDay
            return out
        case .none:
            unregistered(c, f, &out)
            return out
        default:
            break
        }
        attendance(c, offsets: offsets, kinds: kinds, spans: spans, facts: f, &out)
        return out
    }

    /// A child with no student registration: below school age, over age, studying elsewhere or
    /// out of school (失学) with reason A or B.
    static func unregistered(_ c: Context, _ f: Facts, _ out: inout Outcome) {
        let birth = CivilDate(dayNumber: f.birthDay)
        let age = SchoolAge(birthDate: birth)
        let standing = age.standing(on: c.asOf)
        if standing == .belowSchoolAge {
            out.status = .belowSchoolAge
            out.rule = .belowSchoolAge
            out.since = f.birthDay
        } else if standing == .overAge {
            out.status = .overAge
            out.rule = .overAge
            out.since = birth.adding(months: 16 * 12).dayNumber
        } else if f.studyingElsewhere {
            out.status = .studyingElsewhere
            out.rule = .studyingElsewhere
            out.since = f.registrationDay
        } else if !f.resident {
            out.problem = .notResident
        } else {
            out.status = .outOfSchool
            out.rule = .outOfSchool
            out.since =
                f.registrationDay != noDate
                ? f.registrationDay
                : ((try? CivilDate(year: age.entryYear, month: 9, day: 1))?.dayNumber ?? noDate)
            if let r = ReasonCode.outOfSchool(birthDate: birth, on: c.asOf) {
                out.reason = r.number
            }
        }
    }

    /// Present, late or left early (the codes of `MarkKind.countsAsPresent`).
    @inline(__always) static func presentLike(_ k: UInt8) -> Bool { k == 0 || k == 3 || k == 4 }

    @inline(__always) static func inSpans(_ o: Int32, _ spans: UnsafeBufferPointer<Span>) -> Bool {
        for s in spans where s.from <= o && o <= s.to { return true }
        return false
    }

    /// Counted days in [a, end) of the segment of the unexcused school day `x` (a ≥ x): `x`
    /// itself always counts (its mark wins over any span); the non-school days after it count
    /// unless an approved leave span covers them.
    @inline(__always)
    static func counted(_ x: Int32, _ a: Int32, _ end: Int32, _ spans: UnsafeBufferPointer<Span>) -> Int32 {
        if spans.isEmpty { return end - a }
        var n: Int32 = 0
        var o = a
        while o < end {
            if o == x || !inSpans(o, spans) { n += 1 }
            o += 1
        }
        return n
    }

    /// The `k`-th (1-based) counted day at or after `a` in the segment of `x`.
    @inline(__always)
    static func nthCounted(_ x: Int32, _ a: Int32, _ k: Int32, _ spans: UnsafeBufferPointer<Span>) -> Int32 {
        if spans.isEmpty { return a + k - 1 }
        var left = k
        var o = a
        while true {
            if o == x || !inSpans(o, spans) {
                left -= 1
                if left == 0 { return o }
            }
            o += 1
        }
    }

    /// Unmarked school days in [lo, hi] covered by a leave span (paused, not missing).
    static func spanCoveredUnmarked(
        _ c: Context, _ lo: Int32, _ hi: Int32, offsets: UnsafeBufferPointer<Int32>, count: Int,
        _ spans: UnsafeBufferPointer<Span>
    ) -> Int32 {
        guard !spans.isEmpty, lo <= hi else { return 0 }
        var n: Int32 = 0
        var o = lo
        var m = 0
        while m < count && offsets[m] < lo { m += 1 }
        while o <= hi {
            while m < count && offsets[m] < o { m += 1 }
            let marked = m < count && offsets[m] == o
            if c.isSchool[Int(o)] != 0 && !marked && inSpans(o, spans) { n += 1 }
            o += 1
        }
        return n
    }

    /// The attendance statuses of an enrolled child.
    static func attendance(
        _ c: Context, offsets: UnsafeBufferPointer<Int32>, kinds: UnsafeBufferPointer<UInt8>,
        spans: UnsafeBufferPointer<Span>, facts f: Facts, _ out: inout Outcome
    ) {
        let d = c.d
        let unexcused = MarkKind.unexcused.rawValue
        let leave = MarkKind.approvedLeave.rawValue
        var n = offsets.count
        while n > 0 && offsets[n - 1] > d { n -= 1 }

        // Term window: school days so far, marks and unexcused marks in it.
        var ws = c.wStart
        if f.registration == .enrolled, f.registrationDay != noDate { ws = max(ws, f.registrationDay - c.base) }
        let we = c.wEnd
        var windowMarks: Int32 = 0
        var windowUnexcused: Int32 = 0
        if ws <= we {
            out.termSchoolDays = c.schoolBefore[Int(we) + 1] - c.schoolBefore[Int(ws)]
            var i = n - 1
            while i >= 0 && offsets[i] >= ws {
                if offsets[i] <= we {
                    windowMarks += 1
                    if kinds[i] == unexcused { windowUnexcused += 1 }
                }
                i -= 1
            }
            out.termUnexcused = windowUnexcused
            out.missing = out.termSchoolDays - windowMarks - spanCoveredUnmarked(c, ws, we, offsets: offsets, count: n, spans)
            if out.missing > 0 { out.alerts |= AlertSet.missingAttendance.rawValue }
            if out.termSchoolDays > 0, Double(windowUnexcused) / Double(out.termSchoolDays) >= c.rules.chronicShare {
                out.flags |= RiskFlags.chronicAbsence.rawValue
            }
        }
        guard n > 0 else {
            out.status = .attendanceUnknown
            out.rule = .noAttendance
            return
        }
        if offsets[n - 1] == d && kinds[n - 1] == unexcused { out.alerts |= AlertSet.guardianContact.rawValue }

        // The open streak: first unexcused mark after the last day present.
        var p = n - 1
        while p >= 0 && !presentLike(kinds[p]) { p -= 1 }
        var s = p + 1
        while s < n && kinds[s] != unexcused { s += 1 }
        var alertAt: Int32 = -1
        var suspectedAt: Int32 = -1
        var dropoutAt: Int32 = -1
        if s < n {
            let start = offsets[s]
            let rules = c.rules
            let alertT = rules.alert?.units(from: c.base + start) ?? 0
            let suspectedT = rules.suspected.units(from: c.base + start)
            var dropoutT: Int32 = 0
            var after: Int32 = 0
            var clock: Int32 = 0
            var unexc: Int32 = 0
            var leaveDays: Int32 = 0
            var i = s
            while i < n {
                if kinds[i] == leave {
                    leaveDays += 1
                    i += 1
                    continue
                }
                let x = offsets[i]
                unexc += 1
                let end = min(c.segmentEnd[Int(x)], d + 1)
                let len = counted(x, x, end, spans)
                if let a = rules.alert, alertAt < 0 {
                    if a.countsSchoolDays {
                        if unexc >= alertT { alertAt = x }
                    } else if clock + len >= alertT {
                        alertAt = nthCounted(x, x, alertT - clock, spans)
                    }
                }
                if suspectedAt < 0 {
                    if rules.suspected.countsSchoolDays {
                        if unexc > suspectedT { suspectedAt = x }
                    } else if clock + len > suspectedT {
                        suspectedAt = nthCounted(x, x, suspectedT + 1 - clock, spans)
                    }
                    if suspectedAt >= 0 { dropoutT = rules.dropout.units(from: c.base + suspectedAt) }
                }
                if suspectedAt >= 0 && dropoutAt < 0 {
                    if rules.dropout.countsSchoolDays {
                        if x > suspectedAt {
                            after += 1
                            if after > dropoutT { dropoutAt = x }
                        }
                    } else {
                        let a = max(x, suspectedAt + 1)
                        if a < end {
                            let l = counted(x, a, end, spans)
                            if after + l > dropoutT { dropoutAt = nthCounted(x, a, dropoutT + 1 - after, spans) }
                            after += l
                        }
                    }
                }
                clock += len
                i += 1
            }
            out.streakStart = c.base + start
            out.streakUnexcused = unexc
            out.streakClock = clock
            out.streakLeaveDays = leaveDays
            let schoolDaysInStreak = c.schoolBefore[Int(d) + 1] - c.schoolBefore[Int(start)]
            out.streakUnknownDays = schoolDaysInStreak - Int32(n - s) - spanCoveredUnmarked(c, start, d, offsets: offsets, count: n, spans)
            if alertAt >= 0 { out.alerts |= AlertSet.threeLineReport.rawValue }
        }
        if dropoutAt >= 0 {
            out.status = .dropout
            out.rule = .dropoutAfterSuspected
            out.since = c.base + dropoutAt
        } else if suspectedAt >= 0 {
            out.status = .suspectedDropout
            out.rule = .suspectedAfter
            out.since = c.base + suspectedAt
        } else if alertAt >= 0 {
            out.status = .threeLineAlert
            out.rule = .threeLineAlertAfter
            out.since = c.base + alertAt
        } else if kinds[n - 1] == leave {
            // Leave is in force while the latest mark is approved leave.
            var j = n - 1
            while j > 0 && kinds[j - 1] == leave { j -= 1 }
            out.status = .onLeave
            out.rule = .approvedLeave
            out.since = c.base + offsets[j]
        } else {
            out.status = .inSchool
            out.rule = s < n ? .absentBelowThreshold : .attending
            var j = p
            if j < 0 { j = 0 } else { while j > 0 && presentLike(kinds[j - 1]) { j -= 1 } }
            out.since = c.base + offsets[j]
        }
    }
}
