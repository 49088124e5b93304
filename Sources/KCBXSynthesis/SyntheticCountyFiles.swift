import KCBXCore

/// The synthetic county as the CSV files a county receives (docs/data-formats.md).
extension SyntheticCounty {
    /// Household registry extract (police): resident_id,name,birth_date,address,region_code.
    public func householdTable() -> ReportTable {
        ReportTable(title: "户籍人口", headers: SyntheticCounty.householdHeaders, rows: householdRecords().map(SyntheticCounty.householdRow))
    }

    /// Student registry extract: registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status.
    public func studentTable() -> ReportTable {
        ReportTable(title: "学籍", headers: SyntheticCounty.studentHeaders, rows: studentRecords().map(SyntheticCounty.studentRow))
    }

    static let householdHeaders = ["resident_id", "name", "birth_date", "address", "region_code"]
    static func householdRow(_ r: HouseholdRecord) -> [String] {
        [r.residentID, r.name, r.birthDate?.description ?? "", r.address, r.regionCode]
    }

    static let studentHeaders = [
        "registry_number", "resident_id", "name", "birth_date", "school_id", "school_region_code", "grade", "status",
    ]
    static func studentRow(_ r: StudentRecord) -> [String] {
        [
            r.registryNumber, r.residentID ?? "", r.name, r.birthDate?.description ?? "", r.schoolID, r.schoolRegionCode, String(r.grade),
            r.status.rawValue,
        ]
    }

    /// Schools: school_id,name,township,grades.
    public func schoolTable() -> ReportTable {
        ReportTable(title: "学校", headers: SyntheticCounty.schoolHeaders, rows: schools.map(SyntheticCounty.schoolRow))
    }

    static let schoolHeaders = ["school_id", "name", "township", "grades"]
    static func schoolRow(_ s: SyntheticSchool) -> [String] {
        [s.id, s.name, SyntheticCounty.townshipName(s.township), "\(s.grades.lowerBound)-\(s.grades.upperBound)"]
    }

    /// A list of resident IDs (one column `resident_id`), e.g. the poverty-household list.
    public func idTable(_ title: String, _ include: (SyntheticChild) -> Bool) -> ReportTable {
        ReportTable(title: title, headers: ["resident_id"], rows: children.filter(include).map { [$0.residentID] })
    }

    /// Poverty-household (建档立卡/脱贫户) children.
    public func povertyTable() -> ReportTable { idTable("脱贫户", { $0.groups.contains(.registeredPoor) }) }

    /// “三类” monitored children.
    public func threeKindsTable() -> ReportTable { idTable("三类", { $0.groups.contains(where: \.isThreeKinds) }) }

    /// The schools' attendance extract: registered children seen at school in the last week
    /// (suspected and dropout children are not), keyed by the registry's ID.
    public func attendingTable() -> ReportTable {
        let away: Set<PlantedPattern> = [.suspected, .dropout]
        let awayIDs = Set(children.filter { away.contains($0.pattern) }.map(\.residentID))
        return ReportTable(
            title: "在校", headers: ["resident_id"],
            rows: studentRecords().filter { $0.schoolRegionCode == options.regionCode }
                .compactMap(\.residentID).filter { !awayIDs.contains($0) }.map { [$0] })
    }

    /// What was planted for each child: resident_id,pattern (the answer key for tests and demos).
    public func truthTable() -> ReportTable {
        ReportTable(title: "planted", headers: ["resident_id", "pattern"], rows: children.map { [$0.residentID, $0.pattern.rawValue] })
    }
}
