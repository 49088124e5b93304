@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// The ledger's students and marks of one jurisdiction as columns for `Classifier.classifyMany`,
/// read chunk by chunk (`forEachChunk`: `chunkSize` students in `students.id` order with their
/// marks, classified and handed over, then freed, so memory stays flat whatever the roster's
/// size). Prepared statements stepped through the SQLite C API: the roster in its table order
/// (no key-index seek per row) and the chunk's marks by `MarkMonths.scan` (one row a child and
/// month); no GRDB row per mark. Callers needing the key order (`students.key`, as SQLite
/// compares text) sort what they keep with `keyPrecedes`.
struct SweepColumns {
    /// Student keys, one per child row of `columns` (in `students.id` order).
    var keys: [String] = []
    /// The file's student ids (`students.id`), ascending, one per child row.
    var ids: [Int64] = []
    var columns = BulkArrays(encoding: .yyyymmdd)
    /// Child `i`'s marks are `markStart[i]..<markStart[i + 1]` of the mark columns (by day).
    var markStart: [Int] = []
    /// The roster rows, one per child row, when loaded `withStudents`.
    var students: [LedgerStudent] = []

    /// Students a chunk holds: its columns stay a few tens of MB whatever the roster's size (the
    /// tests read in chunks of a few dozen to cross many chunk edges).
    @TaskLocal static var chunkSize = 32_768

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

    private init() {}

    /// Reads the students in `scope` in `students.id` order, `chunkSize` at a time, with their
    /// marks from `from` through `through` (YYYYMMDD days), and calls `body` on each chunk until
    /// it returns false; `withStudents` keeps each roster row too (reports). `schoolDays` (the
    /// calendar's school days in the range) sizes the mark columns once instead of by doubling.
    static func forEachChunk(
        _ db: Database, scope: (sql: String, argument: String), from: CivilDate, through: CivilDate,
        withStudents: Bool = false, schoolDays: Int = 0,
        _ body: (SweepColumns) throws -> Bool
    ) throws {
        let closed = Set(try String.fetchAll(db, sql: "SELECT DISTINCT student FROM cases WHERE status = 'closed'"))
        let students = try db.makeStatement(
            sql: """
                SELECT s.id, \(withStudents ? Self.studentColumns : Self.classifierColumns) FROM students s WHERE \(scope.sql) ORDER BY s.id
                """)
        let h = students.sqliteStatement
        sqlite3_reset(h)
        defer {
            sqlite3_reset(h)
            sqlite3_clear_bindings(h)
        }
        ledgerBind(h, 1, scope.argument)
        let perChunk = min(max(1, Self.chunkSize), Int(Int32.max))  // a chunk row is an Int32 in the mark columns
        var chunk = SweepColumns()
        var opinions: [Int: String] = [:]
        func flush() throws -> Bool {
            guard !chunk.ids.isEmpty else { return true }
            try chunk.loadMarks(db, from: from, through: through, schoolDays: schoolDays)
            let kept = opinions
            chunk.columns.expertOpinion = { kept[$0] }
            let more = try body(chunk)
            chunk = SweepColumns()
            opinions = [:]
            return more
        }
        while true {
            let rc = sqlite3_step(h)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw ledgerSQLiteError(rc, db) }
            let i = chunk.keys.count
            // Without `withStudents` only the columns the classifier needs become Swift values
            // (no name, address or school strings per child).
            let s: LedgerStudent? = withStudents ? Self.student(h, 1) : nil
            let residentID = s?.residentID ?? ledgerText(h, 1)
            let key = residentID.isEmpty ? s?.registryNumber ?? ledgerText(h, 2) : residentID
            let groupText = s == nil ? ledgerText(h, 15) : ""
            let opinion = s?.expertOpinion ?? ledgerText(h, 14)
            chunk.ids.append(sqlite3_column_int64(h, 0))
            chunk.keys.append(key)
            chunk.columns.birth.append(Self.yyyymmdd(h, 5))
            chunk.columns.grade.append(Int8(clamping: sqlite3_column_int64(h, 11)))
            let reg = LedgerRegistration(rawValue: s?.registration ?? ledgerText(h, 12)) ?? .enrolled
            chunk.columns.registration.append(Int8(Self.state(reg).rawValue))
            chunk.columns.registrationDate.append(Self.yyyymmdd(h, 13))
            var bits = ChildFactBits()
            if reg == .elsewhere { bits.insert(.studyingElsewhere) }
            if !closed.isEmpty && closed.contains(key) { bits.insert(.pastDropout) }
            chunk.columns.factBits.append(bits.rawValue)
            let groups =
                s.map { $0.groups.compactMap { SpecialGroup(rawValue: $0) } }
                ?? (groupText.isEmpty ? [] : groupText.split(separator: ";").compactMap { SpecialGroup(rawValue: String($0)) })
            chunk.columns.groupMask.append(groups.isEmpty ? 0 : SpecialGroup.mask(groups))
            if !opinion.isEmpty { opinions[i] = opinion }
            if let s { chunk.students.append(s) }
            if chunk.ids.count >= perChunk, try !flush() { return }
        }
        _ = try flush()
    }

    /// Reads the marks of the chunk's students (`ids`, ascending) into the mark columns, already
    /// in child order (`MarkMonths.scan`): one range scan when the students are dense among the ids
    /// (most of the roster in scope), else one primary-key seek per student.
    private mutating func loadMarks(_ db: Database, from: CivilDate, through: CivilDate, schoolDays: Int) throws {
        guard let lo = ids.first, let hi = ids.last else { return }
        let expected = ids.count * max(0, min(schoolDays, 400))
        columns.markChild.reserveCapacity(expected)
        columns.markDate.reserveCapacity(expected)
        columns.markKind.reserveCapacity(expected)
        var leaveFrom: [Int32] = []
        var leaveTo: [Int32] = []
        leaveFrom.reserveCapacity(expected)
        leaveTo.reserveCapacity(expected)
        var p = 0
        let ids = self.ids
        func read(_ a: Int64, _ b: Int64) throws {
            try MarkMonths.scan(db, ids: a, b, from: from.yyyymmdd, through: through.yyyymmdd, slips: false) { id, day, kind, lf, lt, _ in
                while p < ids.count && ids[p] < id { p += 1 }
                guard p < ids.count && ids[p] == id else { return }  // a student outside the scope
                columns.markChild.append(Int32(truncatingIfNeeded: p))
                columns.markDate.append(day)
                columns.markKind.append(Int8(clamping: kind))
                leaveFrom.append(lf)
                leaveTo.append(lf == 0 ? 0 : lt)
            }
        }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if !overflow && span < Int64(ids.count) * 2 {
            try read(lo, hi)
        } else {
            for id in ids { try read(id, id) }
        }
        var start = [Int](repeating: 0, count: ids.count + 1)
        for c in columns.markChild { start[Int(c) + 1] += 1 }
        for i in 0..<ids.count { start[i + 1] += start[i] }
        markStart = start
        columns.leaveFrom = leaveFrom
        columns.leaveTo = leaveTo
    }

    /// Whether key `a` sorts before key `b` as SQLite's BINARY collation orders `students.key`
    /// (byte by byte in UTF-8, a prefix first): the one key order of the set-based outputs.
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n {
                    if x[i] != y[i] { return x[i] < y[i] }
                    i += 1
                }
                return x.count < y.count
            }
        }
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

    /// Column `i` as `yyyymmdd(_:)` reads it, straight from the row's bytes (no String).
    static func yyyymmdd(_ h: OpaquePointer, _ i: Int32) -> Int32 {
        guard let p = sqlite3_column_text(h, i) else { return 0 }
        return yyyymmdd(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(h, i))))
    }

    /// `YYYY-MM-DD` → 20250901; "" or malformed → 0 ("no date").
    static func yyyymmdd(_ iso: String) -> Int32 {
        var iso = iso
        return iso.withUTF8 { yyyymmdd($0) }
    }

    /// `yyyymmdd(_:)` over UTF-8 bytes.
    static func yyyymmdd(_ u: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return 0 }
        var v: Int32 = 0
        for i in 0..<10 where i != 4 && i != 7 {
            let b = u[i]
            guard b >= 48 && b <= 57 else { return 0 }
            v = v * 10 + Int32(b - 48)
        }
        return v
    }
}
