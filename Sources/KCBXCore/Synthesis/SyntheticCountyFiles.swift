/// The synthetic county as the CSV files a county receives (docs/data-formats.md).
extension SyntheticCounty {
    /// Household registry extract (police): resident_id,name,birth_date,address,region_code.
    public func householdTable() -> ReportTable {
        ReportTable(title: "户籍人口", headers: ["resident_id", "name", "birth_date", "address", "region_code"],
                    rows: householdRecords().map { [$0.residentID, $0.name, $0.birthDate?.description ?? "", $0.address, $0.regionCode] })
    }

    /// Student registry extract: registry_number,resident_id,name,birth_date,school_id,school_region_code,grade,status.
    public func studentTable() -> ReportTable {
        ReportTable(title: "学籍", headers: ["registry_number", "resident_id", "name", "birth_date", "school_id", "school_region_code", "grade", "status"],
                    rows: studentRecords().map { [$0.registryNumber, $0.residentID ?? "", $0.name, $0.birthDate?.description ?? "",
                                                  $0.schoolID, $0.schoolRegionCode, String($0.grade), $0.status.rawValue] })
    }

    /// Schools: school_id,name,township,grades.
    public func schoolTable() -> ReportTable {
        ReportTable(title: "学校", headers: ["school_id", "name", "township", "grades"],
                    rows: schools.map { [$0.id, $0.name, SyntheticCounty.townshipName($0.township),
                                         "\($0.grades.lowerBound)-\($0.grades.upperBound)"] })
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
        return ReportTable(title: "在校", headers: ["resident_id"],
                           rows: studentRecords().filter { $0.schoolRegionCode == options.regionCode }
                               .compactMap(\.residentID).filter { !awayIDs.contains($0) }.map { [$0] })
    }

    /// What was planted for each child: resident_id,pattern (the answer key for tests and demos).
    public func truthTable() -> ReportTable {
        ReportTable(title: "planted", headers: ["resident_id", "pattern"], rows: children.map { [$0.residentID, $0.pattern.rawValue] })
    }
}
