import Foundation
import Testing

@testable import KCBXCore

/// Closure (销号) only when the child is back and has stayed (“稳得住”, seed 000 三（二）), and
/// relapse (反弹, seeds 001 “无反弹”, 002 “反复失学辍学”).
@Suite struct LedgerClosureTests {
    /// kidA away without leave 8–23 Sept, returned 24 Sept, verified and persuaded in between.
    func returnedCase(_ l: Ledger) throws -> LedgerCase {
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-23")
        let c = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        try l.verifyCase(c.id, reason: .F, on: LF.date("2025-09-17"))
        try l.startPersuasion(c.id, plan: "家访、结对帮扶", person: "马老师", on: LF.date("2025-09-18"))
        return try l.recordReturn(c.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-24"))
    }

    @Test func closureRefusedEarlyThenAllowed() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        // 11 school days back (24 Sept .. 14 Oct, National Day week off, make-up days counted).
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-14")
        #expect { try l.closeCase(c.id, asOf: LF.date("2025-10-14")) } throws: { e in
            guard case KCBXError.ruleViolation(let rule, let detail) = e else { return false }
            return rule.contains("稳得住") && rule.contains("closure_attended_days = 20") && rule.contains("closure_window_days = 30")
                && detail.contains("attended 11 of 11 school days since the return on 2025-09-24") && detail.contains("needs 20 of 30")
        }
        try LF.marks(l, LF.kidA, .present, "2025-10-15", "2025-10-24")
        #expect(try l.closureCheck(case: c.id, asOf: LF.date("2025-10-24")).attended == 19)
        #expect(throws: KCBXError.self) { try l.closeCase(c.id, asOf: LF.date("2025-10-24")) }
        try LF.marks(l, LF.kidA, .present, "2025-10-27", "2025-10-27")
        let closed = try l.closeCase(c.id, asOf: LF.date("2025-10-27"))
        #expect(closed.status == .closed && closed.closedOn == "2025-10-27")
        let last = try #require(try l.history(case: c.id).last)
        #expect(last.kind == "case.closed" && last.payload.contains(#""attended":20"#) && last.payload.contains(#""window":30"#))
        #expect { try l.closeCase(c.id, asOf: LF.date("2025-10-28")) } throws: { isRule($0, "is closed") }
        try l.verify()
    }

    /// Unmarked days are unknown, not attended (DOMAIN.md §7); a window of mixed days counts presence only.
    @Test func unmarkedAndAbsentDaysDoNotCount() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-10")
        try LF.marks(l, LF.kidA, .late, "2025-10-13", "2025-10-17")
        try LF.marks(l, LF.kidA, .approvedLeave, "2025-10-20", "2025-10-24")
        let k = try l.closureCheck(case: c.id, asOf: LF.date("2025-11-07"))
        // 24 Sept..7 Nov: 29 school days; present 8 + late 5 = 13; leave and unmarked days do not count.
        #expect(k.schoolDays == 29 && k.attended == 13 && !k.allowed)
    }

    /// A child back in school 20 days who is away again now may not be closed.
    @Test func awayAgainBlocksClosure() throws {
        let (_, l) = try LF.seeded()
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-27")
        try LF.marks(l, LF.kidA, .unexcused, "2025-10-28", "2025-11-10")
        #expect { try l.closeCase(c.id, asOf: LF.date("2025-11-10")) } throws: { isRule($0, "suspected_dropout again") }
    }

    /// The closure check says why a case may not close, by the rule closing applies (issue 12): a
    /// case not yet returned (lifecycle), too few days back, away again; allowed once every rule holds.
    @Test func closureCheckGivesTheReasonsClosingWouldRefuseBy() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-23")
        let open = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-09-16"))
        let early = try l.closureCheck(case: open.id, asOf: LF.date("2025-09-22"))
        #expect(
            !early.allowed && early.reasons.count == 1 && early.reasons[0].contains("is suspected")
                && early.reasons[0].contains("needs status returned"))
        try l.verifyCase(open.id, reason: .F, on: LF.date("2025-09-17"))
        try l.startPersuasion(open.id, plan: "家访", person: "马老师", on: LF.date("2025-09-18"))
        try l.recordReturn(open.id, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-24"))
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-14")
        let few = try l.closureCheck(case: open.id, asOf: LF.date("2025-10-14"))
        #expect(!few.allowed && few.reasons.count == 1 && few.reasons[0].contains("attended 11 of 11") && few.reasons[0].contains("稳得住"))
        try LF.marks(l, LF.kidA, .present, "2025-10-15", "2025-10-27")
        let ok = try l.closureCheck(case: open.id, asOf: LF.date("2025-10-27"))
        #expect(ok.allowed && ok.reasons.isEmpty)
        #expect(try l.closeCase(open.id, asOf: LF.date("2025-10-27")).status == .closed)
    }

    /// Closure parameters come from the profile: a profile file may set 5 of 10.
    @Test func closureFollowsTheProfile() throws {
        var policy = try PolicyProfile.builtin("huarong-2024")
        try policy.set(.closureAttendedDays, Sourced(.number(5), .file("test profile")))
        try policy.set(.closureWindowDays, Sourced(.number(10), .file("test profile")))
        let p = LF.path()
        let l = try LF.open(p, policy: policy)
        try l.setCalendar(LF.calendar)
        _ = try l.importStudents(LF.roster)
        let c = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-09-29")
        #expect(try l.closeCase(c.id, asOf: LF.date("2025-09-29")).status == .closed)
    }

    @Test func relapseIsLinkedAndFlagged() throws {
        let (_, l) = try LF.seeded()
        let first = try returnedCase(l)
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-27")
        try l.closeCase(first.id, asOf: LF.date("2025-10-27"))
        let again = try l.openCase(student: LF.kidA, kind: .suspectedDropout, on: LF.date("2025-11-12"))
        #expect(again.relapseOf == first.id && again.isRelapse && again.id != first.id)
        #expect(try l.history(case: again.id).first?.reason.contains("反弹") == true)
        var f = LedgerCaseFilter()
        f.relapseOnly = true
        #expect(try l.cases(f).map(\.id) == [again.id])
        #expect(again.jsonValue.serialized(pretty: false).contains(#""relapse_of":\#(first.id)"#))
        // A dismissed case is no relapse.
        let b = try l.openCase(student: LF.kidB, kind: .suspectedDropout, on: LF.date("2025-10-01"))
        try l.dismissCase(b.id, why: .dataError, on: LF.date("2025-10-02"))
        #expect(try l.openCase(student: LF.kidB, kind: .suspectedDropout, on: LF.date("2025-11-03")).relapseOf == 0)
    }
}
