import Foundation
import Testing

@testable import KCBXCore

func isRule(_ e: any Error, _ fragment: String) -> Bool {
    guard case KCBXError.ruleViolation(let rule, let detail) = e else { return false }
    return rule.contains(fragment) || detail.contains(fragment)
}

func isDenied(_ e: any Error) -> Bool {
    if case KCBXError.permissionDenied = e { return true } else { return false }
}

/// The case lifecycle (DOMAIN.md §4): suspected → verified | dismissed → persuading → returned →
/// closed, exempt states with the expert opinion (seed 002), per profile.
@Suite struct LedgerCaseTests {
    @Test(arguments: PolicyProfile.builtinNames)
    func lifecyclePerProfile(_ profile: String) throws {
        let (_, l) = try LF.seeded(profile: profile)
        let policy = try PolicyProfile.builtin(profile)
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        #expect(c.status == .suspected && c.id == 1 && c.source == "manual" && !c.isRelapse)
        try l.verifyCase(c.id, reason: .G, on: LF.date("2025-09-17"), note: "家访核实：厌学在家")
        // 一人一案 (001, 003, 004) and 人盯人 (003 only) are profile parameters.
        if policy.flag(.perChildPlan) {
            #expect { try l.startPersuasion(c.id, plan: "", person: "马老师", on: LF.date("2025-09-18")) } throws: {
                isRule($0, "per_child_plan")
            }
        }
        if policy.flag(.oneToOneAssignment) {
            #expect { try l.startPersuasion(c.id, plan: "一人一案", person: "", on: LF.date("2025-09-18")) } throws: {
                isRule($0, "one_to_one_assignment")
            }
        } else {
            try l.startPersuasion(c.id, plan: "一人一案", person: "", on: LF.date("2025-09-18"))
        }
        let p = try l.startPersuasion(c.id, plan: "班主任每周家访；结对帮扶", person: "马老师", on: LF.date("2025-09-19"))
        #expect(p.status == .persuading && p.person == "马老师")
        try l.recordAction(c.id, .homeVisit, on: LF.date("2025-09-20"))
        // 四步法 (004 二（七）4): no notice to return before the guardian refused and was educated.
        #expect { try l.recordAction(c.id, .returnNotice, on: LF.date("2025-09-22"), note: "限期复学通知书 No.7") } throws: { isRule($0, "四步法") }
        try l.recordAction(c.id, .guardianRefusal, on: LF.date("2025-09-21"))
        try l.recordAction(c.id, .education, on: LF.date("2025-09-22"))
        let r = try l.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-24"))
        #expect(r.status == .returned && r.returnDate == "2025-09-24" && r.placement == "original_school")
        #expect(
            try l.history(case: c.id).map(\.kind) == ["case.opened", "case.verified", "case.persuading"]
                + (policy.flag(.oneToOneAssignment) ? [] : ["case.persuading"]) + [
                    "case.action", "case.action", "case.action", "case.returned",
                ])
        try l.verify()
    }

    @Test func illegalTransitionsNameTheRule() throws {
        let (_, l) = try LF.seeded()
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        #expect { try l.closeCase(c.id, asOf: LF.date("2025-12-01")) } throws: { isRule($0, "close needs status returned") }
        #expect { try l.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-20")) } throws: {
            isRule($0, "case lifecycle")
        }
        try l.verifyCase(c.id, reason: .F, on: LF.date("2025-09-17"))
        #expect { try l.verifyCase(c.id, reason: .F, on: LF.date("2025-09-17")) } throws: { isRule($0, "verify needs status suspected") }
        #expect { try l.dismissCase(c.id, why: .dataError, on: LF.date("2025-09-17")) } throws: { isRule($0, "is verified") }
        // One open case per child; A/B are 失学 reasons only.
        #expect { try l.openCase(student: LF.kidA, kind: .dropout, on: LF.date("2025-09-18")) } throws: {
            isRule($0, "one open case per child")
        }
        let b = try l.openCase(student: LF.kidB, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        #expect { try l.verifyCase(b.id, reason: .A, on: LF.date("2025-09-17")) } throws: { isRule($0, "A/B are 失学") }
        let d = try l.dismissCase(b.id, why: .transferred, on: LF.date("2025-09-17"))
        #expect(d.status == .dismissed && d.dismissal == "transferred")
        #expect { try l.recordAction(b.id, .note, on: LF.date("2025-09-18")) } throws: { isRule($0, "is dismissed") }
        // Kind must fit the registration (DOMAIN.md §2).
        #expect { try l.openCase(student: LF.kidC, kind: .dropout, on: LF.date("2025-09-16")) } throws: { isRule($0, "enrolled") }
        #expect { try l.openCase(student: LF.kidD, kind: .outOfSchool, on: LF.date("2025-09-16")) } throws: { isRule($0, "失学") }
        // Dates in the future or before the case are refused by name.
        #expect(throws: KCBXError.invalidInput(field: "date", rule: "2025-12-16 is in the future (today is 2025-12-15)")) {
            try l.recordAction(c.id, .note, on: LF.date("2025-12-16"))
        }
        #expect(throws: KCBXError.invalidInput(field: "date", rule: "2025-09-01 is before the case was opened on 2025-09-16")) {
            try l.recordAction(c.id, .note, on: LF.date("2025-09-01"))
        }
        #expect(throws: KCBXError.notFound(what: "case", name: "99")) { try l.recordAction(99, .note, on: LF.date("2025-09-20")) }
        // A key on no roster is refused like one outside the jurisdiction (issue 11: nothing tells which).
        #expect(
            throws: KCBXError.permissionDenied(
                "county 640422 李科长 may not open a case: student nobody is not on the roster of county 640422")
        ) {
            try l.openCase(student: "nobody", kind: .dropout, on: LF.date("2025-09-20"))
        }
    }

    /// Seed 002 二（四）: 填报重病重残无需劝返的适龄儿童，原则上应有当地专家组出具的缓学、休学意见.
    @Test func exemptionNeedsTheExpertOpinion() throws {
        let (_, l) = try LF.seeded(profile: "fujian-2020")
        let c = try l.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .D, on: LF.date("2025-09-17"))
        #expect { try l.exemptCase(c.id, .suspended, opinion: "  ", on: LF.date("2025-09-18")) } throws: { isRule($0, "002 二（四）") }
        let e = try l.exemptCase(c.id, .suspended, opinion: "西吉县残疾人教育专家委员会〔2025〕3号", on: LF.date("2025-09-18"))
        #expect(e.status == .suspended && e.opinionRef.contains("〔2025〕3号"))
        // Later home-delivered teaching (送教上门) for the disabled child.
        let r = try l.recordReturn(c.id, school: LF.schoolB1, placement: .homeDelivered, on: LF.date("2025-10-09"))
        #expect(r.status == .returned)
        let a = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(a.id, reason: .H, on: LF.date("2025-09-17"))
        #expect { try l.exemptCase(a.id, .deferred, opinion: "专家组意见", on: LF.date("2025-09-18")) } throws: {
            isRule($0, "illness or disability")
        }
        try l.startPersuasion(a.id, plan: "一人一案", person: "", on: LF.date("2025-09-18"))
        #expect { try l.recordReturn(a.id, school: LF.schoolA1, placement: .homeDelivered, on: LF.date("2025-09-19")) } throws: {
            isRule($0, "disabled or ill")
        }
        #expect { try l.recordReturn(a.id, school: LF.schoolA2, placement: .originalSchool, on: LF.date("2025-09-19")) } throws: {
            isRule($0, "original school")
        }
        #expect(
            try l.recordReturn(a.id, school: LF.schoolA2, placement: .otherSchool, on: LF.date("2025-09-19")).returnSchool == LF.schoolA2)
    }

    /// Seed 000 二（四）: 失学儿童劝返后由教育局统一进行安置 — a township may persuade, the county places.
    @Test func outOfSchoolChildrenArePlacedByTheCounty() throws {
        let (p, county) = try LF.seeded(profile: "baiyin-2020")
        let town = try LF.open(p, LF.townAActor, profile: "baiyin-2020")
        let c = try town.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2025-09-16"))
        try town.verifyCase(c.id, reason: .A, on: LF.date("2025-09-17"))
        try town.startPersuasion(c.id, plan: "入户动员", person: "马专干", on: LF.date("2025-09-18"))
        #expect { try town.recordReturn(c.id, school: LF.schoolA1, placement: .otherSchool, on: LF.date("2025-09-22")) } throws: {
            isDenied($0)
        }
        let refused = try county.history(case: c.id).last
        #expect(refused?.kind == "access.refused" && refused?.reason.contains("000 二（四）") == true)
        #expect { try county.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-22")) } throws: {
            isRule($0, "original school")
        }
        #expect(try county.recordReturn(c.id, school: LF.schoolA1, placement: .otherSchool, on: LF.date("2025-09-22")).status == .returned)
        // A school cannot act on a child of another school, and the refusal is in the case's history.
        let school = try LF.open(p, LF.schoolA1Actor, profile: "baiyin-2020")
        let d = try county.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        #expect { try school.verifyCase(d.id, reason: .C, on: LF.date("2025-09-17")) } throws: { isDenied($0) }
        #expect { try school.ledgerCase(d.id) } throws: { isDenied($0) }
        #expect(
            try county.history(case: d.id).map(\.kind) == ["case.opened", "access.refused", "access.refused"],
            "refused reads are recorded too")
        #expect(try school.cases().map(\.id) == [], "a school lists only its own students' cases")
        try county.verify()
    }

    @Test func queriesFilterByStatusReasonSchoolGroupAndDate() throws {
        let (p, l) = try LF.seeded()
        let a = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        let b = try l.openCase(student: LF.kidB, kind: .dropout, on: LF.date("2025-10-20"))
        let d = try l.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-11-03"))
        try l.verifyCase(a.id, reason: .G, on: LF.date("2025-09-17"))
        try l.verifyCase(b.id, reason: .I, on: LF.date("2025-10-21"))
        var f = LedgerCaseFilter()
        f.statuses = [.verified]
        #expect(try l.cases(f).map(\.id) == [a.id, b.id])
        f = LedgerCaseFilter()
        f.reasons = [.I]
        #expect(try l.cases(f).map(\.id) == [b.id])
        f = LedgerCaseFilter()
        f.schoolID = LF.schoolB1
        #expect(try l.cases(f).map(\.id) == [d.id])
        f = LedgerCaseFilter()
        f.townshipCode = LF.townA
        #expect(try l.cases(f).map(\.id) == [a.id, b.id])
        f = LedgerCaseFilter()
        f.group = .registeredPoor
        #expect(try l.cases(f).map(\.id) == [b.id])
        f = LedgerCaseFilter()
        f.openedFrom = LF.date("2025-10-01")
        f.openedThrough = LF.date("2025-10-31")
        #expect(try l.cases(f).map(\.id) == [b.id])
        f = try LedgerCaseFilter(json: #"{"kind": ["suspected_dropout"], "open_only": true}"#)
        #expect(try l.cases(f).map(\.id) == [a.id, d.id])
        #expect(throws: KCBXError.self) { _ = try LedgerCaseFilter(json: #"{"colour": "red"}"#) }
        #expect(throws: KCBXError.self) { _ = try LedgerCaseFilter(json: #"{"status": ["lost"]}"#) }
        let town = try LF.open(p, LF.townAActor)
        #expect(try town.cases().map(\.id) == [a.id, b.id])
        let json = a.jsonValue.serialized(pretty: false)
        #expect(json.contains(#""kind":"suspected_dropout""#) && json.contains(#""relapse":false"#))
    }
}
