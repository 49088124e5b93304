/// Classifies children as of a date under one policy profile and one school calendar
/// (DOMAIN.md §2; the streak rule is documented on `ChildKernel`). Every threshold comes from the
/// profile: `suspected_after`, `dropout_after_suspected`, `three_line_alert_after`,
/// `chronic_absence_share`, and the monitored groups.
///
/// Status precedence: registry facts first (transferred out, graduated, deferred, suspended,
/// home-delivered, no registration), then attendance: dropout > suspected > three-line alert >
/// on leave > in school; an enrolled child with no mark at all is `attendanceUnknown`.
/// Marks dated after the as-of date are validated but not used.
public struct Classifier: Sendable {
    public let profile: PolicyProfile
    public let calendar: SchoolCalendar
    /// Lengths of the transition windows (an interpretation; seed 001 names only the points).
    public var windows: TransitionWindows
    let rules: StreakRules
    let monitoredMask: UInt32

    public init(profile: PolicyProfile, calendar: SchoolCalendar, windows: TransitionWindows = .standard) throws {
        self.profile = profile
        self.calendar = calendar
        self.windows = windows
        rules = try StreakRules(profile: profile)
        monitoredMask = SpecialGroup.mask(profile.monitoredGroups.value)
    }

    /// The kernel context for `asOf`, rejecting a date after `today` or outside the calendar.
    func context(asOf: CivilDate, today: CivilDate) throws -> ChildKernel.Context {
        guard asOf <= today else { throw KCBXError.invalidInput(field: "as_of", rule: "\(asOf) is in the future (today is \(today))") }
        return try ChildKernel.Context(calendar: calendar, rules: rules, asOf: asOf, windows: windows, monitoredMask: monitoredMask)
    }

    /// Checks facts that do not depend on marks; `field` names the child in the error.
    static func validate(_ f: ChildFacts, asOf: CivilDate, today: CivilDate, field: String) throws {
        try validateFacts(
            birth: f.birthDate, grade: f.grade, registration: f.registration, registrationDate: f.registrationDate,
            hasExpertOpinion: { f.expertOpinion.map { !$0.allSatisfy(\.isWhitespace) } ?? false },
            asOf: asOf, today: today, field: field)
    }

    /// The fact rules shared by the one-child and the bulk paths.
    static func validateFacts(
        birth: CivilDate?, grade: Int?, registration: RegistrationState, registrationDate: CivilDate?,
        hasExpertOpinion: () -> Bool, asOf: CivilDate, today: CivilDate, field: @autoclosure () -> String
    ) throws {
        if let g = grade, !(1...9).contains(g) {
            throw KCBXError.invalidInput(field: "\(field()).grade", rule: "\(g) is not a compulsory-education grade 1-9")
        }
        if let b = birth, b > asOf {
            throw KCBXError.invalidInput(field: "\(field()).birth_date", rule: "\(b) is after as_of \(asOf)")
        }
        if let r = registrationDate, r > today {
            throw KCBXError.invalidInput(field: "\(field()).registration_date", rule: "\(r) is in the future (today is \(today))")
        }
        switch registration {
        case .deferred, .suspended:
            guard hasExpertOpinion() else {
                let what = registration == .deferred ? "deferral (缓学)" : "suspension (休学)"
                throw KCBXError.ruleViolation(
                    rule: "000, 002: 缓学/休学 only with the expert panel's written opinion",
                    detail: "\(field()).expert_opinion: a \(what) needs the reference of the expert panel's written opinion")
            }
        case .transferredOut, .graduated:
            guard registrationDate != nil else {
                throw KCBXError.invalidInput(
                    field: "\(field()).registration_date",
                    rule: "a \(registration == .graduated ? "graduation" : "transfer") needs its date")
            }
        case .none:
            guard birth != nil else {
                throw KCBXError.invalidInput(
                    field: "\(field()).birth_date",
                    rule: "required for a child without student registration (to tell A from B, seed 001 附件1 填表说明3)")
            }
        case .enrolled, .homeDelivered:
            break
        }
    }

    static func kernelFacts(_ f: ChildFacts) -> ChildKernel.Facts {
        var k = ChildKernel.Facts()
        k.birthDay = f.birthDate?.dayNumber ?? ChildKernel.noDate
        k.grade = Int8(f.grade ?? 0)
        k.registration = f.registration
        k.registrationDay = f.registrationDate?.dayNumber ?? ChildKernel.noDate
        k.resident = f.inHouseholdRegistry
        k.studyingElsewhere = f.studyingElsewhere
        k.pastDropout = f.pastDropout
        k.groupMask = SpecialGroup.mask(f.groups)
        return k
    }

    static func notResident(_ field: String) -> KCBXError {
        .invalidInput(
            field: "\(field).in_household_registry",
            rule:
                "a compulsory-age child without student registration must be in the household or census registry (DOMAIN.md §2 失学); nothing places this child here"
        )
    }

    /// Classifies one child as of `asOf` from its marks (any order; duplicates resolved by
    /// `MarkConflict` precedence and reported). Errors name the mark: a date that is not a school
    /// day, outside the calendar, in the future or before the child's birth; a leave span that
    /// does not contain its mark; a deferral without an expert opinion (rule violation).
    public func classify(
        _ marks: [AttendanceMark], facts: ChildFacts = ChildFacts(), asOf: CivilDate,
        today: CivilDate = .today()
    ) throws -> Classification {
        let ctx = try context(asOf: asOf, today: today)
        try Classifier.validate(facts, asOf: asOf, today: today, field: "facts")
        let ix = calendar.index
        for (i, m) in marks.enumerated() {
            let field = "marks[\(i)]"
            if m.date > today {
                throw KCBXError.invalidInput(field: "\(field).date", rule: "\(m.date) is in the future (today is \(today))")
            }
            if let b = facts.birthDate, m.date < b {
                throw KCBXError.invalidInput(field: "\(field).date", rule: "\(m.date) is before the child's birth date \(b)")
            }
            if let why = calendar.whyNotSchoolDay(m.date) {
                throw KCBXError.invalidInput(field: "\(field).date", rule: "\(m.date) is not a school day: \(why)")
            }
            if let leave = m.leave {
                guard m.kind == .approvedLeave else {
                    throw KCBXError.invalidInput(
                        field: "\(field).leave", rule: "only an approved-leave mark carries a leave span, this mark is \(m.kind)")
                }
                guard leave.span.contains(m.date) else {
                    throw KCBXError.invalidInput(
                        field: "\(field).leave.span", rule: "\(leave.span) does not contain the mark's date \(m.date)")
                }
                guard calendar.contains(leave.span.from), calendar.contains(leave.span.to) else {
                    throw KCBXError.invalidInput(
                        field: "\(field).leave.span",
                        rule: "\(leave.span) is outside the calendar (\(calendar.firstDay)..\(calendar.lastDay))")
                }
            }
        }
        // One mark per day: the later in the input wins (stable order by date, then position).
        let order = marks.indices.sorted { (marks[$0].date, $0) < (marks[$1].date, $1) }
        var kept: [Int] = []
        var conflicts: [MarkConflict] = []
        for i in order {
            if let last = kept.last, marks[last].date == marks[i].date {
                conflicts.append(
                    MarkConflict(date: marks[i].date, replaced: marks[last].kind, kept: marks[i].kind, replacedIndex: last, keptIndex: i))
                kept[kept.count - 1] = i
            } else {
                kept.append(i)
            }
        }
        let offsets = kept.map { marks[$0].date.dayNumber - ix.base }
        let kinds = kept.map { marks[$0].kind.rawValue }
        let spans: [ChildKernel.Span] = kept.compactMap { i in
            guard marks[i].kind == .approvedLeave, let s = marks[i].leave?.span, s.from != s.to else { return nil }
            return ChildKernel.Span(from: s.from.dayNumber - ix.base, to: s.to.dayNumber - ix.base)
        }
        let kf = Classifier.kernelFacts(facts)
        let out = offsets.withUnsafeBufferPointer { o in
            kinds.withUnsafeBufferPointer { k in
                spans.withUnsafeBufferPointer { s in
                    ChildKernel.classify(ctx, offsets: o, kinds: k, spans: s, facts: kf)
                }
            }
        }
        if out.problem == .notResident { throw Classifier.notResident("facts") }
        return describe(out, ctx: ctx, facts: facts, offsets: offsets, spans: spans, conflicts: conflicts)
    }

    /// Turns a kernel outcome into the full classification: texts, risk reasons, missing dates.
    func describe(
        _ out: ChildKernel.Outcome, ctx: ChildKernel.Context, facts: ChildFacts, offsets: [Int32],
        spans: [ChildKernel.Span], conflicts: [MarkConflict]
    ) -> Classification {
        func date(_ v: Int32) -> CivilDate? { v == ChildKernel.noDate ? nil : CivilDate(dayNumber: v) }
        var streak: StreakEvidence?
        if let start = date(out.streakStart) {
            streak = StreakEvidence(
                start: start, unexcusedSchoolDays: Int(out.streakUnexcused), clockDays: Int(out.streakClock),
                leaveSchoolDays: Int(out.streakLeaveDays), unknownSchoolDays: Int(out.streakUnknownDays))
        }
        var ruleText = out.rule.describe(in: profile)
        if let s = streak, [.threeLineAlertAfter, .suspectedAfter, .dropoutAfterSuspected, .absentBelowThreshold].contains(out.rule) {
            ruleText +=
                "; open streak from \(s.start): clock \(s.clockDays) calendar days, \(s.unexcusedSchoolDays) unexcused school days, \(s.leaveSchoolDays) on leave (paused), \(s.unknownSchoolDays) unmarked (not counted)"
            if let since = date(out.since), out.rule != .absentBelowThreshold { ruleText += "; threshold passed on \(since)" }
        }
        // Missing dates: school days of the term window without a mark or covering leave span.
        var missing: [CivilDate] = []
        if out.missing > 0 {
            let marked = Set(offsets)
            var ws = ctx.wStart
            if facts.registration == .enrolled, let r = facts.registrationDate { ws = max(ws, r.dayNumber - ctx.base) }
            var o = ws
            while o <= ctx.wEnd {
                if ctx.isSchool[Int(o)] != 0, !marked.contains(o), !spans.contains(where: { $0.from <= o && o <= $0.to }) {
                    missing.append(ctx.date(o))
                }
                o += 1
            }
        }
        var alerts = AlertSet(rawValue: out.alerts)
        if !conflicts.isEmpty { alerts.insert(.conflictingMarks) }
        let flags = RiskFlags(rawValue: out.flags)
        var risks: [RiskFinding] = []
        if flags.contains(.chronicAbsence) {
            let share = profile[.chronicAbsenceShare]
            let pct = Double(out.termUnexcused) * 100 / Double(max(out.termSchoolDays, 1))
            let term = calendar.term(atOrBefore: asOfDate(ctx)).map { "\($0.schoolYear) \($0.name)" } ?? "term"
            risks.append(
                RiskFinding(
                    flag: .chronicAbsence,
                    why:
                        "unexcused on \(out.termUnexcused) of \(out.termSchoolDays) school days of the \(term) term so far (\(formatPercent(pct))) ≥ chronic_absence_share \(rules.chronicShare) (\(share.provenance.kind) \(share.provenance.citation)); approved leave is not counted"
                ))
        }
        if flags.contains(.specialGroup) {
            let groups = facts.groups.filter { profile.monitoredGroups.value.contains($0) }.map(\.chinese)
            risks.append(
                RiskFinding(
                    flag: .specialGroup,
                    why:
                        "member of monitored groups \(groups.joined(separator: "、")) (\(profile.monitoredGroups.provenance.kind) \(profile.monitoredGroups.provenance.citation))"
                ))
        }
        if flags.contains(.pastDropout) {
            risks.append(
                RiskFinding(flag: .pastDropout, why: "had a dropout case before: relapse risk (反弹; 001 二（二）确保辍学无新增、无反弹; 002 有的孩子反复失学辍学)"))
        }
        let gradeNote = facts.grade == nil ? " (grade expected from the birth date)" : ""
        if flags.contains(.primaryToJunior) {
            let g = facts.grade ?? facts.birthDate.map { SchoolAge(birthDate: $0).expectedGrade(on: ctx.asOf) } ?? 0
            let when =
                g == 6
                ? "grade 6 within \(windows.primaryGraduationLeadDays) days of the school year's end or in the summer after it"
                : "grade 7 within the first \(windows.juniorFirstDays) days of the school year"
            risks.append(RiskFinding(flag: .primaryToJunior, why: "小升初 transition: \(when)\(gradeNote) (001 二（二）紧盯小升初; 004 二（四）整班移交)"))
        }
        if flags.contains(.gradeEight) {
            risks.append(RiskFinding(flag: .gradeEight, why: "grade 8\(gradeNote): 初二学期 is a key point (001 二（二）)"))
        }
        if flags.contains(.graduationSeason) {
            risks.append(
                RiskFinding(
                    flag: .graduationSeason,
                    why:
                        "初三毕业季: grade 9 within \(windows.graduationLeadDays) days of the school year's end or after it\(gradeNote) (001 二（二）; every junior graduate registers for the 中考)"
                ))
        }
        let reasons = ReasonCode.allCases
        let reason: ReasonCode? = out.reason == 0 || Int(out.reason) > reasons.count ? nil : reasons[Int(out.reason) - 1]
        return Classification(
            asOf: ctx.asOf, status: out.status, since: date(out.since), rule: out.rule, ruleText: ruleText,
            citation: out.rule.citation(in: profile), streak: streak, alerts: alerts, riskFlags: flags, risks: risks,
            proposedReason: reason, termSchoolDays: Int(out.termSchoolDays), termUnexcusedDays: Int(out.termUnexcused),
            missingDates: missing, conflicts: conflicts)
    }

    private func asOfDate(_ ctx: ChildKernel.Context) -> CivilDate { ctx.asOf }
}

func formatPercent(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
}
