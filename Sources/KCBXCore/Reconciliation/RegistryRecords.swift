/// A person in the household registry extract (police: 户籍) or the township census.
public struct HouseholdRecord: Sendable, Equatable {
    /// The ID as the registry holds it (validated during reconciliation, not before).
    public var residentID: String
    public var name: String
    public var birthDate: CivilDate?
    public var address: String
    /// GB/T 2260 code of the place of registration.
    public var regionCode: String

    public init(residentID: String, name: String, birthDate: CivilDate? = nil, address: String = "", regionCode: String) {
        self.residentID = residentID
        self.name = name
        self.birthDate = birthDate
        self.address = address
        self.regionCode = regionCode
    }
}

/// Registration status in the national student registry (学籍).
public enum RegistryStatus: String, Sendable, CaseIterable {
    case enrolled  // 在籍在读
    case deferred  // 缓学 (with expert opinion)
    case suspended  // 休学
    case homeDelivered = "home_delivered"  // 送教上门
    case transferredOut = "transferred_out"
    case graduated
}

/// A student in the national student registry extract (学籍).
public struct StudentRecord: Sendable, Equatable {
    /// 学籍号: G + ID or L + temporary number.
    public var registryNumber: String
    /// The resident ID, when the record has one.
    public var residentID: String?
    public var name: String
    public var birthDate: CivilDate?
    public var schoolID: String
    /// Region code of the school (decides whether the child studies inside the county).
    public var schoolRegionCode: String
    public var grade: Int
    public var status: RegistryStatus

    public init(
        registryNumber: String, residentID: String?, name: String, birthDate: CivilDate?, schoolID: String,
        schoolRegionCode: String, grade: Int, status: RegistryStatus = .enrolled
    ) {
        self.registryNumber = registryNumber
        self.residentID = residentID
        self.name = name
        self.birthDate = birthDate
        self.schoolID = schoolID
        self.schoolRegionCode = schoolRegionCode
        self.grade = grade
        self.status = status
    }
}

/// What a reconciliation compares (四查三比对, seed 004 二（二）; 数据比对, seed 000 二（二）).
public struct ReconciliationInput: Sendable {
    /// The county (or other unit) being reconciled: a region-code prefix such as "640422".
    public var regionPrefix: String
    public var asOf: CivilDate
    public var household: [HouseholdRecord]
    public var students: [StudentRecord]
    /// Resident IDs seen attending (from the ledger's attendance); nil when not compared.
    public var attending: Set<String>?
    /// Resident IDs on the poverty-household (脱贫户 / 建档立卡) list.
    public var poverty: Set<String>
    /// Resident IDs on the “三类” monitoring list.
    public var threeKinds: Set<String>
    /// Resident IDs currently recorded as dropouts (from the ledger), for comparison 3.
    public var dropouts: Set<String>
    /// The township census of school-age children (乡镇排摸, 000 二（一）), same columns as the household
    /// extract: children it holds that the household registry lacks are compared too (无户口 or
    /// living here without registration here, 000 一（二）).
    public var census: [HouseholdRecord]
    /// Resident IDs on the disabled-children list (残联, 000 四（三）): their findings say placement needs the expert panel.
    public var disabled: Set<String>
    /// Resident IDs on the left-behind roster (民政, 000 四（二）): monitored first.
    public var leftBehind: Set<String>

    public init(
        regionPrefix: String, asOf: CivilDate, household: [HouseholdRecord], students: [StudentRecord],
        attending: Set<String>? = nil, poverty: Set<String> = [], threeKinds: Set<String> = [], dropouts: Set<String> = [],
        census: [HouseholdRecord] = [], disabled: Set<String> = [], leftBehind: Set<String> = []
    ) {
        self.regionPrefix = regionPrefix
        self.asOf = asOf
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
