import Foundation
import Testing

@testable import KCBXCore

/// The role × action matrix (issue 11): every actor level × every ledger operation on a child
/// inside and a child outside its jurisdiction. Asserts the access decision (allowed, or refused
/// with `.permissionDenied`), that each refusal — and only a refusal — is recorded as an
/// `access.refused` event by that actor, and that nothing is disclosed: no message or output
/// carries an outside child's full ID, school or township, and no listing a full ID at all.
@Suite("Access matrix") struct AccessMatrixTests {
    /// A child in 隆德县 640423 (outside county 640422, inside city 6404 and province 64).
    static let kidE = LF.rid("20160311", 51)
    static let townE = "640423100", schoolE = "S-E1"
    /// A child in 乌鲁木齐 650102 (outside province 64).
    static let kidF = LF.rid("20160312", 61)
    static let townF = "650102100", schoolF = "S-F1"
    static let allKids = [LF.kidA, LF.kidB, LF.kidC, LF.kidD, kidE, kidF]

    /// The actor of each level, and the outside child (key, school, township, its case id).
    static func subject(_ level: UnitLevel) -> (actor: LedgerActor, outside: (key: String, school: String, town: String, caseID: Int64)) {
        let d = (LF.kidD, LF.schoolB1, LF.townB, Int64(2))
        let e = (kidE, schoolE, townE, Int64(3))
        let f = (kidF, schoolF, townF, Int64(4))
        switch level {
        case .classTeacher: return (LF.actor(.classTeacher, LF.schoolA1, "班主任"), d)
        case .school: return (LF.schoolA1Actor, d)
        case .village: return (LF.actor(.village, "640422100001", "村干部"), d)
        case .township: return (LF.townAActor, d)
        case .county: return (LF.countyActor, e)
        case .city: return (LF.actor(.city, "640400", "市教育局"), f)
        case .province: return (LF.actor(.province, "640000", "省教育厅"), f)
        case .department: return (LF.actor(.department, LF.county, "公安"), e)
        }
    }

    /// Kids A–D in county 640422 (case 1: A, case 2: D), E in 640423 (case 3), F in 650102 (case 4),
    /// each absent without leave from 8 Sept through 31 Oct 2025.
    static func fixture() throws -> String {
        let (p, county) = try LF.seeded()
        let ningxia = try LF.open(p, LF.actor(.province, "640000", "省教育厅"))
        let xinjiang = try LF.open(p, LF.actor(.province, "650000", "新疆教育厅"))
        _ = try ningxia.importStudents([LF.row(kidE, "隆小德", school: schoolE, town: townE)])
        _ = try xinjiang.importStudents([LF.row(kidF, "乌小齐", school: schoolF, town: townF)])
        for (l, kid) in [(county, LF.kidA), (county, LF.kidD), (ningxia, kidE), (xinjiang, kidF)] {
            try LF.marks(l, kid, .unexcused, "2025-09-08", "2025-10-31")
            _ = try l.openCase(student: kid, kind: .suspectedDropout, on: LF.date("2025-10-20"))
        }
        return p
    }

    enum Op: String, CaseIterable {
        case importRoster, importMarks, openCase, recordAction, closeCase, studentAction, readCase, caseHistory, studentHistory,
            caseDue, sweep, report, exportFullIDs, listCases, listDue, escalate
        /// Operations aimed at one child (run on the inside and the outside child).
        var perChild: Bool { ![.sweep, .exportFullIDs, .listCases, .listDue, .escalate].contains(self) }
    }

    /// Whether `actor` may do `op` on a child it covers (the outside child is always refused).
    static func allowed(_ op: Op, _ actor: LedgerActor) -> Bool {
        let writer = actor.mayWrite
        switch op {
        case .importMarks: return writer
        case .importRoster, .openCase, .recordAction, .closeCase, .studentAction, .sweep, .escalate: return writer && actor.level >= .school
        case .exportFullIDs: return actor.mayReadFullIDs
        case .readCase, .caseHistory, .studentHistory, .caseDue, .report, .listCases, .listDue: return true
        }
    }

    /// Runs `op` on the child (key, school, township, case) and returns its output as text.
    static func run(_ op: Op, _ l: Ledger, _ kid: (key: String, school: String, town: String, caseID: Int64)) throws -> String {
        let day = LF.date("2025-10-31")
        switch op {
        case .importRoster:
            let row =
                LF.roster.first { $0.residentID == kid.key }
                ?? LF.row(kid.key, kid.key == kidE ? "隆小德" : "乌小齐", school: kid.school, town: kid.town)
            return "\(try l.importStudents([row]))"
        case .importMarks:
            var problems: [LedgerRowProblem] = []
            defer { _ = problems }
            do {
                return "\(try l.importMarks([LedgerMarkRow(student: kid.key, date: "2025-10-31", kind: "present")], problems: &problems))"
            } catch { throw MatrixError(error: error, problems: problems.map(\.rule).joined(separator: "; ")) }
        case .openCase: return "\(try l.openCase(student: kid.key, kind: .dropout, on: day))"
        case .recordAction: return "\(try l.recordAction(kid.caseID, .homeVisit, on: day))"
        case .closeCase: return "\(try l.closeCase(kid.caseID, asOf: day))"
        case .studentAction:
            try l.recordStudentAction(student: kid.key, .guardianContact, on: day)
            return ""
        case .readCase: return try l.ledgerCase(kid.caseID).jsonValue.serialized(pretty: false)
        case .caseHistory: return try l.history(case: kid.caseID).map { $0.jsonValue.serialized(pretty: false) }.joined()
        case .studentHistory: return try l.history(student: kid.key).map { $0.jsonValue.serialized(pretty: false) }.joined()
        case .caseDue: return try l.due(case: kid.caseID, asOf: day).jsonValue.serialized(pretty: false)
        case .report:
            let unit: ReportUnit = kid.key == LF.kidA ? l.ownUnit : .township(kid.town)
            return try LedgerReportKind.allCases.map { try l.report($0, asOf: day, unit: unit).json() }.joined()
        case .sweep: return "\(try l.sweep(asOf: day).jsonValue.serialized(pretty: false))"
        case .exportFullIDs: return try l.exportRows(.baiyinAttachment4, fullIDs: true, asOf: day).joined().joined(separator: ",")
        case .listCases: return try l.cases().map { $0.jsonValue.serialized(pretty: false) }.joined()
        case .listDue: return try l.due(asOf: day).jsonValue.serialized(pretty: false) + l.due(asOf: day).csv()
        case .escalate: return try l.escalate(asOf: day).jsonValue.serialized(pretty: false)
        }
    }

    struct MatrixError: Error, CustomStringConvertible {
        var error: Error, problems: String
        var description: String { "\(error) [\(problems)]" }
    }

    static func denied(_ e: Error) -> Bool { isDenied((e as? MatrixError)?.error ?? e) }

    @Test("every level × every operation, inside and outside its jurisdiction", arguments: UnitLevel.allCases)
    func matrix(_ level: UnitLevel) throws {
        let p = try Self.fixture()
        let (actor, outside) = Self.subject(level)
        let l = try LF.open(p, actor)
        let auditor = try LF.open(p, LF.actor(.province, "640000", "审计"))
        let inside = (key: LF.kidA, school: LF.schoolA1, town: LF.townA, caseID: Int64(1))
        for op in Op.allCases {
            for (isInside, kid) in op.perChild ? [(true, inside), (false, outside)] : [(true, inside)] {
                let label = "\(level.rawValue) \(op.rawValue) \(isInside ? "inside" : "outside")"
                let before = try auditor.head().seq
                var text = ""
                var refused = false
                var succeeded = false
                do {
                    text = try Self.run(op, l, kid)
                    succeeded = true
                } catch {
                    refused = Self.denied(error)
                    if !refused && isInside {
                        // Allowed past the access check; the lifecycle may still say no (closing a suspected case).
                        #expect(error is KCBXError || error is MatrixError, "\(label): \(error)")
                    }
                    text = "\(error)"
                }
                let expectAllowed = isInside && Self.allowed(op, actor)
                let outsideFound = op == .importMarks && !isInside && text.contains("not on the roster")
                #expect(refused == !expectAllowed || outsideFound, "\(label): \(text.prefix(300))")
                let newEvents = try auditor.events(after: before, limit: 1000).filter { $0.kind == "access.refused" }
                if expectAllowed {
                    #expect(newEvents.isEmpty, "\(label): an allowed operation recorded a refusal")
                } else {
                    #expect(newEvents.count == 1 && newEvents.first?.actor == actor, "\(label): refusal recorded once, by the actor")
                }
                // Nothing disclosed about the outside child, in any message or output.
                #expect(!text.contains(outside.key), "\(label): outside child's full ID in \(text.prefix(300))")
                if !succeeded && isInside { #expect(!text.contains(LF.kidA), "\(label): messages mask IDs too: \(text.prefix(300))") }
                // (A report names the unit the actor asked for; that is its own input, not disclosure.)
                if (!isInside || !expectAllowed) && op != .report {
                    #expect(
                        !text.contains(outside.school) && !text.contains(outside.town),
                        "\(label): outside child's place in \(text.prefix(300))")
                }
                // Listings and outputs carry no full ID at all unless full IDs were asked for and granted.
                if succeeded && op != .exportFullIDs {
                    for kid in Self.allKids { #expect(!text.contains(kid), "\(label): full ID in output \(text.prefix(300))") }
                }
                if op == .exportFullIDs && expectAllowed {
                    #expect(text.contains(LF.kidA) && !text.contains(outside.key))
                    #expect(try auditor.events(after: before).last?.kind == "export.full_ids")
                }
            }
        }
        try auditor.verify()
    }
}
