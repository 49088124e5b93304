import FoundationEssentials

/// The profile file format (JSON, documented in docs/policy-format.md): read with strict
/// validation, written with every value's provenance so a file round-trips.
extension PolicyProfile {
    /// Format version written as `kcbx_policy`.
    public static let fileFormatVersion = 1

    /// Loads a profile file from disk.
    public static func load(path: String) throws -> PolicyProfile {
        let text = try InputFile.text(path: path, what: "policy file", limit: 8 * 1024 * 1024)
        return try PolicyProfile(json: text, origin: path)
    }

    /// Parses profile JSON. Values without their own `source` are attributed to `origin`.
    public init(json text: String, origin: String = "inline JSON") throws {
        var r = try JSONObjectReader(JSONValue.parse(text, field: "policy"), path: "")
        if let v = try r.int("kcbx_policy"), v != PolicyProfile.fileFormatVersion {
            throw KCBXError.invalidInput(
                field: "kcbx_policy", rule: "format version \(v) is not supported (expected \(PolicyProfile.fileFormatVersion))")
        }
        let id = try r.requiredString("id")
        var p: PolicyProfile
        if let base = try r.string("extends") {
            do { p = try PolicyProfile.builtin(base) } catch {
                throw KCBXError.invalidInput(
                    field: "extends",
                    rule: "\(KCBXError.quote(base)) is not a built-in profile (\(PolicyProfile.builtinNames.joined(separator: ", ")))")
            }
        } else {
            p = PolicyProfile(
                id: id, jurisdiction: "", regionCode: "", document: "", title: "", source: origin,
                monitoredGroups: PolicyProfile.allGroupsDefault, reportDuties: [], referrals: PolicyProfile.defaultReferrals)
            p.regionCode = try r.requiredString("region_code")
        }
        p.id = id
        p.source = try r.string("source") ?? origin
        if let v = try r.string("jurisdiction") { p.jurisdiction = v }
        if let v = try r.string("region_code") { p.regionCode = v }
        if let v = try r.string("document") { p.document = v }
        if let v = try r.string("title") { p.title = v }
        let fileProvenance = Provenance.file(origin)
        if let params = r.value("parameters") {
            var pr = try JSONObjectReader(params, path: "parameters")
            for key in ParameterKey.allCases {
                guard let v = pr.value(key.rawValue) else { continue }
                try p.set(key, PolicyProfile.readParameter(key, v, fallback: fileProvenance))
            }
            try pr.rejectUnknown()
        }
        if let groups = r.value("monitored_groups") {
            var prov = fileProvenance
            var list = groups
            if case .object = groups {
                var gr = try JSONObjectReader(groups, path: "monitored_groups")
                prov = try PolicyProfile.readProvenance(&gr, fallback: fileProvenance)
                list = gr.value("value") ?? .array([])
                try gr.rejectUnknown()
            }
            guard case .array(let items) = list else {
                throw KCBXError.invalidInput(field: "monitored_groups", rule: "must be an array of special-group codes")
            }
            p.monitoredGroups = Sourced(
                try items.enumerated().map { i, g in
                    guard case .string(let s) = g else {
                        throw KCBXError.invalidInput(field: "monitored_groups[\(i)]", rule: "must be a string")
                    }
                    return try SpecialGroup(code: s, field: "monitored_groups[\(i)]")
                }, prov)
        }
        if let duties = try r.array("report_duties") {
            p.reportDuties = try duties.enumerated().map {
                try ReportDuty(json: $1, path: "report_duties[\($0)]", fallback: fileProvenance)
            }
        }
        if let heads = r.value("accountable_heads") {
            var hr = try JSONObjectReader(heads, path: "accountable_heads")
            let prov = try PolicyProfile.readProvenance(&hr, fallback: fileProvenance)
            guard let list = try hr.array("value") else {
                throw KCBXError.invalidInput(field: "accountable_heads.value", rule: "must be an array of {level, title}")
            }
            p.accountableHeads = Sourced(
                try list.enumerated().map { try AccountableHead(json: $1, path: "accountable_heads.value[\($0)]") }, prov)
            try hr.rejectUnknown()
        }
        if let refs = try r.array("referrals") {
            p.referrals = try refs.enumerated().map { try Referral(json: $1, path: "referrals[\($0)]", fallback: fileProvenance) }
        }
        try r.rejectUnknown()
        try p.validate()
        self = p
    }

    static func readProvenance(_ r: inout JSONObjectReader, fallback: Provenance) throws -> Provenance {
        let kind = try r.string("provenance")
        let citation = try r.string("citation")
        let source = try r.string("source")
        switch kind {
        case nil: return source.map { .file($0) } ?? fallback
        case "document": return .document(citation ?? "")
        case "default": return .defaulted(citation ?? "")
        case "file": return .file(citation ?? source ?? "")
        case let k?:
            throw KCBXError.invalidInput(field: r.field("provenance"), rule: "\(KCBXError.quote(k)) must be document, default or file")
        }
    }

    static func readParameter(_ key: ParameterKey, _ v: JSONValue, fallback: Provenance) throws -> Sourced<ParameterValue> {
        let field = "parameters.\(key.rawValue)"
        if case .string("off") = v { return Sourced(.off, fallback) }
        switch (key.kind, v) {
        case (.number, .number(let n)): return Sourced(.number(n), fallback)
        case (.flag, .bool(let b)): return Sourced(.flag(b), fallback)
        case (.text, .string(let s)): return Sourced(.text(s), fallback)
        case (_, .object):
            var r = try JSONObjectReader(v, path: field)
            let prov = try readProvenance(&r, fallback: fallback)
            let value: ParameterValue
            if case .string("off")? = r.value("value") {
                value = .off
            } else if key.kind == .duration {
                guard let amount = try r.int("amount") else { throw KCBXError.invalidInput(field: field + ".amount", rule: "is required") }
                let unitText = try r.requiredString("unit")
                guard let unit = DurationUnit(rawValue: unitText) else {
                    throw KCBXError.invalidInput(
                        field: field + ".unit",
                        rule: "\(KCBXError.quote(unitText)) must be one of \(DurationUnit.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                value = .duration(PolicyDuration(amount, unit))
            } else {
                guard let inner = r.members["value"] else { throw KCBXError.invalidInput(field: field + ".value", rule: "is required") }
                value = try readParameter(key, inner, fallback: prov).value
            }
            try r.rejectUnknown()
            return Sourced(value, prov)
        default:
            let shape =
                key.kind == .duration
                ? "an object {\"amount\": n, \"unit\": \"calendar_days|school_days|calendar_months\"}" : "a \(key.kind.rawValue)"
            throw KCBXError.invalidInput(field: field, rule: "must be \(shape) or \"off\"")
        }
    }

    /// The profile as JSON in the file format, every value with its provenance.
    public func jsonValue() -> JSONValue {
        func prov(_ p: Provenance, into o: inout [String: JSONValue]) {
            o["provenance"] = .string(p.kind)
            o["citation"] = .string(p.citation)
        }
        var params: [String: JSONValue] = [:]
        for key in ParameterKey.allCases {
            let s = self[key]
            var o: [String: JSONValue] = [:]
            switch s.value {
            case .duration(let d):
                o["amount"] = .number(Double(d.amount))
                o["unit"] = .string(d.unit.rawValue)
            case .number(let n): o["value"] = .number(n)
            case .flag(let f): o["value"] = .bool(f)
            case .text(let t): o["value"] = .string(t)
            case .off: o["value"] = .string("off")
            }
            prov(s.provenance, into: &o)
            params[key.rawValue] = .object(o)
        }
        var groups: [String: JSONValue] = ["value": .array(monitoredGroups.value.map { .string($0.rawValue) })]
        prov(monitoredGroups.provenance, into: &groups)
        var heads: [String: JSONValue] = ["value": .array(accountableHeads.value.map { $0.jsonValue() })]
        prov(accountableHeads.provenance, into: &heads)
        return .object([
            "kcbx_policy": .number(Double(PolicyProfile.fileFormatVersion)),
            "id": .string(id), "jurisdiction": .string(jurisdiction), "region_code": .string(regionCode),
            "document": .string(document), "title": .string(title), "source": .string(source),
            "parameters": .object(params),
            "monitored_groups": .object(groups),
            "report_duties": .array(reportDuties.map { $0.jsonValue() }),
            "referrals": .array(referrals.map { $0.jsonValue() }),
            "accountable_heads": .object(heads),
        ])
    }

    /// `jsonValue()` serialized.
    public func json(pretty: Bool = true) -> String { jsonValue().serialized(pretty: pretty) }
}

extension Schedule {
    init(json: JSONValue, path: String) throws {
        var r = try JSONObjectReader(json, path: path)
        func weekday(_ key: String) throws -> Int {
            guard let w = try r.int(key), (1...7).contains(w) else {
                throw KCBXError.invalidInput(field: r.field(key), rule: "must be an ISO weekday 1-7")
            }
            return w
        }
        guard let kind = try r.string("every") else {
            throw KCBXError.invalidInput(
                field: r.field("every"), rule: "is required (day, week, month, quarter, year, month_end, term_start, first_week_of_term)")
        }
        switch kind {
        case "day": self = .daily
        case "week": self = .weekly(weekday: try weekday("weekday"))
        case "month": self = .monthly
        case "quarter": self = .quarterly
        case "year":
            guard let dates = try r.array("dates"), !dates.isEmpty else {
                throw KCBXError.invalidInput(field: r.field("dates"), rule: "must list MM-DD dates")
            }
            self = .yearly(
                try dates.enumerated().map { i, d in
                    let f = r.field("dates[\(i)]")
                    guard case .string(let s) = d, s.count == 5, let m = Int(s.prefix(2)), let day = Int(s.suffix(2)),
                        (1...12).contains(m), (1...CivilDate.daysIn(year: 2000, month: m)).contains(day)
                    else {
                        throw KCBXError.invalidInput(field: f, rule: "must be a date MM-DD")
                    }
                    return MonthDay(m, day)
                })
        case "month_end":
            guard let months = try r.array("months"), !months.isEmpty else {
                throw KCBXError.invalidInput(field: r.field("months"), rule: "must list months 1-12")
            }
            self = .monthEnds(
                try months.enumerated().map { i, m in
                    guard case .number(let n) = m, (1...12).contains(Int(n)), n == n.rounded() else {
                        throw KCBXError.invalidInput(field: r.field("months[\(i)]"), rule: "must be a month 1-12")
                    }
                    return Int(n)
                })
        case "term_start":
            guard let d = try r.int("days"), d >= 0 else {
                throw KCBXError.invalidInput(field: r.field("days"), rule: "must be a non-negative number of days")
            }
            self = .afterTermStart(days: d)
        case "first_week_of_term": self = .firstWeekOfTerm(weekday: try weekday("weekday"))
        default:
            throw KCBXError.invalidInput(
                field: r.field("every"),
                rule: "\(KCBXError.quote(kind)) must be day, week, month, quarter, year, month_end, term_start or first_week_of_term")
        }
        try r.rejectUnknown()
    }

    func jsonValue() -> JSONValue {
        switch self {
        case .daily: return .object(["every": .string("day")])
        case .weekly(let w): return .object(["every": .string("week"), "weekday": .number(Double(w))])
        case .monthly: return .object(["every": .string("month")])
        case .quarterly: return .object(["every": .string("quarter")])
        case .yearly(let ds): return .object(["every": .string("year"), "dates": .array(ds.map { .string($0.description) })])
        case .monthEnds(let ms): return .object(["every": .string("month_end"), "months": .array(ms.map { .number(Double($0)) })])
        case .afterTermStart(let d): return .object(["every": .string("term_start"), "days": .number(Double(d))])
        case .firstWeekOfTerm(let w): return .object(["every": .string("first_week_of_term"), "weekday": .number(Double(w))])
        }
    }
}

extension ReportDuty {
    init(json: JSONValue, path: String, fallback: Provenance) throws {
        var r = try JSONObjectReader(json, path: path)
        id = try r.requiredString("id")
        let levelText = try r.requiredString("level")
        guard let l = UnitLevel(rawValue: levelText) else {
            throw KCBXError.invalidInput(
                field: r.field("level"),
                rule: "\(KCBXError.quote(levelText)) must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        level = l
        guard let s = r.value("schedule") else { throw KCBXError.invalidInput(field: r.field("schedule"), rule: "is required") }
        schedule = try Schedule(json: s, path: r.field("schedule"))
        what = try r.requiredString("what")
        provenance = try PolicyProfile.readProvenance(&r, fallback: fallback)
        try r.rejectUnknown()
    }

    func jsonValue() -> JSONValue {
        .object([
            "id": .string(id), "level": .string(level.rawValue), "schedule": schedule.jsonValue(), "what": .string(what),
            "provenance": .string(provenance.kind), "citation": .string(provenance.citation),
        ])
    }
}

extension Referral {
    init(json: JSONValue, path: String, fallback: Provenance) throws {
        var r = try JSONObjectReader(json, path: path)
        let d = try r.requiredString("department")
        guard let dep = Department(rawValue: d) else {
            throw KCBXError.invalidInput(
                field: r.field("department"),
                rule: "\(KCBXError.quote(d)) must be one of \(Department.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        department = dep
        reasons = try (r.array("reasons") ?? []).enumerated().map { i, v in
            guard case .string(let s) = v else {
                throw KCBXError.invalidInput(field: r.field("reasons[\(i)]"), rule: "must be a letter A-T")
            }
            return try ReasonCode(code: s, field: r.field("reasons[\(i)]"))
        }
        groups = try (r.array("groups") ?? []).enumerated().map { i, v in
            guard case .string(let s) = v else {
                throw KCBXError.invalidInput(field: r.field("groups[\(i)]"), rule: "must be a special-group code")
            }
            return try SpecialGroup(code: s, field: r.field("groups[\(i)]"))
        }
        duty = try r.string("duty") ?? ""
        provenance = try PolicyProfile.readProvenance(&r, fallback: fallback)
        try r.rejectUnknown()
    }

    func jsonValue() -> JSONValue {
        .object([
            "department": .string(department.rawValue), "reasons": .array(reasons.map { .string($0.rawValue) }),
            "groups": .array(groups.map { .string($0.rawValue) }), "duty": .string(duty),
            "provenance": .string(provenance.kind), "citation": .string(provenance.citation),
        ])
    }
}
