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

    public init(
        household: String, students: String, attending: String? = nil, poverty: String? = nil, threeKinds: String? = nil,
        dropouts: String? = nil, census: String? = nil, disabled: String? = nil, leftBehind: String? = nil
    ) {
        self.household = household
        self.students = students
        self.attending = attending
        self.poverty = poverty
        self.threeKinds = threeKinds
        self.dropouts = dropouts
        self.census = census
        self.disabled = disabled
        self.leftBehind = leftBehind
    }
}

extension ReconciliationInput {
    /// Reads the files one after the other on the calling thread (no thread pool, so a process
    /// forked from a multithreaded parent can call it) through `RegistryColumns.load` (every rule
    /// of the strict reader and of the columns), as records: the two registries, then the lists.
    /// `progress` gets phase "read" with files done / total. `regionPrefix` must be digits of a
    /// GB/T 2260 code (e.g. "640422", or "64" for a province). Resident IDs come back normalized
    /// (check character x upper-cased), as the reconciliation compares them.
    public static func load(
        _ files: ReconciliationFiles, regionPrefix: String, asOf: CivilDate,
        progress: ((ReconciliationProgress) -> Void)? = nil
    ) throws -> ReconciliationInput {
        try RegistryColumns.load(files, regionPrefix: regionPrefix, asOf: asOf, progress: progress).records()
    }
}
