/// The payload of a `students.upserted` event (file format v3, docs/ledger.md, "Packed roster
/// payload"): the text `packed-students-v3:` and the base64 (RFC 4648, padded) of the students,
/// each as
///
/// 1. one flags byte: 0x01 the registry number is `G` + the resident ID (not written), 0x02 the
///    region code is the resident ID's first 6 digits (not written), 0x04 a registration date
///    follows (other bits 0);
/// 2. resident ID; 3. registry number (unless 0x01); 4. name — each a string;
/// 5. sex, one byte; 6. birth date, varint(zigzag(day number));
/// 7. address; 8. region code (unless 0x02); 9. school id; 10. school name; 11. township code — strings;
/// 12. grade, one byte; 13. registration, one byte (`registrationCodes`);
/// 14. with 0x04: registration date, varint(zigzag(day number));
/// 15. expert opinion, a string; 16. special groups, varint of a bit set (`groupBits`).
///
/// A string is varint(UTF-8 length) and its bytes; varints are LEB128, day numbers count from
/// 1970-01-01 (`PackedMarks`' helpers). The payload is hashed as text like every other.
enum PackedStudents {
    static let prefix = "packed-students-v3:"
    private static let prefixBytes = Array(prefix.utf8)

    /// Registration codes, byte value = index. Fixed: never reorder.
    static let registrationCodes = [
        "enrolled", "none", "deferred", "suspended", "home_delivered", "transferred_out", "graduated", "elsewhere",
    ]
    /// Special groups, bit i = index i. Fixed: never reorder.
    static let groupBits = [
        "registered_poor", "unstable_out_of_poverty", "marginal_risk", "sudden_hardship", "disabled", "left_behind", "migrant",
        "minority", "subsistence_allowance", "extreme_hardship", "prisoner_child", "unsupported", "relocated", "family_crisis",
    ]

    static func isPacked(_ payload: String) -> Bool { payload.utf8.starts(with: prefixBytes) }

    /// Appends one student's record to `out`.
    static func append(_ s: LedgerStudent, to out: inout [UInt8]) {
        func string(_ t: String) {
            var t = t
            t.withUTF8 { b in
                PackedMarks.varint(UInt64(b.count), &out)
                out.append(contentsOf: b)
            }
        }
        func day(_ iso: String) { PackedMarks.varint(PackedMarks.zigzag(Int64(ledgerParseDate(iso)?.dayNumber ?? 0)), &out) }
        var rid = s.residentID
        var registry = s.registryNumber
        var region = s.regionCode
        let (gNumber, idRegion) = rid.withUTF8 { r in
            registry.withUTF8 { g in
                region.withUTF8 { c in
                    (
                        r.count == 18 && g.count == 19 && g[0] == 0x47 && UnsafeBufferPointer(rebasing: g[1...]).elementsEqual(r),
                        r.count == 18 && c.elementsEqual(UnsafeBufferPointer(rebasing: r[0..<6]))
                    )
                }
            }
        }
        let hasDate = !s.registrationDate.isEmpty
        out.append((gNumber ? 0x01 : 0) | (idRegion ? 0x02 : 0) | (hasDate ? 0x04 : 0))
        string(s.residentID)
        if !gNumber { string(s.registryNumber) }
        string(s.name)
        out.append(UInt8(clamping: s.sex))
        day(s.birthDate)
        string(s.address)
        if !idRegion { string(s.regionCode) }
        string(s.schoolID)
        string(s.schoolName)
        string(s.townshipCode)
        out.append(UInt8(clamping: s.grade))
        out.append(UInt8(clamping: registrationCodes.firstIndex(of: s.registration) ?? 255))
        if hasDate { day(s.registrationDate) }
        string(s.expertOpinion)
        var bits: UInt64 = 0
        for g in s.groups { if let i = groupBits.firstIndex(of: g) { bits |= 1 << UInt64(i) } }
        PackedMarks.varint(bits, &out)
    }

    /// The payload text of records appended by `append`.
    static func payload(_ records: [UInt8]) -> String {
        var out = prefixBytes
        PackedMarks.base64(records, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Calls `body` with each student of a packed payload, in order; `.integrity` naming event
    /// `seq` when the payload is not one.
    static func decode(_ payload: String, seq: Int64, _ body: (LedgerStudent) throws -> Void) throws {
        func bad(_ why: String) -> KCBXError { KCBXError.integrity("event #\(seq) has an unreadable packed roster payload (\(why))") }
        var text = payload
        let bytes: [UInt8] = try text.withUTF8 { u in
            guard u.starts(with: prefixBytes) else { throw bad("no \(prefix) prefix") }
            guard let b = PackedMarks.unbase64(UnsafeBufferPointer(rebasing: u[prefixBytes.count...])) else { throw bad("not base64") }
            return b
        }
        var i = 0
        func next() throws -> UInt64 {
            guard let v = PackedMarks.readVarint(bytes, &i, end: bytes.count) else { throw bad("truncated at byte \(i)") }
            return v
        }
        func byte() throws -> UInt8 {
            guard i < bytes.count else { throw bad("truncated at byte \(i)") }
            i += 1
            return bytes[i - 1]
        }
        func string() throws -> String {
            let n = Int(clamping: try next())
            guard n <= bytes.count - i else { throw bad("a string runs past the end at byte \(i)") }
            defer { i += n }
            return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        }
        func day() throws -> String {
            let v = PackedMarks.unzigzag(try next())
            guard (-1_000_000...3_000_000).contains(v) else { throw bad("a day out of range at byte \(i)") }
            return CivilDate(dayNumber: Int32(v)).description
        }
        while i < bytes.count {
            let flags = try byte()
            guard flags & 0xF8 == 0 else { throw bad("unknown flags \(flags) at byte \(i - 1)") }
            let rid = try string()
            let registry = flags & 0x01 != 0 ? "G" + rid : try string()
            let name = try string()
            let sex = Int32(try byte())
            let birth = try day()
            let address = try string()
            let region = flags & 0x02 != 0 ? String(rid.prefix(6)) : try string()
            let school = try string()
            let schoolName = try string()
            let township = try string()
            let grade = Int(try byte())
            let code = Int(try byte())
            guard code < registrationCodes.count else { throw bad("unknown registration code \(code) at byte \(i - 1)") }
            let regDate = flags & 0x04 != 0 ? try day() : ""
            let opinion = try string()
            let bits = try next()
            guard bits >> UInt64(groupBits.count) == 0 else { throw bad("unknown special group bits at byte \(i - 1)") }
            let groups = groupBits.indices.filter { bits & (1 << UInt64($0)) != 0 }.map { groupBits[$0] }.sorted()
            try body(
                LedgerStudent(
                    residentID: rid, registryNumber: registry, name: name, sex: sex, birthDate: birth, address: address,
                    regionCode: region, schoolID: school, schoolName: schoolName, townshipCode: township, grade: grade,
                    registration: registrationCodes[code], registrationDate: regDate, expertOpinion: opinion, groups: groups))
        }
    }

    /// A packed roster payload as readable JSON for the audit trail: `{"students":[…]}`, each the
    /// `student.upserted` payload of file format v1; `only` keeps just that student's record
    /// (a child's history shows its own row, not its batch's).
    static func readableJSON(_ payload: String, seq: Int64, only key: String? = nil) throws -> String {
        var parts: [String] = []
        try decode(payload, seq: seq) { s in
            if key == nil || s.key == key { parts.append(try PayloadCoding.encode(s)) }
        }
        if key != nil, let one = parts.first { return one }
        return "{\"students\":[" + parts.joined(separator: ",") + "]}"
    }
}
