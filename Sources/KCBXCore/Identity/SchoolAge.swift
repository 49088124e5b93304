/// School stage (学段): primary grades 1–6, junior grades 7–9 (DOMAIN.md §1).
public enum Stage: Int32, Sendable, CaseIterable {
    case preschool = 0
    case primary = 1
    case junior = 2
    case beyond = 3
    public var label: String {
        switch self {
        case .preschool: return "学前"
        case .primary: return "小学"
        case .junior: return "初中"
        case .beyond: return "义务教育后"
        }
    }
}

/// Where a child stands against the school-age rule on a date (`SchoolAge.standing(on:)`).
public enum SchoolAgeStanding: String, Sendable, CaseIterable {
    /// Not yet due to enter grade 1 (before 1 September of the entry year).
    case belowSchoolAge = "below_school_age"
    /// Should be in compulsory education.
    case schoolAge = "school_age"
    /// 16 or older: past compulsory age.
    case overAge = "over_age"
}

/// School-age rules (DOMAIN.md §1): entry in the autumn of the year the child is 6 on 31 August
/// (seed 000: 截止当年8月31日年满六周岁); compulsory age 6–15 (seed 000: 6-15周岁户籍人口).
public struct SchoolAge: Sendable {
    public let birthDate: CivilDate

    public init(birthDate: CivilDate) { self.birthDate = birthDate }

    /// The autumn in which the child enters grade 1.
    public var entryYear: Int {
        let b = birthDate.components
        return b.year + ((b.month, b.day) <= (8, 31) ? 6 : 7)
    }

    /// Age in completed years on `date`.
    public func age(on date: CivilDate) -> Int {
        let b = birthDate.components
        let d = date.components
        var age = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { age -= 1 }
        return age
    }

    /// Where the child stands on `date` under the one school-age rule (docs/rules.md): below school
    /// age until 1 September of `entryYear` (seed 000 二（一）: 截止当年8月31日年满六周岁), of school
    /// age from then through the day before the 16th birthday (seed 000: 6-15周岁), over age after.
    /// Classification, reconciliation (四查三比对), reports, the sweep and case opening all ask this.
    public func standing(on date: CivilDate) -> SchoolAgeStanding {
        if expectedGrade(on: date) < 1 { return .belowSchoolAge }
        return age(on: date) > 15 ? .overAge : .schoolAge
    }

    /// True when the child should be in compulsory education on `date` (`standing(on:) == .schoolAge`):
    /// a child who is 6 but turned 6 after 31 August is not, until the next 1 September.
    public func isCompulsoryAge(on date: CivilDate) -> Bool { standing(on: date) == .schoolAge }

    /// The school year (its autumn's calendar year) that `date` falls in; the year turns on 1 September.
    public static func schoolYear(of date: CivilDate) -> Int {
        let c = date.components
        return c.month >= 9 ? c.year : c.year - 1
    }

    /// The grade the child should be in on `date` if it entered on time and never repeated:
    /// 0 or less before entry, 1–9 during compulsory education, above 9 after.
    public func expectedGrade(on date: CivilDate) -> Int { SchoolAge.schoolYear(of: date) - entryYear + 1 }

    /// The stage of `expectedGrade(on:)`.
    public func expectedStage(on date: CivilDate) -> Stage { Stage(grade: expectedGrade(on: date)) }
}

extension Stage {
    /// The stage a grade belongs to.
    public init(grade: Int) {
        switch grade {
        case ..<1: self = .preschool
        case 1...6: self = .primary
        case 7...9: self = .junior
        default: self = .beyond
        }
    }
}
