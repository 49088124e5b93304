@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// The ledger's students and marks of one jurisdiction as columns for `Classifier.classifyMany`:
/// two prepared statements stepped through the SQLite C API (students, then their marks in key
/// order), no per-student query and no GRDB row per mark. Every read of the `marks` table by the
/// set-based paths (sweep, due, escalate, reports) is `SweepColumns.marksSQL`.
struct SweepColumns {
    /// Student keys, one per child row of `columns`.
    var keys: [String] = []
    var columns = BulkArrays(encoding: .yyyymmdd)
    /// Child `i`'s marks are `markStart[i]..<markStart[i + 1]` of the mark columns (by day).
    var markStart: [Int] = []
    /// The roster rows, one per child row, when loaded `withStudents`.
    var students: [LedgerStudent] = []

    /// The marks from `?2` through `?3` (YYYYMMDD) of the students in a scope, by student id and
    /// day (the `marks` primary key): the one SQL the set-based paths read `marks` with. When the
    /// scope holds most of the roster (`whole`), the scope is dropped and `marks` is read as one
    /// sequential scan in key order (no per-student seek); the caller skips ids outside the scope.
    static func marksSQL(_ scope: String, whole: Bool) -> String {
        whole
            ? "SELECT m.sid, m.day, m.kind, m.leave_from, m.leave_to FROM marks m WHERE m.day BETWEEN ?2 AND ?3 ORDER BY m.sid, m.day"
            : """
            SELECT s.id, m.day, m.kind, m.leave_from, m.leave_to
            FROM students s CROSS JOIN marks m ON m.sid = s.id
            WHERE \(scope) AND m.day BETWEEN ?2 AND ?3 ORDER BY s.id, m.day
            """
    }

    /// The roster columns `student(_:_:)` reads, in order.
    static let studentColumns = """
        s.resident_id, s.registry_number, s.name, s.sex, s.birth_date, s.address, s.region_code, s.school_id, s.school_name,
        s.township_code, s.grade, s.registration, s.registration_date, s.expert_opinion, s.groups
        """

    /// `studentColumns` with the columns the classifier does not read (name, sex, address,
    /// region, school, township) as NULL, so their text is never copied out of the page.
    static let classifierColumns = """
        s.resident_id, s.registry_number, NULL, NULL, s.birth_date, NULL, NULL, NULL, NULL,
        NULL, s.grade, s.registration, s.registration_date, s.expert_opinion, s.groups
        """

    /// Loads the students in `scope` (ordered by key) and their marks from `from` through `through`
    /// (YYYYMMDD days); `withStudents` keeps each roster row too (reports). `schoolDays` (the
    /// calendar's school days in the range) sizes the mark columns once instead of by doubling.
    init(
        _ db: Database, scope: (sql: String, argument: String), from: CivilDate, through: CivilDate, withStudents: Bool = false,
        schoolDays: Int = 0
    ) throws {
        let closed = Set(try String.fetchAll(db, sql: "SELECT DISTINCT student FROM cases WHERE status = 'closed'"))
        var rowids: [Int64] = []
        var opinions: [Int: String] = [:]
        var leaveFrom: [Int32] = []
        var leaveTo: [Int32] = []
        let students = try db.makeStatement(
            sql: """
                SELECT s.rowid, \(withStudents ? Self.studentColumns : Self.classifierColumns) FROM students s WHERE \(scope.sql.replacingOccurrences(of: "?", with: "?1")) ORDER BY s.key
                """)
        try Self.each(students, db, bind: { ledgerBind($0, 1, scope.argument) }) { h in
            let i = keys.count
            // Without `withStudents` only the columns the classifier needs become Swift values
            // (no name, address or school strings per child).
            let s: LedgerStudent? = withStudents ? Self.student(h, 1) : nil
            let residentID = s?.residentID ?? ledgerText(h, 1)
            let key = residentID.isEmpty ? s?.registryNumber ?? ledgerText(h, 2) : residentID
            let groupText = ledgerText(h, 15)
            let opinion = s?.expertOpinion ?? ledgerText(h, 14)
            rowids.append(sqlite3_column_int64(h, 0))
            keys.append(key)
            columns.birth.append(Self.yyyymmdd(s?.birthDate ?? ledgerText(h, 5)))
            columns.grade.append(Int8(clamping: sqlite3_column_int64(h, 11)))
            let reg = LedgerRegistration(rawValue: s?.registration ?? ledgerText(h, 12)) ?? .enrolled
            columns.registration.append(Int8(Self.state(reg).rawValue))
            columns.registrationDate.append(Self.yyyymmdd(s?.registrationDate ?? ledgerText(h, 13)))
            var bits = ChildFactBits()
            if reg == .elsewhere { bits.insert(.studyingElsewhere) }
            if closed.contains(key) { bits.insert(.pastDropout) }
            columns.factBits.append(bits.rawValue)
            columns.groupMask.append(
                groupText.isEmpty ? 0 : SpecialGroup.mask(groupText.split(separator: ";").compactMap { SpecialGroup(rawValue: String($0)) })
            )
            if !opinion.isEmpty { opinions[i] = opinion }
            if let s { self.students.append(s) }
        }
        // Marks arrive by student id (the primary-key order of `marks`), the children are in key
        // order: a merge walk over the children sorted by id places each mark, then one copy
        // puts the marks in child order.
        let byID = rowids.indices.sorted { rowids[$0] < rowids[$1] }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM students") ?? 0
        let whole = keys.count * 2 >= total
        let expected = keys.count * max(0, min(schoolDays, 400))
        var day: [Int32] = []  // the mark columns in arrival (id) order
        var kind: [Int8] = []
        var arrivalFrom: [Int32] = []
        var arrivalTo: [Int32] = []
        day.reserveCapacity(expected)
        kind.reserveCapacity(expected)
        arrivalFrom.reserveCapacity(expected)
        arrivalTo.reserveCapacity(expected)
        var count = [Int](repeating: 0, count: keys.count)
        var arrivalStart = [Int](repeating: 0, count: keys.count)
        var p = 0
        let marks = try db.makeStatement(sql: Self.marksSQL(scope.sql.replacingOccurrences(of: "?", with: "?1"), whole: whole))
        try Self.each(
            marks, db,
            bind: { h in
                if !whole { ledgerBind(h, 1, scope.argument) }
                sqlite3_bind_int64(h, 2, Int64(from.yyyymmdd))
                sqlite3_bind_int64(h, 3, Int64(through.yyyymmdd))
            }
        ) { h in
            let id = sqlite3_column_int64(h, 0)
            while p < byID.count && rowids[byID[p]] < id { p += 1 }
            guard p < byID.count && rowids[byID[p]] == id else {
                if whole { return }  // a student outside the scope
                throw KCBXError.integrity("marks of a student outside the roster order (id \(id))")
            }
            let child = byID[p]
            if count[child] == 0 { arrivalStart[child] = day.count }
            count[child] += 1
            day.append(sqlite3_column_int(h, 1))
            kind.append(Int8(clamping: sqlite3_column_int(h, 2)))
            let lf = sqlite3_column_int(h, 3)
            arrivalFrom.append(lf)
            arrivalTo.append(lf == 0 ? 0 : sqlite3_column_int(h, 4))
        }
        markStart.reserveCapacity(keys.count + 1)
        columns.markChild.reserveCapacity(day.count)
        columns.markDate.reserveCapacity(day.count)
        columns.markKind.reserveCapacity(day.count)
        leaveFrom.reserveCapacity(day.count)
        leaveTo.reserveCapacity(day.count)
        for child in 0..<keys.count {
            markStart.append(columns.markChild.count)
            let r = arrivalStart[child]..<(arrivalStart[child] + count[child])
            columns.markChild.append(contentsOf: repeatElement(Int32(child), count: r.count))
            columns.markDate.append(contentsOf: day[r])
            columns.markKind.append(contentsOf: kind[r])
            leaveFrom.append(contentsOf: arrivalFrom[r])
            leaveTo.append(contentsOf: arrivalTo[r])
        }
        markStart.append(columns.markChild.count)
        columns.leaveFrom = leaveFrom
        columns.leaveTo = leaveTo
        columns.expertOpinion = { opinions[$0] }
    }

    /// Classifies every loaded student.
    func classify(_ classifier: Classifier, asOf: CivilDate, today: CivilDate) throws -> ClassificationTable {
        try classifier.classifyMany(columns, asOf: asOf, today: today)
    }

    /// Child `i`'s unexcused days on or after `from`, in date order.
    func unexcusedDays(of i: Int, from: CivilDate) -> [CivilDate] {
        let start = from.yyyymmdd
        let unexcused = Int8(MarkKind.unexcused.rawValue)
        var out: [CivilDate] = []
        for m in markStart[i]..<markStart[i + 1] where columns.markKind[m] == unexcused && columns.markDate[m] >= start {
            if let d = try? CivilDate(yyyymmdd: columns.markDate[m]) { out.append(d) }
        }
        return out
    }

    /// Steps `statement` (bound by `bind`) through the SQLite C API, calling `row` on each row.
    static func each(
        _ statement: Statement, _ db: Database, bind: (OpaquePointer) -> Void,
        _ row: (OpaquePointer) throws -> Void
    ) throws {
        let h = statement.sqliteStatement
        sqlite3_reset(h)
        defer {
            sqlite3_reset(h)
            sqlite3_clear_bindings(h)
        }
        bind(h)
        while true {
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw ledgerSQLiteError(rc, db) }
            try row(h)
        }
    }

    /// The roster row of `studentColumns` starting at column `c`.
    static func student(_ h: OpaquePointer, _ c: Int32) -> LedgerStudent {
        let groups = ledgerText(h, c + 14)
        return LedgerStudent(
            residentID: ledgerText(h, c), registryNumber: ledgerText(h, c + 1), name: ledgerText(h, c + 2),
            sex: sqlite3_column_int(h, c + 3), birthDate: ledgerText(h, c + 4), address: ledgerText(h, c + 5),
            regionCode: ledgerText(h, c + 6), schoolID: ledgerText(h, c + 7), schoolName: ledgerText(h, c + 8),
            townshipCode: ledgerText(h, c + 9), grade: Int(sqlite3_column_int64(h, c + 10)),
            registration: ledgerText(h, c + 11), registrationDate: ledgerText(h, c + 12),
            expertOpinion: ledgerText(h, c + 13), groups: groups.isEmpty ? [] : groups.split(separator: ";").map(String.init))
    }

    /// The roster rows of `keys` (those on the roster), by key: one prepared statement.
    static func students(_ keys: some Sequence<String>, _ db: Database) throws -> [String: LedgerStudent] {
        let statement = try db.makeStatement(sql: "SELECT \(studentColumns) FROM students s WHERE s.key = ?1")
        var out: [String: LedgerStudent] = [:]
        for key in keys where out[key] == nil {
            try each(statement, db, bind: { ledgerBind($0, 1, key) }) { out[key] = student($0, 0) }
        }
        return out
    }

    /// The classifier's registration state of a roster registration (as `Ledger.facts`).
    static func state(_ r: LedgerRegistration) -> RegistrationState {
        switch r {
        case .enrolled: return .enrolled
        case .none, .elsewhere: return .none
        case .deferred: return .deferred
        case .suspended: return .suspended
        case .homeDelivered: return .homeDelivered
        case .transferredOut: return .transferredOut
        case .graduated: return .graduated
        }
    }

    /// `YYYY-MM-DD` → 20250901; "" or malformed → 0 ("no date").
    static func yyyymmdd(_ iso: String) -> Int32 {
        let u = Array(iso.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return 0 }
        var v: Int32 = 0
        for (i, b) in u.enumerated() where i != 4 && i != 7 {
            guard b >= 48 && b <= 57 else { return 0 }
            v = v * 10 + Int32(b - 48)
        }
        return v
    }
}
