/// School stage (学段): primary grades 1–6, junior grades 7–9 (DOMAIN.md §1).
public enum Stage: Int32, Sendable, CaseIterable {
    case preschool = 0, primary = 1, junior = 2, beyond = 3
    public var label: String {
        switch self {
        case .preschool: return "学前"
        case .primary: return "小学"
        case .junior: return "初中"
        case .beyond: return "义务教育后"
        }
    }
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
        let b = birthDate.components, d = date.components
        var age = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { age -= 1 }
        return age
    }

    /// True when the child is of compulsory-education age (6–15 completed years) on `date`.
    public func isCompulsoryAge(on date: CivilDate) -> Bool { (6...15).contains(age(on: date)) }

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
