/// One data row of a roster CSV file as read: its fields' bytes (valid during the call) and the
/// field each roster column is in (`LedgerStudentRow.columns` order; nil: the column is absent).
struct RosterCSVRow {
    let fields: CSVFields
    let columns: [Int?]

    /// The row as text, for the string path (`LedgerStudentRow.validated`).
    var row: LedgerStudentRow {
        var r = LedgerStudentRow()
        for (c, k) in columns.enumerated() where k != nil { r.set(column: c, fields.string(k)) }
        return r
    }

    /// Column `c`'s bytes as read (none when the column is absent).
    private func field(_ c: Int) -> UnsafeBufferPointer<UInt8> {
        guard c < columns.count, let k = columns[c], k < fields.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        return fields.raw(k)
    }

    /// The student of a row in the common form, checked from its bytes: a valid resident ID
    /// (upper-case check character) with the registry number empty or `G` + that ID, `sex` and
    /// `birth_date` empty or as the ID says them (`1`/`2`, `YYYY-MM-DD`), `grade` empty or one
    /// digit, special groups exact codes, no field needing trimming, and every rule of
    /// docs/ledger.md met. Nil for any other row — a bad one included — which then goes the
    /// string path (`row.validated`), so every problem is found and worded in one place; for a
    /// row accepted here that path gives the same student (LedgerRosterFastPathTests).
    func commonStudent(asOf: CivilDate) -> LedgerStudent? {
        for c in 0..<LedgerStudentRow.columns.count where Self.mayNeedTrimming(field(c)) { return nil }
        let rid = field(0)
        guard rid.count == 18, rid[17] != 0x78, case .success(let id) = ResidentID.check(Self.text(rid), asOf: asOf) else { return nil }
        let reg = field(1)
        guard reg.isEmpty || (reg.count == 19 && reg[0] == 0x47 && reg.dropFirst().elementsEqual(rid)) else { return nil }
        let nameBytes = field(2)
        guard !nameBytes.isEmpty, Self.scalars(nameBytes) <= 50, !nameBytes.contains(where: { $0 < 32 }) else { return nil }
        let sexBytes = field(3)
        let sex = id.sex.rawValue
        guard sexBytes.isEmpty || (sexBytes.count == 1 && Int32(sexBytes[0]) - 48 == sex) else { return nil }
        // The ID's birth date as `CivilDate.description` writes it (YYYY-MM-DD; the ID's year is ≥ 1900).
        let birth = String(unsafeUninitializedCapacity: 10) { b in
            for i in 0..<4 { b[i] = rid[6 + i] }
            (b[4], b[5], b[6], b[7], b[8], b[9]) = (0x2D, rid[10], rid[11], 0x2D, rid[12], rid[13])
            return 10
        }
        let bd = field(4)
        guard bd.isEmpty || bd.elementsEqual(birth.utf8) else { return nil }
        let addr = field(5)
        let sname = field(8)
        let opinion = field(13)
        guard Self.scalars(addr) <= 200, Self.scalars(sname) <= 100, Self.scalars(opinion) <= 200 else { return nil }
        let regionBytes = field(6)
        guard regionBytes.isEmpty || Self.digits(regionBytes, 6) else { return nil }
        let school = field(7)
        guard school.isEmpty || (school.count <= 32 && school.allSatisfy(ledgerIsWordByte)) else { return nil }
        let town = field(9)
        guard Self.digits(town, 9) else { return nil }
        let regBytes = field(11)
        let registration: LedgerRegistration
        if regBytes.isEmpty {
            registration = school.isEmpty ? .none : .enrolled
        } else if let r = LedgerRegistration.allCases.first(where: { $0.rawValue.utf8.elementsEqual(regBytes) }) {
            registration = r
        } else {
            return nil
        }
        if registration == .enrolled && school.isEmpty { return nil }
        if (registration == .none || registration == .elsewhere) && !school.isEmpty { return nil }
        var regDate = ""
        let rd = field(12)
        if !rd.isEmpty {
            guard let d = ledgerParseDate(Self.text(rd)), d <= asOf else { return nil }
            regDate = d.description
        } else if registration == .transferredOut || registration == .graduated {
            return nil
        }
        if opinion.isEmpty && (registration == .deferred || registration == .suspended) { return nil }
        let g = field(10)
        var grade = 0
        if !g.isEmpty {
            guard g.count == 1, g[0] >= 48, g[0] <= 57 else { return nil }
            grade = Int(g[0] - 48)
        }
        if !school.isEmpty && grade == 0 && registration == .enrolled { return nil }
        if school.isEmpty && grade != 0 { return nil }
        guard let groups = Self.groups(field(14)) else { return nil }
        return LedgerStudent(
            residentID: id.text, registryNumber: reg.isEmpty ? "" : "G" + id.text, name: Self.text(nameBytes), sex: sex,
            birthDate: birth, address: Self.text(addr), regionCode: regionBytes.isEmpty ? id.regionCode : Self.text(regionBytes),
            schoolID: Self.text(school), schoolName: Self.text(sname), townshipCode: Self.text(town), grade: grade,
            registration: registration.rawValue, registrationDate: regDate, expertOpinion: Self.text(opinion), groups: groups)
    }

    /// Whether `b` starts or ends with a byte up to space or with U+3000 (E3 80 80): what
    /// `CSVFile.trimmed` and `ledgerTrimmed` could remove (a superset of it).
    private static func mayNeedTrimming(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = b.first, let l = b.last else { return false }
        if f <= 0x20 || l <= 0x20 { return true }
        let n = b.count
        return n >= 3 && ((f == 0xE3 && b[1] == 0x80 && b[2] == 0x80) || (b[n - 3] == 0xE3 && b[n - 2] == 0x80 && l == 0x80))
    }

    private static func text(_ b: UnsafeBufferPointer<UInt8>) -> String { b.isEmpty ? "" : String(decoding: b, as: UTF8.self) }

    /// Unicode scalars in valid UTF-8 (at least its characters, which the length rules count).
    private static func scalars(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for x in b where x & 0xC0 != 0x80 { n += 1 }
        return n
    }

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ count: Int) -> Bool {
        b.count == count && b.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Special-group codes sorted as `String`s sort (the order `validated` gives them).
    private static let sortedGroups = SpecialGroup.allCases.map(\.rawValue).sorted()

    /// The codes of a `special_groups` cell, sorted and unique; nil unless every code separated by
    /// `;` or `|` is exact (no spaces around it).
    private static func groups(_ b: UnsafeBufferPointer<UInt8>) -> [String]? {
        guard !b.isEmpty else { return [] }
        var bits: UInt32 = 0
        var start = 0
        for end in 0...b.count where end == b.count || b[end] == 0x3B || b[end] == 0x7C {
            defer { start = end + 1 }
            guard end > start else { continue }
            let code = UnsafeBufferPointer(rebasing: b[start..<end])
            guard let i = sortedGroups.firstIndex(where: { $0.utf8.elementsEqual(code) }) else { return nil }
            bits |= 1 << UInt32(i)
        }
        return sortedGroups.indices.filter { bits & (1 << UInt32($0)) != 0 }.map { sortedGroups[$0] }
    }
}
