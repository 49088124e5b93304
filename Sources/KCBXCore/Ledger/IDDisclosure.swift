@_implementationOnly import GRDB

/// The masking rule for resident IDs in everything the ledger hands out (listings, histories,
/// due lists, escalation summaries, exports, reports, refusal messages): `ResidentID.masked`
/// (first 4 + 10 `*` + last 4, e.g. 6404**********011X).
public enum IDMask {
    /// A student key as shown masked: a resident ID masked, a `G` registry number as `G` + the masked
    /// ID, an `L` number as it is (it holds no resident ID); anything else has its embedded IDs
    /// masked and is cut to 40 characters (keys typed by a caller are echoed no further).
    public static func key(_ key: String) -> String {
        if let id = try? ResidentID(key) { return id.masked }
        if key.first == "G" || key.first == "g", let id = try? ResidentID(String(key.dropFirst())) { return "G" + id.masked }
        if (try? StudentRegistryNumber(key))?.kind == .temporary { return key }
        let t = text(key)
        return t.count > 40 ? String(t.prefix(39)) + "…" : t
    }

    /// `text` with every embedded resident ID masked: a run of 17 ASCII digits and a digit or X not
    /// preceded by a digit and not followed by a letter or digit (so `G` + ID is masked too).
    public static func text(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 18 else { return text }
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 97 && b | 0x20 <= 122) }
        var out = bytes
        var i = 0
        var changed = false
        while i + 18 <= bytes.count {
            if i > 0 && isDigit(bytes[i - 1]) || !isDigit(bytes[i]) {
                i += 1
                continue
            }
            var j = i
            while j < i + 17 && isDigit(bytes[j]) { j += 1 }
            guard j == i + 17 else {
                i = j + 1
                continue
            }
            let last = bytes[j]
            let end = j + 1
            if (isDigit(last) || last == 88 || last == 120) && (end == bytes.count || !isAlnum(bytes[end])) {
                for k in (i + 4)..<(i + 14) { out[k] = 42 }
                changed = true
                i = end
            } else {
                i = j
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : text
    }
}

/// Whether one output shows full resident IDs, decided by `Ledger.disclosure` and applied to every
/// ID the output carries.
public struct IDDisclosure: Hashable, Sendable {
    /// Full IDs were asked for by an actor allowed them, and the read is recorded.
    public let full: Bool

    /// A student key as this output shows it.
    public func key(_ key: String) -> String { full ? key : IDMask.key(key) }
    /// Free text (reasons, payloads, obligation ids) as this output shows it.
    public func text(_ text: String) -> String { full ? text : IDMask.text(text) }

    /// Masked: what every output gives unless full IDs were asked for and granted.
    public static let masked = IDDisclosure(full: false)
}

extension Ledger {
    /// The one rule for full resident IDs on any output: masked unless `fullIDs` is asked for by an
    /// actor at county level or above (`LedgerActor.mayReadFullIDs`); anyone else asking is refused
    /// (`.permissionDenied`, recorded as `access.refused`); a granted read is recorded as an
    /// `export.full_ids` event naming `format`. `operation` is the verb ("export", "list cases").
    public func disclosure(fullIDs: Bool, _ operation: String, format: String) throws -> IDDisclosure {
        guard fullIDs else { return .masked }
        try write { db, w in try grantFullIDs(operation, format: format, db, &w) }
        return IDDisclosure(full: true)
    }

    /// `disclosure` inside a write transaction already open.
    func grantFullIDs(_ operation: String, format: String, _ db: Database, _ w: inout EventWriter) throws {
        guard actor.mayReadFullIDs else {
            throw LedgerRefusal(
                operation: "\(operation) with full resident IDs", student: "", caseID: 0,
                detail: "full IDs need county level or above; output is masked otherwise")
        }
        try w.append(db, .exported, payload: ExportedPayload(format: format), reason: "\(operation) \(format) with full resident IDs")
    }
}

extension LedgerCase {
    /// The case as `d` shows it (the student key masked unless full IDs were granted).
    public func disclosed(_ d: IDDisclosure) -> LedgerCase {
        var c = self
        c.student = d.key(student)
        return c
    }
}

extension LedgerStudent {
    /// The student as `d` shows it: resident ID and G registry number masked unless full IDs were granted.
    public func disclosed(_ d: IDDisclosure) -> LedgerStudent {
        guard !d.full else { return self }
        var s = self
        s.residentID = maskedID
        s.registryNumber = maskedRegistryNumber
        return s
    }
}

extension LedgerEvent {
    /// The event as `d` shows it: student key, reason and payload with IDs masked unless granted.
    public func disclosed(_ d: IDDisclosure) -> LedgerEvent {
        guard !d.full else { return self }
        return LedgerEvent(
            seq: seq, at: at, actor: actor, kind: kind, student: d.key(student), caseID: caseID,
            reason: d.text(reason), payload: d.text(payload), prevHash: prevHash, hash: hash)
    }
}

extension Obligation {
    /// The obligation as `d` shows it (student key and the id that embeds it).
    public func disclosed(_ d: IDDisclosure) -> Obligation {
        guard !d.full else { return self }
        var o = self
        o.student = d.key(student)
        o.id = d.text(id)
        return o
    }
}

extension EscalationSummary {
    /// The summary as `d` shows it.
    public func disclosed(_ d: IDDisclosure) -> EscalationSummary {
        guard !d.full else { return self }
        var s = self
        s.escalated = escalated.map { $0.disclosed(d) }
        s.overdueAtTop = overdueAtTop.map(d.text)
        s.students = students.map { $0.disclosed(d) }
        return s
    }
}

extension LedgerSweepSummary {
    /// The summary as `d` shows it (the skipped students' keys and reasons).
    public func disclosed(_ d: IDDisclosure) -> LedgerSweepSummary {
        guard !d.full else { return self }
        var s = self
        s.skipped = Dictionary(skipped.map { (d.key($0.key), d.text($0.value)) }, uniquingKeysWith: { a, b in a + "; " + b })
        return s
    }
}
