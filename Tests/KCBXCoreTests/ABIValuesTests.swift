import KCBXCore
import Testing

// Issue 12 (the C ABI): enum values are ABI. Every KCBXCore value crosses through an exhaustive
// switch (Sources/CInterface/ABIValues.swift), never by its position in `allCases`; where the core
// keeps a number of its own for bulk columns, it must be the header's number.
@testable import CInterface

@Test("Case status and kind cross by name, not position: reordering LedgerCaseStatus cannot move KCBX_CASE_STATUS_*")
func caseStatusAndKindNumbersAreExplicit() {
    let status: [LedgerCaseStatus: Int32] = [
        .suspected: 1, .verified: 2, .dismissed: 3, .persuading: 4, .returned: 5,
        .closed: 6, .deferred: 7, .suspended: 8,
    ]
    for s in LedgerCaseStatus.allCases { #expect(kcbx_case_status(s).rawValue == status[s], "\(s)") }
    let kind: [LedgerCaseKind: Int32] = [.outOfSchool: 1, .suspectedDropout: 2, .dropout: 3]
    for k in LedgerCaseKind.allCases { #expect(kcbx_case_kind(k).rawValue == kind[k], "\(k)") }
}

@Test("Reason codes A–T (seed 001 附件1 填表说明3) are 1–20 by letter in the core's bulk column and in kcbx_reason")
func reasonNumbersAreExplicit() {
    #expect(kcbx_reason(nil) == .none)
    for r in ReasonCode.allCases {
        let letter = Int32(r.rawValue.unicodeScalars.first!.value) - 64  // A = 1 … T = 20
        #expect(kcbx_reason(r).rawValue == letter, "\(r)")
        #expect(Int32(r.number) == letter, "\(r)")
        #expect(ReasonCode(number: r.number) == r)
    }
    #expect(ReasonCode(number: 0) == nil && ReasonCode(number: 21) == nil)
}

@Test("Bulk codes of the core equal the header's numbers: child status, rule, mark kind, registration, table column, group bit")
func coreBulkCodesEqualTheABI() {
    for s in ChildStatus.allCases { #expect(kcbx_child_status(s).rawValue == Int32(s.rawValue), "\(s)") }
    for r in ClassificationRule.allCases { #expect(kcbx_rule(r).rawValue == Int32(r.rawValue), "\(r)") }
    for k in MarkKind.allCases { #expect(kcbx_mark_kind(k).rawValue == Int32(k.rawValue), "\(k)") }
    for r in RegistrationState.allCases { #expect(kcbx_registration(r).rawValue == Int32(r.rawValue), "\(r)") }
    for c in TableColumn.allCases { #expect(kcbx_table_column(c).rawValue == Int32(c.rawValue), "\(c)") }
    for g in SpecialGroup.allCases {
        #expect(kcbx_special_group(g).rawValue == Int32(g.bitNumber), "\(g)")
        #expect(g.bit == UInt32(1) << UInt32(kcbx_special_group(g).rawValue))
    }
    for p in ResidentID.Problem.allCases { #expect(kcbx_id_problem(p).rawValue == p.rawValue, "\(p)") }
    for s in Stage.allCases { #expect(kcbx_stage(s).rawValue == s.rawValue, "\(s)") }
}
