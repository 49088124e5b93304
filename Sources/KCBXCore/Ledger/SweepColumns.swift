@_implementationOnly import GRDB

/// The ledger's students and marks of one jurisdiction as columns for `Classifier.classifyMany`:
/// two queries (students, then their marks in key order), no per-student query.
struct SweepColumns {
    /// Student keys, one per child row of `columns`.
    var keys: [String] = []
    var columns = BulkArrays(encoding: .yyyymmdd)

    /// Loads the students in `scope` (ordered by key) and their marks from `from` through `through` (YYYYMMDD days).
    init(_ db: Database, scope: (sql: String, argument: String), from: CivilDate, through: CivilDate) throws {
        let closed = Set(try String.fetchAll(db, sql: "SELECT DISTINCT student FROM cases WHERE status = 'closed'"))
        var rowIndex: [Int64: Int32] = [:]
        var opinions: [Int: String] = [:]
        var leaveFrom: [Int32] = [], leaveTo: [Int32] = []
        let students = try Row.fetchCursor(db, sql: """
            SELECT s.rowid, s.key, s.birth_date, s.grade, s.registration, s.registration_date, s.expert_opinion, s.groups
            FROM students s WHERE \(scope.sql) ORDER BY s.key
            """, arguments: [scope.argument])
        while let row = try students.next() {
            let i = keys.count
            let key: String = row[1]
            rowIndex[row[0]] = Int32(i)
            keys.append(key)
            columns.birth.append(Self.yyyymmdd(row[2]))
            columns.grade.append(Int8(clamping: row[3] as Int))
            let reg = LedgerRegistration(rawValue: row[4]) ?? .enrolled
            columns.registration.append(Int8(Self.state(reg).rawValue))
            columns.registrationDate.append(Self.yyyymmdd(row[5]))
            var bits = ChildFactBits()
            if reg == .elsewhere { bits.insert(.studyingElsewhere) }
            if closed.contains(key) { bits.insert(.pastDropout) }
            columns.factBits.append(bits.rawValue)
            let groups: String = row[7]
            columns.groupMask.append(groups.isEmpty ? 0 : SpecialGroup.mask(groups.split(separator: ";").compactMap { SpecialGroup(rawValue: String($0)) }))
            let opinion: String = row[6]
            if !opinion.isEmpty { opinions[i] = opinion }
        }
        // Students outer, marks by primary-key prefix: marks arrive grouped by child and sorted by day.
        let marks = try Row.fetchCursor(db, sql: """
            SELECT s.rowid, m.day, m.kind, m.leave_from, m.leave_to
            FROM students s CROSS JOIN marks m ON m.sid = s.id
            WHERE \(scope.sql) AND m.day BETWEEN ? AND ? ORDER BY s.key, m.day
            """, arguments: [scope.argument, from.yyyymmdd, through.yyyymmdd])
        while let row = try marks.next() {
            guard let child = rowIndex[row[0]] else { continue }
            columns.markChild.append(child)
            columns.markDate.append(row[1])
            columns.markKind.append(Int8(clamping: row[2] as Int))
            let lf: Int32 = row[3], lt: Int32 = row[4]
            leaveFrom.append(lf)
            leaveTo.append(lf == 0 ? 0 : lt)
        }
        columns.leaveFrom = leaveFrom
        columns.leaveTo = leaveTo
        columns.expertOpinion = { opinions[$0] }
    }

    /// Classifies every loaded student.
    func classify(_ classifier: Classifier, asOf: CivilDate, today: CivilDate) throws -> ClassificationTable {
        try classifier.classifyMany(columns, asOf: asOf, today: today)
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
