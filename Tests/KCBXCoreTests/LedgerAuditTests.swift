import Foundation
import Testing

@testable import KCBXCore

/// The ledger audit (台账信息不实, seed 002 四（二）: 对工作不落实、台账信息不实的单位 … 加大问责力度;
/// DOMAIN.md §8): entries the data contradicts are found with their evidence and recorded once.
@Suite struct LedgerAuditTests {
    /// kidA away without leave 8–23 Sept, verified 17 Sept, persuaded 18 Sept, returned 24 Sept.
    func returnedCase(_ l: Ledger, _ kid: String = LF.kidA) throws -> LedgerCase {
        try LF.marks(l, kid, .unexcused, "2025-09-08", "2025-09-23")
        let c = try l.openCase(student: kid, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .F, on: LF.date("2025-09-17"))
        try l.startPersuasion(c.id, plan: "家访、结对帮扶", person: "马老师", on: LF.date("2025-09-18"))
        return try l.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-24"))
    }

    func checks(_ r: LedgerAuditResult) -> [LedgerAuditCheck] { r.findings.map(\.check) }

    @Test func aTrueReturnAndClosureAreNotFlagged() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-27")
        try l.closeCase(c.id, asOf: LF.date("2025-10-27"))
        let r = try l.audit(asOf: LF.date("2025-11-03"))
        #expect(r.findings.isEmpty && r.recorded == 0)
    }

    /// 002 四（二）: a return recorded while the marks show the child still absent.
    @Test func returnWhileStillAbsentIsFound() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-24", "2025-09-30")
        let r = try l.audit(asOf: LF.date("2025-09-30"))
        #expect(checks(r) == [.returnWhileAbsent])
        let f = try #require(r.findings.first)
        #expect(f.caseID == c.id && f.date == "2025-09-24" && f.entrySeq > 0 && f.recordedBy.contains("李科长"))
        #expect(f.evidence.contains("2025-09-24 unexcused") && f.evidence.contains("no day at school"))
        #expect(f.student == IDMask.key(LF.kidA) && f.findingSeq > 0 && r.recorded == 1)
    }

    /// 000 三（二）稳得住: a closure the 20-of-30 rule does not support once the marks are corrected.
    @Test func closureTheMarksDoNotSupportIsFound() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-27")
        try l.closeCase(c.id, asOf: LF.date("2025-10-27"))
        try LF.marks(l, LF.kidA, .unexcused, "2025-10-13", "2025-10-27")
        let r = try l.audit(asOf: LF.date("2025-10-31"))
        #expect(checks(r) == [.closureUnsupported])
        let f = try #require(r.findings.first)
        #expect(f.caseID == c.id && f.date == "2025-10-27")
        #expect(
            f.evidence.contains("attended 9 of 20 school days since the return on 2025-09-24")
                && f.evidence.contains("closure_attended_days = 20"))
    }

    /// 002 二（一）“一个不错”: dismissed as transferred while still on this roster, with marks after it.
    @Test func falseTransferIsFoundAndATrueOneIsNot() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-19")
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.dismissCase(c.id, why: .transferred, on: LF.date("2025-09-17"))
        let r = try l.audit(asOf: LF.date("2025-09-30"))
        #expect(checks(r) == [.falseTransfer])
        #expect(
            r.findings[0].evidence.contains("still shows the child enrolled at S-A1")
                && r.findings[0].evidence.contains("2 attendance marks after"))

        let (_, clean) = try LF.seeded()
        try LF.marks(clean, LF.kidB, .unexcused, "2025-09-08", "2025-09-16")
        let d = try clean.openCase(student: LF.kidB, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try clean.dismissCase(d.id, why: .transferred, on: LF.date("2025-09-17"))
        var moved = LF.row(LF.kidB, "王小花", grade: 5, registration: "transferred_out", groups: "registered_poor;left_behind")
        moved.registrationDate = "2025-09-15"
        _ = try clean.importStudents([moved])
        #expect(try clean.audit(asOf: LF.date("2025-09-30")).findings.isEmpty)
    }

    /// Present on days the case history says the child was away (verified 17 Sept, not returned).
    @Test func presentWhileAwayIsFound() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-17")
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .H, on: LF.date("2025-09-17"))
        try LF.marks(l, LF.kidA, .present, "2025-09-18", "2025-09-19")
        let r = try l.audit(asOf: LF.date("2025-09-22"))
        #expect(checks(r) == [.presentWhileAway])
        #expect(r.findings[0].evidence.contains("marked at school on 2 of those days (2025-09-18 present, 2025-09-19 present)"))
    }

    /// Steps dated after the child left the roster, and a registration changed under an open case.
    @Test func actionAfterTheChildLeftAndUnverifiedRegistrationChange() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-17")
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.recordAction(c.id, .homeVisit, on: LF.date("2025-09-25"))
        var moved = LF.row(LF.kidA, "马小明", registration: "transferred_out")
        moved.registrationDate = "2025-09-20"
        _ = try l.importStudents([moved])
        let r = try l.audit(asOf: LF.date("2025-09-30"))
        #expect(checks(r) == [.actionAfterLeft, .reasonUnverified])
        #expect(
            r.findings[0].evidence.contains("home_visit dated 2025-09-25")
                && r.findings[0].evidence.contains("transferred_out on 2025-09-20"))
        #expect(
            r.findings[1].evidence.contains("registration to transferred_out")
                && r.findings[1].evidence.contains("no dismissal or exemption"))
    }

    /// One person returning and closing many cases on one day is a pattern, flagged, never an accusation.
    @Test func sameDayReturnAndClosureIsAPatternAboveTheThreshold() throws {
        let (_, l) = try LF.seeded()
        for kid in [LF.kidA, LF.kidB] {
            let c = try returnedCase(l, kid)
            try LF.marks(l, kid, .present, "2025-09-24", "2025-10-27")
            try l.closeCase(c.id, asOf: LF.date("2025-10-27"))
        }
        #expect(try l.audit(asOf: LF.date("2025-11-03")).findings.isEmpty)
        var o = LedgerAuditOptions()
        o.sameDayPatternMinimum = 2
        let r = try l.audit(asOf: LF.date("2025-11-03"), options: o)
        #expect(checks(r) == [.sameDayReturnAndClosure])
        #expect(
            r.findings[0].caseID == 0 && r.findings[0].evidence.contains("2 cases") && r.findings[0].evidence.contains("not an accusation"))
    }

    /// Findings are attributable events; re-running the audit records nothing new.
    @Test func findingsAreRecordedOnce() throws {
        let (_, l) = try LF.seeded()
        _ = try returnedCase(l)
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-24", "2025-09-30")
        let first = try l.audit(asOf: LF.date("2025-09-30"))
        let seq = try LF.eventCount(l)
        let again = try l.audit(asOf: LF.date("2025-10-10"))
        let after = try LF.eventCount(l)
        #expect(first.recorded == 1 && again.recorded == 0 && after == seq)
        #expect(again.findings.map(\.findingSeq) == first.findings.map(\.findingSeq))
        let e = try #require(try l.events(after: 0, limit: 10_000).last)
        #expect(e.kind == "audit_finding" && e.actor.person == "李科长" && e.payload.contains("return_while_absent"))
        var o = LedgerAuditOptions()
        o.record = false
        #expect(try l.audit(asOf: LF.date("2025-10-10"), options: o).findings.count == 1)
        try l.verify()
    }

    @Test func schoolsDoNotAuditThemselves() throws {
        let (p, _) = try LF.seeded()
        let school = try LF.open(p, LF.schoolA1Actor)
        #expect(throws: KCBXError.self) { try school.audit(asOf: LF.date("2025-09-30")) }
        #expect(throws: KCBXError.self) { try school.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1) }
    }
}

/// 台账信息抽查、入户核查 (seed 002 四（二）): reproducible stratified draws, redraws visible.
@Suite struct SpotCheckTests {
    func ledgerWithCases() throws -> Ledger {
        let (_, l) = try LF.seeded()
        for kid in [LF.kidA, LF.kidB, LF.kidD] {
            try LF.marks(l, kid, .unexcused, "2025-09-08", "2025-09-19")
            _ = try l.openCase(student: kid, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        }
        return l
    }

    @Test func theSameSeedDrawsTheSameSampleStratifiedBySchoolAndStatus() throws {
        let a = try ledgerWithCases()
        let b = try ledgerWithCases()
        let da = try a.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1, seed: 42)
        let db = try b.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1, seed: 42)
        #expect(da.sample == db.sample && da.seed == 42)
        #expect(da.strata.map(\.school) == [LF.schoolA1, LF.schoolB1] && da.strata.map(\.population) == [2, 1] && da.sample.count == 2)
        let t = try a.spotCheckTable(da)
        #expect(t.rows.count == 2 && t.headers.contains("seed") && t.rows[0][2] == "42")
    }

    @Test func aSecondDrawIsRefusedUnlessRecordedAsARedrawWhichTheAuditLists() throws {
        let l = try ledgerWithCases()
        let first = try l.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1)
        #expect { try l.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1, seed: 7) } throws: {
            isRule($0, "one draw per period")
        }
        let again = try l.drawSpotCheck(period: "2025-09", asOf: LF.date("2025-09-30"), perStratum: 1, seed: 7, redrawReason: "抽到的学校停电")
        #expect(again.redrawOf == first.seq)
        let r = try l.audit(asOf: LF.date("2025-09-30"))
        let f = try #require(r.findings.first { $0.check == .spotCheckRedrawn })
        #expect(f.entrySeq == again.seq && f.evidence.contains("停电") && f.evidence.contains("after draw #\(first.seq)"))
    }

    @Test func homeVerificationsAreRecordedAndSummarised() throws {
        let l = try ledgerWithCases()
        let d = try l.drawSpotCheck(period: "2025Q3", asOf: LF.date("2025-09-30"), perStratum: 2, seed: 1)
        #expect(d.sample.count == 3)
        try l.recordHomeVerification(case: d.sample[0], result: .confirmed, on: LF.date("2025-10-09"))
        try l.recordHomeVerification(case: d.sample[1], result: .contradicted, on: LF.date("2025-10-09"), note: "孩子在家务农")
        #expect { try l.recordHomeVerification(case: d.sample[0], result: .contradicted, on: LF.date("2025-10-10")) } throws: {
            isRule($0, "was verified as confirmed")
        }
        #expect(throws: KCBXError.self) { try l.recordHomeVerification(case: d.sample[2], result: .confirmed, on: LF.date("2025-09-20")) }
        let t = try l.spotCheckSummary(period: "2025Q3")
        let total = try #require(t.rows.last)
        #expect(total == ["合计", "3", "2", "1", "1", "0", "50.00%"])
        let outside = try l.openCase(student: LF.kidC, kind: .outOfSchool, on: LF.date("2025-10-01"))
        #expect { try l.recordHomeVerification(case: outside.id, result: .confirmed, on: LF.date("2025-10-09")) } throws: {
            isRule($0, "no recorded spot-check draw")
        }
    }
}

/// 001 二（二）: 初中毕业生必须全部参加报名考试，对未报名学生 … 必须查明原因、做出说明.
@Suite struct ZhongkaoCheckTests {
    static let nine1 = LF.rid("20100405", 51), nine2 = LF.rid("20100611", 62)

    @Test func grade9StudentsNotRegisteredAreListedForTheSchoolToExplain() throws {
        let (_, l) = try LF.seeded()
        _ = try l.importStudents([
            LF.row(Self.nine1, "马小九", grade: 9), LF.row(Self.nine2, "李小九", school: LF.schoolB1, town: LF.townB, grade: 9),
        ])
        let list = try ZhongkaoRegistrationList(csvText: "resident_id,name\n\(Self.nine1),马小九\n")
        let t = try l.zhongkaoCheck(registrations: list, asOf: LF.date("2025-10-20"))
        #expect(t.rows.count == 1 && t.rows[0][0] == LF.schoolB1 && t.rows[0][3] == "李小九" && t.rows[0][7] == "")
        #expect(t.rows[0][2] == IDMask.key(Self.nine2) && t.notes.contains { $0.contains("001 二（二）") })
    }

    @Test func theRegistrationListIsReadStrictly() throws {
        #expect { try ZhongkaoRegistrationList(csvText: "resident_id\n\(Self.nine1)\n\(Self.nine1)\n") } throws: {
            "\($0)".contains("row 3") && "\($0)".contains("twice")
        }
        #expect { try ZhongkaoRegistrationList(csvText: "resident_id\n640422201004050519\n") } throws: {
            "\($0)".contains("row 2 resident_id")
        }
        #expect { try ZhongkaoRegistrationList(csvText: "resident_id,score\n\(Self.nine1),600\n") } throws: { "\($0)".contains("score") }
        #expect { try ZhongkaoRegistrationList(csvText: "name\n马小九\n") } throws: { "\($0)".contains("resident_id or registry_number") }
    }
}
