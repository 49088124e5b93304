import Testing

@testable import KCBXCore

/// The set-based due list, escalation and report snapshot (issue 13: every child classified at
/// once, events read once) give exactly what the child-by-child derivation gives, on the
/// synthetic county (1000 children, planted suspected and dropout children) with cases, actions,
/// refusals and escalations recorded.
@Suite struct LedgerSetBasedTests {
    static func county(_ profile: String) throws -> Ledger {
        let (l, _) = try LedgerScaleTests.load(LedgerScaleTests.county(), profile: profile)
        return l
    }

    /// Cases from a sweep, then the actions that move obligations: a guardian contact before any
    /// case, a home visit, a verified case whose guardian refuses (four steps, 004 二（七）4), and
    /// an escalation of what is overdue (the ladder, DOMAIN.md §3).
    static func withHistory(_ l: Ledger, bulk: Bool) throws -> [EscalationSummary] {
        let opened = try l.sweep(asOf: LF.date("2025-09-30")).opened
        #expect(opened.count > 10)
        let first = try #require(opened.first)
        let second = try #require(opened.dropFirst().first)
        try l.recordAction(first, .homeVisit, on: LF.date("2025-10-02"))
        _ = try l.verifyCase(second, reason: .G, on: LF.date("2025-10-02"))
        try l.recordAction(second, .guardianRefusal, on: LF.date("2025-10-03"), note: "监护人拒不送学")
        var summaries = [try l.escalate(asOf: LF.date("2025-10-09"), fullIDs: false, bulk: bulk)]
        try l.recordAction(second, .education, on: LF.date("2025-10-10"))
        summaries.append(try l.escalate(asOf: LF.date("2025-10-16"), fullIDs: false, bulk: bulk))
        return summaries
    }

    @Test(
        "due list and escalation: set-based equals child by child (guyuan-2021, dongchuan-2025 with the three-line report)",
        arguments: ["guyuan-2021", "dongchuan-2025"])
    func dueAndEscalateEqual(_ profile: String) throws {
        let a = try Self.county(profile)
        let b = try Self.county(profile)
        let ea = try Self.withHistory(a, bulk: true)
        let eb = try Self.withHistory(b, bulk: false)
        #expect(ea == eb)
        #expect(ea.map(\.escalated.count).reduce(0, +) > 10)
        func tail(_ l: Ledger) throws -> [String] {
            try l.events(after: 0, limit: 100_000).filter { $0.kind == "obligation.escalated" }
                .map { "\($0.student) \($0.caseID) \($0.reason) \($0.payload)" }
        }
        #expect(try tail(a) == tail(b), "the same escalation events in the same order")
        var compared: [Obligation] = []
        for day in ["2025-09-24", "2025-10-09", "2025-10-17"] {
            let set = try a.obligations(asOf: LF.date(day), bulk: true)
            let one = try a.obligations(asOf: LF.date(day), bulk: false)
            #expect(set == one, "due list as of \(day)")
            #expect(set.count > 10)
            compared += set
        }
        #expect(compared.count > 50)
        #expect(Set(compared.map(\.state)).count >= 3, "done, due, overdue and escalated obligations compared")
        let streak = try a.obligations(asOf: LF.date("2025-09-24"), bulk: true).filter { $0.caseID == 0 }
        #expect(!streak.isEmpty, "guardian contact on the open streaks before any case (004 二（三）3)")
        if profile == "dongchuan-2025" { #expect(streak.contains { $0.action == .threeLineReport }, "004 二（三）2") }
    }

    @Test("report snapshot: set-based equals child by child (status, reason, stage, case)")
    func reportSnapshotEqual() throws {
        let l = try Self.county("guyuan-2021")
        _ = try Self.withHistory(l, bulk: true)
        func rows(_ bulk: Bool, _ day: String, _ unit: ReportUnit) throws -> [String] {
            try l.children(asOf: LF.date(day), unit: unit, bulk: bulk).map {
                "\($0.student.key) \($0.status) \($0.reason?.rawValue ?? "-") \($0.stage) \($0.currentCase?.id ?? 0) \($0.unclassified ?? "")"
            }
        }
        for day in ["2025-09-19", "2025-10-17"] {
            for unit in [ReportUnit.region(LF.county), .township("640422101")] {
                let set = try rows(true, day, unit)
                #expect(set == (try rows(false, day, unit)), "\(day) \(unit)")
                #expect(set.count > 100)
            }
        }
        let statuses = Set(try l.children(asOf: LF.date("2025-10-17"), unit: .region(LF.county), bulk: true).map(\.status))
        #expect(statuses.isSuperset(of: [.inSchool, .suspectedDropout]))
    }

    @Test("chunked reads: 37 children a chunk, and a township's sparse ids, equal child by child (sweep, due, report)")
    func chunkedEqual() throws {
        let a = try Self.county("guyuan-2021")
        let b = try Self.county("guyuan-2021")
        let day = LF.date("2025-09-30")
        let chunked = try SweepColumns.$chunkSize.withValue(37) { try a.sweep(asOf: day) }
        let alone = try b.sweep(asOf: day, bulk: false)
        #expect(chunked == alone, "the same cases opened, in the same (key) order, the same statuses")
        #expect(chunked.classified == 1000 && chunked.opened.count > 10)
        let town = try LF.open(a.path, LF.townAActor)
        try SweepColumns.$chunkSize.withValue(37) {
            for (l, label) in [(a, "county"), (town, "township \(LF.townA)")] {
                for day in ["2025-09-24", "2025-10-17"] {
                    let set = try l.obligations(asOf: LF.date(day), bulk: true)
                    #expect(set == (try l.obligations(asOf: LF.date(day), bulk: false)), "\(label) due list as of \(day)")
                    #expect(!set.isEmpty)
                    let unit = l === a ? ReportUnit.region(LF.county) : .township(LF.townA)
                    let children = try l.children(asOf: LF.date(day), unit: unit, bulk: true)
                    let one = try l.children(asOf: LF.date(day), unit: unit, bulk: false)
                    #expect(children.map(\.student.key) == one.map(\.student.key), "\(label) children in key order")
                    #expect(children.map(\.status) == one.map(\.status), "\(label) status as of \(day)")
                    #expect(children.count > 100)
                }
            }
        }
    }
}
