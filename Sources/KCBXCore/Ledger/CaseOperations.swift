@_implementationOnly import GRDB

/// Case operations. Each is one event in one transaction, refused with the rule named when the
/// lifecycle or the profile forbids it, and with `.permissionDenied` (recorded) outside the
/// actor's jurisdiction. `note` becomes the event's reason.
extension Ledger {
    /// Opens a case for a student. One open case per child; a child whose earlier case was closed
    /// gets a new case linked to the latest closed one and flagged 反弹 (relapse, seeds 001, 002).
    @discardableResult
    public func openCase(student key: String, kind: LedgerCaseKind, on date: CivilDate, note: String = "") throws -> LedgerCase {
        try checkNote(note)
        return try write { db, w in
            try requireWriter("open a case", student: key.utf8.count <= 64 ? key : "")
            let s = try coveredStudent(key, "open a case", db)
            try checkDate(date, notBefore: nil)
            return try openCase(s, kind: kind, on: date, source: "manual", note: note, db, &w).disclosed(.masked)
        }
    }

    func openCase(
        _ s: LedgerStudent, kind: LedgerCaseKind, on date: CivilDate, source: String, note: String,
        _ db: Database, _ w: inout EventWriter
    ) throws -> LedgerCase {
        try checkDate(date, for: s)
        if kind == .outOfSchool {
            let age = SchoolAge(birthDate: s.birth)
            switch age.standing(on: date) {
            case .schoolAge: break
            case .belowSchoolAge:
                throw KCBXError.ruleViolation(
                    rule: "000 二（一）: school age starts the school year after the child is 6 by 31 August (截止当年8月31日年满六周岁)",
                    detail:
                        "student \(s.key), born \(s.birthDate), is not of school age on \(date) (from \(age.entryYear)-09-01): no out_of_school case before then"
                )
            case .overAge:
                throw KCBXError.ruleViolation(
                    rule: "000: compulsory education is for 6-15周岁; 失学 ends at 16",
                    detail:
                        "student \(s.key), born \(s.birthDate), is \(age.age(on: date)) on \(date): past compulsory age, no out_of_school case"
                )
            }
        }
        if let open = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM cases WHERE student = ? AND status NOT IN ('closed', 'dismissed')"), arguments: [s.key])
        {
            throw KCBXError.ruleViolation(
                rule: "one open case per child (DOMAIN.md §4)", detail: "student \(IDMask.key(s.key)) already has open case \(open)")
        }
        if kind == .outOfSchool && s.registration != LedgerRegistration.none.rawValue {
            throw KCBXError.ruleViolation(
                rule: "失学 = no student registration (DOMAIN.md §2; 000, 001 A/B)",
                detail: "student \(IDMask.key(s.key)) has registration '\(s.registration)', not none")
        }
        if kind != .outOfSchool
            && ![LedgerRegistration.enrolled.rawValue, LedgerRegistration.homeDelivered.rawValue].contains(s.registration)
        {
            throw KCBXError.ruleViolation(
                rule: "辍学 needs an enrolled student (DOMAIN.md §2; 001 notes 1-2)",
                detail:
                    "student \(IDMask.key(s.key)) has registration '\(s.registration)'; a child without registration gets an out_of_school case"
            )
        }
        let relapseOf =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(id) FROM cases WHERE student = ? AND status = 'closed'"), arguments: [s.key])
            ?? 0
        let id = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM cases")) ?? 0) + 1
        let why = note.isEmpty ? (relapseOf != 0 ? "反弹: relapse of closed case \(relapseOf)" : "\(kind.chinese) case opened") : note
        try w.append(
            db, .caseOpened, student: s.key, caseID: id,
            payload: CaseOpenedPayload(id: id, kind: kind.rawValue, date: date.description, source: source, relapseOf: relapseOf),
            reason: why)
        return try ledgerCase(id, db)
    }

    /// Verifies a suspected case with its reason A–T (seed 001 附件1 填表说明3). A and B mean 失学
    /// and fit only out-of-school cases.
    @discardableResult
    public func verifyCase(_ id: Int64, reason: ReasonCode, on date: CivilDate, note: String = "") throws -> LedgerCase {
        try caseOperation(id, .verify, on: date, note: note) { db, w, c, _ in
            if (reason == .A || reason == .B) && c.kind != .outOfSchool {
                throw KCBXError.ruleViolation(
                    rule: "001 附件1 填表说明3: A/B are 失学 (out of school) reasons",
                    detail: "case \(id) is \(c.kind.rawValue); reason \(reason.rawValue) does not fit")
            }
            try w.append(
                db, .caseVerified, student: c.student, caseID: id,
                payload: CaseVerifiedPayload(reason: reason.rawValue, date: date.description),
                reason: note.isEmpty ? "核实: \(reason.rawValue) \(reason.chinese)" : note)
        }
    }

    /// Dismisses a suspected case on verification: transferred, studying elsewhere or a data error.
    @discardableResult
    public func dismissCase(_ id: Int64, why: LedgerDismissal, on date: CivilDate, note: String = "") throws -> LedgerCase {
        try caseOperation(id, .dismiss, on: date, note: note) { db, w, c, _ in
            try w.append(
                db, .caseDismissed, student: c.student, caseID: id,
                payload: CaseDismissedPayload(why: why.rawValue, date: date.description),
                reason: note.isEmpty ? "核查排除: \(why.chinese)" : note)
        }
    }

    /// Starts (or resumes) persuasion with the per-child plan (一人一案, required when the profile's
    /// `per_child_plan` is on) and the assigned person (人盯人, required when `one_to_one_assignment` is on).
    @discardableResult
    public func startPersuasion(_ id: Int64, plan: String, person: String, on date: CivilDate, note: String = "") throws -> LedgerCase {
        let plan = plan.ledgerTrimmed
        let person = person.ledgerTrimmed
        guard plan.count <= 2000 else { throw KCBXError.invalidInput(field: "plan", rule: "must be at most 2000 characters") }
        guard person.count <= 64 else { throw KCBXError.invalidInput(field: "person", rule: "must be at most 64 characters") }
        return try caseOperation(id, .persuade, on: date, note: note) { db, w, c, _ in
            if plan.isEmpty && policy.flag(.perChildPlan) {
                throw KCBXError.ruleViolation(
                    rule: "\(policy.id) per_child_plan (\(policy[.perChildPlan].provenance.citation))",
                    detail: "case \(id) needs a per-child persuasion plan (一人一案)")
            }
            if person.isEmpty && policy.flag(.oneToOneAssignment) {
                throw KCBXError.ruleViolation(
                    rule: "\(policy.id) one_to_one_assignment (\(policy[.oneToOneAssignment].provenance.citation))",
                    detail: "case \(id) needs an assigned person (人盯人挂钩)")
            }
            try w.append(
                db, .casePersuading, student: c.student, caseID: id,
                payload: CasePersuadingPayload(plan: plan, person: person, date: date.description, from: c.status.rawValue),
                reason: note.isEmpty ? (c.status == .returned ? "复学后再次离校，恢复劝返" : "劝返") : note)
        }
    }

    /// Records the child's return: school, date and placement (安置). Out-of-school children are
    /// placed by the county bureau (000 二（四）); special placements need disability or illness.
    @discardableResult
    public func recordReturn(_ id: Int64, school: String, placement: ReturnPlacement, on date: CivilDate, note: String = "") throws
        -> LedgerCase
    {
        try LedgerStudent.checkSchoolID(school, field: "school")
        return try caseOperation(id, .recordReturn, on: date, note: note) { db, w, c, s in
            if c.kind == .outOfSchool && actor.level < .county {
                throw LedgerRefusal(
                    operation: "place a returned out-of-school child", student: c.student, caseID: id,
                    detail: "失学儿童劝返后由教育局统一进行安置 (000 二（四）): needs county level or above")
            }
            if placement == .originalSchool && (c.kind == .outOfSchool || school != s.schoolID) {
                throw KCBXError.ruleViolation(
                    rule: "original_school placement (000 二（四）原则上安置到原就读学校)",
                    detail: "case \(id): school \(school) is not the child's original school '\(s.schoolID)'")
            }
            if placement.needsDisabilityOrIllness && !s.groups.contains(SpecialGroup.disabled.rawValue)
                && !["C", "D", "E"].contains(c.reason)
            {
                throw KCBXError.ruleViolation(
                    rule: "\(placement.rawValue) is for disabled or ill children (000 四（三）, 002 二（四）)",
                    detail: "case \(id): the child is not in the disabled group and the reason is '\(c.reason)', not C/D/E")
            }
            try w.append(
                db, .caseReturned, student: c.student, caseID: id,
                payload: CaseReturnedPayload(school: school, placement: placement.rawValue, date: date.description),
                reason: note.isEmpty ? "复学: \(placement.chinese)" : note)
        }
    }

    /// Puts a case in an exempt state (缓学 / 休学): needs the expert panel's opinion reference
    /// (002 二（四）: 填报重病重残无需劝返的…应有当地专家组出具的缓学、休学意见) and an illness,
    /// disability or deferred-enrollment reason (C, D, E, P).
    @discardableResult
    public func exemptCase(_ id: Int64, _ exemption: LedgerExemption, opinion: String, on date: CivilDate, note: String = "") throws
        -> LedgerCase
    {
        let opinion = opinion.ledgerTrimmed
        guard opinion.count <= 200 else { throw KCBXError.invalidInput(field: "opinion", rule: "must be at most 200 characters") }
        return try caseOperation(id, .exempt, on: date, note: note) { db, w, c, _ in
            if opinion.isEmpty {
                throw KCBXError.ruleViolation(
                    rule: "002 二（四）: no persuasion needed only with the expert panel's deferral/suspension opinion",
                    detail: "case \(id): \(exemption.rawValue) needs the expert panel's opinion reference")
            }
            if !["C", "D", "E", "P"].contains(c.reason) {
                throw KCBXError.ruleViolation(
                    rule: "002 二（三）（四）, 000 一（二）: deferral and suspension are for illness or disability (C, D, E, P)",
                    detail: "case \(id) has reason '\(c.reason)'")
            }
            try w.append(
                db, .caseExempted, student: c.student, caseID: id,
                payload: CaseExemptedPayload(exemption: exemption.rawValue, opinion: opinion, date: date.description),
                reason: note.isEmpty ? "\(exemption.status.chinese): 专家组意见 \(opinion)" : note)
        }
    }

    /// Records an action on a case without changing its status: the one write path for every case
    /// action on every surface (C `kcbx_ledger_case_action`, Python
    /// `Ledger.record_action`). The four steps (四步法, 004 二（七）4) are refused out of order: step 1
    /// (education) only after a recorded guardian refusal, each later step only after the previous
    /// step's deadline passed without the child's return (the due list's dates; needs the calendar).
    /// `department` names the department of a referral (required for referrals, refused otherwise).
    @discardableResult
    public func recordAction(
        _ id: Int64, _ action: LedgerAction, department: Department? = nil, on date: CivilDate,
        note: String = ""
    ) throws -> LedgerCase {
        if action == .referral && department == nil {
            throw KCBXError.invalidInput(
                field: "department",
                rule: "a referral names its department (联控联保; one of \(Department.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if action != .referral && department != nil {
            throw KCBXError.invalidInput(field: "department", rule: "only a referral names a department, not \(action.rawValue)")
        }
        return try caseOperation(id, .action, on: date, note: note) { db, w, c, _ in
            try checkFourStepsOrder(id, action, c, on: date, db)
            try w.append(
                db, .caseAction, student: c.student, caseID: id,
                payload: CaseActionPayload(action: action.rawValue, date: date.description, department: department?.rawValue),
                reason: note.isEmpty ? action.chinese + (department.map { " → \($0.chinese)" } ?? "") : note)
        }
    }

    /// One case by id, if the actor's jurisdiction covers its student; the student key masked
    /// (`IDDisclosure.masked`; full keys come from `cases` with `fullIDs`).
    public func ledgerCase(_ id: Int64) throws -> LedgerCase { try readableCase(id).disclosed(.masked) }

    /// One case by id as stored, refused (and recorded) outside the jurisdiction.
    func readableCase(_ id: Int64) throws -> LedgerCase {
        let (c, s) = try read { db in
            let c = try ledgerCase(id, db)
            return (c, try student(c.student, db))
        }
        try requireReadable(s, "read case \(id)", caseID: id)
        return c
    }

    /// Refuses (and records) reading a student outside the jurisdiction.
    func requireReadable(_ s: LedgerStudent, _ operation: String, caseID: Int64 = 0) throws {
        guard actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) else {
            try refuseRead(operation, student: s.key, caseID: caseID, outsideDetail(s.key))
        }
    }

    func ledgerCase(_ id: Int64, _ db: Database) throws -> LedgerCase {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"), arguments: [id]) else {
            throw KCBXError.notFound(what: "case", name: String(id))
        }
        return try LedgerCase(row: row)
    }

    /// Loads the case and its student, checks writer, jurisdiction, lifecycle and date, runs `body`.
    func caseOperation(
        _ id: Int64, _ op: CaseOperation, on date: CivilDate, note: String,
        _ body: (Database, inout EventWriter, LedgerCase, LedgerStudent) throws -> Void
    ) throws -> LedgerCase {
        try checkNote(note)
        return try write { db, w in
            try requireWriter("\(op.rawValue) case \(id)", caseID: id)
            let c = try ledgerCase(id, db)
            let s = try student(c.student, db)
            try requireCovers(s, "\(op.rawValue) case \(id)", caseID: id)
            try op.check(c)
            try checkDate(date, notBefore: try CivilDate(iso: c.openedOn))
            try checkDate(date, for: s)
            try body(db, &w, c, s)
            return try ledgerCase(id, db).disclosed(.masked)
        }
    }

    /// Dates after today or before the case was opened are refused by name (DOMAIN.md §7).
    func checkDate(_ date: CivilDate, notBefore: CivilDate?, field: String = "date") throws {
        let today = CivilDate.utcDate(of: clock())
        if date > today { throw KCBXError.invalidInput(field: field, rule: "\(date) is in the future (today is \(today))") }
        if let notBefore, date < notBefore {
            throw KCBXError.invalidInput(field: field, rule: "\(date) is before the case was opened on \(notBefore)")
        }
    }

    /// An action or event dated before the child's birth is refused by name (DOMAIN.md §7).
    func checkDate(_ date: CivilDate, for s: LedgerStudent, field: String = "date") throws {
        if date < s.birth {
            throw KCBXError.invalidInput(
                field: field,
                rule:
                    "\(date) is before the birth of student \(s.key) on \(s.birthDate) (DOMAIN.md §7: dates before the child's birth are rejected)"
            )
        }
    }

    func checkNote(_ note: String) throws {
        guard note.count <= 2000 else { throw KCBXError.invalidInput(field: "note", rule: "must be at most 2000 characters") }
    }
}

extension LedgerCase {
    init(row: Row) throws {
        let kind: String = row["kind"]
        let status: String = row["status"]
        guard let k = LedgerCaseKind(rawValue: kind), let st = LedgerCaseStatus(rawValue: status) else {
            throw KCBXError.integrity("case \(row["id"] as Int64? ?? 0) has kind '\(kind)' / status '\(status)' that no event sets")
        }
        self.init(
            id: row["id"], student: row["student"], kind: k, status: st, reason: row["reason"], dismissal: row["dismissal"],
            plan: row["plan"], person: row["person"], returnSchool: row["return_school"], placement: row["placement"],
            returnDate: row["return_date"], opinionRef: row["opinion_ref"], openedOn: row["opened_on"],
            verifiedOn: row["verified_on"], closedOn: row["closed_on"], relapseOf: row["relapse_of"],
            source: row["source"], flags: row["flags"], updatedSeq: row["updated_seq"])
    }
}
