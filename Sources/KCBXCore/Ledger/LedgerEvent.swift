import FoundationEssentials

@_implementationOnly import Crypto

/// One append-only row of the ledger's history: who did what, when, why, with the payload
/// that lets the current state be rebuilt. Rows are hash-chained (seed 002: 台账数据填报不实).
public struct LedgerEvent: Hashable, Sendable {
    /// Position in the chain, 1, 2, 3, … without gaps.
    public let seq: Int64
    /// UTC time of recording, ISO 8601 with milliseconds.
    public let at: String
    public let actor: LedgerActor
    /// What happened, e.g. `student.upserted`, `case.verified`, `access.refused`.
    public let kind: String
    /// Student key the event is about, or "".
    public let student: String
    /// Case id the event is about, or 0.
    public let caseID: Int64
    /// Why (the actor's note, or the rule that refused an action).
    public let reason: String
    /// Canonical JSON (sorted keys) holding the event's data; an attendance event written by file
    /// format v2 holds `packed-marks-v2:` and base64 packed marks instead (docs/ledger.md).
    public let payload: String
    /// Hex SHA-256 of the previous event (64 zeros for the first).
    public let prevHash: String
    /// Hex SHA-256 of `prevHash` bytes + `canonicalBytes`.
    public let hash: String

    static let genesisHash = String(repeating: "0", count: 64)

    /// The bytes hashed for this event: every field but the hashes, each as `<utf8 length>:<text>`
    /// after a version tag, so no two different events share bytes.
    static func canonicalBytes(
        seq: Int64, at: String, actor: [String], kind: String, student: String,
        caseID: Int64, reason: String, payload: String
    ) -> [UInt8] {
        var out = canonicalTag
        for field in [String(seq), at] + actor + [kind, student, String(caseID), reason, payload] {
            appendCanonicalField(field.utf8, to: &out)
        }
        return out
    }

    /// The version tag the canonical bytes begin with.
    static let canonicalTag = Array("kcbx-ledger-event-v1\n".utf8)

    /// Appends one field of the canonical bytes, `<UTF-8 byte length>:<bytes>\n` (the writer's
    /// `canonicalBytes` and verify's `EventChainReader` both build them with it).
    static func appendCanonicalField<Bytes: Collection<UInt8>>(_ field: Bytes, to out: inout [UInt8]) {
        out.append(contentsOf: String(field.count).utf8)
        out.append(58)  // ':'
        out.append(contentsOf: field)
        out.append(10)
    }

    /// SHA-256 over the previous hash (32 raw bytes) and the canonical bytes, as lower-case hex.
    static func chainHash(prev: String, canonical: [UInt8]) -> String {
        var h = SHA256()
        h.update(data: ledgerHexBytes(prev))
        h.update(data: canonical)
        let digits: StaticString = "0123456789abcdef"
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in h.finalize() {
            hex.append(digits.utf8Start[Int(byte >> 4)])
            hex.append(digits.utf8Start[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// A short description for messages: `#12 case.verified (2025-10-01T08:00:00.000Z, school 640422101 王老师)`.
    public var label: String { "#\(seq) \(kind) (\(at), \(actor))" }
}

extension LedgerActor {
    /// Level, unit code, person and role: the actor as hashed into an event.
    var fields: [String] { [level.rawValue, unitCode, person, role] }
}

func ledgerHexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    ledgerHexBytes(hex.utf8, into: &out)
    return out
}

/// The bytes of hex digits (either case) into `out`, replacing its content; other characters are
/// skipped, an odd last digit dropped.
func ledgerHexBytes<Digits: Sequence<UInt8>>(_ hex: Digits, into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    out.reserveCapacity(32)
    var high: UInt8? = nil
    for c in hex {
        let v: UInt8
        switch c {
        case 48...57: v = c - 48
        case 97...102: v = c - 87
        case 65...70: v = c - 55
        default: continue
        }
        if let h = high {
            out.append(h << 4 | v)
            high = nil
        } else {
            high = v
        }
    }
}

/// UTC timestamp `YYYY-MM-DDTHH:MM:SS.mmmZ` (no locale or time-zone database involved).
func ledgerTimestamp(_ date: Date) -> String {
    let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
    let rest = ms - days * 86_400_000
    let d = CivilDate(dayNumber: Int32(days))
    func pad(_ v: Int64, _ n: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, n - s.count)) + s
    }
    return "\(d)T\(pad(rest / 3_600_000, 2)):\(pad(rest / 60_000 % 60, 2)):\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
}
