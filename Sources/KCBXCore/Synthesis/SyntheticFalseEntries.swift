import FoundationEssentials

/// A false ledger entry the synthetic county plants for the audit (台账信息不实, seed 002 四（二）),
/// with the audit check that must find it.
public enum PlantedFalseEntry: String, Sendable, CaseIterable {
    /// A return recorded while the child stays absent.
    case returnWhileAbsent = "return_while_absent"
    /// A closure made on attendance later corrected to absences (the 20-of-30 rule no longer holds).
    case prematureClosure = "premature_closure"
    /// A dismissal as transferred for a child still enrolled on the roster.
    case falseTransfer = "false_transfer"
    /// A spot check drawn again for the same period.
    case rerolledSpotCheck = "rerolled_spot_check"
    /// Clean entries beside them, which the audit must not flag.
    case cleanReturnAndClosure = "clean_return_and_closure"
    case cleanTransfer = "clean_transfer"

    /// The check that finds it, nil for the clean entries.
    public var check: LedgerAuditCheck? {
        switch self {
        case .returnWhileAbsent: return .returnWhileAbsent
        case .prematureClosure: return .closureUnsupported
        case .falseTransfer: return .falseTransfer
        case .rerolledSpotCheck: return .spotCheckRedrawn
        case .cleanReturnAndClosure, .cleanTransfer: return nil
        }
    }
}

/// The synthetic county's ledger with its planted false entries and their answer key.
public struct SyntheticLedger: Sendable {
    /// The date to audit (the last day the planted entries reach).
    public let auditDate: CivilDate
    /// One row per planted entry: planted, check, case_id, student, entry_seq (the draw, for the spot check).
    public let answerKey: ReportTable

    public static let answerKeyHeaders = ["planted", "check", "case_id", "student", "entry_seq"]
}

extension SyntheticCounty {
    /// Loads the county into `ledger` (calendar, roster, the attendance through `asOf`) and sweeps
    /// it on `asOf`, through the ledger's public API.
    public func load(into ledger: Ledger, calendar: SchoolCalendar, asOf: CivilDate) throws {
        _ = try ledger.setCalendar(calendar)
        let rows: [LedgerStudentRow] = children.filter(\.inRoster).map { c in
            var r = LedgerStudentRow()
            for (h, v) in zip(SyntheticCounty.rosterHeaders, SyntheticCounty.rosterRow(c, schools: schools, regionCode: options.regionCode)) { _ = r.set(h, v) }
            return r
        }
        _ = try ledger.importStudents(rows)
        let a = SyntheticAttendance(county: self, calendar: calendar, asOf: asOf)
        var problems: [LedgerRowProblem] = []
        _ = try ledger.importMarks(students: a.child.map { children[Int($0)].residentID }, dates: a.date.map(\.yyyymmdd),
                                   kinds: a.kind.map { Int($0.rawValue) }, problems: &problems)
        _ = try ledger.sweep(asOf: asOf)
    }

    /// Plants false entries in a ledger `load` made (a county-level writer; the ledger's clock must
    /// be at least six school weeks past `asOf`), and clean entries beside them: on planted dropout
    /// children's cases a return while still absent, a closure on attendance later corrected, a false
    /// transfer, a clean return and closure, a clean transfer; and a spot check drawn twice for one
    /// period. Returns the answer key: the audit as of `auditDate` must find exactly the false ones.
    public func plantFalseEntries(in ledger: Ledger, calendar: SchoolCalendar, asOf: CivilDate) throws -> SyntheticLedger {
        let kids = children.filter { $0.pattern == .dropout && $0.inRoster && $0.school != nil }.sorted { $0.residentID < $1.residentID }
        guard kids.count >= 5 else {
            throw KCBXError.invalidInput(field: "planted", rule: "planting false entries needs at least 5 planted dropout children; the county has \(kids.count)")
        }
        let after = calendar.schoolDayList(from: asOf.adding(days: 1), through: asOf.adding(days: 120))
        let required = Int(ledger.policy.number(.closureAttendedDays) ?? 20)
        guard required >= 2, after.count >= required else {
            throw KCBXError.invalidInput(field: "calendar", rule: "needs \(required) school days after \(asOf) to plant a closure")
        }
        let back = after[0], closeOn = after[required - 1]
        var key: [[String]] = []
        func caseOf(_ c: SyntheticChild) throws -> LedgerCase {
            var f = LedgerCaseFilter(); f.studentKey = c.residentID; f.openOnly = true
            guard let found = try ledger.cases(f).first else { throw KCBXError.notFound(what: "swept case of planted dropout", name: IDMask.key(c.residentID)) }
            return found
        }
        func marks(_ c: SyntheticChild, _ days: ArraySlice<CivilDate>, _ kind: MarkKind) throws {
            var problems: [LedgerRowProblem] = []
            _ = try ledger.importMarks(students: days.map { _ in c.residentID }, dates: days.map(\.yyyymmdd),
                                       kinds: days.map { _ in Int(kind.rawValue) }, problems: &problems)
        }
        func returned(_ c: SyntheticChild) throws -> LedgerCase {
            let k = try caseOf(c)
            try ledger.verifyCase(k.id, reason: .G, on: asOf, note: "核实: 厌学在家")
            try ledger.startPersuasion(k.id, plan: "家访劝返，结对帮扶", person: "马老师", on: asOf)
            return try ledger.recordReturn(k.id, school: schools[c.school ?? 0].id, placement: .originalSchool, on: back, note: "复学: 原校就读")
        }
        func row(_ p: PlantedFalseEntry, _ caseID: Int64, _ c: SyntheticChild?, seq: Int64 = 0) {
            key.append([p.rawValue, p.check?.rawValue ?? "", caseID == 0 ? "" : String(caseID), c?.residentID ?? "", seq == 0 ? "" : String(seq)])
        }
        // A return while the child stays absent.
        let r0 = try returned(kids[0])
        try marks(kids[0], after[0..<required], .unexcused)
        row(.returnWhileAbsent, r0.id, kids[0])
        // A closure on attendance later corrected: present for `required` days, closed, then half of them absences.
        let r1 = try returned(kids[1])
        try marks(kids[1], after[0..<required], .present)
        try ledger.closeCase(r1.id, asOf: closeOn)
        try marks(kids[1], after[(required / 2)..<required], .unexcused)
        row(.prematureClosure, r1.id, kids[1])
        // A false transfer: dismissed as transferred, still enrolled here.
        let f = try caseOf(kids[2])
        try ledger.dismissCase(f.id, why: .transferred, on: asOf, note: "核查排除: 已转学")
        row(.falseTransfer, f.id, kids[2])
        // A clean return and closure.
        let r3 = try returned(kids[3])
        try marks(kids[3], after[0..<required], .present)
        try ledger.closeCase(r3.id, asOf: closeOn)
        row(.cleanReturnAndClosure, r3.id, kids[3])
        // A clean transfer: dismissed, and the roster shows the child transferred out.
        let t = try caseOf(kids[4])
        try ledger.dismissCase(t.id, why: .transferred, on: asOf, note: "核查排除: 已转学，转入学校已接收")
        var moved = LedgerStudentRow()
        for (h, v) in zip(SyntheticCounty.rosterHeaders, SyntheticCounty.rosterRow(kids[4], schools: schools, regionCode: options.regionCode)) { _ = moved.set(h, v) }
        moved.registration = LedgerRegistration.transferredOut.rawValue
        moved.registrationDate = asOf.description
        _ = try ledger.importStudents([moved])
        row(.cleanTransfer, t.id, kids[4])
        // A spot check drawn, then drawn again for the same period.
        let period = String(asOf.description.prefix(7))
        _ = try ledger.drawSpotCheck(period: period, asOf: asOf, perStratum: 1, seed: options.seed)
        let redraw = try ledger.drawSpotCheck(period: period, asOf: asOf, perStratum: 1, seed: options.seed &+ 1, redrawReason: "抽中的学校路远，重新抽取")
        row(.rerolledSpotCheck, 0, nil, seq: redraw.seq)
        return SyntheticLedger(auditDate: closeOn,
                               answerKey: ReportTable(title: "planted false entries", headers: SyntheticLedger.answerKeyHeaders, rows: key,
                                                      asOf: closeOn, notes: ["kcbx audit --as-of \(closeOn) must find each row with a check, and nothing else."]))
    }
}
