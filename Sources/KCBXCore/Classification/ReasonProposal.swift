extension ReasonCode {
    /// The reason code proposed for an out-of-school child (失学, seed 001 附件1 填表说明3) on `date`:
    /// A when the child is of primary age (expected in grades 1-6, `SchoolAge`), B when of junior
    /// age (expected in grades 7-9, or past grade 9 but still 15 or younger); nil when the child is
    /// not yet due to enter school or is past compulsory age (over 15, seed 000).
    public static func outOfSchool(birthDate: CivilDate, on date: CivilDate) -> ReasonCode? {
        let age = SchoolAge(birthDate: birthDate)
        guard age.standing(on: date) == .schoolAge else { return nil }
        return Stage(grade: age.expectedGrade(on: date)) == .primary ? .A : .B
    }
}
