@_implementationOnly import GRDB

/// Jurisdiction checks (school < township < county < city < province): an actor acts only on
/// students its unit covers. Refusals are thrown as `LedgerRefusal` and recorded as events.
extension Ledger {
    /// Refuses actors that may not write (departments, villages) or are below `minimum`.
    func requireWriter(_ operation: String, minimum: UnitLevel = .school, student: String = "", caseID: Int64 = 0) throws {
        guard actor.mayWrite else {
            throw LedgerRefusal(
                operation: operation, student: student, caseID: caseID,
                detail: "\(actor.level.rawValue) units read the ledger but do not write it")
        }
        guard actor.level >= minimum else {
            throw LedgerRefusal(
                operation: operation, student: student, caseID: caseID,
                detail: "needs \(minimum.rawValue) level or above")
        }
    }

    /// Refuses when `student` is outside the actor's jurisdiction.
    func requireCovers(_ student: LedgerStudent, _ operation: String, caseID: Int64 = 0) throws {
        guard actor.covers(schoolID: student.schoolID, townshipCode: student.townshipCode) else {
            throw LedgerRefusal(operation: operation, student: student.key, caseID: caseID, detail: outsideDetail(student.key))
        }
    }

    /// What a refusal says about a child the actor may not read: the key masked (`IDMask`) and
    /// nothing of where the child is. The same words for a key on no roster at all, so a refusal
    /// never tells whether a child is recorded elsewhere.
    func outsideDetail(_ key: String) -> String {
        "student \(IDMask.key(key)) is not on the roster of \(actor.level.rawValue) \(actor.unitCode)"
    }

    /// The student `key` when the actor covers it; a key on no roster and a key outside the
    /// jurisdiction are refused alike (`LedgerRefusal`, recorded) with `outsideDetail`.
    func coveredStudent(_ key: String, _ operation: String, _ db: Database) throws -> LedgerStudent {
        guard let s = try storedStudent(key, db), actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) else {
            throw LedgerRefusal(operation: operation, student: key.utf8.count <= 64 ? key : "", caseID: 0, detail: outsideDetail(key))
        }
        return s
    }

    /// A stored student by key, or `.notFound`.
    func student(_ key: String, _ db: Database) throws -> LedgerStudent {
        guard let s = try storedStudent(key, db) else { throw KCBXError.notFound(what: "student", name: key) }
        return s
    }

    func storedStudent(_ key: String, _ db: Database) throws -> LedgerStudent? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM students WHERE key = ?"), arguments: [key]).map(LedgerStudent.init(row:))
    }
}

extension LedgerStudent {
    init(row: Row) {
        let groups: String = row["groups"]
        self.init(
            residentID: row["resident_id"], registryNumber: row["registry_number"], name: row["name"], sex: row["sex"],
            birthDate: row["birth_date"], address: row["address"], regionCode: row["region_code"], schoolID: row["school_id"],
            schoolName: row["school_name"], townshipCode: row["township_code"], grade: row["grade"],
            registration: row["registration"], registrationDate: row["registration_date"],
            expertOpinion: row["expert_opinion"], groups: groups.isEmpty ? [] : groups.split(separator: ";").map(String.init))
    }
}
