// Classification as of a date (DOMAIN.md §2, §7; seeds 001 and 004). Each test cites the seed
// line it checks. The calendar is 2025-2026 with the 2025 National Day holiday (1-8 October) and
// its make-up days (Sunday 28 September, Saturday 11 October).
import Testing

@testable import KCBXCore

private let week1 = "2025-09-01"
private let week1End = "2025-09-05"

/// Present in the first week, then unexcused on every school day from Monday 8 September to `until`.
private func absentFrom8Sept(until: String, _ c: SchoolCalendar) -> [AttendanceMark] {
    marks(.present, from: week1, through: week1End, in: c) + marks(.unexcused, from: "2025-09-08", through: until, in: c)
}

private func ruleViolation(_ body: () throws -> Void) -> (rule: String, detail: String)? {
    do { try body() } catch let KCBXError.ruleViolation(rule, detail) { return (rule, detail) } catch { return nil }
    return nil
}

// MARK: - Seed 001 (guyuan-2021): suspected after more than a week, dropout after a month more

@Suite("Classification as of a date (seeds 001, 004)")
struct ClassificationTests {
    @Test("001 附件1 填表说明1: 未到校上课超过一星期且未请假 — first absence Mon 8 Sept is suspected on Mon 15 Sept, not Sun 14 Sept")
    func suspectedAfterMoreThanAWeek() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let m = absentFrom8Sept(until: "2025-09-15", c)
        let sunday = try k.classify(m, asOf: day("2025-09-14"))
        #expect(sunday.status == .inSchool && sunday.rule == .absentBelowThreshold)
        #expect(sunday.streak?.start == day("2025-09-08") && sunday.streak?.clockDays == 7 && sunday.streak?.unexcusedSchoolDays == 5)
        let monday = try k.classify(m, asOf: day("2025-09-15"))
        #expect(monday.status == .suspectedDropout)
        #expect(monday.since == day("2025-09-15"))
        #expect(monday.rule == .suspectedAfter && monday.rule.parameterKey == .suspectedAfter)
        #expect(monday.streak?.clockDays == 8 && monday.streak?.unexcusedSchoolDays == 6)
        #expect(monday.citation == "001 附件1 填表说明1：未到校上课超过一星期且未请假")
        #expect(monday.ruleText.contains("suspected_after = 7 calendar_days") && monday.ruleText.contains("001 附件1 填表说明1"))
        // Classified later, the status still dates from 15 September.
        #expect(try k.classify(absentFrom8Sept(until: "2025-09-26", c), asOf: day("2025-09-26")).since == day("2025-09-15"))
    }

    @Test("001 附件1 填表说明2: 疑似辍学超过一个月仍未到校且未请假 — suspected 15 Sept becomes dropout on 16 Oct, across the National Day holiday")
    func dropoutAfterAMonthMore() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let m = absentFrom8Sept(until: "2025-10-16", c)
        let oct15 = try k.classify(m, asOf: day("2025-10-15"))
        #expect(oct15.status == .suspectedDropout && oct15.since == day("2025-09-15"))
        let oct16 = try k.classify(m, asOf: day("2025-10-16"))
        #expect(oct16.status == .dropout)
        #expect(oct16.since == day("2025-10-16"))
        #expect(oct16.rule == .dropoutAfterSuspected)
        #expect(oct16.citation == "001 附件1 填表说明2：疑似辍学超过一个月仍未到校且未请假")
        // The holiday counted in the calendar clock but is not an absence: 25 unexcused school days.
        #expect(oct16.streak?.clockDays == 39 && oct16.streak?.unexcusedSchoolDays == 25)
    }

    // MARK: - Seed 004 (dongchuan-2025): the three-line report after 3 school days

    @Test(
        "004 二（三）2: 3天及以上无正当理由未到校 — the third unexcused school day triggers the three-line alert under dongchuan-2025, never under guyuan-2021"
    )
    func threeLineAlert() throws {
        let c = try calendar2025()
        let dongchuan = try classifier("dongchuan-2025", c)
        let guyuan = try classifier("guyuan-2021", c)
        let m = absentFrom8Sept(until: "2025-09-10", c)
        let tuesday = try dongchuan.classify(m, asOf: day("2025-09-09"))
        #expect(tuesday.status == .inSchool && !tuesday.alerts.contains(.threeLineReport))
        let wednesday = try dongchuan.classify(m, asOf: day("2025-09-10"))
        #expect(wednesday.status == .threeLineAlert && wednesday.since == day("2025-09-10"))
        #expect(wednesday.alerts.contains(.threeLineReport) && wednesday.alerts.contains(.guardianContact))
        #expect(wednesday.ruleText.contains("three_line_alert_after = 3 school_days") && wednesday.citation.contains("004 二（三）2"))
        let g = try guyuan.classify(m, asOf: day("2025-09-10"))
        #expect(g.status == .inSchool && !g.alerts.contains(.threeLineReport))
        #expect(builtinProfile("guyuan-2021").duration(.threeLineAlertAfter) == nil)
        // The alert stays raised once the child is also suspected.
        let later = try dongchuan.classify(absentFrom8Sept(until: "2025-09-15", c), asOf: day("2025-09-15"))
        #expect(later.status == .suspectedDropout && later.alerts.contains(.threeLineReport))
    }

    @Test("004 二（三）2: the 3 days are school days — Thu, Fri and the next Mon; the weekend between does not make three")
    func threeLineAlertCountsSchoolDays() throws {
        let c = try calendar2025()
        let k = try classifier("dongchuan-2025", c)
        let m =
            marks(.present, from: "2025-09-08", through: "2025-09-10", in: c)
            + marks(.unexcused, from: "2025-09-11", through: "2025-09-15", in: c)
        #expect(try k.classify(m, asOf: day("2025-09-14")).status == .inSchool)
        let monday = try k.classify(m, asOf: day("2025-09-15"))
        #expect(monday.status == .threeLineAlert && monday.since == day("2025-09-15"))
    }

    // MARK: - Leave, holidays, present days, missing marks, duplicates

    @Test("DOMAIN.md §2 / 001 note 1 (未请假): approved leave in the middle pauses the clock without ending the streak")
    func leavePausesTheClock() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let m =
            marks(.present, from: week1, through: week1End, in: c)
            + marks(.unexcused, from: "2025-09-08", through: "2025-09-09", in: c)
            + marks(.approvedLeave, from: "2025-09-10", through: "2025-09-12", in: c)
            + marks(.unexcused, from: "2025-09-15", through: "2025-09-22", in: c)
        let onLeave = try k.classify(m, asOf: day("2025-09-11"))
        #expect(onLeave.status == .onLeave && onLeave.since == day("2025-09-10") && onLeave.rule == .approvedLeave)
        #expect(onLeave.streak?.clockDays == 2 && onLeave.streak?.leaveSchoolDays == 2)
        // 8, 9 counted; 10-12 leave and the weekend after it paused; 15-19 counted: clock 7 on Friday.
        let friday = try k.classify(m, asOf: day("2025-09-19"))
        #expect(friday.status == .inSchool && friday.streak?.clockDays == 7 && friday.streak?.leaveSchoolDays == 3)
        #expect(friday.streak?.start == day("2025-09-08"))
        let saturday = try k.classify(m, asOf: day("2025-09-20"))
        #expect(saturday.status == .suspectedDropout && saturday.since == day("2025-09-20"))
        // Without the leave the same child is suspected on 15 September.
        let noLeave = m.map { $0.kind == .approvedLeave ? AttendanceMark($0.date, .unexcused) : $0 }
        #expect(try k.classify(noLeave, asOf: day("2025-09-20")).since == day("2025-09-15"))
    }

    @Test("Approved leave with a span and slip: unmarked days it covers are paused, not missing")
    func leaveSpanCoversUnmarkedDays() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let span = try DateSpan(from: day("2025-09-10"), to: day("2025-09-14"))
        let m =
            marks(.present, from: week1, through: week1End, in: c)
            + marks(.unexcused, from: "2025-09-08", through: "2025-09-09", in: c)
            + [AttendanceMark.leave(day("2025-09-10"), span: span, slip: "东川区请假条 2025-0913")]
            + marks(.unexcused, from: "2025-09-15", through: "2025-09-20", in: c)
        let r = try k.classify(m, asOf: day("2025-09-20"))
        #expect(r.status == .suspectedDropout && r.since == day("2025-09-20"))
        #expect(r.missingDates.isEmpty && !r.alerts.contains(.missingAttendance))
        #expect(r.streak?.unknownSchoolDays == 0)
        // A span must contain its mark's date; only leave marks carry one.
        let bad = try DateSpan(from: day("2025-09-11"), to: day("2025-09-12"))
        #expect(
            invalidInputError {
                _ = try k.classify([AttendanceMark.leave(day("2025-09-10"), span: bad, slip: nil)], asOf: day("2025-09-20"))
            }?.field == "marks[0].leave.span")
        #expect(
            invalidInputError {
                _ = try k.classify([AttendanceMark(day("2025-09-10"), .present, leave: ApprovedLeave(span: span))], asOf: day("2025-09-20"))
            }?.field == "marks[0].leave")
    }

    @Test("DOMAIN.md §2: a holiday is not an absence; inside a streak it neither breaks it nor is an unexcused day")
    func holidaysAreNotAbsence() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let present = marks(.present, from: week1, through: "2025-09-30", in: c)
        let during = try k.classify(present, asOf: day("2025-10-08"))
        #expect(during.status == .inSchool && during.streak == nil && during.termUnexcusedDays == 0 && during.missingDates.isEmpty)
        #expect(during.rule == .attending)
        // Absent Mon 29 and Tue 30 Sept, holiday 1-8 Oct, absent Thu 9 Oct: the streak runs through the
        // holiday (its days count on the calendar clock) but only 3 school days are absences.
        let m =
            marks(.present, from: week1, through: "2025-09-28", in: c) + marks(.unexcused, from: "2025-09-29", through: "2025-10-09", in: c)
        let r = try k.classify(m, asOf: day("2025-10-09"))
        #expect(r.streak?.start == day("2025-09-29") && r.streak?.unexcusedSchoolDays == 3 && r.termUnexcusedDays == 3)
        #expect(r.streak?.clockDays == 11)
        #expect(r.status == .suspectedDropout && r.since == day("2025-10-06"))
    }

    @Test("DOMAIN.md §2: the next day present ends the streak (late and left-early count as present)")
    func presentDayEndsTheStreak() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        for kind in [MarkKind.present, .late, .leftEarly] {
            let m = absentFrom8Sept(until: "2025-09-12", c) + [AttendanceMark(day("2025-09-15"), kind)]
            let r = try k.classify(m, asOf: day("2025-09-15"))
            #expect(r.status == .inSchool && r.streak == nil && r.rule == .attending, "\(kind)")
            #expect(r.since == day("2025-09-15") && r.termUnexcusedDays == 5)
        }
        // A new absence starts a new streak.
        let m =
            absentFrom8Sept(until: "2025-09-12", c) + [AttendanceMark(day("2025-09-15"), .present)]
            + marks(.unexcused, from: "2025-09-16", through: "2025-09-18", in: c)
        let r = try k.classify(m, asOf: day("2025-09-18"))
        #expect(r.streak?.start == day("2025-09-16") && r.streak?.clockDays == 3 && r.status == .inSchool)
    }

    @Test("DOMAIN.md §7: a school day with no mark is unknown, not absent — reported, never counted")
    func missingMarkIsUnknown() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        // Friday 12 was the last mark; Monday 15 has none: the clock stays 7, Monday is missing.
        let r = try k.classify(absentFrom8Sept(until: "2025-09-12", c), asOf: day("2025-09-15"))
        #expect(r.status == .inSchool && r.streak?.clockDays == 7 && r.streak?.unknownSchoolDays == 1)
        #expect(r.missingDates == [day("2025-09-15")] && r.alerts.contains(.missingAttendance))
        // An unmarked Wednesday inside the streak is not counted: suspected one day later.
        let gap = absentFrom8Sept(until: "2025-09-16", c).filter { $0.date != day("2025-09-10") }
        #expect(try k.classify(gap, asOf: day("2025-09-15")).status == .inSchool)
        let t = try k.classify(gap, asOf: day("2025-09-16"))
        #expect(t.status == .suspectedDropout && t.since == day("2025-09-16") && t.missingDates == [day("2025-09-10")])
        // No mark at all: status unknown, every school day so far missing.
        let none = try k.classify([], asOf: day("2025-09-05"))
        #expect(none.status == .attendanceUnknown && none.rule == .noAttendance && none.missingDates.count == 5)
        // A child who never starts an unexcused day cannot start a streak through missing marks.
        let onlyPresent = try k.classify(marks(.present, from: week1, through: week1End, in: c), asOf: day("2025-09-26"))
        #expect(onlyPresent.status == .inSchool && onlyPresent.streak == nil && onlyPresent.missingDates.count == 15)
    }

    @Test("DOMAIN.md §7: two marks for one day — the later wins, the conflict is reported, nothing is counted twice")
    func duplicateMarks() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let d8 = day("2025-09-08")
        let r = try k.classify([AttendanceMark(d8, .unexcused), AttendanceMark(d8, .late)], asOf: d8)
        #expect(r.status == .inSchool && r.streak == nil && r.termUnexcusedDays == 0)
        #expect(r.conflicts == [MarkConflict(date: d8, replaced: .unexcused, kept: .late, replacedIndex: 0, keptIndex: 1)])
        #expect(r.alerts.contains(.conflictingMarks))
        let reversed = try k.classify([AttendanceMark(d8, .late), AttendanceMark(d8, .unexcused)], asOf: d8)
        #expect(reversed.streak?.unexcusedSchoolDays == 1 && reversed.conflicts.first?.kept == .unexcused)
        let twice = try k.classify(
            [AttendanceMark(d8, .unexcused), AttendanceMark(day("2025-09-09"), .present), AttendanceMark(d8, .unexcused)],
            asOf: day("2025-09-09"))
        #expect(
            twice.termUnexcusedDays == 1 && twice.conflicts.count == 1 && twice.conflicts[0].replacedIndex == 0
                && twice.conflicts[0].keptIndex == 2)
    }

    @Test("Input errors name the mark: weekends, holidays, outside the calendar, the future, before birth; as-of checks")
    func markErrors() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let sat = invalidInputError {
            _ = try k.classify(
                [AttendanceMark(day("2025-09-12"), .present), AttendanceMark(day("2025-09-13"), .unexcused)], asOf: day("2025-09-15"))
        }
        #expect(sat?.field == "marks[1].date" && sat?.rule.contains("2025-09-13") == true && sat?.rule.contains("Saturday") == true)
        #expect(
            invalidInputError { _ = try k.classify([AttendanceMark(day("2025-10-02"), .unexcused)], asOf: day("2025-10-09")) }?.rule
                .contains("国庆节") == true)
        #expect(
            invalidInputError { _ = try k.classify([AttendanceMark(day("2025-08-29"), .present)], asOf: day("2025-09-09")) }?.rule.contains(
                "outside the calendar") == true)
        // A make-up Sunday is a school day.
        #expect(try k.classify([AttendanceMark(day("2025-09-28"), .present)], asOf: day("2025-09-28")).status == .inSchool)
        let future = invalidInputError {
            _ = try k.classify([AttendanceMark(day("2025-09-22"), .present)], asOf: day("2025-09-19"), today: day("2025-09-20"))
        }
        #expect(future?.field == "marks[0].date" && future?.rule.contains("future") == true)
        #expect(invalidInputError { _ = try k.classify([], asOf: day("2025-09-22"), today: day("2025-09-20")) }?.field == "as_of")
        #expect(invalidInputError { _ = try k.classify([], asOf: day("2027-09-22")) }?.field == "as_of")
        let born = ChildFacts(birthDate: day("2025-09-10"))
        #expect(
            invalidInputError { _ = try k.classify([AttendanceMark(day("2025-09-09"), .present)], facts: born, asOf: day("2025-09-12")) }?
                .rule.contains("before the child's birth") == true)
        #expect(invalidInputError { _ = try k.classify([], facts: ChildFacts(grade: 11), asOf: day("2025-09-12")) }?.field == "facts.grade")
        // Marks after the as-of date are checked but not used.
        let r = try k.classify(absentFrom8Sept(until: "2025-09-30", c), asOf: day("2025-09-12"))
        #expect(r.streak?.unexcusedSchoolDays == 5 && r.status == .inSchool)
    }

    // MARK: - Registry facts

    @Test("001 附件1 填表说明3 A/B: an out-of-school child gets A at primary age and B at junior age (000: 8月31日年满六周岁, 6-15周岁)")
    func outOfSchoolReasons() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let asOf = day("2025-09-15")
        func facts(_ birth: String) -> ChildFacts { ChildFacts(birthDate: day(birth), registration: .none) }
        let a = try k.classify([], facts: facts("2017-03-01"), asOf: asOf)
        #expect(a.status == .outOfSchool && a.proposedReason == .A && a.since == day("2023-09-01") && a.rule == .outOfSchool)
        #expect(try k.classify([], facts: facts("2019-08-31"), asOf: asOf).proposedReason == .A)  // 6 on 31 August: due this autumn
        #expect(try k.classify([], facts: facts("2019-09-01"), asOf: asOf).status == .belowSchoolAge)
        #expect(try k.classify([], facts: facts("2012-05-01"), asOf: asOf).proposedReason == .B)  // expected grade 8
        #expect(try k.classify([], facts: facts("2010-10-01"), asOf: asOf).proposedReason == .B)  // grade 9, age 14
        let over = try k.classify([], facts: facts("2009-03-01"), asOf: asOf)
        #expect(over.status == .overAge && over.since == day("2025-03-01") && over.proposedReason == nil)
        var elsewhere = facts("2015-01-01")
        elsewhere.studyingElsewhere = true
        #expect(try k.classify([], facts: elsewhere, asOf: asOf).status == .studyingElsewhere)
        var ended = facts("2014-01-01")
        ended.registrationDate = day("2025-06-30")
        #expect(try k.classify([], facts: ended, asOf: asOf).since == day("2025-06-30"))
        var foreign = facts("2015-01-01")
        foreign.inHouseholdRegistry = false
        #expect(invalidInputError { _ = try k.classify([], facts: foreign, asOf: asOf) }?.field == "facts.in_household_registry")
        #expect(
            invalidInputError { _ = try k.classify([], facts: ChildFacts(registration: .none), asOf: asOf) }?.field == "facts.birth_date")
        // The helper on its own.
        #expect(ReasonCode.outOfSchool(birthDate: day("2017-03-01"), on: asOf) == .A)
        #expect(ReasonCode.outOfSchool(birthDate: day("2013-08-31"), on: asOf) == .B)  // expected grade 7
        #expect(ReasonCode.outOfSchool(birthDate: day("2013-09-01"), on: asOf) == .A)  // expected grade 6
        #expect(ReasonCode.outOfSchool(birthDate: day("2020-01-01"), on: asOf) == nil)
        #expect(ReasonCode.outOfSchool(birthDate: day("2008-01-01"), on: asOf) == nil)
    }

    @Test("000, 002: deferral or suspension (缓学/休学) without the expert panel's written opinion is refused")
    func deferralNeedsExpertOpinion() throws {
        let c = try calendar2025()
        let k = try classifier("fujian-2020", c)
        let asOf = day("2025-09-15")
        for reg in [RegistrationState.deferred, .suspended] {
            let refused = ruleViolation { _ = try k.classify([], facts: ChildFacts(registration: reg), asOf: asOf) }
            #expect(refused?.rule.contains("000, 002") == true && refused?.detail.contains("facts.expert_opinion") == true)
            #expect(ruleViolation { _ = try k.classify([], facts: ChildFacts(registration: reg, expertOpinion: "   "), asOf: asOf) } != nil)
            let ok = try k.classify(
                [], facts: ChildFacts(registration: reg, registrationDate: day("2025-09-01"), expertOpinion: "西吉县残疾人教育专家委员会〔2025〕7号"),
                asOf: asOf)
            #expect(ok.status == (reg == .deferred ? .deferred : .suspended) && ok.since == day("2025-09-01"))
            #expect(ok.citation.contains("000, 002"))
        }
    }

    @Test("Registry statuses: home-delivered counts as enrolled (000, 002, 004); transfer and graduation need their dates")
    func registryStatuses() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let asOf = day("2025-10-20")
        #expect(try k.classify([], facts: ChildFacts(registration: .homeDelivered), asOf: asOf).status == .homeDelivered)
        let moved = try k.classify(
            absentFrom8Sept(until: "2025-10-20", c), facts: ChildFacts(registration: .transferredOut, registrationDate: day("2025-09-10")),
            asOf: asOf)
        #expect(moved.status == .transferredOut && moved.since == day("2025-09-10"))
        // A transfer dated after the as-of date does not apply yet: attendance decides.
        let notYet = try k.classify(
            absentFrom8Sept(until: "2025-09-15", c), facts: ChildFacts(registration: .transferredOut, registrationDate: day("2025-09-20")),
            asOf: day("2025-09-15"))
        #expect(notYet.status == .suspectedDropout)
        #expect(
            invalidInputError { _ = try k.classify([], facts: ChildFacts(registration: .graduated), asOf: asOf) }?.field
                == "facts.registration_date")
        #expect(
            try k.classify([], facts: ChildFacts(registration: .graduated, registrationDate: day("2025-07-01")), asOf: asOf).status
                == .graduated)
    }

    // MARK: - Units from the profile

    @Test("Units come from the profile: a file profile with suspected_after = 5 school_days counts school days, not calendar days")
    func fileProfileSchoolDays() throws {
        let c = try calendar2025()
        let p = try PolicyProfile(
            json:
                #"{"id": "xiji-2025", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 5, "unit": "school_days", "source": "西吉县 test"}, "dropout_after_suspected": {"amount": 2, "unit": "school_days"}}}"#
        )
        let k = try Classifier(profile: p, calendar: c)
        // Absent 29, 30 Sept, (holiday), 9, 10, 11 (make-up Saturday), 13, 14, 15, 16 Oct.
        let m =
            marks(.present, from: week1, through: "2025-09-28", in: c) + marks(.unexcused, from: "2025-09-29", through: "2025-10-16", in: c)
        let r = try k.classify(m, asOf: day("2025-10-13"))
        #expect(r.status == .suspectedDropout && r.since == day("2025-10-13"))  // the 6th unexcused school day
        #expect(r.ruleText.contains("suspected_after = 5 school_days") && r.ruleText.contains("西吉县 test"))
        #expect(try k.classify(m, asOf: day("2025-10-11")).status == .inSchool)
        #expect(try k.classify(m, asOf: day("2025-10-15")).status == .suspectedDropout)
        let d = try k.classify(m, asOf: day("2025-10-16"))
        #expect(d.status == .dropout && d.since == day("2025-10-16"))  // 2 more school days exceeded on the 3rd
        // Calendar months: 8 Sept + 1 month = 30 days, exceeded on 8 October.
        let months = try PolicyProfile(
            json:
                #"{"id": "months", "extends": "guyuan-2021", "parameters": {"suspected_after": {"amount": 1, "unit": "calendar_months"}}}"#)
        let km = try Classifier(profile: months, calendar: c)
        let mm = absentFrom8Sept(until: "2025-10-09", c)
        #expect(try km.classify(mm, asOf: day("2025-10-07")).status == .inSchool)
        #expect(try km.classify(mm, asOf: day("2025-10-08")).since == day("2025-10-08"))
    }

    // MARK: - Risk flags

    @Test("Risk flags: chronic absence ≥ chronic_absence_share of the term's school days; excused leave is never weighed like unexcused")
    func chronicAbsence() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let asOf = day("2025-09-19")  // 15 school days
        let base = marks(.present, from: week1, through: "2025-09-19", in: c)
        func with(_ changes: [String: MarkKind]) -> [AttendanceMark] {
            base.map { m in changes[m.date.description].map { AttendanceMark(m.date, $0) } ?? m }
        }
        let two = try k.classify(with(["2025-09-03": .unexcused, "2025-09-10": .unexcused]), asOf: asOf)
        #expect(two.riskFlags.contains(.chronicAbsence) && two.termUnexcusedDays == 2 && two.termSchoolDays == 15)
        #expect(two.risks.first { $0.flag == .chronicAbsence }?.why.contains("chronic_absence_share") == true)
        #expect(!(try k.classify(with(["2025-09-03": .unexcused]), asOf: asOf)).riskFlags.contains(.chronicAbsence))
        let leave = try k.classify(
            with([
                "2025-09-03": .unexcused, "2025-09-08": .approvedLeave, "2025-09-09": .approvedLeave,
                "2025-09-10": .approvedLeave, "2025-09-11": .approvedLeave, "2025-09-12": .approvedLeave,
            ]), asOf: asOf)
        #expect(!leave.riskFlags.contains(.chronicAbsence) && leave.termUnexcusedDays == 1)
    }

    @Test("Risk flags: monitored special groups (each profile's own list), past dropout (反弹, 001/002)")
    func groupAndRelapseFlags() throws {
        let c = try calendar2025()
        let asOf = day("2025-09-05")
        let m = marks(.present, from: week1, through: week1End, in: c)
        let leftBehind = ChildFacts(groups: [.leftBehind])
        let g = try classifier("guyuan-2021", c).classify(m, facts: leftBehind, asOf: asOf)
        #expect(g.riskFlags.contains(.specialGroup) && g.risks.first?.why.contains("留守") == true)
        // Huarong (003) monitors poverty households and disabled children only.
        let h = try classifier("huarong-2024", c)
        #expect(!(try h.classify(m, facts: leftBehind, asOf: asOf)).riskFlags.contains(.specialGroup))
        let poor = try h.classify(m, facts: ChildFacts(groups: [.registeredPoor]), asOf: asOf)
        #expect(poor.riskFlags.contains(.specialGroup) && poor.risks[0].why.contains("003"))
        let relapse = try classifier("guyuan-2021", c).classify(m, facts: ChildFacts(pastDropout: true), asOf: asOf)
        #expect(relapse.riskFlags == .pastDropout && relapse.risks[0].why.contains("反弹"))
    }

    @Test("Risk flags: key transition points 小升初, 初二, 初三毕业季 (001 二（二）)")
    func transitionFlags() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        func flags(grade: Int?, birth: String? = nil, _ asOf: String) throws -> RiskFlags {
            try k.classify([], facts: ChildFacts(birthDate: birth.map(day), grade: grade), asOf: day(asOf)).riskFlags
        }
        #expect(try flags(grade: 6, "2026-06-15").contains(.primaryToJunior))  // near primary graduation
        #expect(try flags(grade: 6, "2026-07-20").contains(.primaryToJunior))  // summer after it
        #expect(try flags(grade: 6, "2026-04-01").isEmpty)
        #expect(try flags(grade: 7, "2025-09-10").contains(.primaryToJunior))  // first weeks of grade 7
        #expect(try flags(grade: 7, "2025-11-10").isEmpty)
        #expect(try flags(grade: 8, "2025-11-10") == .gradeEight)
        #expect(try flags(grade: 9, "2026-06-15") == .graduationSeason)
        #expect(try flags(grade: 9, "2025-11-10").isEmpty)
        // Grade unknown: the grade expected from the birth date (entry 2018 → grade 8 in 2025-2026).
        #expect(try flags(grade: nil, birth: "2012-03-01", "2025-11-10") == .gradeEight)
        let r = try k.classify([], facts: ChildFacts(grade: 9), asOf: day("2026-06-15"))
        #expect(r.risks.first?.why.contains("初三毕业季") == true)
    }

    @Test("The result as JSON names status, rule, citation and evidence")
    func classificationJSON() throws {
        let c = try calendar2025()
        let k = try classifier("guyuan-2021", c)
        let r = try k.classify(absentFrom8Sept(until: "2025-09-15", c), asOf: day("2025-09-15"))
        guard case .object(let o) = try JSONValue.parse(r.json()) else {
            Issue.record("not an object")
            return
        }
        #expect(o["status"] == .string("suspected_dropout") && o["since"] == .string("2025-09-15"))
        #expect(o["citation"] == .string("001 附件1 填表说明1：未到校上课超过一星期且未请假"))
        if case .object(let s)? = o["streak"] { #expect(s["clock_days"] == .number(8)) } else { Issue.record("no streak") }
    }
}
