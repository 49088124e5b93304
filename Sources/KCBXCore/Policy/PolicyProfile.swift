/// A jurisdiction's rules: what its document says, DOMAIN.md defaults where it is silent.
/// Classification, escalation and reports read every threshold from here, never from constants.
public struct PolicyProfile: Equatable, Sendable {
    /// Profile id, e.g. "guyuan-2021".
    public var id: String
    /// Jurisdiction name, e.g. "固原市".
    public var jurisdiction: String
    /// GB/T 2260 region code of the jurisdiction, e.g. "640400".
    public var regionCode: String
    /// Document number, e.g. "固政办发〔2021〕28号".
    public var document: String
    /// Document title.
    public var title: String
    /// Seed file the profile is distilled from (built-ins) or the file it was loaded from.
    public var source: String
    /// Scalar parameters; every key of `ParameterKey` is present.
    public private(set) var parameters: [ParameterKey: Sourced<ParameterValue>]
    /// Groups monitored first (重点监测).
    public var monitoredGroups: Sourced<[SpecialGroup]>
    public var reportDuties: [ReportDuty]
    public var referrals: [Referral]
    /// The heads answerable for results at each level (001's 五长; `AccountableHead.defaultHeads` otherwise).
    public var accountableHeads: Sourced<[AccountableHead]>

    /// A profile with every parameter at its DOMAIN.md default and the given overrides.
    public init(
        id: String, jurisdiction: String, regionCode: String, document: String, title: String, source: String,
        overrides: [ParameterKey: Sourced<ParameterValue>] = [:],
        monitoredGroups: Sourced<[SpecialGroup]>, reportDuties: [ReportDuty], referrals: [Referral],
        accountableHeads: Sourced<[AccountableHead]> = AccountableHead.defaultHeads
    ) {
        self.id = id
        self.jurisdiction = jurisdiction
        self.regionCode = regionCode
        self.document = document
        self.title = title
        self.source = source
        var p: [ParameterKey: Sourced<ParameterValue>] = [:]
        for key in ParameterKey.allCases { p[key] = overrides[key] ?? key.defaultValue }
        parameters = p
        self.monitoredGroups = monitoredGroups
        self.reportDuties = reportDuties
        self.referrals = referrals
        self.accountableHeads = accountableHeads
    }

    /// The parameter with its provenance.
    public subscript(key: ParameterKey) -> Sourced<ParameterValue> { parameters[key] ?? key.defaultValue }

    /// Sets a parameter after validating it.
    public mutating func set(_ key: ParameterKey, _ value: Sourced<ParameterValue>) throws {
        try key.validate(value.value)
        parameters[key] = value
    }

    /// A duration parameter, or nil when the rule is off.
    public func duration(_ key: ParameterKey) -> PolicyDuration? {
        if case .duration(let d) = self[key].value { return d } else { return nil }
    }

    public func number(_ key: ParameterKey) -> Double? {
        if case .number(let n) = self[key].value { return n } else { return nil }
    }

    public func flag(_ key: ParameterKey) -> Bool {
        if case .flag(let f) = self[key].value { return f } else { return false }
    }

    public func text(_ key: ParameterKey) -> String? {
        if case .text(let t) = self[key].value { return t } else { return nil }
    }

    /// Departments a case goes to, given its reason and the child's special groups.
    public func departments(for reason: ReasonCode?, groups: [SpecialGroup]) -> [Department] {
        var out: [Department] = []
        for r in referrals where (reason.map(r.reasons.contains) ?? false) || r.groups.contains(where: groups.contains) {
            if !out.contains(r.department) { out.append(r.department) }
        }
        return out
    }

    /// Checks the whole profile: every parameter fits its key, ids are unique, region code is 6 digits.
    public func validate() throws {
        guard regionCode.utf8.count == 6, regionCode.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw KCBXError.invalidInput(field: "region_code", rule: "must be a 6-digit GB/T 2260 code, got \(KCBXError.quote(regionCode))")
        }
        guard !id.isEmpty, id.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }) else {
            throw KCBXError.invalidInput(
                field: "id", rule: "must be non-empty lower-case letters, digits, '-' or '_', got \(KCBXError.quote(id))")
        }
        for key in ParameterKey.allCases { try key.validate(self[key].value) }
        var seen = Set<String>()
        for (i, duty) in reportDuties.enumerated() {
            guard seen.insert(duty.id).inserted else {
                throw KCBXError.invalidInput(field: "report_duties[\(i)].id", rule: "duplicate id \(KCBXError.quote(duty.id))")
            }
        }
        if case .duration(let s) = self[.suspectedAfter].value, s.amount == 0 {
            throw KCBXError.invalidInput(field: "parameters.suspected_after", rule: "must be at least 1")
        }
    }
}
