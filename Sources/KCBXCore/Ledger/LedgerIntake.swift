@_implementationOnly import GRDB

/// What feeding reconciliation findings into the ledger did. A second intake of the same
/// findings opens nothing: every child then has its case already.
public struct LedgerIntakeSummary: Hashable, Sendable {
    public var asOf: CivilDate
    /// Cases opened, in finding order.
    public var opened: [Int64] = []
    /// Children who already had an open case (student key → case id): nothing recorded.
    public var alreadyOpen: [String: Int64] = [:]
    /// Children not on the roster of the actor's jurisdiction (on no roster, or another unit's: the
    /// same to the actor): refused, each refusal recorded as an event. Import a missing child first.
    public var refused: [String] = []
    /// Findings that open no case, with why (kinds for a person to resolve, children not on the roster, …).
    public var skipped: [String: String] = [:]

    public var jsonValue: JSONValue {
        .object([
            "as_of": .string(asOf.description), "opened": .array(opened.map { .number(Double($0)) }),
            "already_open": .object(alreadyOpen.mapValues { .number(Double($0)) }),
            "refused": .array(refused.map { .string($0) }), "skipped": .object(skipped.mapValues { .string($0) }),
        ])
    }
}

extension Ledger {
    /// Opens a case for each reconciliation finding that is one, in one transaction, attributed to
    /// the actor: `out_of_school` → an out-of-school case (失学 flow, 000 附件5; the child must be on
    /// the roster with registration `none`), `registered_not_attending` → a suspected-dropout case
    /// (人籍不一致, 000 二（二）). Every other kind is for a person to resolve and opens nothing
    /// (identity conflicts and near matches are never joined, 000 三（一）). Idempotent: a child
    /// with an open case is left alone. Children outside the jurisdiction are refused and each
    /// refusal recorded; the rest still go in.
    public func intake(_ findings: [Finding], asOf: CivilDate, note: String = "") throws -> LedgerIntakeSummary {
        try checkNote(note)
        var summary = LedgerIntakeSummary(asOf: asOf)
        var refusals: [LedgerRefusal] = []
        try write { db, w in
            try requireWriter("take reconciliation findings into the ledger")
            try checkDate(asOf, notBefore: nil, field: "as_of")
            for f in findings {
                let key = f.residentID.uppercased()
                let kind: LedgerCaseKind
                switch f.kind {
                case .outOfSchool: kind = .outOfSchool
                case .registeredNotAttending: kind = .suspectedDropout
                default:
                    summary.skipped[key] = "\(f.kind.rawValue): for a person to resolve, opens no case — \(f.kind.why)"
                    continue
                }
                // A key on no roster and a key outside the jurisdiction are refused alike (recorded), so
                // the summary never tells whether a child is on another unit's roster (issue 11).
                guard let s = try storedStudent(key, db), actor.covers(schoolID: s.schoolID, townshipCode: s.townshipCode) else {
                    summary.refused.append(key)
                    refusals.append(
                        LedgerRefusal(
                            operation: "open a case from reconciliation", student: key, caseID: 0,
                            detail: outsideDetail(key)))
                    continue
                }
                if let open = try Int64.fetchOne(
                    db, sql: "SELECT id FROM cases WHERE student = ? AND status NOT IN ('closed', 'dismissed')", arguments: [key])
                {
                    summary.alreadyOpen[key] = open
                    continue
                }
                let why = "四查三比对 \(asOf)：\(f.kind.why)" + (f.detail.isEmpty ? "" : "；\(f.detail)") + (note.isEmpty ? "" : "；\(note)")
                do {
                    let c = try openCase(s, kind: kind, on: asOf, source: "reconcile", note: why, db, &w)
                    summary.opened.append(c.id)
                } catch let e as KCBXError {
                    summary.skipped[key] = e.description
                }
            }
        }
        for r in refusals { try recordRefusal(r) }
        return summary
    }
}

extension Finding {
    /// Findings from a findings table (`ReconciliationReport.findingsTable()`, columns 类别,
    /// 身份证号, 姓名, 情况, …), e.g. after a person removed the rows they resolved.
    public static func list(table: ReportTable) throws -> [Finding] {
        func col(_ name: String) throws -> Int {
            guard let i = table.headers.firstIndex(of: name) else {
                throw KCBXError.invalidInput(
                    field: "findings: column \(name)", rule: "is required (columns: \(table.headers.joined(separator: ",")))")
            }
            return i
        }
        let k = try col("类别")
        let id = try col("身份证号")
        let name = try col("姓名")
        let detail = table.headers.firstIndex(of: "情况")
        return try table.rows.enumerated().map { i, r in
            func cell(_ c: Int?) -> String { c.flatMap { $0 < r.count ? r[$0] : nil } ?? "" }
            guard let kind = FindingKind(rawValue: cell(k)) else {
                throw KCBXError.invalidInput(
                    field: "findings row \(i + 1) 类别",
                    rule: "'\(cell(k))' must be one of \(FindingKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return Finding(
                kind: kind, residentID: cell(id), name: cell(name), detail: cell(detail), proposedReason: nil, relatedID: nil, score: nil)
        }
    }

    /// Findings from JSON: an array of `{"kind": "out_of_school", "resident_id": "…", "name": "…", "detail": "…"}`
    /// (name and detail optional; unknown keys refused).
    public static func list(json text: String) throws -> [Finding] {
        guard case .array(let items) = try JSONValue.parse(text, field: "findings") else {
            throw KCBXError.invalidInput(field: "findings", rule: "must be a JSON array of findings")
        }
        return try items.enumerated().map { i, item in
            var r = try JSONObjectReader(item, path: "findings[\(i)]")
            let kindText = try r.requiredString("kind")
            guard let kind = FindingKind(rawValue: kindText) else {
                throw KCBXError.invalidInput(
                    field: "findings[\(i)].kind",
                    rule: "'\(kindText)' must be one of \(FindingKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let f = Finding(
                kind: kind, residentID: try r.requiredString("resident_id"), name: try r.string("name") ?? "",
                detail: try r.string("detail") ?? "", proposedReason: nil, relatedID: nil, score: nil)
            try r.rejectUnknown()
            return f
        }
    }
}
