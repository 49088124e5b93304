import FoundationEssentials
import KCBXCore

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
            for (h, v) in zip(SyntheticCounty.rosterHeaders, SyntheticCounty.rosterRow(c, schools: schools, regionCode: options.regionCode))
            { _ = r.set(h, v) }
            return r
        }
        _ = try ledger.importStudents(rows)
        let a = SyntheticAttendance(county: self, calendar: calendar, asOf: asOf)
        var problems: [LedgerRowProblem] = []
        _ = try ledger.importMarks(
            students: a.child.map { children[Int($0)].residentID }, dates: a.date.map(\.yyyymmdd),
            kinds: a.kind.map { Int($0.rawValue) }, problems: &problems)
        _ = try ledger.sweep(asOf: asOf)
    }

    /// The planted dropout children the roster holds at a school (resident ID, school id), by ID.
    public var plantedDropouts: [(student: String, school: String)] {
        children.filter { $0.pattern == .dropout && $0.inRoster && $0.school != nil }.sorted { $0.residentID < $1.residentID }
            .map { ($0.residentID, schools[$0.school ?? 0].id) }
    }

    /// `SyntheticLedger.plant` on this county's planted dropouts.
    public func plantFalseEntries(in ledger: Ledger, calendar: SchoolCalendar, asOf: CivilDate) throws -> SyntheticLedger {
        try SyntheticLedger.plant(in: ledger, dropouts: plantedDropouts, calendar: calendar, asOf: asOf, seed: options.seed)
    }
}

extension SyntheticLedger {
    /// Plants false entries in a swept ledger (a county-level writer; the ledger's clock must be at
    /// least `closure_attended_days` school days past `asOf`), and clean entries beside them, on
    /// the open cases of the first five `dropouts` (children absent since before `asOf`, with
    /// their school): a return while still absent, a closure on attendance later corrected, a false
    /// transfer, a clean return and closure, a clean transfer; and a spot check drawn twice for one
    /// period. Returns the answer key: the audit as of `auditDate` must find exactly the false ones.
    public static func plant(
        in ledger: Ledger, dropouts: [(student: String, school: String)], calendar: SchoolCalendar,
        asOf: CivilDate, seed: UInt64
    ) throws -> SyntheticLedger {
        let kids = dropouts
        guard kids.count >= 5 else {
            throw KCBXError.invalidInput(
                field: "planted", rule: "planting false entries needs at least 5 planted dropout children; the county has \(kids.count)")
        }
        let after = calendar.schoolDayList(from: asOf.adding(days: 1), through: asOf.adding(days: 120))
        let required = Int(ledger.policy.number(.closureAttendedDays) ?? 20)
        guard required >= 2, after.count >= required else {
            throw KCBXError.invalidInput(field: "calendar", rule: "needs \(required) school days after \(asOf) to plant a closure")
        }
        let back = after[0]
        let closeOn = after[required - 1]
        var key: [[String]] = []
        func caseOf(_ c: (student: String, school: String)) throws -> LedgerCase {
            var f = LedgerCaseFilter()
            f.studentKey = c.student
            f.openOnly = true
            guard let found = try ledger.cases(f).first else {
                throw KCBXError.notFound(what: "swept case of planted dropout", name: IDMask.key(c.student))
            }
            return found
        }
        func marks(_ c: (student: String, school: String), _ days: ArraySlice<CivilDate>, _ kind: MarkKind) throws {
            var problems: [LedgerRowProblem] = []
            _ = try ledger.importMarks(
                students: days.map { _ in c.student }, dates: days.map(\.yyyymmdd),
                kinds: days.map { _ in Int(kind.rawValue) }, problems: &problems)
        }
        func returned(_ c: (student: String, school: String)) throws -> LedgerCase {
            let k = try caseOf(c)
            try ledger.verifyCase(k.id, reason: .G, on: asOf, note: "核实: 厌学在家")
            try ledger.startPersuasion(k.id, plan: "家访劝返，结对帮扶", person: "马老师", on: asOf)
            return try ledger.recordReturn(k.id, school: c.school, placement: .originalSchool, on: back, note: "复学: 原校就读")
        }
        func row(_ p: PlantedFalseEntry, _ caseID: Int64, _ c: (student: String, school: String)?, seq: Int64 = 0) {
            key.append([
                p.rawValue, p.check?.rawValue ?? "", caseID == 0 ? "" : String(caseID), c?.student ?? "", seq == 0 ? "" : String(seq),
            ])
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
        try transferOut(kids[4].student, on: asOf, in: ledger)
        row(.cleanTransfer, t.id, kids[4])
        // A spot check drawn, then drawn again for the same period.
        let period = String(asOf.description.prefix(7))
        _ = try ledger.drawSpotCheck(period: period, asOf: asOf, perStratum: 1, seed: seed)
        let redraw = try ledger.drawSpotCheck(period: period, asOf: asOf, perStratum: 1, seed: seed &+ 1, redrawReason: "抽中的学校路远，重新抽取")
        row(.rerolledSpotCheck, 0, nil, seq: redraw.seq)
        return SyntheticLedger(
            auditDate: closeOn,
            answerKey: ReportTable(
                title: "planted false entries", headers: SyntheticLedger.answerKeyHeaders, rows: key,
                asOf: closeOn, notes: ["kcbx audit --as-of \(closeOn) must find each row with a check, and nothing else."]))
    }
}

extension SyntheticLedger {
    /// The roster row of `key` changed to transferred_out on `date` (the school's own import).
    static func transferOut(_ key: String, on date: CivilDate, in ledger: Ledger) throws {
        guard let s = try ledger.students(fullIDs: true).first(where: { $0.key == key }) else {
            throw KCBXError.notFound(what: "student", name: IDMask.key(key))
        }
        var r = LedgerStudentRow()
        r.residentID = s.residentID
        r.registryNumber = s.registryNumber
        r.name = s.name
        r.sex = s.sex == 0 ? "" : String(s.sex)
        r.birthDate = s.birthDate
        r.address = s.address
        r.regionCode = s.regionCode
        r.schoolID = s.schoolID
        r.schoolName = s.schoolName
        r.townshipCode = s.townshipCode
        r.grade = s.grade == 0 ? "" : String(s.grade)
        r.expertOpinion = s.expertOpinion
        r.specialGroups = s.groups.joined(separator: ";")
        r.registration = LedgerRegistration.transferredOut.rawValue
        r.registrationDate = date.description
        _ = try ledger.importStudents([r])
    }
}
