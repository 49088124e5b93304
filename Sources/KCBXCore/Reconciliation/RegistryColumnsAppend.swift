/// Filling `RegistryColumns` a record at a time from columns other than CSV files (Arrow record
/// batches, docs/arrow.md): the same cell rules as the CSV reader (`grade`, `status`, `date`,
/// trimming as `CSVFile.trimmed`), values handed over as byte views (no `String` per value).
extension RegistryColumns {
    /// The household-shaped tables.
    public enum HouseholdTable: Sendable { case household, census }
    /// The ID lists.
    public enum IDList: Sendable, CaseIterable { case attending, poverty, threeKinds, dropouts, disabled, leftBehind }

    /// Empty columns for `regionPrefix` (digits of a GB/T 2260 code, e.g. "640422" or "64").
    public init(checkedPrefix regionPrefix: String, asOf: CivilDate) throws {
        guard !regionPrefix.isEmpty, regionPrefix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw KCBXError.invalidInput(
                field: "region_prefix", rule: "must be digits of a GB/T 2260 code, got \(KCBXError.quote(regionPrefix))")
        }
        self.init(regionPrefix: regionPrefix, asOf: asOf)
    }

    /// A grade cell: 1-9.
    public static func grade(_ span: UnsafeBufferPointer<UInt8>, field: () -> String) throws -> UInt8 {
        if span.count == 1, span[0] >= 49, span[0] <= 57 { return span[0] - 48 }
        let text = String(decoding: span, as: UTF8.self)
        guard let v = Int(text) else { throw KCBXError.invalidInput(field: field(), rule: "\(KCBXError.quote(text)) must be a grade 1-9") }
        return try grade(v, field: field)
    }

    /// A grade given as a number: 1-9.
    public static func grade(_ v: Int, field: () -> String) throws -> UInt8 {
        guard (1...9).contains(v) else {
            throw KCBXError.invalidInput(field: field(), rule: "\(KCBXError.quote(String(v))) must be a grade 1-9")
        }
        return UInt8(v)
    }

    /// A status cell (empty: enrolled).
    public static func status(_ span: UnsafeBufferPointer<UInt8>, field: () -> String) throws -> RegistryStatus {
        if span.isEmpty || span.elementsEqual("enrolled".utf8) { return .enrolled }
        let text = String(decoding: span, as: UTF8.self)
        guard let s = RegistryStatus(rawValue: text) else {
            throw KCBXError.invalidInput(
                field: field(),
                rule: "\(KCBXError.quote(text)) must be one of \(RegistryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return s
    }

    /// An optional ISO date cell (YYYY-MM-DD; empty: none) as a day number, or nil.
    public static func isoDay(_ span: UnsafeBufferPointer<UInt8>, field: String) throws -> Int32? {
        if span.isEmpty { return nil }
        return try CivilDate(iso: String(decoding: span, as: UTF8.self), field: field).dayNumber
    }

    /// Appends a household (or census) record: the resident ID keyed as the CSV path keys it.
    /// Text is trimmed as CSV cells are; `birthDay` is a day number or nil.
    public mutating func appendHousehold(
        _ table: HouseholdTable, residentID: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>,
        birthDay: Int32?, address: UnsafeBufferPointer<UInt8>, regionCode: UnsafeBufferPointer<UInt8>
    ) {
        func fill(_ c: inout HouseholdColumns, _ keys: inout ResidentKeys) {
            c.births.append(birthDay ?? Self.noDate)
            CSVFields.trim(residentID) { c.keys.append(keys.key($0)) }
            CSVFields.trim(name) { c.names.append($0) }
            CSVFields.trim(address) { c.addresses.append($0) }
            CSVFields.trim(regionCode) { c.regions.append($0) }
        }
        switch table {
        case .household: fill(&household, &keys)
        case .census: fill(&census, &keys)
        }
    }

    /// Appends a student record; an empty resident ID is a record without one.
    public mutating func appendStudent(
        registryNumber: UnsafeBufferPointer<UInt8>, residentID: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>, birthDay: Int32?, schoolID: UnsafeBufferPointer<UInt8>,
        schoolRegionCode: UnsafeBufferPointer<UInt8>, grade: UInt8, status: RegistryStatus
    ) {
        students.births.append(birthDay ?? Self.noDate)
        students.grades.append(grade)
        students.statuses.append(status)
        CSVFields.trim(residentID) { students.keys.append($0.isEmpty ? ResidentKeys.none : keys.key($0)) }
        CSVFields.trim(registryNumber) { students.registryNumbers.append($0) }
        CSVFields.trim(name) { students.names.append($0) }
        CSVFields.trim(schoolID) { students.schools.append($0) }
        CSVFields.trim(schoolRegionCode) { students.regions.append($0) }
    }

    /// Marks a list as compared (an empty attending list compares: everyone registered is then
    /// not attending; a list never given is not compared).
    public mutating func compare(_ list: IDList) {
        if list == .attending, attending == nil { attending = [] }
    }

    /// Adds a resident ID to a list (and marks it compared).
    public mutating func insert(_ residentID: UnsafeBufferPointer<UInt8>, into list: IDList) {
        let k = CSVFields.trim(residentID) { keys.key($0) }
        switch list {
        case .attending:
            compare(.attending)
            attending?.insert(k)
        case .poverty: poverty.insert(k)
        case .threeKinds: threeKinds.insert(k)
        case .dropouts: dropouts.insert(k)
        case .disabled: disabled.insert(k)
        case .leftBehind: leftBehind.insert(k)
        }
    }
}
