import FoundationEssentials

@_implementationOnly import Crypto

/// The county's Ed25519 signing key (32 bytes). The level above keeps its public key and the
/// heads it received; compare Certificate Transparency's signed tree heads (RFC 9162).
public struct LedgerSigningKey: Sendable, Hashable {
    /// The 32-byte private key.
    public let rawRepresentation: [UInt8]

    /// A new random key.
    public init() { rawRepresentation = Array(Curve25519.Signing.PrivateKey().rawRepresentation) }

    /// A key from its 32 bytes; errors name `field`.
    public init(rawRepresentation bytes: [UInt8], field: String = "private_key") throws {
        guard bytes.count == 32, (try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)) != nil else {
            throw KCBXError.invalidInput(field: field, rule: "an Ed25519 private key is 32 bytes, got \(bytes.count)")
        }
        rawRepresentation = bytes
    }

    /// A key from 64 hex digits (as `kcbx keygen` writes it).
    public init(hex: String, field: String = "private_key") throws {
        try self.init(rawRepresentation: try ledgerStrictHex(hex, bytes: 32, field: field), field: field)
    }

    /// The 32-byte public key the level above verifies heads with.
    public var publicKey: [UInt8] {
        ((try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)).map { Array($0.publicKey.rawRepresentation) }) ?? []
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation).signature(for: message))
    }
}

/// A ledger's head as sent upward with a report (周上报、月汇总): the newest event's seq and hash,
/// when and by which unit it was signed, the profile in force, and the Ed25519 signature over all
/// of it. As JSON (one line): `{"seq","hash","at","unit","profile","profile_hash","signature"}`.
public struct LedgerHead: Hashable, Sendable {
    public var seq: Int64
    public var hash: String
    /// UTC time of signing, ISO 8601 with milliseconds.
    public var at: String
    /// The signing actor's unit (level and code), e.g. `county 640422`.
    public var unit: String
    public var profile: String
    public var profileHash: String
    /// Ed25519 signature over `signedBytes`, 128 hex digits.
    public var signature: String

    /// The bytes signed: a version tag, then each field as `<utf8 length>:<text>\n`.
    var signedBytes: [UInt8] {
        var out: [UInt8] = Array("kcbx-ledger-head-v1\n".utf8)
        for field in [String(seq), hash, at, unit, profile, profileHash] {
            out += Array("\(field.utf8.count):".utf8)
            out += Array(field.utf8)
            out.append(10)
        }
        return out
    }

    /// Whether `signature` is a valid signature of this head by `publicKey` (32 bytes).
    public func isSigned(by publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            let sig = try? ledgerStrictHex(signature, bytes: 64, field: "signature")
        else { return false }
        return key.isValidSignature(sig, for: signedBytes)
    }

    public var jsonValue: JSONValue {
        .object([
            "seq": .number(Double(seq)), "hash": .string(hash), "at": .string(at), "unit": .string(unit),
            "profile": .string(profile), "profile_hash": .string(profileHash), "signature": .string(signature),
        ])
    }

    /// One line of JSON.
    public var json: String { jsonValue.serialized(pretty: false) }

    /// Reads one head object; errors name `field`.
    public init(json value: JSONValue, field: String = "head") throws {
        guard case .object(let o) = value else { throw KCBXError.invalidInput(field: field, rule: "must be a JSON object") }
        let known: Set<String> = ["seq", "hash", "at", "unit", "profile", "profile_hash", "signature"]
        if let extra = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw KCBXError.invalidInput(
                field: "\(field).\(extra)", rule: "unknown key; a head has \(known.sorted().joined(separator: ", "))")
        }
        func text(_ k: String, max: Int = 200) throws -> String {
            guard case .string(let s)? = o[k], !s.isEmpty, s.utf8.count <= max else {
                throw KCBXError.invalidInput(field: "\(field).\(k)", rule: "must be a non-empty string of at most \(max) bytes")
            }
            return s
        }
        guard case .number(let n)? = o["seq"], n >= 1, n <= 9_007_199_254_740_991, n.rounded() == n else {
            throw KCBXError.invalidInput(field: "\(field).seq", rule: "must be a whole number ≥ 1")
        }
        seq = Int64(n)
        hash = try text("hash")
        at = try text("at")
        unit = try text("unit")
        profile = try text("profile")
        profileHash = try text("profile_hash")
        signature = try text("signature")
        _ = try ledgerStrictHex(hash, bytes: 32, field: "\(field).hash")
        _ = try ledgerStrictHex(signature, bytes: 64, field: "\(field).signature")
    }

    init(seq: Int64, hash: String, at: String, unit: String, profile: String, profileHash: String, signature: String) {
        self.seq = seq
        self.hash = hash
        self.at = at
        self.unit = unit
        self.profile = profile
        self.profileHash = profileHash
        self.signature = signature
    }

    /// Heads kept by the level above: a JSON array of heads, or one head object per line
    /// (blank lines and lines starting with `#` skipped). At most 100,000 heads.
    public static func list(_ text: String) throws -> [LedgerHead] {
        let trimmed = text.ledgerTrimmed
        if trimmed.hasPrefix("[") {
            guard case .array(let items) = try JSONValue.parse(trimmed) else {
                throw KCBXError.invalidInput(field: "heads", rule: "must be a JSON array of heads or one head per line")
            }
            guard items.count <= 100_000 else { throw KCBXError.invalidInput(field: "heads", rule: "at most 100000 heads") }
            return try items.enumerated().map { try LedgerHead(json: $1, field: "heads[\($0)]") }
        }
        var heads: [LedgerHead] = []
        for (i, line) in trimmed.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = String(line).ledgerTrimmed
            if l.isEmpty || l.hasPrefix("#") { continue }
            guard heads.count < 100_000 else { throw KCBXError.invalidInput(field: "heads", rule: "at most 100000 heads") }
            heads.append(try LedgerHead(json: try JSONValue.parse(l), field: "heads line \(i + 1)"))
        }
        return heads
    }
}

extension Ledger {
    /// The ledger's head signed with the county's key, to send upward with a report.
    public func signedHead(key: LedgerSigningKey) throws -> LedgerHead {
        let h = try head()
        var head = LedgerHead(
            seq: h.seq, hash: h.hash, at: ledgerTimestamp(clock()), unit: "\(actor.level.rawValue) \(actor.unitCode)",
            profile: policy.id, profileHash: profileHash, signature: "")
        head.signature = ledgerHex(try key.sign(head.signedBytes))
        return head
    }

    /// `verify()` plus: every head received upward (signed by `publicKey`) is still in the
    /// ledger at its seq with the same hash. A ledger rolled back (newest events deleted and the
    /// head fixed, or a copy from an earlier day) or forked (rewritten from some event on) is
    /// named with the seq. Throws `.integrity` naming the first problem.
    @discardableResult
    public func verify(receivedHeads: [LedgerHead], publicKey: [UInt8]) throws -> LedgerVerification {
        let v = try check(receivedHeads: receivedHeads, publicKey: publicKey)
        if let first = v.problems.first {
            throw KCBXError.integrity(first + (v.problems.count > 1 ? " (\(v.problems.count) problems in all)" : ""))
        }
        return v
    }
}

/// Lower-case hex of `bytes`.
func ledgerHex(_ bytes: [UInt8]) -> String {
    bytes.map { b in
        let s = String(b, radix: 16)
        return b < 16 ? "0" + s : s
    }.joined()
}

/// Exactly `bytes` bytes as 2×`bytes` hex digits (either case), else `.invalidInput` naming `field`.
func ledgerStrictHex(_ text: String, bytes: Int, field: String) throws -> [UInt8] {
    let t = text.ledgerTrimmed
    guard t.utf8.count == bytes * 2, t.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) })
    else {
        throw KCBXError.invalidInput(field: field, rule: "must be \(bytes * 2) hex digits (\(bytes) bytes)")
    }
    return ledgerHexBytes(t)
}
