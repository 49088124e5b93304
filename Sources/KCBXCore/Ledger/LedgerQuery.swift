import FoundationEssentials

@_implementationOnly import GRDB

/// Which cases to list. Empty lists and nil values do not filter. Results are always limited
/// to the actor's jurisdiction (by the student's current school and township).
public struct LedgerCaseFilter: Hashable, Sendable {
    public var statuses: [LedgerCaseStatus] = []
    public var kinds: [LedgerCaseKind] = []
    public var reasons: [ReasonCode] = []
    public var schoolID: String?
    public var townshipCode: String?
    public var group: SpecialGroup?
    /// Opened on or after / on or before.
    public var openedFrom: CivilDate?
    public var openedThrough: CivilDate?
    /// Only cases flagged 反弹 (relapse).
    public var relapseOnly = false
    /// Only cases not dismissed or closed.
    public var openOnly = false
    public var studentKey: String?
    /// Full resident IDs in the listing (county level or above; recorded, `Ledger.disclosure`).
    public var fullIDs = false

    public init() {}

    /// From JSON: `{"status": ["persuading"], "kind": [...], "reason": ["G"], "school_id": "…",
    /// "township_code": "…", "group": "disabled", "opened_from": "2025-09-01", "opened_through": "…",
    /// "relapse_only": true, "open_only": true, "student": "…", "full_ids": true}`; unknown keys are refused.
    public init(json text: String) throws {
        var r = try JSONObjectReader(try JSONValue.parse(text, field: "filter"), path: "filter")
        func list(_ key: String) throws -> [String] {
            try (r.array(key) ?? []).enumerated().map { i, v in
                guard case .string(let s) = v else { throw KCBXError.invalidInput(field: "filter.\(key)[\(i)]", rule: "must be a string") }
                return s
            }
        }
        statuses = try list("status").map { try ledgerParseCode($0, "filter.status") }
        kinds = try list("kind").map { try ledgerParseCode($0, "filter.kind") }
        reasons = try list("reason").map { try ReasonCode(code: $0, field: "filter.reason") }
        schoolID = try r.string("school_id")
        townshipCode = try r.string("township_code")
        group = try r.string("group").map { try SpecialGroup(code: $0, field: "filter.group") }
        openedFrom = try r.string("opened_from").map { try CivilDate(iso: $0, field: "filter.opened_from") }
        openedThrough = try r.string("opened_through").map { try CivilDate(iso: $0, field: "filter.opened_through") }
        studentKey = try r.string("student")
        for key in ["relapse_only", "open_only", "full_ids"] {
            guard let v = r.value(key) else { continue }
            guard case .bool(let b) = v else { throw KCBXError.invalidInput(field: "filter.\(key)", rule: "must be true or false") }
            switch key {
            case "relapse_only": relapseOnly = b
            case "open_only": openOnly = b
            default: fullIDs = b
            }
        }
        try r.rejectUnknown()
    }
}

extension Ledger {
    /// Cases matching `filter` within the actor's jurisdiction, by id, the student keys masked
    /// unless `filter.fullIDs` is granted (`disclosure`).
    public func cases(_ filter: LedgerCaseFilter = LedgerCaseFilter()) throws -> [LedgerCase] {
        let d = try disclosure(fullIDs: filter.fullIDs, "list cases", format: "cases")
        return try scopedCases(filter).map { $0.disclosed(d) }
    }

    /// `cases` with each case's student, both as the disclosure shows them (for tables with names).
    public func casesWithStudents(_ filter: LedgerCaseFilter = LedgerCaseFilter()) throws -> [(LedgerCase, LedgerStudent)] {
        let d = try disclosure(fullIDs: filter.fullIDs, "list cases", format: "cases")
        let list = try scopedCases(filter)
        return try read { db in try list.map { ($0.disclosed(d), try student($0.student, db).disclosed(d)) } }
    }

    /// Cases matching `filter` within the jurisdiction, keys as stored (for the ledger's own use).
    func scopedCases(_ filter: LedgerCaseFilter) throws -> [LedgerCase] {
        let scope = actor.scopeSQL
        var wheres = [scope.sql]
        var args: [DatabaseValueConvertible] = [scope.argument]
        func any(_ column: String, _ values: [String]) {
            guard !values.isEmpty else { return }
            wheres.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
            args += values as [DatabaseValueConvertible]
        }
        any("c.status", filter.statuses.map(\.rawValue))
        any("c.kind", filter.kinds.map(\.rawValue))
        any("c.reason", filter.reasons.map(\.rawValue))
        if let v = filter.schoolID {
            wheres.append("s.school_id = ?")
            args.append(v)
        }
        if let v = filter.townshipCode {
            wheres.append("s.township_code = ?")
            args.append(v)
        }
        if let g = filter.group {
            wheres.append("(';' || s.groups || ';') LIKE ?")
            args.append("%;\(g.rawValue);%")
        }
        if let d = filter.openedFrom {
            wheres.append("c.opened_on >= ?")
            args.append(d.description)
        }
        if let d = filter.openedThrough {
            wheres.append("c.opened_on <= ?")
            args.append(d.description)
        }
        if filter.relapseOnly { wheres.append("c.relapse_of != 0") }
        if filter.openOnly { wheres.append("c.status NOT IN ('closed', 'dismissed')") }
        if let k = filter.studentKey {
            wheres.append("c.student = ?")
            args.append(k)
        }
        return try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT c.* FROM cases c JOIN students s ON s.key = c.student WHERE \(wheres.joined(separator: " AND ")) ORDER BY c.id",
                arguments: StatementArguments(args)
            ).map(LedgerCase.init(row:))
        }
    }

    /// Every event of a case, oldest first (its full history, refusals included); IDs masked
    /// unless `fullIDs` is granted (`disclosure`).
    public func history(case id: Int64, fullIDs: Bool = false) throws -> [LedgerEvent] {
        _ = try ledgerCase(id)
        let d = try disclosure(fullIDs: fullIDs, "read the history of case \(id)", format: "history")
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM events WHERE case_id = ? ORDER BY seq", arguments: [id]).map {
                LedgerEvent(row: $0).disclosed(d)
            }
        }
    }

    /// Every event about a student (roster changes, cases), oldest first; IDs masked unless
    /// `fullIDs` is granted. A key on no roster is refused like one outside the jurisdiction.
    public func history(student key: String, fullIDs: Bool = false) throws -> [LedgerEvent] {
        let s = try read { try storedStudent(key, $0) }
        guard let s, actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) else {
            try refuseRead("read the history of student \(IDMask.key(key))", student: key.utf8.count <= 64 ? key : "", outsideDetail(key))
        }
        let d = try disclosure(fullIDs: fullIDs, "read the history of a student", format: "history")
        return try read { db in
            try RosterReplay.events(of: key, db).map { $0.disclosed(d) }
        }
    }

    /// Events after `seq`, oldest first, at most `limit` (the audit trail; county level or above,
    /// or a department); IDs masked unless `fullIDs` is granted.
    public func events(after seq: Int64 = 0, limit: Int = 1000, fullIDs: Bool = false) throws -> [LedgerEvent] {
        guard actor.mayReadFullIDs || actor.level == .department else {
            try refuseRead("read the whole audit trail", "needs county level or above (or a department)")
        }
        let d = try disclosure(fullIDs: fullIDs, "read the audit trail", format: "events")
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, max(0, min(limit, 100_000))]
            ).map {
                let e = LedgerEvent(row: $0)
                let readable: String
                if PackedMarks.isPacked(e.payload) {
                    // A packed (file format v2) attendance payload is shown as the v1 JSON, keys resolved.
                    readable = try PackedMarks.readableJSON(e.payload, seq: e.seq, db)
                } else if PackedStudents.isPacked(e.payload) {
                    // A packed roster payload (v3) as `{"students": [<v1 student.upserted payload>, …]}`.
                    readable = try PackedStudents.readableJSON(e.payload, seq: e.seq)
                } else {
                    return e.disclosed(d)
                }
                return LedgerEvent(
                    seq: e.seq, at: e.at, actor: e.actor, kind: e.kind, student: e.student, caseID: e.caseID,
                    reason: e.reason, payload: readable, prevHash: e.prevHash, hash: e.hash
                ).disclosed(d)
            }
        }
    }
}

extension LedgerEvent {
    init(row: Row) {
        let level = UnitLevel(rawValue: row["actor_level"]) ?? .department
        self.init(
            seq: row["seq"], at: row["at"],
            actor: LedgerActor(stored: level, unitCode: row["actor_unit"], person: row["actor_person"], role: row["actor_role"]),
            kind: row["kind"], student: row["student"], caseID: row["case_id"], reason: row["reason"],
            payload: row["payload"], prevHash: row["prev_hash"], hash: row["hash"])
    }

    /// The event as a JSON object (payload inlined).
    public var jsonValue: JSONValue {
        .object([
            "seq": .number(Double(seq)), "at": .string(at), "kind": .string(kind), "student": .string(student),
            "case_id": .number(Double(caseID)), "reason": .string(reason),
            "payload": (try? JSONValue.parse(payload)) ?? .string(payload), "hash": .string(hash), "prev_hash": .string(prevHash),
            "actor": .object([
                "level": .string(actor.level.rawValue), "unit_code": .string(actor.unitCode),
                "person": .string(actor.person), "role": .string(actor.role),
            ]),
        ])
    }
}

extension LedgerCase {
    /// The case as a JSON object (the CodingKeys' names), with `relapse` and Chinese labels.
    public var jsonValue: JSONValue {
        let e = JSONEncoder()
        guard let data = try? e.encode(self), case .object(var o)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            return .null
        }
        o["relapse"] = .bool(isRelapse)
        o["kind_label"] = .string(kind.chinese)
        o["status_label"] = .string(status.chinese)
        return .object(o)
    }
}

extension PackedMarks {
    /// A packed payload as readers of the audit trail see it (`Ledger.events`): the v1 JSON
    /// (`MarksPayload.canonicalJSON`) with each student id resolved to its key through
    /// `students.id`. The stored text, which the chain hashes, is unchanged.
    static func readableJSON(_ payload: String, seq: Int64, _ db: Database) throws -> String {
        let find = try db.cachedStatement(sql: "SELECT key FROM students WHERE id = ?")
        var keys: [Int64: String] = [:]
        var marks: [MarksPayload.Mark] = []
        try decode(payload, seq: seq) { m in
            let key: String
            if let known = keys[m.sid] {
                key = known
            } else {
                guard let found = try String.fetchOne(find, arguments: [m.sid]) else {
                    throw KCBXError.integrity("event #\(seq) names student id \(m.sid), which the ledger does not hold")
                }
                keys[m.sid] = found
                key = found
            }
            marks.append(MarksPayload.Mark(s: key, d: m.day, k: Int(m.kind), lf: m.leaveFrom, lt: m.leaveTo, sl: m.slip))
        }
        return try MarksPayload(marks: marks).canonicalJSON
    }
}
