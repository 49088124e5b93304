/// The CSV files of a reconciliation (column sets in docs/data-formats.md): the two registries
/// are required, every list is optional (nil: not compared).
public struct ReconciliationFiles: Sendable {
    public var household: String
    public var students: String
    public var attending: String?
    public var poverty: String?
    public var threeKinds: String?
    public var dropouts: String?
    public var census: String?
    public var disabled: String?
    public var leftBehind: String?

    public init(household: String, students: String, attending: String? = nil, poverty: String? = nil, threeKinds: String? = nil,
                dropouts: String? = nil, census: String? = nil, disabled: String? = nil, leftBehind: String? = nil) {
        self.household = household; self.students = students; self.attending = attending; self.poverty = poverty
        self.threeKinds = threeKinds; self.dropouts = dropouts; self.census = census; self.disabled = disabled; self.leftBehind = leftBehind
    }
}

extension ReconciliationInput {
    /// Reads the files one after the other on the calling thread (no thread pool, so a process
    /// forked from a multithreaded parent can call it): the two registries, then the lists.
    /// `progress` gets phase "read" with files done / total. `regionPrefix` must be digits of a
    /// GB/T 2260 code (e.g. "640422", or "64" for a province).
    public static func load(_ files: ReconciliationFiles, regionPrefix: String, asOf: CivilDate,
                            progress: ((ReconciliationProgress) -> Void)? = nil) throws -> ReconciliationInput {
        guard !regionPrefix.isEmpty, regionPrefix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw KCBXError.invalidInput(field: "region_prefix", rule: "must be digits of a GB/T 2260 code, got \(KCBXError.quote(regionPrefix))")
        }
        let lists = [files.attending, files.poverty, files.threeKinds, files.dropouts, files.census, files.disabled, files.leftBehind]
        let total = 2 + lists.compactMap { $0 }.count
        var read = 0
        func tick(_ n: Int) { read += n; progress?(ReconciliationProgress(phase: "read", done: read, total: total)) }
        let registries = try CSVFile.read([files.household, files.students])
        tick(2)
        func file(_ path: String) throws -> CSVFile { let f = try CSVFile(path: path); tick(1); return f }
        func list(_ path: String?) throws -> Set<String>? { try path.map { try idList(csv: file($0)) } }
        return ReconciliationInput(
            regionPrefix: regionPrefix, asOf: asOf,
            household: try household(csv: registries[0]), students: try students(csv: registries[1]),
            attending: try list(files.attending), poverty: try list(files.poverty) ?? [],
            threeKinds: try list(files.threeKinds) ?? [], dropouts: try list(files.dropouts) ?? [],
            census: try files.census.map { try household(csv: file($0)) } ?? [],
            disabled: try list(files.disabled) ?? [], leftBehind: try list(files.leftBehind) ?? [])
    }
}
