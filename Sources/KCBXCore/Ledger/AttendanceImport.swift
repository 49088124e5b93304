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
        self.student = student
        self.date = date
        self.kind = kind
        self.leaveFrom = leaveFrom
        self.leaveTo = leaveTo
        self.slip = slip
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
    /// Imports attendance marks, all or nothing: the whole batch is checked before anything is
    /// written; a large batch is then written in parts (docs/ledger.md). Needs the school
    /// calendar (`setCalendar`): a mark on a day that is not a school day, in the future, or
    /// before the child's birth is refused by name. Re-importing the same marks changes nothing
    /// and records no event. A key on no roster and a key outside the actor's jurisdiction are the
    /// same problem in the same words (the list never tells whether a child is recorded
    /// elsewhere); rows naming children outside the jurisdiction are also recorded as a refusal.
    public func importMarks(_ rows: [LedgerMarkRow], firstRow: Int = 1, problems: inout [LedgerRowProblem]) throws -> LedgerMarkImportResult
    {
        try importMarkStream(problems: &problems) { add in
            for (i, r) in rows.enumerated() {
                try withMarkFieldBytes(r.student, r.date, r.kind, r.leaveFrom, r.leaveTo, r.slip) { try add(firstRow + i, $0) }
            }
        }
    }

    /// `importMarks` from parallel arrays: keys, dates YYYYMMDD, MarkKind codes (`importMarkColumns`).
    public func importMarks(students: [String], dates: [Int32], kinds: [Int], problems: inout [LedgerRowProblem]) throws
        -> LedgerMarkImportResult
    {
        guard students.count == dates.count, dates.count == kinds.count else {
            throw KCBXError.invalidInput(field: "marks", rule: "students, dates and kinds must have the same length")
        }
        return try importMarkColumns(problems: &problems) { add in
            for i in students.indices {
                var key = students[i]
                try key.withUTF8 { try add(i + 1, $0, dates[i], kinds[i]) }
            }
        }
    }

    /// `importMarks` from `count` marks that `mark(i)` gives one by one (key, date YYYYMMDD,
    /// MarkKind code), streamed without a copy of the batch (`importMarkColumns`). `mark` is
    /// called once for each row (again only if the roster changes during the import).
    public func importMarks(
        count: Int, problems: inout [LedgerRowProblem],
        mark: (Int) throws -> (student: String, date: Int32, kind: Int)
    ) throws -> LedgerMarkImportResult {
        try importMarkColumns(problems: &problems) { add in
            for i in 0..<max(count, 0) {
                var m = try mark(i)
                try m.student.withUTF8 { try add(i + 1, $0, m.date, m.kind) }
            }
        }
    }

    /// Imports a marks CSV (UTF-8, optional BOM; columns student,date,kind[,leave_from,leave_to,slip]).
    /// The file is streamed once (read again only if the roster changes during the import):
    /// memory does not grow with its size. `progress` is called with the rows done, the bytes
    /// done (the check counts the file's bytes as half, the writing the other half) and the
    /// file's size, about every 16,384 rows.
    public func importMarksCSV(
        path: String, problems: inout [LedgerRowProblem],
        progress: ((_ rows: Int, _ bytes: Int64, _ total: Int64) -> Void)? = nil
    ) throws -> LedgerMarkImportResult {
        try importMarksCSV(path: path, problems: &problems, tuning: .fromEnvironment(), progress: progress)
    }

    func importMarksCSV(
        path: String, problems: inout [LedgerRowProblem], tuning: MarkImportTuning,
        progress: ((_ rows: Int, _ bytes: Int64, _ total: Int64) -> Void)? = nil
    ) throws -> LedgerMarkImportResult {
        // The columns are checked before anything is written.
        var columns: [Int?] = []
        do {
            try StrictCSVReader.read(
                path: path,
                header: { headers in
                    for h in headers where !LedgerMarkRow.columns.contains(h) {
                        throw KCBXError.invalidInput(
                            field: "\(path): column \(h)", rule: "is not a marks column (\(LedgerMarkRow.columns.joined(separator: ",")))")
                    }
                    for required in ["student", "date", "kind"] where !headers.contains(required) {
                        throw KCBXError.invalidInput(
                            field: "\(path): column \(required)",
                            rule: "is required (columns: \(KCBXError.quote(headers.joined(separator: ","), limit: 200)))")
                    }
                    columns = LedgerMarkRow.columns.map { headers.firstIndex(of: $0) }
                    throw MarkHeaderRead()
                }, row: { _, _ in })
        } catch is MarkHeaderRead {}
        guard columns.count == LedgerMarkRow.columns.count else {
            throw KCBXError.invalidInput(field: "\(path): column student", rule: "is required (columns: )")
        }
        let total = LedgerFileAccess.size(path)
        return try importMarkStream(
            problems: &problems, tuning: tuning,
            written: { done, rows in
                progress?(done, done >= rows ? total : total / 2 + Int64(Double(total / 2) * Double(done) / Double(rows)), total)
            }
        ) { add in
            var count = 0
            var bytes: Int64 = 0
            // Fields straight from the parser's bytes, trimmed: no row of strings.
            try StrictCSVReader.readFields(
                path: path, header: { _ in },
                row: { n, f in
                    try f.trimmed(columns[0]) { s in
                        try f.trimmed(columns[1]) { d in
                            try f.trimmed(columns[2]) { k in
                                try f.trimmed(columns[3]) { lf in
                                    try f.trimmed(columns[4]) { lt in
                                        try f.trimmed(columns[5]) { sl in
                                            try add(n, MarkFieldBytes(student: s, date: d, kind: k, leaveFrom: lf, leaveTo: lt, slip: sl))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    count += 1
                    if let progress {
                        for k in 0..<f.count { bytes += Int64(f.raw(k).count) + 1 }
                        if count & 0x3FFF == 0 { progress(count, bytes / 2, total) }
                    }
                })
        }
    }

    /// The import behind every form. `source` feeds the rows (row number, fields as bytes) once;
    /// again only when the roster or calendar changed before the writing ended — unless
    /// `rereadable` is false (a stream that cannot be read twice): then that is a storage error
    /// telling the caller to import again, the parts written before it staying whole. Phase 1 (a read
    /// snapshot, no write lock): every row checked (`MarkBatch`), the good marks spooled; a bad
    /// row anywhere refuses the whole batch before anything is written. Phase 2: the marks
    /// written in parts (`MarkWrite`), each an IMMEDIATE transaction holding the write lock at
    /// most about `tuning.partSeconds`; `written` is told the marks done of the batch's total.
    func importMarkStream(
        problems: inout [LedgerRowProblem], tuning: MarkImportTuning = .fromEnvironment(), rereadable: Bool = true,
        written: ((_ done: Int, _ rows: Int) -> Void)? = nil,
        _ source: (_ add: (Int, MarkFieldBytes) throws -> Void) throws -> Void
    ) throws -> LedgerMarkImportResult {
        problems = []
        try requireWritable()
        do { try requireWriter("record attendance", minimum: .classTeacher) } catch let refusal as LedgerRefusal {
            try recordRefusal(refusal)
            throw KCBXError.permissionDenied(refusal.message(actor))
        }
        var earlier = 0  // marks written by an attempt the roster's change cut short
        for attempt in 1...3 {
            let today = CivilDate.utcDate(of: clock())
            // Phase 1: check the whole batch on a read snapshot.
            let (batch, head): (MarkBatch, Int64) = try read { db in
                guard let cal = try storedCalendar(db) else {
                    throw KCBXError.ruleViolation(
                        rule: "marks need the school calendar (DOMAIN.md §7: dates outside the calendar are rejected)",
                        detail: "no calendar is set on this ledger; call setCalendar first")
                }
                let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM events") ?? 0
                let batch = try MarkBatch(ledger: self, db: db, calendar: cal, today: today)
                try source { n, f in try batch.check(row: n, f) }
                return (batch, head)
            }
            guard batch.problems.isEmpty else {
                problems = batch.problems
                if !batch.outside.isEmpty {
                    let outside = batch.outside
                    let rowsText = outside.prefix(20).map { String($0.row) }.joined(separator: ", ") + (outside.count > 20 ? ", …" : "")
                    try recordRefusal(
                        LedgerRefusal(
                            operation: "record attendance", student: outside[0].key, caseID: 0,
                            detail:
                                "rows \(rowsText): \(outside.count) mark\(outside.count == 1 ? "" : "s") for students outside \(actor.level.rawValue) \(actor.unitCode); the batch was not applied"
                        ))
                }
                throw LedgerRowProblem.error(batch.problems)
            }
            // Phase 2: write in parts.
            try batch.finish()
            let writer = MarkWrite(batch: batch)
            var checked = head
            var parts = 0
            var rosterChanged = false
            while !writer.finished || parts == 0 {
                if parts > 0 { sleepSeconds(tuning.pauseSeconds) }
                try write { db, w in
                    let started = monotonicSeconds()
                    try requireWriter("record attendance", minimum: .classTeacher)
                    // The batch was checked against the roster and calendar as of `head`.
                    if try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM events WHERE seq > ? AND kind IN (?, ?, ?))",
                        arguments: [
                            checked, EventKind.studentUpserted.rawValue, EventKind.studentsUpserted.rawValue,
                            EventKind.calendarSet.rawValue,
                        ]) == true
                    {
                        rosterChanged = true
                        return
                    }
                    try writer.part(db, &w, rows: tuning.partRows, seconds: tuning.partSeconds, started: started)
                    checked = w.seq
                }
                if rosterChanged { break }
                parts += 1
                written?(writer.done, batch.rows)
                if tuning.stopAfterParts > 0, parts == tuning.stopAfterParts, !writer.finished { throw MarkImportStopped() }
            }
            if rosterChanged {
                earlier += writer.result.changed
                guard rereadable else {
                    throw KCBXError.storage(
                        "\(path): the roster or calendar changed while the attendance was written (\(earlier) of \(batch.rows) marks written, in whole parts); the marks came as a stream that cannot be read again: import them again (the marks already written count as unchanged)"
                    )
                }
                continue
            }
            var result = writer.result
            // Marks an earlier attempt wrote count as changed, not unchanged.
            let moved = min(earlier, result.unchanged)
            result.changed += moved
            result.unchanged -= moved
            return result
        }
        throw KCBXError.storage("\(path): the roster or calendar kept changing while the attendance was written; import the file again")
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
        do { return try SchoolCalendar(json: json) } catch {
            throw KCBXError.integrity("the stored school calendar does not load: \(error)")
        }
    }

    /// A child's marks from `from` through `through`, in date order (`MarkMonths.scan`).
    func marks(of student: String, from: CivilDate, through: CivilDate, _ db: Database) throws -> [AttendanceMark] {
        guard let sid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM students WHERE key = ?"), arguments: [student]) else {
            return []
        }
        var out: [AttendanceMark] = []
        try MarkMonths.scan(db, ids: sid, sid, from: from.yyyymmdd, through: through.yyyymmdd, slips: true) { _, day, code, lf, lt, slip in
            guard let date = try? CivilDate(yyyymmdd: day), let kind = MarkKind(rawValue: code) else { return }
            if kind == .approvedLeave, lf != 0, let a = try? CivilDate(yyyymmdd: lf), let b = try? CivilDate(yyyymmdd: lt),
                let span = try? DateSpan(from: a, to: b)
            {
                out.append(AttendanceMark.leave(date, span: span, slip: slip.isEmpty ? nil : slip))
                return
            }
            out.append(
                AttendanceMark(
                    date, kind,
                    leave: kind == .approvedLeave && !slip.isEmpty ? ApprovedLeave(span: DateSpan(day: date), slip: slip) : nil))
        }
        return out
    }
}

/// Thrown by the header callback to stop reading after the header.
private struct MarkHeaderRead: Error {}

func ledgerParseDate(_ text: String) -> CivilDate? {
    // The common form YYYY-MM-DD read from the string's bytes (a mark's date, per row).
    if let d = text.utf8.withContiguousStorageIfAvailable({ b -> CivilDate? in
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        var v = (0, 0, 0)
        for i in 0..<10 where i != 4 && i != 7 {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            if i < 4 { v.0 = v.0 * 10 + Int(c - 48) } else if i < 7 { v.1 = v.1 * 10 + Int(c - 48) } else { v.2 = v.2 * 10 + Int(c - 48) }
        }
        return try? CivilDate(year: v.0, month: v.1, day: v.2)
    }), let d {
        return d
    }
    let t = text.ledgerTrimmed
    if t.utf8.count == 8, let v = Int32(t) { return try? CivilDate(yyyymmdd: v) }
    return try? CivilDate(iso: t)
}

func ledgerParseMarkKind(_ text: String) -> MarkKind? {
    // Exact labels first (the common case), without lowercasing.
    switch text {
    case "present", "0": return .present
    case "unexcused", "2": return .unexcused
    default: break
    }
    let t = text.ledgerTrimmed.lowercased()
    if let v = Int(t) { return (0...255).contains(v) ? MarkKind(rawValue: UInt8(v)) : nil }
    return MarkKind.allCases.first { $0.label == t || $0.chinese == t }
}
