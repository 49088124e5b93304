/// Household registry (or township census) extract as columns: resident-ID keys, strings in
/// byte arenas, birth dates as day numbers (`RegistryColumns.noDate` when absent).
struct HouseholdColumns: Sendable {
    var keys: [UInt64] = []
    var names = ByteColumn(), addresses = ByteColumn(), regions = ByteColumn()
    var births: [Int32] = []
    var count: Int { keys.count }
}

/// Student registry extract as columns; `keys` holds `ResidentKeys.none` for a record without an ID.
struct StudentColumns: Sendable {
    var registryNumbers = ByteColumn(), names = ByteColumn(), schools = ByteColumn(), regions = ByteColumn()
    var keys: [UInt64] = []
    var births: [Int32] = []
    var grades: [UInt8] = []
    var statuses: [RegistryStatus] = []
    var count: Int { keys.count }
}

/// Everything a reconciliation compares, as columns keyed by packed resident IDs (issue 14):
/// filled from CSV files in one streaming pass (`load`), or from records (`init(_:)`).
public struct RegistryColumns: Sendable {
    static let noDate = Int32.min
    public let regionPrefix: String
    public let asOf: CivilDate
    var keys = ResidentKeys()
    var household = HouseholdColumns(), census = HouseholdColumns(), students = StudentColumns()
    var attending: Set<UInt64>?
    var poverty = Set<UInt64>(), threeKinds = Set<UInt64>(), dropouts = Set<UInt64>()
    var disabled = Set<UInt64>(), leftBehind = Set<UInt64>()

    /// The number of household, census and student records.
    public var counts: (household: Int, census: Int, students: Int) { (household.count, census.count, students.count) }

    init(regionPrefix: String, asOf: CivilDate) {
        self.regionPrefix = regionPrefix
        self.asOf = asOf
    }

    /// The same data as columns, from records (IDs normalized as the reconciliation normalizes them).
    public init(_ input: ReconciliationInput) {
        self.init(regionPrefix: input.regionPrefix, asOf: input.asOf)
        func add(_ h: HouseholdRecord, to c: inout HouseholdColumns) {
            c.keys.append(keys.key(h.residentID))
            c.names.append(h.name)
            c.addresses.append(h.address)
            c.regions.append(h.regionCode)
            c.births.append(h.birthDate?.dayNumber ?? Self.noDate)
        }
        for h in input.household { add(h, to: &household) }
        for h in input.census { add(h, to: &census) }
        for s in input.students {
            students.keys.append(s.residentID.map { keys.key($0) } ?? ResidentKeys.none)
            students.registryNumbers.append(s.registryNumber)
            students.names.append(s.name)
            students.schools.append(s.schoolID)
            students.regions.append(s.schoolRegionCode)
            students.births.append(s.birthDate?.dayNumber ?? Self.noDate)
            students.grades.append(UInt8(clamping: s.grade))
            students.statuses.append(s.status)
        }
        func set(_ ids: Set<String>) -> Set<UInt64> { Set(ids.map { keys.key($0) }) }
        attending = input.attending.map(set)
        poverty = set(input.poverty)
        threeKinds = set(input.threeKinds)
        dropouts = set(input.dropouts)
        disabled = set(input.disabled)
        leftBehind = set(input.leftBehind)
    }

    /// Reads the files one after the other on the calling thread, each in one streaming pass
    /// straight into columns (no row of strings; the reader's memory is a chunk and a row), with
    /// every rule of `StrictCSVReader` and the column rules of docs/data-formats.md, errors
    /// naming the file, row and column. `progress` gets phase "read" with files done / total.
    /// `regionPrefix` must be digits of a GB/T 2260 code (e.g. "640422", or "64" for a province).
    public static func load(
        _ files: ReconciliationFiles, regionPrefix: String, asOf: CivilDate,
        progress: ((ReconciliationProgress) -> Void)? = nil
    ) throws -> RegistryColumns {
        var c = try RegistryColumns(checkedPrefix: regionPrefix, asOf: asOf)
        let lists = [files.attending, files.poverty, files.threeKinds, files.dropouts, files.census, files.disabled, files.leftBehind]
        let total = 2 + lists.compactMap { $0 }.count
        var read = 0
        func tick(_ n: Int) {
            read += n
            progress?(ReconciliationProgress(phase: "read", done: read, total: total))
        }
        try c.readHousehold(files.household, into: \.household)
        try c.readStudents(files.students)
        tick(2)
        func list(_ path: String?) throws -> Set<UInt64>? {
            guard let path else { return nil }
            let s = try c.readList(path)
            tick(1)
            return s
        }
        c.attending = try list(files.attending)
        c.poverty = try list(files.poverty) ?? []
        c.threeKinds = try list(files.threeKinds) ?? []
        c.dropouts = try list(files.dropouts) ?? []
        if let census = files.census {
            try c.readHousehold(census, into: \.census)
            tick(1)
        }
        c.disabled = try list(files.disabled) ?? []
        c.leftBehind = try list(files.leftBehind) ?? []
        return c
    }

    /// `path row N column`, as every CSV error names a cell.
    static func field(_ path: String, _ row: Int, _ column: String) -> String { "\(path) row \(row) \(column)" }

    /// An optional ISO date cell as a day number (`noDate` when empty); `CivilDate(iso:)` decides and words the refusal.
    static func date(_ span: UnsafeBufferPointer<UInt8>, _ path: String, _ row: Int, _ column: String) throws -> Int32 {
        if span.isEmpty { return noDate }
        if span.count == 10, span[4] == 45, span[7] == 45 {
            var y = 0
            var m = 0
            var d = 0
            var ok = true
            for i in 0..<10 where i != 4 && i != 7 {
                let digit = Int(span[i]) - 48
                guard digit >= 0 && digit <= 9 else {
                    ok = false
                    break
                }
                if i < 4 { y = y * 10 + digit } else if i < 7 { m = m * 10 + digit } else { d = d * 10 + digit }
            }
            if ok, let date = try? CivilDate(year: y, month: m, day: d) { return date.dayNumber }
        }
        return try CivilDate(iso: String(decoding: span, as: UTF8.self), field: field(path, row, column)).dayNumber
    }

    private mutating func readHousehold(_ path: String, into target: WritableKeyPath<RegistryColumns, HouseholdColumns>) throws {
        var id = 0
        var name = 0
        var region = 0
        var birth: Int?
        var address: Int?
        var out = HouseholdColumns()
        try StrictCSVReader.readFields(
            path: path,
            header: { h in
                id = try CSVFile.column("resident_id", in: h, path: path)
                name = try CSVFile.column("name", in: h, path: path)
                region = try CSVFile.column("region_code", in: h, path: path)
                birth = h.firstIndex(of: "birth_date")
                address = h.firstIndex(of: "address")
            },
            row: { n, f in
                out.births.append(try f.trimmed(birth) { try Self.date($0, path, n, "birth_date") })
                out.keys.append(f.trimmed(id) { keys.key($0) })
                f.trimmed(name) { out.names.append($0) }
                f.trimmed(address) { out.addresses.append($0) }
                f.trimmed(region) { out.regions.append($0) }
            })
        self[keyPath: target] = out
    }

    private mutating func readStudents(_ path: String) throws {
        var reg = 0
        var id = 0
        var name = 0
        var school = 0
        var region = 0
        var grade = 0
        var birth: Int?
        var status: Int?
        var out = StudentColumns()
        try StrictCSVReader.readFields(
            path: path,
            header: { h in
                func col(_ c: String) throws -> Int { try CSVFile.column(c, in: h, path: path) }
                reg = try col("registry_number")
                id = try col("resident_id")
                name = try col("name")
                school = try col("school_id")
                region = try col("school_region_code")
                grade = try col("grade")
                birth = h.firstIndex(of: "birth_date")
                status = h.firstIndex(of: "status")
            },
            row: { n, f in
                let g: UInt8 = try f.trimmed(grade) { try Self.grade($0) { Self.field(path, n, "grade") } }
                let st: RegistryStatus = try f.trimmed(status) { try Self.status($0) { Self.field(path, n, "status") } }
                out.births.append(try f.trimmed(birth) { try Self.date($0, path, n, "birth_date") })
                out.grades.append(g)
                out.statuses.append(st)
                out.keys.append(f.trimmed(id) { $0.isEmpty ? ResidentKeys.none : keys.key($0) })
                f.trimmed(reg) { out.registryNumbers.append($0) }
                f.trimmed(name) { out.names.append($0) }
                f.trimmed(school) { out.schools.append($0) }
                f.trimmed(region) { out.regions.append($0) }
            })
        students = out
    }

    private mutating func readList(_ path: String) throws -> Set<UInt64> {
        var id = 0
        var out = Set<UInt64>()
        try StrictCSVReader.readFields(
            path: path, header: { id = try CSVFile.column("resident_id", in: $0, path: path) },
            row: { _, f in out.insert(f.trimmed(id) { keys.key($0) }) })
        return out
    }

    /// The columns as records (for `ReconciliationInput.load`; IDs as normalized, upper-case X).
    func records() -> ReconciliationInput {
        func date(_ d: Int32) -> CivilDate? { d == Self.noDate ? nil : CivilDate(dayNumber: d) }
        func household(_ c: HouseholdColumns) -> [HouseholdRecord] {
            (0..<c.count).map {
                HouseholdRecord(
                    residentID: keys.text(c.keys[$0]), name: c.names[$0], birthDate: date(c.births[$0]),
                    address: c.addresses[$0], regionCode: c.regions[$0])
            }
        }
        let s = students
        let studentRecords = (0..<s.count).map {
            StudentRecord(
                registryNumber: s.registryNumbers[$0], residentID: s.keys[$0] == ResidentKeys.none ? nil : keys.text(s.keys[$0]),
                name: s.names[$0], birthDate: date(s.births[$0]), schoolID: s.schools[$0], schoolRegionCode: s.regions[$0],
                grade: Int(s.grades[$0]), status: s.statuses[$0])
        }
        func texts(_ set: Set<UInt64>) -> Set<String> { Set(set.map { keys.text($0) }) }
        return ReconciliationInput(
            regionPrefix: regionPrefix, asOf: asOf, household: household(self.household), students: studentRecords,
            attending: attending.map(texts), poverty: texts(poverty), threeKinds: texts(threeKinds),
            dropouts: texts(dropouts), census: household(census), disabled: texts(disabled), leftBehind: texts(leftBehind))
    }
}
