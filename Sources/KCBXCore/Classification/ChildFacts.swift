/// A child's standing in the student registry (学籍) as classification needs it. Raw values are
/// the codes used across the C ABI and in bulk columns; 0 (enrolled) is the common case.
public enum RegistrationState: UInt8, Sendable, CaseIterable {
    /// Registered and expected at school: attendance decides the status.
    case enrolled = 0
    /// No student registration (e.g. found only in the household registry).
    case none = 1
    /// Deferred enrollment (缓学): needs an expert panel's written opinion (000, 002).
    case deferred = 2
    /// Suspended schooling (休学): needs an expert panel's written opinion (000, 002).
    case suspended = 3
    /// Severely disabled child taught at home (送教上门): counts as enrolled (000, 002, 004).
    case homeDelivered = 4
    /// Transferred to another school; needs the transfer date.
    case transferredOut = 5
    /// Completed compulsory education; needs the graduation date.
    case graduated = 6

    public init(code: Int, field: String = "registration") throws {
        guard code >= 0, code <= 255, let r = RegistrationState(rawValue: UInt8(code)) else {
            throw KCBXError.invalidInput(
                field: field,
                rule:
                    "\(code) is not a registration state (0 enrolled, 1 none, 2 deferred, 3 suspended, 4 home-delivered, 5 transferred out, 6 graduated)"
            )
        }
        self = r
    }
}

/// Registry facts about one child that classification weighs besides attendance.
public struct ChildFacts: Sendable, Equatable {
    /// Birth date; required when the child has no student registration (to tell A from B, or
    /// over-age). Marks before it are rejected.
    public var birthDate: CivilDate?
    /// Current grade 1-9, or nil (then the grade expected from the birth date is used for the
    /// transition flags).
    public var grade: Int?
    public var registration: RegistrationState = .enrolled
    /// When the registration state took effect: enrollment (enrolled: missing attendance is
    /// counted from it), the start of a deferral or suspension, the transfer or graduation date
    /// (required for those two), or the date a registration ended (none).
    public var registrationDate: CivilDate?
    /// Reference of the expert panel's written opinion (专家组书面意见), required for deferral
    /// and suspension (000, 002).
    public var expertOpinion: String?
    /// In the household or census registry of the jurisdiction (户籍 / 常住人口).
    public var inHouseholdRegistry = true
    /// Known to study elsewhere (another county or province, 区外就读) without a registration here.
    public var studyingElsewhere = false
    /// Had a dropout case before (relapse risk, 反弹: 001, 002).
    public var pastDropout = false
    /// Special groups the child belongs to (DOMAIN.md §1).
    public var groups: [SpecialGroup] = []

    public init(
        birthDate: CivilDate? = nil, grade: Int? = nil, registration: RegistrationState = .enrolled,
        registrationDate: CivilDate? = nil, expertOpinion: String? = nil, inHouseholdRegistry: Bool = true,
        studyingElsewhere: Bool = false, pastDropout: Bool = false, groups: [SpecialGroup] = []
    ) {
        self.birthDate = birthDate
        self.grade = grade
        self.registration = registration
        self.registrationDate = registrationDate
        self.expertOpinion = expertOpinion
        self.inHouseholdRegistry = inHouseholdRegistry
        self.studyingElsewhere = studyingElsewhere
        self.pastDropout = pastDropout
        self.groups = groups
    }
}

extension SpecialGroup {
    /// The group's bit number in a group mask and across the C ABI (`kcbx_special_group`),
    /// written out case by case so that reordering the enum cannot change a mask.
    public var bitNumber: UInt32 {
        switch self {
        case .registeredPoor: return 0
        case .unstableOutOfPoverty: return 1
        case .marginalRisk: return 2
        case .suddenHardship: return 3
        case .disabled: return 4
        case .leftBehind: return 5
        case .migrant: return 6
        case .minority: return 7
        case .subsistenceAllowance: return 8
        case .extremeHardship: return 9
        case .prisonerChild: return 10
        case .unsupported: return 11
        case .relocated: return 12
        case .familyCrisis: return 13
        }
    }

    /// Bit of the group in a group mask: 1 << `bitNumber`.
    public var bit: UInt32 { UInt32(1) << bitNumber }

    /// Mask of `groups`.
    public static func mask(_ groups: some Sequence<SpecialGroup>) -> UInt32 { groups.reduce(0) { $0 | $1.bit } }

    /// Groups in `mask`, in `allCases` order.
    public static func groups(in mask: UInt32) -> [SpecialGroup] { allCases.filter { mask & $0.bit != 0 } }
}
