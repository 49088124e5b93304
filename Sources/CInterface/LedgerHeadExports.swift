import KCBXCTypes
import KCBXCore

/// Signed heads (docs/ledger.md, Signed heads), the profile in force, and read-only ledgers.
enum HeadMarshal {
    /// Exactly 32 bytes from a caller's buffer.
    static func key(_ p: UnsafePointer<UInt8>?, _ field: String) throws -> [UInt8] {
        guard let p else { throw KCBXError.invalidInput(field: field, rule: "must not be NULL (32 bytes)") }
        return Array(UnsafeBufferPointer(start: p, count: 32))
    }

    static func copy(_ bytes: [UInt8], to out: UnsafeMutablePointer<UInt8>) {
        for (i, b) in bytes.prefix(32).enumerated() { out[i] = b }
    }
}

/// Generates a new Ed25519 signing key for a county: 32 bytes of private key into
/// `out_private_key` and the matching 32-byte public key (for the level above) into `out_public_key`.
/// @param out_private_key receives the 32-byte private key.
/// @param out_public_key receives the 32-byte public key.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_signing_key_generate(
    _ out_private_key: UnsafeMutablePointer<UInt8>?,
    _ out_public_key: UnsafeMutablePointer<UInt8>?
) -> kcbx_status {
    guarded {
        let priv = try Marshal.out(out_private_key, "out_private_key")
        let pub = try Marshal.out(out_public_key, "out_public_key")
        let key = LedgerSigningKey()
        HeadMarshal.copy(key.rawRepresentation, to: priv)
        HeadMarshal.copy(key.publicKey, to: pub)
    }
}

/// The 32-byte public key of the 32-byte Ed25519 private key `private_key`.
/// @param private_key the 32-byte private key.
/// @param out_public_key receives the 32-byte public key.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_signing_key_public(_ private_key: UnsafePointer<UInt8>?, _ out_public_key: UnsafeMutablePointer<UInt8>?) -> kcbx_status
{
    guarded {
        let pub = try Marshal.out(out_public_key, "out_public_key")
        HeadMarshal.copy(try LedgerSigningKey(rawRepresentation: try HeadMarshal.key(private_key, "private_key")).publicKey, to: pub)
    }
}

/// The ledger's head (seq, hash, time, unit, profile id and hash) signed with the county's
/// 32-byte Ed25519 `private_key`, as one line of JSON in `*out_head_json` (free with
/// kcbx_string_free): send it upward with the report; the level above keeps it.
/// @param ledger the ledger.
/// @param private_key the county's 32-byte Ed25519 private key.
/// @param out_head_json receives the signed head (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_ledger_signed_head(
    _ ledger: OpaquePointer?, _ private_key: UnsafePointer<UInt8>?,
    _ out_head_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> kcbx_status {
    out_head_json?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_head_json, "out_head_json")
        let l = try LedgerHandle.get(ledger, "ledger").value
        let key = try LedgerSigningKey(rawRepresentation: try HeadMarshal.key(private_key, "private_key"))
        try Marshal.give(try l.signedHead(key: key).json, to: out)
    }
}

/// Verifies the ledger (as kcbx_ledger_verify) and that every head in `heads_json` (a JSON array
/// of heads, or one head per line, as kcbx_ledger_signed_head made them) signed by the 32-byte
/// `public_key` is still in the ledger at its seq with the same hash. A rolled-back or forked
/// ledger fails with KCBX_STATUS_INTEGRITY naming the seq; `*out_first_bad_seq` (may be NULL)
/// gets the first bad seq, 0 when none. No heads ("" or "[]": none received yet) is a plain verify.
/// @param ledger the ledger.
/// @param heads_json the heads received, "" or "[]" for none.
/// @param public_key the county's 32-byte public key.
/// @param out_first_bad_seq receives the first bad seq, 0 when none; may be NULL.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INTEGRITY; KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_ledger_verify_heads(
    _ ledger: OpaquePointer?, _ heads_json: UnsafePointer<CChar>?,
    _ public_key: UnsafePointer<UInt8>?, _ out_first_bad_seq: UnsafeMutablePointer<Int64>?
) -> kcbx_status {
    out_first_bad_seq?.pointee = 0
    return guarded {
        let l = try LedgerHandle.get(ledger, "ledger").value
        let text = try Marshal.string(heads_json, "heads_json")
        guard text.utf8.count <= 64 << 20 else { throw KCBXError.invalidInput(field: "heads_json", rule: "must be at most 64 MiB") }
        let heads = try LedgerHead.list(text)
        let v = try l.check(receivedHeads: heads, publicKey: try HeadMarshal.key(public_key, "public_key"))
        out_first_bad_seq?.pointee = v.firstBadSeq
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
    }
}

/// Opens the ledger at `path` and records that the profile in force is now `policy` (a
/// `profile.changed` event with `reason`, old and new id and hash). Free the handle with
/// kcbx_ledger_free.
/// @param path the ledger file.
/// @param policy the new profile in force.
/// @param actor who acts (kcbx_actor): county level or above; a lower actor's attempt is recorded.
/// @param reason why the profile changed (e.g. the notice); required.
/// @param out_ledger receives the handle, opened under the new profile.
/// @return KCBX_STATUS_OK; KCBX_STATUS_INVALID_INPUT; KCBX_STATUS_PERMISSION_DENIED below county
///         level; KCBX_STATUS_STORAGE.
@c public func kcbx_ledger_change_profile(
    _ path: UnsafePointer<CChar>?, _ policy: OpaquePointer?, _ actor: UnsafePointer<kcbx_actor>?,
    _ reason: UnsafePointer<CChar>?, _ out_ledger: UnsafeMutablePointer<OpaquePointer?>?
) -> kcbx_status {
    out_ledger?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_ledger, "out_ledger")
        let p = try Marshal.string(path, "path")
        let profile = try PolicyHandle.get(policy, "policy").value
        let a = try LedgerMarshal.actor(actor)
        out.pointee = LedgerHandle.make(
            try Ledger.changeProfile(path: p, to: profile, actor: a, reason: try Marshal.string(reason, "reason")))
    }
}

/// `*out_read_only` = 1 when the ledger was opened read-only (a read-only file, directory or
/// mount: reading operations work, writes fail with KCBX_STATUS_STORAGE), else 0.
/// @param ledger the ledger.
/// @param out_read_only receives 1 or 0.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_ledger_is_read_only(_ ledger: OpaquePointer?, _ out_read_only: UnsafeMutablePointer<Int32>?) -> kcbx_status {
    guarded {
        let out = try Marshal.out(out_read_only, "out_read_only")
        out.pointee = try LedgerHandle.get(ledger, "ledger").value.isReadOnly ? 1 : 0
    }
}

/// The profile in force as the ledger records it: `*out_profile_json` = `{"id", "hash"}`
/// (hash "" for a ledger created before profiles were recorded). Free with kcbx_string_free.
/// @param ledger the ledger.
/// @param out_profile_json receives the JSON (free with kcbx_string_free).
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT for a NULL or bad argument.
@c public func kcbx_ledger_profile(_ ledger: OpaquePointer?, _ out_profile_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> kcbx_status
{
    out_profile_json?.pointee = nil
    return guarded {
        let out = try Marshal.out(out_profile_json, "out_profile_json")
        let r = try LedgerHandle.get(ledger, "ledger").value.recordedProfile()
        try Marshal.give(JSONValue.object(["id": .string(r.id), "hash": .string(r.hash ?? "")]).serialized(pretty: false), to: out)
    }
}
