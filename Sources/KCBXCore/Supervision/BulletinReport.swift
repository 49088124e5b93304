/// The bulletin and its companion tables as `ReportTable`s (CSV with BOM, JSON, Excel from Python).
extension Ledger {
    /// Columns of the bulletin (通报), per unit.
    public static let bulletinHeaders = [
        "单位", "新增疑似辍学", "新增辍学", "新增失学", "劝返复学", "销号", "反弹", "期末在案", "期末辍学失学",
        "动态清零", "应办事项", "按时完成", "逾期完成", "仍逾期", "其中已升级", "未到期",
        "台账核查发现", "抽查人数", "入户核查", "核查属实", "核查属实率",
    ]

    static func bulletinCells(_ c: BulletinCounts) -> [String] {
        [c.newSuspected, c.newDropouts, c.newOutOfSchool, c.returns, c.closures, c.relapses, c.openAtEnd, c.dropoutsAtEnd].map(String.init)
            + [c.zeroReached ? "是" : "否"]
            + [
                c.obligationsDue, c.onTime, c.late, c.overdue, c.escalated, c.pending, c.auditFindings, c.spotChecks,
                c.homeVerifications, c.confirmed,
            ].map(String.init)
            + [c.confirmedShare.map(ledgerPercent) ?? "—"]
    }

    /// 通报: the bulletin table for `period` (001 二（二）季通报; 002 二（二）每月通报; 003 四（二）;
    /// 004 三（四）考评、通报). Under a profile with `bulletin_ranking` (Dongchuan) each unit is
    /// rated (考评排名) and named for praise or criticism (通报表扬 / 通报批评).
    func bulletinTable(_ period: SupervisionPeriod, unit: ReportUnit) throws -> ReportTable {
        let b = try bulletin(period, unit: unit)
        let label = try read { db in try unitLabel(unit, db) }
        let ranking = policy.flag(.bulletinRanking)
        var headers = Ledger.bulletinHeaders
        var rows = b.rows.map { [$0.label] + Ledger.bulletinCells($0.counts) }
        if ranking {
            headers += ["考评排名", "通报"]
            let order = b.rows.indices.sorted { Ledger.rankedBefore(b.rows[$0].counts, b.rows[$1].counts, b.rows[$0].key, b.rows[$1].key) }
            var rank = Array(repeating: 0, count: rows.count)
            for (pos, i) in order.enumerated() { rank[i] = pos + 1 }
            for i in rows.indices { rows[i] += [String(rank[i]), Ledger.verdict(b.rows[i].counts)] }
        }
        var totalRow = ["合计"] + Ledger.bulletinCells(b.total)
        if ranking { totalRow += ["", ""] }
        rows.append(totalRow)
        var numeric = Set(1...8).union(10...19)
        if ranking { numeric.insert(headers.count - 2) }
        var notes = [
            "通报期间 \(period)（001 二（二）“日清查、周上报、月汇总、季通报”；002 二（二）每月将控辍台账信息变动情况通报相关部门；003 四（二）对发现问题及时通报）。",
            "案件数取自台账事件：立案、认定辍学、复学、销号按事件所记日期计入期间；期末在案为期末仍在劝返的案件；学生按当前花名册的学校、乡镇归属。",
            "动态清零：期末无在案的辍学、失学案件（004 一、三（四）“动态清零”目标）。",
            "应办事项：原定截止日期在期间内的事项（docs/escalation.md）；按时完成＝原定期限内完成，逾期完成＝期末前逾期完成，仍逾期＝期末仍未完成且已过期限（含已升级），未到期＝升级后期限未到或当日到期。",
            "台账核查发现、抽查、入户核查取自台账核查事件（002 四（二）台账信息抽查、入户核查机制；台账信息不实的单位问责）。",
        ]
        if ranking {
            notes.append(
                "考评排名 [interpretation of 004 三（四）区教体局对各学校控辍保学工作成效进行考评，实行通报]：先动态清零者，再仍逾期事项少者，再按时完成率高者，再新增辍学少者；通报表扬＝动态清零且无逾期事项，通报批评＝未动态清零或有仍逾期事项（004 三（四）不作为、督导整改不落实的予以通报批评）。"
            )
        }
        if !b.hasCalendar { notes.append("台账未设置校历，应办事项未统计（事项按校历计算）。") }
        return ReportTable(
            title: "控辍保学工作通报（\(period)）", headers: headers, rows: rows, unit: label, asOf: period.through,
            notes: notes, numericColumns: numeric)
    }

    /// 004 三（四）考评 [interpretation]: zero first, then fewer overdue, higher on-time share, fewer new dropouts.
    static func rankedBefore(_ a: BulletinCounts, _ b: BulletinCounts, _ ka: String, _ kb: String) -> Bool {
        if a.zeroReached != b.zeroReached { return a.zeroReached }
        if a.overdue != b.overdue { return a.overdue < b.overdue }
        let sa = a.onTimeShare ?? 1
        let sb = b.onTimeShare ?? 1
        if sa != sb { return sa > sb }
        if a.newDropouts + a.newOutOfSchool != b.newDropouts + b.newOutOfSchool {
            return a.newDropouts + a.newOutOfSchool < b.newDropouts + b.newOutOfSchool
        }
        return ka < kb
    }

    static func verdict(_ c: BulletinCounts) -> String {
        if !c.zeroReached || c.overdue > 0 { return "通报批评" }
        return "通报表扬"
    }

    /// Columns of the obligations-by-owner table.
    public static let bulletinObligationHeaders = [
        "责任单位", "层级", "责任人", "应办事项", "按时完成", "逾期完成", "仍逾期", "其中已升级",
        "未到期", "按时完成率", "升级至",
    ]

    /// The obligations due in the period by the unit that owed them (the ladder's owners) and the
    /// heads the profile names for that level.
    func bulletinObligationsTable(_ period: SupervisionPeriod, unit: ReportUnit) throws -> ReportTable {
        let b = try bulletin(period, unit: unit)
        let label = try read { db in try unitLabel(unit, db) }
        var rows = b.byOwner.map { o -> [String] in
            let c = o.counts
            return [
                o.owner.label, o.owner.department == nil ? o.owner.level.chinese : UnitLevel.department.chinese,
                policy.heads(answeringFor: o.owner.level).map(\.title).joined(separator: "、"),
                String(c.obligationsDue), String(c.onTime), String(c.late), String(c.overdue), String(c.escalated), String(c.pending),
                c.onTimeShare.map(ledgerPercent) ?? "—", o.escalatedTo.joined(separator: "；"),
            ]
        }
        let t = b.byOwner.reduce(BulletinCounts()) { $0 + $1.counts }
        rows.append([
            "合计", "", "", String(t.obligationsDue), String(t.onTime), String(t.late), String(t.overdue), String(t.escalated),
            String(t.pending), t.onTimeShare.map(ledgerPercent) ?? "—", "",
        ])
        return ReportTable(
            title: "控辍保学责任事项完成情况（\(period)）", headers: Ledger.bulletinObligationHeaders, rows: rows, unit: label,
            asOf: period.through,
            notes: [
                "按原责任单位统计原定截止日期在期间内的事项；逾期未办的事项按升级阶梯移交上一级（升级至），原责任单位仍计逾期（docs/escalation.md）。",
                "责任人：政策档案列明的该层级负责人（\(policy.id)：\(policy.accountableHeads.provenance.citation)）。",
            ] + (b.hasCalendar ? [] : ["台账未设置校历，应办事项未统计。"]), numericColumns: Set(3...8))
    }
}
