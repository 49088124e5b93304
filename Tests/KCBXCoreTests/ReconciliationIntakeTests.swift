import Foundation
import KCBXSynthesis
import Testing

@testable import KCBXCore

/// Reconciliation findings fed into the ledger in one call (issue 6): out-of-school and
/// registered-not-attending children get cases, attributed, idempotently; the rest stays for a person.
@Suite struct ReconciliationIntakeTests {
    static let asOf = LF.date("2025-12-12")
    static let county: SyntheticCounty = {
        var o = SyntheticCountyOptions()
        o.children = 600
        o.plantedShare = 0.3
        o.seed = 7
        return try! SyntheticCounty(options: o, referenceDate: asOf)
    }()

    static func ids(_ p: PlantedPattern...) -> Set<String> {
        Set(county.children.filter { p.contains($0.pattern) }.map(\.residentID))
    }

    static var report: ReconciliationReport {
        let absent = ids(.suspected, .dropout)
        let attending = Set(county.studentRecords().compactMap(\.residentID).filter { !absent.contains($0) })
        return Reconciler.run(
            ReconciliationInput(
                regionPrefix: "640422", asOf: asOf, household: county.householdRecords(),
                students: county.studentRecords(), attending: attending))
    }

    static func ledger(_ actor: LedgerActor = LF.countyActor) throws -> Ledger {
        let p = LF.path()
        let l = try LF.open(p)
        try l.setCalendar(LF.calendar)
        let csv = p + ".roster.csv"
        try county.rosterTable().writeCSV(to: csv)
        var problems: [LedgerRowProblem] = []
        _ = try l.importStudentsCSV(path: csv, problems: &problems)
        #expect(problems.isEmpty)
        return actor == LF.countyActor ? l : try LF.open(p, actor)
    }

    @Test("every planted out-of-school and not-attending child gets a case; nothing else does (000 二（二）; 004 二（二）)")
    func opensPlantedCases() throws {
        let l = try Self.ledger()
        let r = Self.report
        let s = try l.intake(r.findings, asOf: Self.asOf, note: "秋季学期四查三比对")
        #expect(!Self.ids(.outOfSchool).isEmpty && !Self.ids(.suspected, .dropout).isEmpty)
        var full = LedgerCaseFilter()
        full.fullIDs = true  // county: full IDs asked for (recorded)
        let cases = try l.cases(full)
        #expect(Set(cases.map(\.id)) == Set(s.opened))
        #expect(Set(cases.filter { $0.kind == .outOfSchool }.map(\.student)) == Self.ids(.outOfSchool))
        #expect(Set(cases.filter { $0.kind == .suspectedDropout }.map(\.student)) == Self.ids(.suspected, .dropout))
        #expect(cases.allSatisfy { $0.source == "reconcile" && $0.openedOn == "2025-12-12" })
        // Attributed, with the finding's reason in the event.
        let first = try l.history(case: s.opened[0])[0]
        #expect(first.actor == LF.countyActor && first.reason.hasPrefix("四查三比对 2025-12-12") && first.reason.contains("秋季学期四查三比对"))
        // Conflicts, near matches, migrants … are left for a person.
        #expect(s.skipped.keys.contains { k in r.findings(.identityConflict).contains { $0.residentID == k } })
        // Idempotent: the same findings again open nothing.
        let head = try l.head().seq
        let again = try l.intake(r.findings, asOf: Self.asOf)
        let headAfter = try l.head().seq
        #expect(again.opened.isEmpty && again.alreadyOpen.count == s.opened.count && headAfter == head)
    }

    @Test("children outside the actor's jurisdiction are refused, each refusal recorded; the rest go in")
    func refusals() throws {
        let town = LF.actor(.township, Self.county.townshipCode(0), "马专干")
        let l = try Self.ledger(town)
        let findings = Self.report.findings(.outOfSchool)
        let head = try l.head().seq
        let s = try l.intake(findings, asOf: Self.asOf)
        #expect(!s.refused.isEmpty)
        #expect(s.opened.count + s.refused.count == findings.count)
        let headAfter = try l.head().seq
        #expect(headAfter == head + Int64(s.opened.count + s.refused.count))
        let village = try LF.open(l.path, LF.actor(.department, "640422", "公安局"))
        #expect(throws: KCBXError.self) { try village.intake(findings, asOf: Self.asOf) }
    }

    @Test("findings read back from the findings table and from JSON; bad kinds named")
    func parsing() throws {
        let table = Self.report.findingsTable()
        let back = try Finding.list(table: table)
        #expect(back.count == table.rows.count && back.map(\.kind) == Self.report.findings.map(\.kind))
        let json = try Finding.list(json: #"[{"kind": "out_of_school", "resident_id": "640422201701020311", "name": "李小军"}]"#)
        #expect(json.count == 1 && json[0].kind == .outOfSchool)
        #expect(throws: KCBXError.self) { try Finding.list(json: #"[{"kind": "lost", "resident_id": "1"}]"#) }
        #expect(throws: KCBXError.self) { try Finding.list(json: #"[{"kind": "migrant", "resident_id": "1", "extra": 1}]"#) }
        #expect(throws: KCBXError.self) { try Finding.list(table: ReportTable(title: "", headers: ["a"])) }
    }

    @Test("progress: every phase reports, counts only grow, each ends at its total")
    func progress() {
        var seen: [ReconciliationProgress] = []
        let input = ReconciliationInput(
            regionPrefix: "640422", asOf: Self.asOf, household: Self.county.householdRecords(),
            students: Self.county.studentRecords())
        let withProgress = Reconciler.run(input, progress: { seen.append($0) }, progressEvery: 100)
        #expect(withProgress.findings == Reconciler.run(input).findings)
        #expect(Set(seen.map(\.phase)) == ["household", "students", "out_of_school", "poverty"])
        for phase in ["household", "students", "out_of_school"] {
            let p = seen.filter { $0.phase == phase }
            #expect(p.count > 1 && zip(p, p.dropFirst()).allSatisfy { $0.done < $1.done } && p.last!.done == p.last!.total)
        }
        #expect(seen.first { $0.phase == "household" }?.total == input.household.count)
    }
}
