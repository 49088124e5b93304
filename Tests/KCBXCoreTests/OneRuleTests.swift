import Testing

@testable import KCBXCore

/// Issue 12, "rules that one path enforces and another does not": each rule has one function and
/// every path goes through it (docs/rules.md).
@Suite struct OneRuleTests {
    // MARK: The four steps (004 二（七）4) on the plain case-action path

    @Test(
        "四步法 (004 二（七）4): recordAction refuses return_notice, administrative_penalty, court_application and education out of order",
        arguments: PolicyProfile.builtinNames)
    func fourStepsInOrderOnTheCaseActionPath(_ profile: String) throws {
        let (_, l) = try LF.seeded(profile: profile)
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .G, on: LF.date("2025-09-17"))
        for step in [LedgerAction.returnNotice, .administrativePenalty, .courtApplication] {
            #expect { try l.recordAction(c.id, step, on: LF.date("2025-09-18")) } throws: { isRule($0, "四步法") && isRule($0, "004 二（七）4") }
        }
        #expect { try l.recordAction(c.id, .education, on: LF.date("2025-09-18")) } throws: { isRule($0, "guardian refusal") }
        try l.recordAction(c.id, .guardianRefusal, on: LF.date("2025-09-18"))
        try l.recordAction(c.id, .education, on: LF.date("2025-09-18"))
        // Step 2 not before step 1's deadline passed; step 3 not before the notice.
        #expect { try l.recordAction(c.id, .administrativePenalty, on: LF.date("2025-09-19")) } throws: { isRule($0, "四步法") }
        #expect { try l.recordAction(c.id, .education, on: LF.date("2025-09-19")) } throws: { isRule($0, "already taken") }
        // Nothing refused was recorded: only the refusal and step 1.
        #expect(try l.history(case: c.id).filter { $0.kind == "case.action" }.count == 2)
        try l.verify()
    }

    @Test("one write path: a referral without its department is refused on recordAction as on the due path")
    func referralNeedsDepartmentOnEveryPath() throws {
        let (_, l) = try LF.seeded()
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        #expect(throws: KCBXError.self) { try l.recordAction(c.id, .referral, on: LF.date("2025-09-17")) }
        #expect(throws: KCBXError.self) { try l.recordAction(c.id, .homeVisit, department: .police, on: LF.date("2025-09-17")) }
        try l.recordAction(c.id, .referral, department: .police, on: LF.date("2025-09-17"))
    }

    // MARK: One spelling for guardian contact

    @Test("guardian contact has one spelling: the obligation's action is the ledger action that discharges it")
    func guardianContactOneSpelling() {
        for o in ObligationAction.allCases {
            if let a = o.ledgerAction { #expect(a.rawValue == o.rawValue, "\(o) is discharged by \(a)") }
        }
        #expect(ObligationAction.guardianContact.rawValue == "guardian_contact")
        // Escalations stored under the old obligation id are read under the new one; the chain keeps them.
        #expect(EscalationRecord.currentID("s640422/20250908/contact_guardian") == "s640422/20250908/guardian_contact")
        #expect(EscalationRecord.currentID("c3/home_visit/1") == "c3/home_visit/1")
    }

    // MARK: School age (000 二（一）: 6 by 31 August; 6-15周岁)

    /// Children of 西吉县 born on the boundary dates, and where each stands on 2025-09-15.
    static let boundary: [(birth: String, standing: SchoolAgeStanding)] = [
        ("2019-08-31", .schoolAge),  // 6 by 31 August: enters this autumn
        ("2019-09-01", .belowSchoolAge),  // 6 on 1 September: enters next autumn, though 6 today
        ("2009-09-16", .schoolAge),  // 15, turns 16 tomorrow
        ("2009-09-15", .overAge),  // 16 today
    ]
    static let asOf = LF.date("2025-09-15")

    @Test("school age: one rule (SchoolAge.standing) at each boundary date")
    func schoolAgeBoundaries() {
        for b in Self.boundary {
            #expect(SchoolAge(birthDate: LF.date(b.birth)).standing(on: Self.asOf) == b.standing, "born \(b.birth)")
            #expect(SchoolAge(birthDate: LF.date(b.birth)).isCompulsoryAge(on: Self.asOf) == (b.standing == .schoolAge))
        }
        // On 31 August a child born 2019-08-31 is 6 but not yet due; on 1 September it is.
        #expect(SchoolAge(birthDate: LF.date("2019-08-31")).standing(on: LF.date("2025-08-31")) == .belowSchoolAge)
        #expect(SchoolAge(birthDate: LF.date("2019-08-31")).standing(on: LF.date("2025-09-01")) == .schoolAge)
    }

    @Test(
        "school age: classification under each profile follows SchoolAge.standing at the boundaries", arguments: PolicyProfile.builtinNames)
    func classificationFollowsTheSchoolAgeRule(_ profile: String) throws {
        let k = try classifier(profile, try calendar2025())
        for b in Self.boundary {
            let r = try k.classify([], facts: ChildFacts(birthDate: LF.date(b.birth), registration: .none), asOf: Self.asOf)
            let expected: ChildStatus = b.standing == .schoolAge ? .outOfSchool : b.standing == .belowSchoolAge ? .belowSchoolAge : .overAge
            #expect(r.status == expected, "\(profile): born \(b.birth)")
            #expect((r.proposedReason != nil) == (b.standing == .schoolAge))
        }
    }

    @Test("school age: 四查三比对 lists as 失学 and counts exactly the children classification calls out of school")
    func reconciliationFollowsTheSchoolAgeRule() {
        let household = Self.boundary.enumerated().map { i, b in
            HouseholdRecord(
                residentID: LF.rid(b.birth.replacingOccurrences(of: "-", with: ""), i + 1), name: "儿童\(i)", regionCode: LF.county)
        }
        let r = Reconciler.run(ReconciliationInput(regionPrefix: LF.county, asOf: Self.asOf, household: household, students: []))
        let expected = zip(household, Self.boundary).filter { $0.1.standing == .schoolAge }.map(\.0.residentID)
        #expect(r.findings(.outOfSchool).map(\.residentID).sorted() == expected.sorted())
        #expect(r.householdSchoolAge == expected.count)
        // In summer the child born 31 August is not yet due either.
        let summer = Reconciler.run(
            ReconciliationInput(regionPrefix: LF.county, asOf: LF.date("2025-08-31"), household: [household[0]], students: []))
        #expect(summer.findings(.outOfSchool).isEmpty && summer.householdSchoolAge == 0)
    }

    @Test(
        "school age: the sweep opens 失学 cases and openCase accepts them only for children of school age, per profile",
        arguments: PolicyProfile.builtinNames)
    func sweepAndCasesFollowTheSchoolAgeRule(_ profile: String) throws {
        let (_, l) = try LF.seeded(profile: profile)
        let kids = Self.boundary.enumerated().map { i, b in LF.rid(b.birth.replacingOccurrences(of: "-", with: ""), 51 + i) }
        _ = try l.importStudents(kids.enumerated().map { i, k in LF.row(k, "儿童\(i)", school: "", registration: "none") })
        let summary = try l.sweep(asOf: Self.asOf)
        let opened = try Set(summary.opened.map { try l.ledgerCase($0).student })
        for (k, b) in zip(kids, Self.boundary) {
            #expect(opened.contains(IDMask.key(k)) == (b.standing == .schoolAge), "\(profile): born \(b.birth)")  // listings are masked
            if b.standing == .belowSchoolAge {
                #expect { try l.openCase(student: k, kind: .outOfSchool, on: Self.asOf) } throws: { isRule($0, "000 二（一）") }
            } else if b.standing == .overAge {
                #expect { try l.openCase(student: k, kind: .outOfSchool, on: Self.asOf) } throws: { isRule($0, "6-15周岁") }
            }
        }
    }
}
