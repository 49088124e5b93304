import FoundationEssentials

@_implementationOnly import GRDB

/// The seeds' own ledger tables, written as CSV (UTF-8 with BOM, CRLF) for Excel.
public enum LedgerExportFormat: String, Sendable, CaseIterable {
    /// Guyuan 附件2 固原市义务教育控辍保学辍学学生信息统计报表 (seed 001): one row per verified case.
    case guyuanAttachment2 = "guyuan-attachment-2"
    /// Baiyin 附件4 疑似失学儿童核查劝返台账 (seed 000): every case, verification and persuasion.
    case baiyinAttachment4 = "baiyin-attachment-4"

    public var headers: [String] {
        switch self {
        case .guyuanAttachment2:
            return ["序号", "姓名", "性别", "身份证号", "学籍号", "家庭住址", "是否建档立卡", "辍学原因", "劝返后就读学校", "是否销账", "备注"]
        case .baiyinAttachment4:
            return [
                "序号", "乡镇（街道）", "姓名", "性别", "身份证号", "年龄", "家庭住址", "户籍所在地", "特殊群体", "类别", "发现日期",
                "核查结果", "失学辍学原因", "劝返责任人", "劝返措施", "复学日期", "安置方式", "就读学校", "是否销号", "备注",
            ]
        }
    }
}

extension Ledger {
    /// The export as rows (headers first). Resident IDs (and `G` registry numbers) are masked
    /// (`ResidentID.masked`) unless `fullIDs` (or `filter.fullIDs`) is granted by `disclosure`:
    /// county level or above, recorded; anyone else asking is refused and the refusal recorded.
    public func exportRows(
        _ format: LedgerExportFormat, filter: LedgerCaseFilter = LedgerCaseFilter(), fullIDs: Bool = false,
        asOf: CivilDate? = nil
    ) throws -> [[String]] {
        let fullIDs = try disclosure(fullIDs: fullIDs || filter.fullIDs, "export", format: format.rawValue).full
        var f = filter
        if format == .guyuanAttachment2 && f.statuses.isEmpty {
            f.statuses = LedgerCaseStatus.allCases.filter { $0 != .suspected && $0 != .dismissed }
        }
        let list = try scopedCases(f)
        let date = asOf ?? CivilDate.utcDate(of: clock())
        return try read { db in
            var rows = [format.headers]
            for (i, c) in list.enumerated() {
                let s = try student(c.student, db)
                rows.append(
                    format == .guyuanAttachment2 ? try guyuanRow(i + 1, c, s, fullIDs, db) : try baiyinRow(i + 1, c, s, fullIDs, date, db))
            }
            return rows
        }
    }

    /// Writes the export to `path` as CSV (UTF-8 with BOM, CRLF; formula-leading cells neutralised,
    /// `CSVOutput`) under the file policy of `SafeFile.write`; returns the number of data rows.
    @discardableResult
    public func exportCSV(
        _ format: LedgerExportFormat, to path: String, filter: LedgerCaseFilter = LedgerCaseFilter(),
        fullIDs: Bool = false, asOf: CivilDate? = nil
    ) throws -> Int {
        try SafeFile.check(path)
        let rows = try exportRows(format, filter: filter, fullIDs: fullIDs, asOf: asOf)
        try CSVOutput.write(rows, to: path, numericColumns: [0])
        return rows.count - 1
    }

    private func guyuanRow(_ n: Int, _ c: LedgerCase, _ s: LedgerStudent, _ full: Bool, _ db: Database) throws -> [String] {
        [
            String(n), s.name, ledgerSexLabel(s.sex), full ? s.residentID : s.maskedID, full ? s.registryNumber : s.maskedRegistryNumber,
            s.address, s.groups.contains(SpecialGroup.registeredPoor.rawValue) ? "是" : "否", c.reason,
            try schoolLabel(c.returnSchool, db), c.status == .closed ? "是" : "否", remarks(c),
        ]
    }

    private func baiyinRow(_ n: Int, _ c: LedgerCase, _ s: LedgerStudent, _ full: Bool, _ date: CivilDate, _ db: Database) throws
        -> [String]
    {
        let actions = try Row.fetchAll(
            db, sql: "SELECT payload FROM events WHERE case_id = ? AND kind = ? ORDER BY seq",
            arguments: [c.id, EventKind.caseAction.rawValue]
        ).compactMap { row -> String? in
            guard let p = try? PayloadCoding.decode(CaseActionPayload.self, row["payload"], seq: 0),
                let a = LedgerAction(rawValue: p.action)
            else { return nil }
            return "\(p.date) \(a.chinese)"
        }
        let result = c.status == .dismissed ? "核查排除：\(LedgerDismissal(rawValue: c.dismissal)?.chinese ?? c.dismissal)" : c.status.chinese
        let reason = ReasonCode(rawValue: c.reason).map { "\($0.rawValue) \($0.chinese)" } ?? ""
        return [
            String(n), s.townshipCode, s.name, ledgerSexLabel(s.sex), full ? s.residentID : s.maskedID,
            String(SchoolAge(birthDate: s.birth).age(on: date)), s.address, s.regionCode,
            s.specialGroups.map(\.chinese).joined(separator: "、"), c.kind.chinese, c.openedOn, result, reason, c.person,
            actions.joined(separator: "；"), c.returnDate, ReturnPlacement(rawValue: c.placement)?.chinese ?? "",
            try schoolLabel(c.returnSchool.isEmpty ? s.schoolID : c.returnSchool, db), c.status == .closed ? "是" : "否", remarks(c),
        ]
    }

    private func remarks(_ c: LedgerCase) -> String {
        var parts = ["案\(c.id)", c.status.chinese]
        if let p = ReturnPlacement(rawValue: c.placement) { parts.append(p.chinese) }
        if c.status == .deferred || c.status == .suspended { parts.append("专家组意见 \(c.opinionRef)") }
        if c.isRelapse { parts.append("反弹（原案\(c.relapseOf)）") }
        if !c.flags.isEmpty { parts.append(c.flags) }
        return parts.joined(separator: "；")
    }

    private func schoolLabel(_ id: String, _ db: Database) throws -> String {
        guard !id.isEmpty else { return "" }
        let name = try String.fetchOne(
            db, sql: "SELECT school_name FROM students WHERE school_id = ? AND school_name != '' LIMIT 1", arguments: [id])
        return name ?? id
    }
}

func ledgerSexLabel(_ code: Int32) -> String { code == 1 ? "男" : code == 2 ? "女" : "" }
