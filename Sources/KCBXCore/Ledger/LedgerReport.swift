@_implementationOnly import GRDB

/// The statutory reports computed from the ledger for any date and unit (DOMAIN.md §6).
public enum LedgerReportKind: String, Sendable, CaseIterable {
    /// Guyuan 附件1 固原市义务教育控辍保学摸底排查统计报表 (seed 001): per stage.
    case guyuanAttachment1 = "guyuan-attachment-1"
    /// Guyuan 附件2 辍学学生信息统计报表 (seed 001): the ledger export, cases opened by the date.
    case guyuanAttachment2 = "guyuan-attachment-2"
    /// Baiyin 附件3 6周岁户籍人口花名册 (seed 000 二（一）): children turning 6 by 31 August of the date's year.
    case baiyinAttachment3 = "baiyin-attachment-3"
    /// Baiyin 附件4 疑似失学儿童核查劝返台账 (seed 000 二（一）): the ledger export, cases opened by the date.
    case baiyinAttachment4 = "baiyin-attachment-4"
    /// Enrollment, dropout and nine-year consolidation rates with their formulas, and relapses.
    case rates
    /// 通报 for a period, per unit below (001 二（二）季通报; 002 二（二）; 003 四（二）; 004 三（四）).
    case bulletin
    /// The period's obligations by the unit that owed them and its heads (the bulletin's second table).
    case bulletinObligations = "bulletin-obligations"
    /// The profile calendar's report duties owed in the period and whether the ledger shows them done.
    case bulletinDuties = "bulletin-duties"
    /// 五长责任追究清单 for a period (001 二（六）).
    case accountability

    /// Kinds that cover a period (`report(_:from:through:)`); given one date they cover its month up to that date.
    public var coversPeriod: Bool { [.bulletin, .bulletinObligations, .bulletinDuties, .accountability].contains(self) }

    /// Parses a kind's raw value; the error lists the kinds.
    public init(code: String, field: String = "kind") throws { self = try ledgerParseCode(code, field) }
}

extension Ledger {
    /// A report of `kind` as the ledger stood on `asOf`, for `unit` (nil: the actor's own unit).
    /// The unit must lie within the actor's jurisdiction; asking outside it is refused and the
    /// refusal recorded. Resident IDs are masked unless `fullIDs` is asked for by county level or
    /// above, which is recorded (as for exports).
    ///
    /// Every report names the profile in force and its SHA-256 in its notes. With `signingKey`
    /// (the county's Ed25519 key) it also carries the ledger's signed head (`LedgerHead`, one
    /// JSON line after `台账签名头 signed head: `) for the level above to keep (周上报、月汇总).
    /// The period kinds (bulletin, accountability) cover the month of `asOf` up to `asOf`.
    public func report(
        _ kind: LedgerReportKind, asOf: CivilDate, unit: ReportUnit? = nil, fullIDs: Bool = false,
        signingKey: LedgerSigningKey? = nil
    ) throws -> ReportTable {
        if kind.coversPeriod {
            let month = try SupervisionPeriod(.month, containing: asOf)
            return try report(
                kind, period: try SupervisionPeriod(from: month.from, through: asOf), unit: unit, fullIDs: fullIDs, signingKey: signingKey)
        }
        var t = try reportTable(kind, asOf: asOf, unit: unit, fullIDs: fullIDs)
        t.notes.append(profileNote)
        if let signingKey { try sign(&t, key: signingKey) }
        return t
    }

    /// A report over `period`: the bulletin kinds and the accountability list (their as-of date is
    /// the period's last day); any other kind as of the period's last day.
    public func report(
        _ kind: LedgerReportKind, period: SupervisionPeriod, unit: ReportUnit? = nil, fullIDs: Bool = false,
        signingKey: LedgerSigningKey? = nil
    ) throws -> ReportTable {
        guard kind.coversPeriod else { return try report(kind, asOf: period.through, unit: unit, fullIDs: fullIDs, signingKey: signingKey) }
        let u = unit ?? ownUnit
        var t: ReportTable
        switch kind {
        case .bulletin: t = try bulletinTable(period, unit: u)
        case .bulletinObligations: t = try bulletinObligationsTable(period, unit: u)
        case .bulletinDuties: t = try bulletinDutiesTable(period, unit: u)
        default: t = try accountabilityTable(period, unit: u, fullIDs: fullIDs)
        }
        t.notes.append(profileNote)
        if let signingKey { try sign(&t, key: signingKey) }
        return t
    }

    /// Appends the ledger's head signed with `key` (the county's Ed25519 key) to `report`'s notes,
    /// after `signedHeadNotePrefix`, for the level above to keep (周上报、月汇总). A report carries
    /// one signed head: signing again replaces it.
    public func sign(_ report: inout ReportTable, key: LedgerSigningKey) throws {
        let line = Ledger.signedHeadNotePrefix + (try signedHead(key: key)).json
        report.notes.removeAll { $0.hasPrefix(Ledger.signedHeadNotePrefix) }
        report.notes.append(line)
    }

    /// The note prefix before a report's signed head.
    public static let signedHeadNotePrefix = "台账签名头 signed head: "

    private func reportTable(_ kind: LedgerReportKind, asOf: CivilDate, unit: ReportUnit?, fullIDs: Bool) throws -> ReportTable {
        let unit = unit ?? ownUnit
        let label = try read { db in try unitLabel(unit, db) }
        try requireReportable(unit, kind)
        switch kind {
        case .guyuanAttachment2, .baiyinAttachment4:
            return try exportReport(
                kind == .guyuanAttachment2 ? .guyuanAttachment2 : .baiyinAttachment4, unit: unit, label: label,
                asOf: asOf, fullIDs: fullIDs)
        default: break
        }
        if fullIDs { try recordFullIDs(kind.rawValue) }
        // The children are tallied as they are read (`forEachChild`), not held: only 附件3 keeps
        // rows, those of its cohort.
        switch kind {
        case .guyuanAttachment1:
            var tally = Attachment1Tally()
            try read { db in
                try forEachChild(asOf: asOf, unit: unit, db, restart: { tally = Attachment1Tally() }) { tally.add($0) }
            }
            return attachment1(tally, unit: label, asOf: asOf)
        case .baiyinAttachment3:
            var cohort: [LedgerChildAsOf] = []
            try read { db in
                try forEachChild(asOf: asOf, unit: unit, db, restart: { cohort.removeAll() }) {
                    if Self.inHouseholdCohort($0, asOf: asOf) { cohort.append($0) }
                }
            }
            return householdRoster(cohort, unit: label, asOf: asOf, fullIDs: fullIDs)
        default:
            var counts = LedgerRates(asOf: asOf)
            try read { db in
                try forEachChild(asOf: asOf, unit: unit, db, restart: { counts = LedgerRates(asOf: asOf) }) { counts.add($0) }
            }
            return rates(counts, unit: label, asOf: asOf)
        }
    }

    /// The actor's own unit as a report unit.
    public var ownUnit: ReportUnit {
        switch actor.level {
        case .classTeacher, .school: return .school(actor.unitCode)
        case .village: return .township(String(actor.unitCode.prefix(9)))
        case .township: return .township(actor.unitCode)
        default: return .region(actor.unitCode)
        }
    }

    /// Refuses (and records) a unit outside the actor's jurisdiction.
    func requireReportable(_ unit: ReportUnit, _ kind: LedgerReportKind) throws {
        let covered: Bool
        switch unit {
        case .school(let id):
            let townships = try read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT township_code FROM students WHERE school_id = ?", arguments: [id])
            }
            covered =
                actor.level <= .school
                ? id == actor.unitCode
                : !townships.isEmpty && townships.allSatisfy { actor.covers(schoolID: id, townshipCode: $0) }
        case .township(let code): covered = actor.covers(schoolID: "", townshipCode: code)
        case .region(let code):
            covered =
                [.county, .city, .province, .department].contains(actor.level)
                && ReportUnit.regionPrefix(code).hasPrefix(actor.scopeSQL.argument)
        }
        if !covered {
            try refuseRead("report \(kind.rawValue) for \(unit)", "\(unit) is outside \(actor.level.rawValue) \(actor.unitCode)")
        }
    }

    /// 填报单位 as printed: the school's name and id, or the code.
    func unitLabel(_ unit: ReportUnit, _ db: Database) throws -> String {
        switch unit {
        case .school(let id):
            let name = try String.fetchOne(
                db, sql: "SELECT school_name FROM students WHERE school_id = ? AND school_name != '' LIMIT 1", arguments: [id])
            return name.map { "\($0)（\(id)）" } ?? id
        case .township(let code): return "乡镇（街道）\(code)"
        case .region(let code): return "行政区划 \(code)"
        }
    }

    private func recordFullIDs(_ format: String) throws {
        _ = try disclosure(fullIDs: true, "report", format: format)
    }

    /// Guyuan 附件1 from the children's status on the date (`StageSummary`, 001 附件1 填表说明1–3).
    func attachment1(_ tally: Attachment1Tally, unit: String, asOf: CivilDate) -> ReportTable {
        let (summary, unverified, unclassified) = (tally.summary, tally.unverified, tally.unclassified)
        var t = summary.table(unit: unit, date: asOf, withAlert: policy.duration(.threeLineAlertAfter) != nil)
        t.title = "固原市义务教育控辍保学摸底排查统计报表"
        t.unit = unit
        t.asOf = asOf
        t.notes = [
            "1.疑似辍学人数是指未到校上课超过一星期且未请假的学生数（001 附件1 填表说明1）。",
            "2.辍学人数是疑似辍学超过一个月仍未到校且未请假的学生数（001 附件1 填表说明2）；失学儿童计入辍学人数，分类 A/B（填表说明3）。",
            "3.状态取自台账：截至填报日期的花名册、考勤记录和案件事件（\(policy.id)）。",
            "应到校人数：在籍且应到校（在校、请假、疑似辍学、辍学、考勤缺失）的学生数，不含失学、缓学、休学、送教上门、转出、毕业。",
        ]
        if unverified > 0 { t.notes.append("辍学原因待核实 \(unverified) 人（已计入辍学人数，未计入 A–T 分类）。") }
        if unclassified > 0 { t.notes.append("无法按考勤分类 \(unclassified) 人（按考勤缺失计入应到校人数）。") }
        return t
    }

    /// Baiyin 附件3 6周岁户籍人口花名册 (seed 000 二（一）): the children of the unit who are 6 by
    /// 31 August of the date's year (截止当年8月31日年满六周岁), i.e. whose school-entry year is
    /// that year. The seed names the attachment but not its columns; the columns are an
    /// [interpretation] documented in docs/reports.md.
    func householdRoster(_ children: [LedgerChildAsOf], unit: String, asOf: CivilDate, fullIDs: Bool) -> ReportTable {
        let cohort = children.filter { Self.inHouseholdCohort($0, asOf: asOf) }
            .sorted { ($0.student.townshipCode, $0.student.key) < ($1.student.townshipCode, $1.student.key) }
        let rows = cohort.enumerated().map { i, c -> [String] in
            let s = c.student
            var remark: [String] = []
            if let k = c.currentCase { remark.append("案\(k.id) \(k.kind.chinese) \(k.status.chinese)") }
            return [
                String(i + 1), s.townshipCode, s.name, ledgerSexLabel(s.sex), s.birthDate, fullIDs ? s.residentID : s.maskedID,
                s.regionCode, s.address, s.groups.contains(SpecialGroup.registeredPoor.rawValue) ? "是" : "否",
                s.specialGroups.map(\.chinese).joined(separator: "、"), entryLabel(c), s.schoolName.isEmpty ? s.schoolID : s.schoolName,
                remark.joined(separator: "；"),
            ]
        }
        return ReportTable(
            title: "\(asOf.year)年6周岁户籍人口花名册", headers: LedgerReportKind.baiyinAttachment3Headers, rows: rows,
            unit: unit, asOf: asOf,
            notes: [
                "适龄（6周岁）人口：截止\(asOf.year)年8月31日年满六周岁（000 二（一）），出生于\(asOf.year - 7)-09-01至\(asOf.year - 6)-08-31。",
                "乡镇（街道）每年6月底前摸底登记、7月底前报送区教育局（000 二（一））。",
                fullIDs ? "身份证号为完整号码（已记录）。" : "身份证号已脱敏（县级及以上可申请完整号码）。",
            ])
    }

    /// Whether a child is in 附件3's cohort: 6 by 31 August of the date's year.
    static func inHouseholdCohort(_ c: LedgerChildAsOf, asOf: CivilDate) -> Bool {
        SchoolAge(birthDate: c.student.birth).entryYear == asOf.year
    }

    private func entryLabel(_ c: LedgerChildAsOf) -> String {
        switch c.status {
        case .outOfSchool: return "未入学（失学）"
        case .deferred: return "缓学（延缓入学）"
        case .suspended: return "休学"
        case .studyingElsewhere: return "区外就读"
        case .homeDelivered: return "送教上门"
        case .transferredOut: return "转出"
        case .belowSchoolAge where c.student.registration == LedgerRegistration.none.rawValue: return "未入学（未到入学时间）"
        default:
            return c.student.registration == LedgerRegistration.none.rawValue ? "未入学" : "已入学（\(c.student.grade)年级）"
        }
    }

    /// Enrollment, dropout and consolidation rates with their formulas (DOMAIN.md §6) and the
    /// profile's consolidation target (`consolidation_target`, Huarong ≥ 98%, seed 003 一).
    func rates(_ counts: LedgerRates, unit: String, asOf: CivilDate) -> ReportTable {
        let target = policy.number(.consolidationTarget)
        let targetText =
            target.map { "≥ \(ledgerPercent($0))（\(policy.id)：\(policy[.consolidationTarget].provenance.citation)）" } ?? "未设定（\(policy.id)）"
        let met = target.flatMap { t in counts.consolidation.rate.map { $0 >= t ? "是" : "否" } } ?? ""
        func row(
            _ name: String, _ r: (numerator: Int, denominator: Int, rate: Double?), _ formula: String,
            _ target: String = "", _ met: String = ""
        ) -> [String] {
            [name, String(r.numerator), String(r.denominator), r.rate.map(ledgerPercent) ?? "—", formula, target, met]
        }
        let rows = [
            row("入学率", counts.enrollment, LedgerRates.enrollmentFormula),
            row("辍学率", counts.dropout, LedgerRates.dropoutFormula),
            row("九年义务教育巩固率", counts.consolidation, LedgerRates.consolidationFormula(asOf), targetText, met),
            ["反弹人数", String(counts.relapses), "", "", LedgerRates.relapseFormula, "", ""],
        ]
        return ReportTable(
            title: "义务教育入学率、辍学率、巩固率统计", headers: ["指标", "分子", "分母", "比率", "公式", "目标", "是否达标"],
            rows: rows, unit: unit, asOf: asOf,
            notes: [
                "比率取自台账截至\(asOf)的花名册、考勤和案件（\(policy.id)），各项定义见“公式”列（docs/reports.md）。",
                "巩固率按年龄队列近似“该届小学一年级入学人数”：台账不保存九年前的入学名册 [interpretation]。",
            ])
    }

    private func exportReport(_ format: LedgerExportFormat, unit: ReportUnit, label: String, asOf: CivilDate, fullIDs: Bool) throws
        -> ReportTable
    {
        var filter = LedgerCaseFilter()
        filter.openedThrough = asOf
        switch unit {
        case .school(let id): filter.schoolID = id
        case .township(let code): filter.townshipCode = code
        case .region(let code):
            guard actor.scopeSQL.argument.hasPrefix(ReportUnit.regionPrefix(code)) else {
                throw KCBXError.invalidInput(
                    field: "unit",
                    rule: "\(format.rawValue) takes a school, a township or the actor's own region (\(actor.unitCode)), got \(unit)")
            }
        }
        let rows = try exportRows(format, filter: filter, fullIDs: fullIDs, asOf: asOf)
        let title = format == .guyuanAttachment2 ? "固原市义务教育控辍保学辍学学生信息统计报表" : "疑似失学儿童核查劝返台账"
        return ReportTable(
            title: title, headers: rows[0], rows: Array(rows.dropFirst()), unit: label, asOf: asOf,
            notes: [
                "截至\(asOf)已立案的案件；案件状态为当前台账记录（导出格式见 docs/ledger.md）。",
                format == .guyuanAttachment2 ? "辍学原因按 001 附件1 填表说明3 的分类 A–T 填写。" : "000 二（一）：每学期首月20日前排查劝返并报送本台账。",
            ])
    }
}

extension LedgerReportKind {
    /// Columns of Baiyin 附件3 as KCBX lays it out [interpretation: the seed names the attachment only].
    public static let baiyinAttachment3Headers = [
        "序号", "乡镇（街道）", "姓名", "性别", "出生日期", "身份证号", "户籍所在地", "家庭住址",
        "是否建档立卡", "特殊群体", "入学情况", "就读学校", "备注",
    ]
}

/// The rates' numerators and denominators from the children's status on a date.
struct LedgerRates {
    var enrollment = (numerator: 0, denominator: 0, rate: Double?.none)
    var dropout = (numerator: 0, denominator: 0, rate: Double?.none)
    var consolidation = (numerator: 0, denominator: 0, rate: Double?.none)
    var relapses = 0

    static let enrollmentFormula = "入学率 = 6–15周岁适龄儿童少年中在籍在读（在校、请假、疑似辍学、考勤缺失、送教上门、区外就读）人数 ÷ 6–15周岁适龄儿童少年数（不含缓学、休学、转出、毕业、未到入学时间者）"
    static let dropoutFormula = "辍学率 = 辍学人数（不含失学）÷ 应到校人数（同固原附件1合计）"
    static func consolidationFormula(_ asOf: CivilDate) -> String {
        let entry = SchoolAge.schoolYear(of: asOf) - 8
        return "九年义务教育巩固率 = 本届九年级队列（\(entry)年秋季应入小学一年级者）中未辍学、未失学的人数（在籍在读、毕业、缓学、休学、送教上门）÷ 该队列人数（不含转出、区外就读）"
    }
    static let relapseFormula = "反弹人数 = 截至填报日期最近一案为已销号案件之后再次立案（反弹，001、002）的儿童数"

    let asOf: CivilDate
    private let cohortEntry: Int

    /// No child counted yet; `add` each child of the unit.
    init(asOf: CivilDate) {
        self.asOf = asOf
        cohortEntry = SchoolAge.schoolYear(of: asOf) - 8
    }

    private static let enrolledStatuses: Set<ChildStatus> = [
        .inSchool, .onLeave, .threeLineAlert, .suspectedDropout, .attendanceUnknown, .homeDelivered, .studyingElsewhere,
    ]
    private static let expectedStatuses: Set<ChildStatus> = [
        .inSchool, .onLeave, .threeLineAlert, .suspectedDropout, .dropout, .attendanceUnknown,
    ]

    /// Counts one child (the rates follow: `rate` is recomputed).
    mutating func add(_ c: LedgerChildAsOf) {
        let age = SchoolAge(birthDate: c.student.birth)
        if age.isCompulsoryAge(on: asOf),
            ![.deferred, .suspended, .transferredOut, .graduated, .belowSchoolAge, .overAge].contains(c.status)
        {
            enrollment.denominator += 1
            if Self.enrolledStatuses.contains(c.status) { enrollment.numerator += 1 }
        }
        if Self.expectedStatuses.contains(c.status) && (c.stage == .primary || c.stage == .junior) {
            dropout.denominator += 1
            if c.status == .dropout { dropout.numerator += 1 }
        }
        if age.entryYear == cohortEntry, ![.transferredOut, .studyingElsewhere].contains(c.status) {
            consolidation.denominator += 1
            if c.status != .dropout && c.status != .outOfSchool { consolidation.numerator += 1 }
        }
        if let k = c.currentCase, k.relapseOf != 0 { relapses += 1 }
        func rate(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
        enrollment.rate = rate(enrollment.numerator, enrollment.denominator)
        dropout.rate = rate(dropout.numerator, dropout.denominator)
        consolidation.rate = rate(consolidation.numerator, consolidation.denominator)
    }
}

/// Guyuan 附件1's counts, child by child (`Ledger.attachment1`).
struct Attachment1Tally {
    var summary = StageSummary()
    /// Dropouts of compulsory stages without a verified reason.
    var unverified = 0
    /// Children the classifier refused (counted as attendance unknown).
    var unclassified = 0

    mutating func add(_ c: LedgerChildAsOf) {
        summary.add(stage: c.stage, status: c.status, reason: c.reason)
        if c.status == .dropout && c.reason == nil && (c.stage == .primary || c.stage == .junior) { unverified += 1 }
        if c.unclassified != nil { unclassified += 1 }
    }
}

/// A share as a percentage with two decimals, e.g. 0.985 → "98.50%".
func ledgerPercent(_ v: Double) -> String {
    let hundredths = Int((v * 10_000).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)%"
}
