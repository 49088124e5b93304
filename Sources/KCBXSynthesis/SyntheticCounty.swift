import KCBXCore

/// What the generator plants in a child's record, so tests and benchmarks know the truth.
public enum PlantedPattern: String, Sendable, CaseIterable {
    /// Attends normally (a few scattered absences and leave days).
    case regular
    /// Three school days absent without leave, then back (Dongchuan's three-line alert, 004).
    case threeDayAbsence = "three_day_absence"
    /// Absent more than a week, still absent on the as-of date, less than a month (001 note 1).
    case suspected
    /// Absent without leave for more than a week plus a month (001 note 2).
    case dropout
    /// A long approved leave in the middle of an absence streak.
    case leaveInStreak = "leave_in_streak"
    /// In the household registry, compulsory age, no student registration (失学, reason A/B).
    case outOfSchool = "out_of_school"
    /// Registered as a student but the household registry has a different birth date (reason J).
    case identityConflict = "identity_conflict"
    /// A class teacher who did not record some days: missing marks, not absences (DOMAIN §7).
    case missingMarks = "missing_marks"
    /// Chronic absence: many scattered unexcused days, never a week in a row.
    case chronicAbsence = "chronic_absence"
    /// Household here, registered at a school in another county (区外就读).
    case studyingElsewhere = "studying_elsewhere"
    /// Studies here, household registered in another county (随迁): not in the household extract.
    case migrant
    /// The student registry holds the ID with one digit mistyped (fails its checksum).
    case idTypo = "id_typo"
}

/// A school of the synthetic county.
public struct SyntheticSchool: Sendable {
    public let id: String
    public let name: String
    public let township: Int
    /// Lowest and highest grade taught (1–6 primary, 7–9 junior).
    public let grades: ClosedRange<Int>
}

/// One child of the synthetic county, as the household registry and the student registry see it.
public struct SyntheticChild: Sendable {
    public let residentID: String
    public let name: String
    public let sex: ResidentID.Sex
    public let birthDate: CivilDate
    /// Birth date in the student registry (differs from the ID for identity conflicts).
    public let registeredBirthDate: CivilDate
    public let township: Int
    public let address: String
    public let groups: [SpecialGroup]
    /// Index into `SyntheticCounty.schools`, nil when the child has no student registration.
    public let school: Int?
    public let grade: Int
    public let pattern: PlantedPattern
}

/// Size and shape of a synthetic county.
public struct SyntheticCountyOptions: Sendable {
    public var seed: UInt64 = 2025
    /// County region code (GB/T 2260); default 西吉县, Guyuan.
    public var regionCode = "640422"
    public var countyName = "西吉县"
    public var children = 2_000
    public var townships = 6
    /// Share of children given a planted pattern other than `regular`.
    public var plantedShare = 0.04
    public init() {}
}

/// A deterministic county: townships, schools, school-age children with valid resident IDs,
/// special groups at realistic rates, planted problems. Attendance comes from `SyntheticAttendance`.
public struct SyntheticCounty: Sendable {
    public let options: SyntheticCountyOptions
    public let schools: [SyntheticSchool]
    public let children: [SyntheticChild]
    /// The date the children's ages and grades are computed for.
    public let referenceDate: CivilDate

    /// Other counties' codes, for migrants and schools elsewhere.
    public static let otherRegions = ["640402", "640423", "620402", "530113", "420703"]

    static let townshipNames = [
        "吉强", "兴隆", "平峰", "新营", "红耀", "田坪", "马建", "震湖", "兴平", "西滩", "王民", "什字", "将台", "硝河", "偏城", "沙沟", "白崖", "火石寨", "苏堡",
    ]
    static let surnames = ["马", "王", "李", "张", "杨", "刘", "海", "苏", "何", "田", "赵", "周", "金", "丁", "罗"]
    static let givenChars = Array("子涵浩然欣怡梓轩雨泽一诺宇航佳琪思远明轩晓燕建国文博俊杰秀英志强丽娟海龙玉兰").map(String.init)

    /// Builds the county for children of compulsory age (6–15) on `referenceDate`, all in memory.
    /// At most `SyntheticCountyOptions.maxChildrenPerCounty` children (the ID sequence space of one
    /// region code); larger populations are a province (`SyntheticProvince`), streamed to disk.
    public init(options: SyntheticCountyOptions, referenceDate: CivilDate) throws {
        self.options = options
        self.referenceDate = referenceDate
        var generator = SyntheticChildGenerator(options: options, referenceDate: referenceDate)
        self.schools = generator.schools
        var children: [SyntheticChild] = []
        children.reserveCapacity(options.children)
        for _ in 0..<options.children {
            children.append(try generator.next())
        }
        self.children = children
    }
}

/// Draws a county's children one at a time, in the order and with the random draws of
/// `SyntheticCounty`, so a county can be streamed to disk without holding it in memory.
public struct SyntheticChildGenerator: Sendable {
    public let options: SyntheticCountyOptions
    public let schools: [SyntheticSchool]
    let schoolYear: Int
    let otherRegions: [String]
    var rng: SeededRandom
    /// Birth day number → the next sequence number (positions 15–17 of the ID).
    var sequence: [Int: Int] = [:]
    let patterns = PlantedPattern.allCases.filter { $0 != .regular }
    /// IDs already given to migrants by other counties of the same province (kept unique).
    let migrantIDs: SyntheticIssuedIDs?

    /// `otherRegions`: household region codes for migrants (随迁), none of them a generated county.
    public init(
        options: SyntheticCountyOptions, referenceDate: CivilDate,
        otherRegions: [String] = SyntheticCounty.otherRegions, migrantIDs: SyntheticIssuedIDs? = nil
    ) {
        self.options = options
        self.otherRegions = otherRegions.isEmpty ? SyntheticCounty.otherRegions : otherRegions
        self.migrantIDs = migrantIDs
        rng = SeededRandom(seed: options.seed)
        var schools: [SyntheticSchool] = []
        let townships = max(1, options.townships)
        for t in 0..<townships {
            let name = SyntheticCounty.townshipName(t)
            schools.append(
                SyntheticSchool(id: "\(options.regionCode)\(String(100 + t * 10 + 1))", name: "\(name)中心小学", township: t, grades: 1...6))
            schools.append(
                SyntheticSchool(id: "\(options.regionCode)\(String(100 + t * 10 + 2))", name: "\(name)小学", township: t, grades: 1...6))
            schools.append(
                SyntheticSchool(id: "\(options.regionCode)\(String(100 + t * 10 + 5))", name: "\(name)中学", township: t, grades: 7...9))
        }
        self.schools = schools
        schoolYear = SchoolAge.schoolYear(of: referenceDate)
    }

    /// The next child. Fails (`invalidInput`) when more than 1,000 children of the county share a
    /// birth date: the 3-digit sequence of the resident ID is exhausted.
    public mutating func next() throws -> SyntheticChild {
        let townships = max(1, options.townships)
        // Grade 1–9 evenly; birth date so that the child is on time for that grade.
        let grade = rng.int(1...9)
        let entry = schoolYear - grade + 1
        // Born 1 Sep (entry-7) … 31 Aug (entry-6).
        let first = try CivilDate(year: entry - 7, month: 9, day: 1)
        let birth = first.adding(days: rng.int(0...364))
        let female = rng.chance(0.48)
        let key = Int(birth.dayNumber)
        var seq = sequence[key, default: rng.int(0...40) * 2]
        if seq % 2 == (female ? 1 : 0) { seq += 1 }
        let township = rng.int(0...(townships - 1))
        let pattern: PlantedPattern = rng.chance(options.plantedShare) ? rng.pick(patterns) : .regular
        let region = pattern == .migrant ? rng.pick(otherRegions) : options.regionCode
        func id(_ seq: Int) -> String {
            let first17 = region + birth.compactDigits + threeDigits(seq)
            return first17 + String(ResidentID.checkCharacter(for: first17)!)
        }
        if pattern == .migrant, let taken = migrantIDs {
            while seq <= 999 && taken.contains(id(seq)) { seq += 2 }
        }
        guard seq <= 999 else {
            throw KCBXError.invalidInput(
                field: "children",
                rule:
                    "more than 1000 children of \(options.regionCode) born on \(birth): the resident ID's 3-digit sequence is exhausted; spread them over more counties"
            )
        }
        sequence[key] = seq + 1
        let residentID = id(seq)
        if pattern == .migrant { migrantIDs?.insert(residentID) }
        var groups: [SpecialGroup] = []
        if rng.chance(0.12) { groups.append(.registeredPoor) }
        if rng.chance(0.02) { groups.append(rng.pick([.unstableOutOfPoverty, .marginalRisk, .suddenHardship])) }
        if rng.chance(0.15) { groups.append(.leftBehind) }
        if rng.chance(0.015) { groups.append(.disabled) }
        if rng.chance(0.30) { groups.append(.minority) }
        if rng.chance(0.04) { groups.append(.subsistenceAllowance) }
        if rng.chance(0.01) { groups.append(.familyCrisis) }
        let schoolIndex: Int? =
            pattern == .outOfSchool
            ? nil
            : township * 3 + (grade >= 7 ? 2 : rng.int(0...1))
        let registeredBirth = pattern == .identityConflict ? birth.adding(days: -rng.int(366...730)) : birth
        let name =
            rng.pick(SyntheticCounty.surnames) + rng.pick(SyntheticCounty.givenChars)
            + (rng.chance(0.7) ? rng.pick(SyntheticCounty.givenChars) : "")
        let tName = SyntheticCounty.townshipName(township)
        return SyntheticChild(
            residentID: residentID, name: name, sex: female ? .female : .male, birthDate: birth, registeredBirthDate: registeredBirth,
            township: township, address: "\(options.countyName)\(tName)乡\(rng.int(1...12))村\(rng.int(1...8))组",
            groups: groups, school: schoolIndex, grade: grade, pattern: pattern)
    }
}

/// Resident IDs handed out so far across a province's counties (migrants only: natives of
/// different counties differ by region code). Used from one thread.
public final class SyntheticIssuedIDs: @unchecked Sendable {
    private var ids = Set<String>()
    public init() {}
    public func contains(_ id: String) -> Bool { ids.contains(id) }
    public func insert(_ id: String) { ids.insert(id) }
}

extension SyntheticCounty {
    /// A township's name: the 19 township names of 西吉县, then numbered (第二吉强 …) for larger counties.
    static func townshipName(_ t: Int) -> String {
        let n = townshipNames.count
        let base = townshipNames[t % n]
        let round = t / n
        return round == 0 ? base : "第\(round + 1)\(base)"
    }
}

func threeDigits(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }

extension SyntheticCounty {
    /// The household registry extract (police): every child whose household is in the county.
    public func householdRecords() -> [HouseholdRecord] {
        children.filter { $0.pattern != .migrant }.map {
            HouseholdRecord(
                residentID: $0.residentID, name: $0.name, birthDate: $0.birthDate, address: $0.address, regionCode: options.regionCode)
        }
    }

    /// The student registry extract: every registered child, with the planted registry errors.
    public func studentRecords() -> [StudentRecord] {
        children.compactMap { SyntheticCounty.studentRecord(of: $0, schools: schools, regionCode: options.regionCode) }
    }

    /// One child's student registry record (nil without a registration), with the planted errors:
    /// a mistyped ID digit (`idTypo`), a school in another county (`studyingElsewhere`).
    static func studentRecord(of c: SyntheticChild, schools: [SyntheticSchool], regionCode: String) -> StudentRecord? {
        guard let school = c.school else { return nil }
        var id = c.residentID
        if c.pattern == .idTypo {
            // Change one digit of the sequence (position 15): the checksum no longer holds.
            var chars = Array(id)
            chars[14] = chars[14] == "9" ? "0" : Character(String(Int(String(chars[14]))! + 1))
            id = String(chars)
        }
        let elsewhere = c.pattern == .studyingElsewhere
        return StudentRecord(
            registryNumber: "G" + id, residentID: id, name: c.name, birthDate: c.registeredBirthDate,
            schoolID: elsewhere ? "530113900" : schools[school].id,
            schoolRegionCode: elsewhere ? "530113" : regionCode, grade: c.grade)
    }
}

extension CivilDate {
    /// YYYYMMDD as 8 digits.
    var compactDigits: String { String(yyyymmdd) }
}
