import Foundation
import Testing

@testable import KCBXCore

/// The sweep classifies everyone through `Classifier` and opens, promotes or flags cases
/// (seed 001 附件1 notes 1-2; seed 000 二（一）每学期首月20日前排查).
@Suite struct LedgerSweepTests {
    @Test func sweepOpensPromotesAndIsIdempotent() throws {
        let (p, l) = try LF.seeded()
        for kid in [LF.kidA, LF.kidD] { try LF.marks(l, kid, .present, "2025-09-01", "2025-11-14") }
        try LF.marks(l, LF.kidB, .present, "2025-09-01", "2025-09-05")
        try LF.marks(l, LF.kidB, .unexcused, "2025-09-08", "2025-11-14")
        // First absence Monday 8 Sept → suspected as of Monday 15 Sept (DOMAIN.md §2), not Sunday 14 Sept.
        let early = try l.sweep(asOf: LF.date("2025-09-14"))
        #expect(early.opened.count == 1 && early.statuses["suspected_dropout"] == nil)  // only kidC, out of school
        let s = try l.sweep(asOf: LF.date("2025-09-15"))
        #expect(s.classified == 4 && s.opened.count == 1 && s.statuses["suspected_dropout"] == 1)
        let cases = try l.cases()
        #expect(cases.map(\.kind) == [.outOfSchool, .suspectedDropout])
        #expect(cases.map(\.student) == [LF.kidC, LF.kidB].map(IDMask.key) && cases.allSatisfy { $0.source == "sweep" })
        #expect(cases[1].openedOn == "2025-09-15")
        // The child out of school since reaching school age is found — and its case opened — on the sweep date.
        #expect(cases[0].openedOn == "2025-09-14")
        #expect(try l.history(case: cases[1].id).first?.reason.contains("suspected_after") == true)
        // Running it again for the same date (or the next day) changes nothing.
        let head = try l.head()
        #expect(try l.sweep(asOf: LF.date("2025-09-15")).changes == 0)
        #expect(try l.sweep(asOf: LF.date("2025-09-16")).changes == 0)
        #expect(try l.head() == head)
        // Still away more than a month after becoming suspected: promoted to dropout (001 note 2).
        let later = try l.sweep(asOf: LF.date("2025-11-14"))
        #expect(later.promoted == [cases[1].id] && later.opened.isEmpty)
        #expect(try l.ledgerCase(cases[1].id).kind == .dropout)
        #expect(try l.sweep(asOf: LF.date("2025-11-14")).changes == 0)
        // A school sweeps only its own students.
        let school = try LF.open(p, LF.schoolA1Actor)
        #expect(try school.sweep(asOf: LF.date("2025-11-14")).classified == 2)
        try l.verify()
    }

    @Test func sweepLinksRelapsesAndFlagsChildrenAwayAgain() throws {
        let (_, l) = try LF.seeded()
        try LF.marks(l, LF.kidA, .present, "2025-09-01", "2025-09-05")
        try LF.marks(l, LF.kidA, .unexcused, "2025-09-08", "2025-09-23")
        let first = try #require(
            try l.sweep(asOf: LF.date("2025-09-16")).opened.first { try l.ledgerCase($0).student == IDMask.key(LF.kidA) })
        try l.verifyCase(first, reason: .F, on: LF.date("2025-09-17"))
        try l.startPersuasion(first, plan: "家访", person: "马老师", on: LF.date("2025-09-18"))
        try l.recordReturn(first, school: LF.schoolA1, placement: .originalSchool, on: LF.date("2025-09-24"))
        try LF.marks(l, LF.kidA, .present, "2025-09-24", "2025-10-27")
        try l.closeCase(first, asOf: LF.date("2025-10-27"))
        // Away again from 3 November: the sweep opens a new case linked to the closed one (反弹).
        try LF.marks(l, LF.kidA, .unexcused, "2025-11-03", "2025-11-14")
        let s = try l.sweep(asOf: LF.date("2025-11-14"))
        let relapse = try #require(s.relapses.first)
        #expect(try l.ledgerCase(relapse).relapseOf == first)
        #expect(try l.sweep(asOf: LF.date("2025-11-14")).changes == 0)
        // kidD returned but away again before closure: flagged, not reopened.
        try LF.marks(l, LF.kidD, .present, "2025-09-01", "2025-10-31")
        let d = try l.openCase(student: LF.kidD, kind: .suspectedDropout, on: LF.date("2025-10-09"))
        try l.verifyCase(d.id, reason: .C, on: LF.date("2025-10-09"))
        try l.startPersuasion(d.id, plan: "随班就读支持", person: "", on: LF.date("2025-10-10"))
        try l.recordReturn(d.id, school: LF.schoolB1, placement: .regularClass, on: LF.date("2025-10-13"))
        try LF.marks(l, LF.kidD, .unexcused, "2025-11-03", "2025-11-14")
        let f = try l.sweep(asOf: LF.date("2025-11-14"))
        #expect(f.flagged == [d.id] && f.opened.isEmpty)
        #expect(try l.ledgerCase(d.id).flags == "absent_again" && (try l.ledgerCase(d.id).status) == .returned)
        #expect(try l.sweep(asOf: LF.date("2025-11-14")).changes == 0)
        try l.verify()
    }

    @Test func sweepNeedsTheCalendarAndAPastDate() throws {
        let l = try LF.open(LF.path())
        #expect { try l.sweep(asOf: LF.date("2025-09-15")) } throws: { isRule($0, "calendar") }
        try l.setCalendar(LF.calendar)
        #expect(throws: KCBXError.invalidInput(field: "as_of", rule: "2025-12-16 is in the future (today is 2025-12-15)")) {
            try l.sweep(asOf: LF.date("2025-12-16"))
        }
    }
}
