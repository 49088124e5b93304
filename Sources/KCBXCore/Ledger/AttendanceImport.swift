@_implementationOnly import GRDB

/// One attendance mark as text (CSV, JSON or C arrays). Columns and rules: docs/ledger.md.
public struct LedgerMarkRow: Hashable, Sendable {
    /// Student key: resident ID, or `L` registry number.
    public var student: String
    /// YYYY-MM-DD or YYYYMMDD.
    public var date: String
    /// MarkKind code 0–4 or label (`present`, `approved_leave`, `unexcused`, `late`, `left_early`, or 到校/请假/无故缺勤/迟到/早退).
    public var kind: String
    /// Approved leave only: the leave's span (empty = just `date`) and its slip reference.
    public var leaveFrom = "", leaveTo = "", slip = ""

    public init(student: String, date: String, kind: String, leaveFrom: String = "", leaveTo: String = "", slip: String = "") {
        self.student = student; self.date = date; self.kind = kind; self.leaveFrom = leaveFrom; self.leaveTo = leaveTo; self.slip = slip
    }

    public static let columns = ["student", "date", "kind", "leave_from", "leave_to", "slip"]
}

/// What a marks import did. `conflicts` lists later rows that replaced an earlier row of the same
/// batch for the same child and day (DOMAIN.md §7: the later mark wins, never counted twice).
public struct LedgerMarkImportResult: Hashable, Sendable, Codable {
    public var rows = 0
    public var changed = 0
    public var unchanged = 0
    public var conflicts: [LedgerRowProblem] = []
    public init() {}
}

extension Ledger {
    /// Imports attendance marks, all or nothing. Needs the school calendar (`setCalendar`): a mark
    /// on a day that is not a school day, in the future, or before the child's birth is refused by
    /// name. Re-importing the same marks changes nothing and records no event. A key on no roster
    /// and a key outside the actor's jurisdiction are the same problem in the same words (the list
    /// never tells whether a child is recorded elsewhere); rows naming children outside the
    /// jurisdiction are also recorded as a refusal.
    public func importMarks(_ rows: [LedgerMarkRow], firstRow: Int = 1, problems: inout [LedgerRowProblem]) throws -> LedgerMarkImportResult {
        problems = []
        let today = CivilDate.utcDate(of: clock())
        var outside: [(row: Int, key: String)] = []
        let done: LedgerMarkImportResult? = try write { db, w in
            try requireWriter("record attendance", minimum: .classTeacher)
            guard let cal = try storedCalendar(db) else {
                throw KCBXError.ruleViolation(rule: "marks need the school calendar (DOMAIN.md §7: dates outside the calendar are rejected)",
                                              detail: "no calendar is set on this ledger; call setCalendar first")
            }
            var result = LedgerMarkImportResult()
            result.rows = rows.count
            var students: [String: LedgerStudent] = [:]
            var byDay: [MarkKey: (row: Int, mark: MarksPayload.Mark)] = [:]
            var order: [MarkKey] = []
            for (i, r) in rows.enumerated() {
                let n = firstRow + i
                func bad(_ f: String, _ rule: String) { problems.append(LedgerRowProblem(row: n, field: f, rule: rule)) }
                let key = r.student.ledgerTrimmed
                var student = students[key]
                if student == nil, let s = try storedStudent(key, db) {
                    if actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) { students[key] = s; student = s } else { outside.append((n, key)) }
                }
                if student == nil { bad("student", "'\(IDMask.key(key))' is not on the roster of \(actor.level.rawValue) \(actor.unitCode)") }
                guard let date = ledgerParseDate(r.date) else { bad("date", "'\(r.date)' is not a date YYYY-MM-DD"); continue }
                if date > today { bad("date", "\(date) is in the future (today is \(today))") }
                if let s = student, date < s.birth { bad("date", "\(date) is before the child's birth on \(s.birthDate)") }
                if let why = cal.whyNotSchoolDay(date) { bad("date", "\(date) is not a school day: \(why)") }
                guard let kind = ledgerParseMarkKind(r.kind) else {
                    bad("kind", "'\(r.kind)' is not a mark kind (0 present, 1 approved_leave, 2 unexcused, 3 late, 4 left_early)"); continue
                }
                var lf: Int32 = 0, lt: Int32 = 0
                let slip = r.slip.ledgerTrimmed
                if kind == .approvedLeave {
                    if !r.leaveFrom.ledgerTrimmed.isEmpty || !r.leaveTo.ledgerTrimmed.isEmpty {
                        let from = ledgerParseDate(r.leaveFrom.ledgerTrimmed.isEmpty ? r.date : r.leaveFrom)
                        let to = ledgerParseDate(r.leaveTo.ledgerTrimmed.isEmpty ? r.date : r.leaveTo)
                        if let from, let to, from <= date, date <= to, cal.contains(from), cal.contains(to) { lf = from.yyyymmdd; lt = to.yyyymmdd }
                        else { bad("leave_from", "the leave span must be dates YYYY-MM-DD inside the calendar that contain \(date)") }
                    }
                    if slip.count > 100 { bad("slip", "must be at most 100 characters") }
                } else if !r.leaveFrom.ledgerTrimmed.isEmpty || !r.leaveTo.ledgerTrimmed.isEmpty || !slip.isEmpty {
                    bad("leave_from", "a leave span or slip is only for approved_leave marks")
                }
                guard let s = student else { continue }
                let mark = MarksPayload.Mark(s: s.key, d: date.yyyymmdd, k: Int(kind.rawValue), lf: lf, lt: lt, sl: kind == .approvedLeave ? slip : "")
                let dayKey = MarkKey(student: s.key, day: mark.d)
                if let earlier = byDay[dayKey] {
                    if earlier.mark != mark {
                        result.conflicts.append(LedgerRowProblem(row: n, field: "kind",
                            rule: "\(IDMask.key(s.key)) on \(date): replaces row \(earlier.row) (\(MarkKind(rawValue: UInt8(earlier.mark.k))!) → \(kind)); the later mark wins"))
                    }
                } else { order.append(dayKey) }
                byDay[dayKey] = (n, mark)
            }
            if !problems.isEmpty { return nil }
            let lookup = try db.makeStatement(sql: "SELECT kind, leave_from, leave_to, slip FROM marks WHERE student = ? AND day = ?")
            var changed: [MarksPayload.Mark] = []
            for dayKey in order {
                let m = byDay[dayKey]!.mark
                if let row = try Row.fetchOne(lookup, arguments: [m.s, m.d]),
                   row["kind"] as Int == m.k, row["leave_from"] as Int32 == m.lf, row["leave_to"] as Int32 == m.lt, row["slip"] as String == m.sl {
                    result.unchanged += 1
                } else { changed.append(m) }
            }
            result.changed = changed.count
            for start in stride(from: 0, to: changed.count, by: 5000) {
                let chunk = Array(changed[start..<min(start + 5000, changed.count)])
                try w.append(db, .marksRecorded, payload: MarksPayload(marks: chunk),
                             reason: "attendance: \(chunk.count) mark\(chunk.count == 1 ? "" : "s")")
            }
            return result
        }
        if !outside.isEmpty {
            let rowsText = outside.prefix(20).map { String($0.row) }.joined(separator: ", ") + (outside.count > 20 ? ", …" : "")
            try recordRefusal(LedgerRefusal(operation: "record attendance", student: outside[0].key, caseID: 0,
                                            detail: "rows \(rowsText): \(outside.count) mark\(outside.count == 1 ? "" : "s") for students outside \(actor.level.rawValue) \(actor.unitCode); the batch was not applied"))
        }
        guard let done else { throw LedgerRowProblem.error(problems) }
        return done
    }

    /// `importMarks` from parallel arrays (the C ABI's bulk form): keys, dates YYYYMMDD, MarkKind codes.
    public func importMarks(students: [String], dates: [Int32], kinds: [Int], problems: inout [LedgerRowProblem]) throws -> LedgerMarkImportResult {
        guard students.count == dates.count, dates.count == kinds.count else {
            throw KCBXError.invalidInput(field: "marks", rule: "students, dates and kinds must have the same length")
        }
        let rows = students.indices.map { LedgerMarkRow(student: students[$0], date: String(dates[$0]), kind: String(kinds[$0])) }
        return try importMarks(rows, problems: &problems)
    }

    /// Imports a marks CSV (UTF-8, optional BOM; columns student,date,kind[,leave_from,leave_to,slip]).
    public func importMarksCSV(path: String, problems: inout [LedgerRowProblem]) throws -> LedgerMarkImportResult {
        let file = try CSVFile(path: path)
        for h in file.headers where !LedgerMarkRow.columns.contains(h) {
            throw KCBXError.invalidInput(field: "\(path): column \(h)", rule: "is not a marks column (\(LedgerMarkRow.columns.joined(separator: ",")))")
        }
        let s = try file.column("student"), d = try file.column("date"), k = try file.column("kind")
        let lf = file.optionalColumn("leave_from"), lt = file.optionalColumn("leave_to"), sl = file.optionalColumn("slip")
        let rows = file.rows.map { c in
            LedgerMarkRow(student: file.cell(c, s), date: file.cell(c, d), kind: file.cell(c, k),
                          leaveFrom: file.cell(c, lf), leaveTo: file.cell(c, lt), slip: file.cell(c, sl))
        }
        return try importMarks(rows, firstRow: 2, problems: &problems)
    }

    /// Sets the school calendar (校历) the ledger counts school days by; county level or above.
    /// Setting the same calendar again records nothing. Returns whether it changed.
    @discardableResult
    public func setCalendar(_ calendar: SchoolCalendar, note: String = "") throws -> Bool {
        try checkNote(note)
        let json = calendar.json(pretty: false)
        return try write { db, w in
            try requireWriter("set the school calendar", minimum: .county)
            if try String.fetchOne(db, sql: "SELECT json FROM calendar WHERE id = 1") == json { return false }
            try w.append(db, .calendarSet, payload: CalendarPayload(json: json), reason: note.isEmpty ? "校历: \(calendar.name)" : note)
            return true
        }
    }

    /// The school calendar, or nil when none is set.
    public func calendar() throws -> SchoolCalendar? { try read { try storedCalendar($0) } }

    func storedCalendar(_ db: Database) throws -> SchoolCalendar? {
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM calendar WHERE id = 1") else { return nil }
        do { return try SchoolCalendar(json: json) } catch { throw KCBXError.integrity("the stored school calendar does not load: \(error)") }
    }

    /// A child's marks from `from` through `through`, in date order.
    func marks(of student: String, from: CivilDate, through: CivilDate, _ db: Database) throws -> [AttendanceMark] {
        try Row.fetchAll(db, sql: "SELECT * FROM marks WHERE student = ? AND day BETWEEN ? AND ? ORDER BY day",
                         arguments: [student, from.yyyymmdd, through.yyyymmdd]).compactMap { row in
            guard let date = try? CivilDate(yyyymmdd: row["day"]), let kind = MarkKind(rawValue: UInt8(row["kind"] as Int)) else { return nil }
            let lf: Int32 = row["leave_from"], lt: Int32 = row["leave_to"], slip: String = row["slip"]
            if kind == .approvedLeave, lf != 0, let a = try? CivilDate(yyyymmdd: lf), let b = try? CivilDate(yyyymmdd: lt),
               let span = try? DateSpan(from: a, to: b) {
                return AttendanceMark.leave(date, span: span, slip: slip.isEmpty ? nil : slip)
            }
            return AttendanceMark(date, kind, leave: kind == .approvedLeave && !slip.isEmpty ? ApprovedLeave(span: DateSpan(day: date), slip: slip) : nil)
        }
    }
}

/// A student's mark of one day, as imported.
private struct MarkKey: Hashable { var student: String; var day: Int32 }

func ledgerParseDate(_ text: String) -> CivilDate? {
    let t = text.ledgerTrimmed
    if t.utf8.count == 8, let v = Int32(t) { return try? CivilDate(yyyymmdd: v) }
    return try? CivilDate(iso: t)
}

func ledgerParseMarkKind(_ text: String) -> MarkKind? {
    let t = text.ledgerTrimmed.lowercased()
    if let v = Int(t) { return (0...255).contains(v) ? MarkKind(rawValue: UInt8(v)) : nil }
    return MarkKind.allCases.first { $0.label == t || $0.chinese == t }
}
