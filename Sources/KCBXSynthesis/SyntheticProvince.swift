import FoundationEssentials
import KCBXCore

/// Size and shape of a synthetic province: `counties` counties of 宁夏 (640000), 西吉县 first,
/// sharing `children` between them. One county with the defaults is `data/sample`.
public struct SyntheticProvinceOptions: Sendable {
    public var seed: UInt64 = 2025
    public var counties = 1
    /// Children in all (school-age, 6–15), shared evenly between the counties.
    public var children = 2_000
    /// Townships per county; nil = 6 for up to 15,000 children a county, then one per 2,500 (at most 200).
    public var townships: Int?
    public var plantedShare = 0.05
    /// Whether to write attendance.csv (one mark per registered child per school day).
    public var attendance = true
    /// Explicit counties (GB/T 2260 code and name) instead of 宁夏's; overrides `counties`.
    public var regions: [(code: String, name: String)]?
    public init() {}
}

/// What `SyntheticProvince.write` produced.
public struct SyntheticProvinceSummary: Sendable {
    public var counties: [(code: String, name: String, children: Int)] = []
    public var children = 0, schools = 0, marks = 0
    public var files: [String: Int] = [:]
}

/// A province of synthetic counties streamed to CSV files, child by child: memory stays flat
/// whatever the size (the per-county birth-date sequence table and the migrants' IDs only).
///
/// Resident IDs are valid (GB 11643-1999) and unique across the province: each county has its
/// own GB/T 2260 code (the 22 of 宁夏, then made-up codes 6490xx), children of one county share
/// its code and take distinct 3-digit sequence numbers per birth date (at most 1,000 a date,
/// so about 1,000,000 children a county; `maxChildrenPerCounty`), and migrants (随迁) get codes of
/// other provinces, checked against each other. Each county is deterministic from the seed and
/// its position; county 1 is the single-county generator's county.
public enum SyntheticProvince {
    /// 宁夏回族自治区's counties and districts (GB/T 2260), 西吉县 first (the sample county).
    public static let ningxia: [(code: String, name: String)] = [
        ("640422", "西吉县"), ("640402", "原州区"), ("640423", "隆德县"), ("640424", "泾源县"), ("640425", "彭阳县"),
        ("640104", "兴庆区"), ("640105", "西夏区"), ("640106", "金凤区"), ("640121", "永宁县"), ("640122", "贺兰县"),
        ("640181", "灵武市"), ("640202", "大武口区"), ("640205", "惠农区"), ("640221", "平罗县"), ("640302", "利通区"),
        ("640303", "红寺堡区"), ("640323", "盐池县"), ("640324", "同心县"), ("640381", "青铜峡市"), ("640502", "沙坡头区"),
        ("640521", "中宁县"), ("640522", "海原县"),
    ]
    public static let maxCounties = ningxia.count + 99
    /// One county's ID space: 1,000 sequence numbers per birth date over 9 birth years, with room
    /// for uneven dates and the parity of sex.
    public static let maxChildrenPerCounty = 1_000_000

    /// The first `n` counties: 宁夏's, then 6490xx (示例县NN).
    public static func counties(_ n: Int) -> [(code: String, name: String)] {
        (0..<n).map { i in
            i < ningxia.count ? ningxia[i] : ("6490" + threeDigits(i - ningxia.count + 1).suffix(2), "示例县\(i - ningxia.count + 1)")
        }
    }

    /// Migrants' household codes: other provinces only when the province has several counties.
    static func migrantRegions(excluding codes: Set<String>) -> [String] {
        let outside = SyntheticCounty.otherRegions.filter { !codes.contains($0) }
        return codes.count <= 1 ? SyntheticCounty.otherRegions : outside
    }

    /// County `k`'s seed: the province seed for the first county, then well apart.
    static func seed(_ base: UInt64, county k: Int) -> UInt64 { k == 0 ? base : base &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15 }

    /// Writes the file set of docs/data-formats.md into `directory` (created when missing):
    /// household.csv, students.csv, schools.csv, planted.csv, poverty.csv, three_kinds.csv,
    /// attending.csv, roster.csv, calendar.json and (unless turned off) attendance.csv.
    /// `progress(done, total)` is called after every 10,000 children and at the end.
    public static func write(
        _ options: SyntheticProvinceOptions, referenceDate: CivilDate, to directory: String,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> SyntheticProvinceSummary {
        var options = options
        if let r = options.regions {
            for (code, _) in r where code.utf8.count != 6 || !code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                throw KCBXError.invalidInput(field: "region", rule: "must be a 6-digit GB/T 2260 code, got '\(code)'")
            }
            guard Set(r.map(\.code)).count == r.count else { throw KCBXError.invalidInput(field: "region", rule: "codes must differ") }
            options.counties = r.count
        }
        guard (1...maxCounties).contains(options.counties) else {
            throw KCBXError.invalidInput(field: "counties", rule: "must be 1-\(maxCounties), got \(options.counties)")
        }
        guard options.children >= 1, options.children <= maxChildrenPerCounty * options.counties else {
            throw KCBXError.invalidInput(
                field: "children",
                rule:
                    "must be 1-\(maxChildrenPerCounty) per county (\(options.counties) count\(options.counties == 1 ? "y" : "ies"): at most \(maxChildrenPerCounty * options.counties)), got \(options.children); add counties"
            )
        }
        guard (0...1).contains(options.plantedShare) else { throw KCBXError.invalidInput(field: "planted", rule: "must be a share 0-1") }
        if let t = options.townships, !(1...899).contains(t) {
            throw KCBXError.invalidInput(field: "townships", rule: "must be 1-899, got \(t)")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw KCBXError.storage("cannot create \(directory): \(error)")
        }
        func open(_ name: String, _ headers: [String]) throws -> CSVStreamWriter {
            try CSVStreamWriter(path: directory + "/" + name, headers: headers)
        }
        let household = try open("household.csv", SyntheticCounty.householdHeaders)
        let students = try open("students.csv", SyntheticCounty.studentHeaders)
        let schoolsFile = try open("schools.csv", SyntheticCounty.schoolHeaders)
        let planted = try open("planted.csv", ["resident_id", "pattern"])
        let poverty = try open("poverty.csv", ["resident_id"])
        let threeKinds = try open("three_kinds.csv", ["resident_id"])
        let attending = try open("attending.csv", ["resident_id"])
        let roster = try open("roster.csv", SyntheticCounty.rosterHeaders)
        let marks = options.attendance ? try open("attendance.csv", ["student", "date", "kind"]) : nil
        let calendar = try SyntheticAttendance.calendar2025()
        let calendarText = calendar.json()
        guard FileManager.default.createFile(atPath: directory + "/calendar.json", contents: Data(calendarText.utf8)) else {
            throw KCBXError.storage("cannot write \(directory)/calendar.json")
        }
        let list = options.regions ?? counties(options.counties)
        let others = migrantRegions(excluding: Set(list.map(\.code)))
        let migrantIDs = SyntheticIssuedIDs()
        let kindBytes = Dictionary(uniqueKeysWithValues: MarkKind.allCases.map { ($0, Array($0.label.utf8)) })
        var summary = SyntheticProvinceSummary()
        var done = 0
        let away: Set<PlantedPattern> = [.suspected, .dropout]
        for (k, county) in list.enumerated() {
            let n = options.children / options.counties + (k < options.children % options.counties ? 1 : 0)
            var o = SyntheticCountyOptions()
            o.seed = seed(options.seed, county: k)
            o.regionCode = county.code
            o.countyName = county.name
            o.children = n
            o.plantedShare = options.plantedShare
            o.townships = options.townships ?? (n <= 15_000 ? 6 : min(200, n / 2_500))
            var children = SyntheticChildGenerator(options: o, referenceDate: referenceDate, otherRegions: others, migrantIDs: migrantIDs)
            var marker = SyntheticMarksGenerator(seed: o.seed, calendar: calendar, asOf: referenceDate)
            let dayBytes = marker.days.map { Array($0.description.utf8) }
            let dayIndex = Dictionary(uniqueKeysWithValues: marker.days.enumerated().map { ($1.dayNumber, $0) })
            for s in children.schools { try schoolsFile.write(SyntheticCounty.schoolRow(s)) }
            for _ in 0..<n {
                let c = try children.next()
                try planted.write([c.residentID, c.pattern.rawValue])
                if c.pattern != .migrant {
                    try household.write(
                        SyntheticCounty.householdRow(
                            HouseholdRecord(
                                residentID: c.residentID, name: c.name, birthDate: c.birthDate, address: c.address, regionCode: county.code)
                        ))
                }
                if let r = SyntheticCounty.studentRecord(of: c, schools: children.schools, regionCode: county.code) {
                    try students.write(SyntheticCounty.studentRow(r))
                    if r.schoolRegionCode == county.code && !away.contains(c.pattern), let id = r.residentID { try attending.write([id]) }
                }
                if c.groups.contains(.registeredPoor) { try poverty.write([c.residentID]) }
                if c.groups.contains(where: \.isThreeKinds) { try threeKinds.write([c.residentID]) }
                if c.inRoster { try roster.write(SyntheticCounty.rosterRow(c, schools: children.schools, regionCode: county.code)) }
                if let marks {
                    let id = Array(c.residentID.utf8)
                    var failure: Error?
                    marker.marks(for: c) { d, kind in
                        marks.appendRaw(id, first: true)
                        marks.appendRaw(dayBytes[dayIndex[d.dayNumber]!])
                        marks.appendRaw(kindBytes[kind]!)
                        do { try marks.endRow() } catch { failure = error }
                    }
                    if let failure { throw failure }
                }
                done += 1
                if done % 10_000 == 0 { progress(done, options.children) }
            }
            summary.counties.append((county.code, county.name, n))
            summary.schools += children.schools.count
        }
        let writers = [household, students, schoolsFile, planted, poverty, threeKinds, attending, roster] + (marks.map { [$0] } ?? [])
        for w in writers {
            try w.close()
            summary.files[String(w.path.split(separator: "/").last!)] = w.rows
        }
        summary.files["calendar.json"] = 1
        summary.children = done
        summary.marks = marks?.rows ?? 0
        progress(done, options.children)
        return summary
    }
}
