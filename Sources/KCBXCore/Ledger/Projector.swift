@_implementationOnly import GRDB
@_implementationOnly import GRDBSQLite

/// Applies one event to the projection tables in `schema`. The same code updates the live
/// projection (in the event's transaction) and rebuilds a copy for verify(), so the state is
/// always what the events say. Payloads were validated when the event was made.
struct Projector {
    let schema: String

    /// `decoded` is the payload value itself when the caller has it (a new event): it spares
    /// decoding the JSON just encoded. verify() passes nil and decodes every payload.
    func apply(
        kind: String, student: String, caseID: Int64, payload: String, seq: Int64, _ db: Database,
        decoded: Any? = nil
    ) throws {
        guard let k = EventKind(rawValue: kind) else { throw KCBXError.integrity("event #\(seq) has an unknown kind '\(kind)'") }
        func decode<T: Decodable>(_ type: T.Type, _ text: String, seq: Int64) throws -> T {
            if let v = decoded as? T { return v }
            return try PayloadCoding.decode(type, text, seq: seq)
        }
        func execute(sql: String, arguments: StatementArguments) throws {
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
        }
        switch k {
        case .created, .accessRefused, .exported, .studentAction, .profileChanged, .dutyFiled, .auditFinding, .spotCheckDrawn,
            .homeVerification:
            return
        case .studentUpserted:
            let s = try decode(LedgerStudent.self, payload, seq: seq)
            try StudentUpsert.write(db.cachedStatement(sql: StudentUpsert.sql(schema: schema)).sqliteStatement, s, seq: seq, db)
        case .studentsUpserted:
            try RosterReplay.apply(payload: payload, seq: seq, schema: schema, db)
        case .marksRecorded:
            try applyMarks(payload: payload, seq: seq, db)
        case .calendarSet:
            let p = try decode(CalendarPayload.self, payload, seq: seq)
            try execute(sql: "INSERT OR REPLACE INTO \(schema).calendar (id, json) VALUES (1, ?)", arguments: [p.json])
        case .caseOpened:
            let p = try decode(CaseOpenedPayload.self, payload, seq: seq)
            try execute(
                sql: """
                    INSERT INTO \(schema).cases (id, student, kind, status, reason, dismissal, plan, person, return_school, placement,
                        return_date, opinion_ref, opened_on, verified_on, closed_on, relapse_of, source, flags, updated_seq)
                    VALUES (?, ?, ?, 'suspected', '', '', '', '', '', '', '', '', ?, '', '', ?, ?, '', ?)
                    """, arguments: [p.id, student, p.kind, p.date, p.relapseOf, p.source, seq])
        case .casePromoted:
            let p = try decode(CasePromotedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["kind": p.kind])
        case .caseVerified:
            let p = try decode(CaseVerifiedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": "verified", "reason": p.reason, "verified_on": p.date])
        case .caseDismissed:
            let p = try decode(CaseDismissedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": "dismissed", "dismissal": p.why, "closed_on": p.date])
        case .casePersuading:
            let p = try decode(CasePersuadingPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": "persuading", "plan": p.plan, "person": p.person])
        case .caseReturned:
            let p = try decode(CaseReturnedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": "returned", "return_school": p.school, "placement": p.placement, "return_date": p.date])
        case .caseClosed:
            let p = try decode(CaseClosedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": "closed", "closed_on": p.date])
        case .caseExempted:
            let p = try decode(CaseExemptedPayload.self, payload, seq: seq)
            try update(db, caseID, seq, ["status": p.exemption, "opinion_ref": p.opinion])
        case .caseAction:
            try update(db, caseID, seq, [:])
        case .obligationEscalated:
            if caseID != 0 { try update(db, caseID, seq, [:]) }
        case .caseFlagged:
            let p = try decode(CaseFlaggedPayload.self, payload, seq: seq)
            let old =
                try String.fetchOne(db.cachedStatement(sql: "SELECT flags FROM \(schema).cases WHERE id = ?"), arguments: [caseID]) ?? ""
            var flags = old.split(separator: ";").map(String.init)
            if !flags.contains(p.flag) { flags.append(p.flag) }
            try update(db, caseID, seq, ["flags": flags.joined(separator: ";")])
        }
    }

    /// Writes an attendance event's marks (`AttendanceReplay`: packed or JSON) through
    /// `MarkMonthsWriter`, a later mark of a child and day replacing the earlier.
    private func applyMarks(payload: String, seq: Int64, _ db: Database) throws {
        let months = MarkMonthsWriter(schema: schema)
        try AttendanceReplay.forEachMark(payload: payload, seq: seq, students: schema, db) { m in _ = try months.apply(m, db) }
        try months.flush(db)
    }

    private func update(_ db: Database, _ caseID: Int64, _ seq: Int64, _ columns: KeyValuePairs<String, String>) throws {
        let sets = columns.map { "\($0.key) = ?" } + ["updated_seq = ?"]
        var args = StatementArguments(columns.map(\.value))
        args += [seq, caseID]
        try db.cachedStatement(sql: "UPDATE \(schema).cases SET \(sets.joined(separator: ", ")) WHERE id = ?").execute(arguments: args)
        if db.changesCount != 1 { throw KCBXError.integrity("event #\(seq) changes case \(caseID), which no earlier event opened") }
    }
}
