/// Every failure KCBXCore reports. Each case names the field and the rule that was broken,
/// so a C status, a Python exception and a CLI message can all say the same thing.
public enum KCBXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input that breaks a format or value rule: `field` names the input, `rule` what it must satisfy.
    case invalidInput(field: String, rule: String)
    /// A named thing (policy, student, case) does not exist.
    case notFound(what: String, name: String)
    /// The actor is not entitled to the operation.
    case permissionDenied(String)
    /// A domain rule refuses the operation (e.g. closing a case too early); `rule` cites the source.
    case ruleViolation(rule: String, detail: String)
    /// Stored data failed verification.
    case integrity(String)
    /// The storage layer failed (I/O, SQLite).
    case storage(String)

    public var description: String {
        switch self {
        case .invalidInput(let field, let rule): return "\(field): \(rule)"
        case .notFound(let what, let name): return "\(what) not found: \(name)"
        case .permissionDenied(let message): return "permission denied: \(message)"
        case .ruleViolation(let rule, let detail): return "\(detail) (rule: \(rule))"
        case .integrity(let message): return "integrity check failed: \(message)"
        case .storage(let message): return "storage error: \(message)"
        }
    }
}

extension KCBXError {
    /// The input or thing the error is about: the field of `invalidInput`, what was not found,
    /// "actor" for a refused permission; "" when the error names none (C `kcbx_last_error_field()`,
    /// Python `KcbxError.field`).
    public var field: String {
        switch self {
        case .invalidInput(let field, _): return field
        case .notFound(let what, _): return what
        case .permissionDenied: return "actor"
        case .ruleViolation, .integrity, .storage: return ""
        }
    }

    /// The rule broken: what the field must satisfy, the clause a domain rule cites, "not found",
    /// "jurisdiction"; "" for integrity and storage failures (C `kcbx_last_error_rule()`, Python
    /// `KcbxError.rule`).
    public var rule: String {
        switch self {
        case .invalidInput(_, let rule): return rule
        case .notFound: return "not found"
        case .permissionDenied: return "jurisdiction"
        case .ruleViolation(let rule, _): return rule
        case .integrity, .storage: return ""
        }
    }
}
