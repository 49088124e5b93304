import KCBXCore

/// Units of a policy duration.
@c public enum kcbx_duration_unit: Int32 {
    /// The rule is not in force under this profile.
    case off = 0
    case calendarDays = 1
    case schoolDays = 2
    case calendarMonths = 3
}

/// Where a policy value came from.
@c public enum kcbx_provenance: Int32 {
    /// The jurisdiction's own document.
    case document = 1
    /// DOMAIN.md's default: the document is silent.
    case defaulted = 2
    /// A profile file.
    case file = 3
}

typealias PolicyHandle = Handle<PolicyProfile>

func parameterKey(_ key: UnsafePointer<CChar>?) throws -> ParameterKey {
    let k = try Marshal.string(key, "key")
    guard let p = ParameterKey(rawValue: k) else {
        throw KCBXError.invalidInput(
            field: "key", rule: "'\(k)' is not a policy parameter (\(ParameterKey.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return p
}

/// The built-in profile ids as a JSON array into `*out_json` (free with kcbx_string_free); kcbx_policy_names
/// gives them as a table.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_policy_names_json(_ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status {
    guarded {
        try Marshal.give(
            JSONValue.array(PolicyProfile.builtinNames.map { .string($0) }).serialized(pretty: false),
            to: try Marshal.out(out_json, "out_json"))
    }
}

/// Opens a built-in profile by id (e.g. "guyuan-2021"). Free with kcbx_policy_free.
/// @param name the profile id.
/// @param out_policy receives the handle (free with kcbx_policy_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_NOT_FOUND for an unknown id; KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_policy_builtin(_ name: UnsafePointer<CChar>?, _ out_policy: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    out_policy?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_policy, "out_policy")
        out.pointee = PolicyHandle.make(try PolicyProfile.builtin(try Marshal.string(name, "name")))
    }
}

/// Loads and validates a profile file (JSON, docs/policy-format.md). Free with kcbx_policy_free.
/// @param path the profile file.
/// @param out_policy receives the handle (free with kcbx_policy_free).
/// @return KCBX_STATUS_OK; KCBX_STATUS_NOT_FOUND for a missing file; KCBX_STATUS_INVALID_INPUT naming the
///        field and rule.
@c public func kcbx_policy_from_file(_ path: UnsafePointer<CChar>?, _ out_policy: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    out_policy?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_policy, "out_policy")
        out.pointee = PolicyHandle.make(try PolicyProfile.load(path: try Marshal.string(path, "path")))
    }
}

/// Parses and validates profile JSON text. Free with kcbx_policy_free.
/// @param json the profile JSON.
/// @param out_policy receives the handle (free with kcbx_policy_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT naming the field and rule.
@c public func kcbx_policy_from_json(_ json: UnsafePointer<CChar>?, _ out_policy: UnsafeMutablePointer<OpaquePointer?>?) -> kcbx_status {
    out_policy?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_policy, "out_policy")
        out.pointee = PolicyHandle.make(try PolicyProfile(json: try Marshal.string(json, "json")))
    }
}

/// The whole profile as JSON (the file format, every value with provenance). Free with kcbx_string_free.
/// @param policy the policy profile.
/// @param out_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_policy_to_json(_ policy: OpaquePointer?, _ out_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> kcbx_status
{
    out_json?.pointee = nil
    return guarded {
        let p = try PolicyHandle.get(policy, "policy")
        try Marshal.give(p.value.json(), to: try Marshal.out(out_json, "out_json"))
    }
}

/// A duration parameter (e.g. "suspected_after"): amount and unit; unit KCBX_DURATION_UNIT_OFF
/// with amount 0 when the rule is off under this profile. Out-params may be NULL.
/// @param policy the policy profile.
/// @param key the parameter's key, e.g. "suspected_after".
/// @param out_amount receives the amount; may be NULL.
/// @param out_unit receives the kcbx_duration_unit; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT (also for an unknown key or a key of another type).
@c public func kcbx_policy_duration(
    _ policy: OpaquePointer?, _ key: UnsafePointer<CChar>?,
    _ out_amount: UnsafeMutablePointer<Int32>?, _ out_unit: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let p = try PolicyHandle.get(policy, "policy")
        let k = try parameterKey(key)
        guard k.kind == .duration else {
            throw KCBXError.invalidInput(field: "key", rule: "'\(k.rawValue)' is a \(k.kind.rawValue), not a duration")
        }
        let d = p.value.duration(k)
        out_amount?.pointee = Int32(clamping: d?.amount ?? 0)
        out_unit?.pointee = kcbx_duration_unit(d?.unit).rawValue
    }
}

/// A number or flag parameter (flags read as 0/1). `*out_is_set` is 0 when the rule is off. Out-params may be NULL.
/// @param policy the policy profile.
/// @param key the parameter's key, e.g. "suspected_after".
/// @param out_value receives the value; may be NULL.
/// @param out_is_set receives 1, or 0 when the rule is off; may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT (also for an unknown key or a key of another type).
@c public func kcbx_policy_number(
    _ policy: OpaquePointer?, _ key: UnsafePointer<CChar>?,
    _ out_value: UnsafeMutablePointer<Double>?, _ out_is_set: UnsafeMutablePointer<Int32>?
) -> kcbx_status {
    guarded {
        let p = try PolicyHandle.get(policy, "policy")
        let k = try parameterKey(key)
        switch p.value[k].value {
        case .number(let n):
            out_value?.pointee = n
            out_is_set?.pointee = 1
        case .flag(let f):
            out_value?.pointee = f ? 1 : 0
            out_is_set?.pointee = 1
        case .off:
            out_value?.pointee = 0
            out_is_set?.pointee = 0
        default: throw KCBXError.invalidInput(field: "key", rule: "'\(k.rawValue)' is a \(k.kind.rawValue), not a number or flag")
        }
    }
}

/// Where a parameter's value came from (kcbx_provenance) and its citation
/// (seed file and clause, or the DOMAIN.md default). Free `*out_citation` with kcbx_string_free. Out-params may be NULL.
/// @param policy the policy profile.
/// @param key the parameter's key, e.g. "suspected_after".
/// @param out_kind receives the kcbx_provenance; may be NULL.
/// @param out_citation receives the citation (free with kcbx_string_free); may be NULL.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT (also for an unknown key or a key of another type).
@c public func kcbx_policy_provenance(
    _ policy: OpaquePointer?, _ key: UnsafePointer<CChar>?,
    _ out_kind: UnsafeMutablePointer<Int32>?,
    _ out_citation: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_citation?.pointee = nil
    return guarded {
        let p = try PolicyHandle.get(policy, "policy")
        let k = try parameterKey(key)
        let prov = p.value[k].provenance
        out_kind?.pointee = kcbx_provenance(prov).rawValue
        if let out_citation { try Marshal.give(prov.citation, to: out_citation) }
    }
}

/// Frees a profile handle. Accepts NULL.
/// @param policy the profile to free, or NULL.
@c public func kcbx_policy_free(_ policy: OpaquePointer?) { PolicyHandle.release(policy) }
