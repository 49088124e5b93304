import Foundation
import KCBXSynthesis
import Testing

@testable import KCBXCore

/// 四查三比对 (seed 004 二（二）) on a generated county whose problems are planted:
/// every planted problem must be found, and nothing unplanted reported.
struct ReconciliationTests {
    static let asOf = try! CivilDate(iso: "2025-10-20")
    static let county: SyntheticCounty = {
        var o = SyntheticCountyOptions()
        o.children = 3000
        o.plantedShare = 0.25
        o.seed = 42
        return try! SyntheticCounty(options: o, referenceDate: asOf)
    }()

    static func ids(_ p: PlantedPattern) -> Set<String> { Set(county.children.filter { $0.pattern == p }.map(\.residentID)) }

    static let report: ReconciliationReport = {
        let absent: Set<PlantedPattern> = [.suspected, .dropout]
        // Attendance is keyed by the student registry's ID (a mistyped ID attends under its typo).
        let absentIDs = Set(county.children.filter { absent.contains($0.pattern) }.map(\.residentID))
        let attending = Set(county.studentRecords().compactMap(\.residentID).filter { !absentIDs.contains($0) })
        return Reconciler.run(
            ReconciliationInput(
                regionPrefix: "640422", asOf: asOf, household: county.householdRecords(),
                students: county.studentRecords(), attending: attending))
    }()

    static func found(_ k: FindingKind) -> Set<String> { Set(report.findings(k).map(\.residentID)) }

    @Test("household child with no registration is out of school, A or B by age (000 二（二）; 001 附件1 A/B)")
    func outOfSchool() {
        #expect(!Self.ids(.outOfSchool).isEmpty)
        #expect(Self.found(.outOfSchool) == Self.ids(.outOfSchool))
        for f in Self.report.findings(.outOfSchool) {
            let child = Self.county.children.first { $0.residentID == f.residentID }!
            #expect(f.proposedReason == (child.grade >= 7 ? .B : .A))
        }
    }

    @Test("registered but not attending is 人籍不一致 (000 二（二）; 004 二（二）2)")
    func registeredNotAttending() {
        #expect(Self.found(.registeredNotAttending) == Self.ids(.suspected).union(Self.ids(.dropout)))
    }

    @Test("studying elsewhere and migrants are told apart (004 二（二）)")
    func elsewhereAndMigrants() {
        #expect(Self.found(.studyingElsewhere) == Self.ids(.studyingElsewhere))
        #expect(Self.found(.migrant) == Self.ids(.migrant))
        #expect(Self.report.migrants == Self.ids(.migrant).count)
    }

    @Test("mismatched birth dates are surfaced as conflicts and reason J, never joined silently (000 三（一）; 001 附件1 J)")
    func identityConflicts() {
        #expect(Self.found(.identityConflict) == Self.ids(.identityConflict))
        #expect(Self.found(.ageMismatch) == Self.ids(.identityConflict))
        #expect(Self.report.findings(.ageMismatch).allSatisfy { $0.proposedReason == .J })
    }

    @Test("a mistyped ID fails its checksum and is proposed as a near match with a score, not counted out of school")
    func nearMatches() {
        let typos = Self.ids(.idTypo)
        #expect(!typos.isEmpty)
        #expect(Self.found(.nearMatch) == typos)
        #expect(Self.report.findings(.nearMatch).allSatisfy { ($0.score ?? 0) > 0.5 && $0.relatedID != nil })
        #expect(Self.report.findings(.invalidID).count == typos.count)
        #expect(Self.found(.outOfSchool).isDisjoint(with: typos))
    }

    @Test("the four counts (004 二（二）)")
    func counts() {
        let county = Self.county
        let householdSchoolAge = county.children.filter { $0.pattern != .migrant }.count
        #expect(Self.report.householdSchoolAge == householdSchoolAge)
        #expect(Self.report.registered == county.children.filter { $0.school != nil }.count)
        #expect(
            Self.report.attending == Self.report.registered - Self.found(.registeredNotAttending).count
                - Self.found(.studyingElsewhere).count)
        #expect(Self.report.findings(.duplicate).isEmpty)
    }

    @Test("duplicates and dropouts from poverty or 三类 households are reported (004 二（二）3)")
    func duplicatesAndPoverty() {
        var household = Self.county.householdRecords()
        household.append(household[0])
        let dropout = Self.county.children.first { $0.pattern == .dropout }!.residentID
        let r = Reconciler.run(
            ReconciliationInput(
                regionPrefix: "640422", asOf: Self.asOf, household: household,
                students: Self.county.studentRecords(), poverty: [dropout], dropouts: [dropout]))
        #expect(r.findings(.duplicate).map(\.residentID) == [household[0].residentID])
        #expect(r.findings(.povertyDropout).map(\.residentID) == [dropout])
    }

    /// The sample county's files (data/sample, with its answer key): loaded with progress, the
    /// planted out-of-school children are found (seed 004 二（二）); a bad region prefix is named.
    @Test func loadsTheSampleCountyFiles() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/sample").path
        let files = ReconciliationFiles(
            household: sample + "/household.csv", students: sample + "/students.csv",
            poverty: sample + "/poverty.csv", threeKinds: sample + "/three_kinds.csv")
        var reads: [Int] = []
        let input = try ReconciliationInput.load(files, regionPrefix: "640422", asOf: try CivilDate(iso: "2025-10-20")) {
            if $0.phase == "read" { reads.append($0.done) }
        }
        #expect(reads == [2, 3, 4])
        let planted = try CSVFile(path: sample + "/planted.csv")
        let id = try planted.column("resident_id")
        let pattern = try planted.column("pattern")
        let outOfSchool = Set(planted.rows.filter { planted.cell($0, pattern) == "out_of_school" }.map { planted.cell($0, id) })
        let found = Reconciler.run(input).findings.filter { $0.kind == .outOfSchool || $0.kind == .nearMatch }.map(\.residentID)
        #expect(!outOfSchool.isEmpty && outOfSchool.isSubset(of: Set(found)))
        #expect(throws: KCBXError.invalidInput(field: "region_prefix", rule: "must be digits of a GB/T 2260 code, got '64x'")) {
            try ReconciliationInput.load(files, regionPrefix: "64x", asOf: try CivilDate(iso: "2025-10-20"))
        }
    }
}
