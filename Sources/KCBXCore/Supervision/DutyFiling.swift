@_implementationOnly import GRDB

extension Ledger {
    /// Records that the occurrence of report duty `dutyID` due on `due` (the profile's calendar,
    /// `ReportCalendar`) was filed on `on`: one `duty.filed` event, attributed to the actor. The
    /// duty must be one of the profile's and fall due on `due`; the actor's level must be the
    /// duty's or above (a county records the township's weekly report as received; a
    /// department's duty is recorded by the county). School level or above.
    public func recordDutyFiled(_ dutyID: String, due: CivilDate, on: CivilDate, note: String = "") throws {
        try checkNote(note)
        guard let duty = policy.reportDuties.first(where: { $0.id == dutyID }) else {
            throw KCBXError.invalidInput(
                field: "duty", rule: "\(KCBXError.quote(dutyID)) is not a report duty of \(policy.id) (kcbx duties lists them)")
        }
        try write { db, w in
            try requireWriter("record report duty \(dutyID) as filed")
            let needed: UnitLevel = duty.level == .department ? .county : duty.level
            guard actor.level >= needed else {
                throw LedgerRefusal(
                    operation: "record report duty \(dutyID) as filed", student: "", caseID: 0,
                    detail: "the duty is owed at \(duty.level.rawValue) level; \(actor.level.rawValue) cannot record it")
            }
            try checkDate(on, notBefore: nil)
            let occurrences = try ReportCalendar.due(policy, calendar: try storedCalendar(db), from: due, through: due)
            guard occurrences.contains(where: { $0.dutyID == dutyID }) else {
                throw KCBXError.invalidInput(field: "due", rule: "report duty \(dutyID) does not fall due on \(due) under \(policy.id)")
            }
            try w.append(
                db, .dutyFiled, payload: DutyFiledPayload(duty: dutyID, due: due.description, date: on.description),
                reason: note.isEmpty ? "\(duty.what)（应报 \(due)）" : note)
        }
    }

    /// Columns of the report-duties table.
    public static let bulletinDutyHeaders = ["职责", "责任层级", "事项", "应报日期", "依据", "台账记录", "状态"]

    /// The report duties of the profile's calendar owed in `period` by the actor's level and the
    /// levels below it (departments' for county level and above) and whether the ledger shows them
    /// done: a daily duty by the attendance marks recorded for each school day (日清查, 004 二（三）3
    /// 每个工作日完成考勤), any other by a `duty.filed` event for that occurrence.
    func bulletinDutiesTable(_ period: SupervisionPeriod, unit: ReportUnit) throws -> ReportTable {
        try requireReportable(unit, .bulletinDuties)
        let label = try read { db in try unitLabel(unit, db) }
        let calendar = try self.calendar()
        let owed = try ReportCalendar.due(policy, calendar: calendar, from: period.from, through: period.through)
            .filter { $0.level == .department ? actor.level >= .county : $0.level <= actor.level }
        let filed = try scopedEvents(kinds: [EventKind.dutyFiled.rawValue])
        var filings: [String: [(CivilDate, String)]] = [:]
        for e in filed {
            let r = EventRecord(seq: e.seq, kind: e.kind, student: e.student, caseID: e.caseID, payloadText: e.payload)
            guard let d = r.date else { continue }
            filings["\(r.text("duty"))|\(r.text("due"))", default: []].append(
                (d, "\(e.actor.level.chinese) \(e.actor.unitCode) \(e.actor.person)"))
        }
        var markDays: Set<Int32> = []
        try read { db in
            try SweepColumns.forEachChunk(db, scope: actor.scopeSQL, from: period.from, through: period.through) {
                markDays.formUnion($0.columns.markDate)
                return true
            }
        }
        let today = CivilDate.utcDate(of: clock())
        var rows: [[String]] = []
        var daily: [String: (DueReport, Int, [CivilDate])] = [:]
        for o in owed {
            guard let duty = policy.reportDuties.first(where: { $0.id == o.dutyID }) else { continue }
            if duty.schedule == .daily {
                var entry = daily[o.dutyID] ?? (o, 0, [])
                entry.1 += 1
                if !markDays.contains(o.due.yyyymmdd) && o.due <= today { entry.2.append(o.due) }
                daily[o.dutyID] = entry
                continue
            }
            let done = filings["\(o.dutyID)|\(o.due)"]?.min { $0.0 < $1.0 }
            let state: String
            if let done { state = done.0 <= o.due ? "按时" : "逾期报送" } else { state = o.due > today ? "未到期" : "台账无记录" }
            rows.append([o.dutyID, o.level.chinese, o.what, o.due.description, o.basis, done.map { "\($0.0) \($0.1)" } ?? "", state])
        }
        for (id, entry) in daily.sorted(by: { $0.key < $1.key }) {
            let (o, n, missing) = entry
            let shown = missing.prefix(10).map(\.description).joined(separator: "、") + (missing.count > 10 ? "等" : "")
            rows.insert(
                [
                    id, o.level.chinese, o.what, "每个上学日（\(n) 天）", o.basis,
                    missing.isEmpty ? "每个上学日均有考勤记录" : "\(missing.count) 天无考勤记录：\(shown)",
                    missing.isEmpty ? "按时" : "缺记录",
                ], at: 0)
        }
        return ReportTable(
            title: "报告职责履行情况（\(period)）", headers: Ledger.bulletinDutyHeaders, rows: rows, unit: label, asOf: period.through,
            notes: [
                "职责取自政策档案 \(policy.id) 的报告日历（docs/policy-format.md）。",
                "每日职责以台账中当日的考勤记录为准；其余职责以台账中的报送记录（duty.filed 事件：kcbx file-duty）为准。",
                "台账无记录不等于未报送：请核对纸质或平台记录后补录。",
            ])
    }
}
