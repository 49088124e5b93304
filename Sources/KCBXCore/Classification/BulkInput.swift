/// How dates are given in bulk columns.
public enum DateEncoding: UInt8, Sendable, CaseIterable {
    /// Packed YYYYMMDD (20250908); 0 means "no date".
    case yyyymmdd = 0
    /// Days since 1970-01-01 (`CivilDate.dayNumber`); Int32.min means "no date". Only day numbers
    /// of 0001-01-01 … 9999-12-31 (`CivilDate.validDayNumbers`) are dates.
    case dayNumber = 1

    /// The "no date" value of the encoding.
    public var none: Int32 { self == .yyyymmdd ? 0 : Int32.min }
}

/// Bits of `ChildColumns.factBits`; 0 is the common case (a resident child, no history).
public struct ChildFactBits: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Not in the household or census registry of the jurisdiction (`ChildFacts.inHouseholdRegistry` false).
    public static let notInHouseholdRegistry = ChildFactBits(rawValue: 1)
    /// Studies elsewhere without a registration here.
    public static let studyingElsewhere = ChildFactBits(rawValue: 2)
    /// Had a dropout case before.
    public static let pastDropout = ChildFactBits(rawValue: 4)
    public static let known: ChildFactBits = [.notInHouseholdRegistry, .studyingElsewhere, .pastDropout]
}

/// Attendance marks by column, one entry per mark, borrowed for the duration of the call.
/// Marks may come in any order; grouped by child and sorted by date is fastest (no sort).
public struct MarkColumns {
    /// Row of the child (index into the child columns) of each mark.
    public var child: UnsafeBufferPointer<Int32>
    /// Date of each mark in `encoding`.
    public var date: UnsafeBufferPointer<Int32>
    /// `MarkKind` code of each mark.
    public var kind: UnsafeBufferPointer<Int8>
    /// Optional approved-leave span per mark (only on leave marks; "no date" elsewhere): its first
    /// and last day. A missing end defaults to the mark's own date.
    public var leaveFrom: UnsafeBufferPointer<Int32>?
    public var leaveTo: UnsafeBufferPointer<Int32>?
    public var encoding: DateEncoding
    /// Index of the first mark in the caller's numbering, when these columns are one slice of a
    /// longer input (a batch of a stream): errors and conflicts name marks by it. Default 0.
    public var firstIndex = 0

    public init(
        child: UnsafeBufferPointer<Int32>, date: UnsafeBufferPointer<Int32>, kind: UnsafeBufferPointer<Int8>,
        leaveFrom: UnsafeBufferPointer<Int32>? = nil, leaveTo: UnsafeBufferPointer<Int32>? = nil, encoding: DateEncoding
    ) {
        self.child = child
        self.date = date
        self.kind = kind
        self.leaveFrom = leaveFrom
        self.leaveTo = leaveTo
        self.encoding = encoding
    }
}

/// Per-child facts by column, borrowed for the duration of the call. Every column is optional:
/// a missing column means the default of `ChildFacts` for every child (enrolled, resident, no
/// birth date, grade unknown, no groups).
public struct ChildColumns {
    public var count: Int
    /// The caller's id per child, copied into the result; default the row index.
    public var ids: UnsafeBufferPointer<Int64>?
    /// Birth dates in `encoding`.
    public var birthDate: UnsafeBufferPointer<Int32>?
    /// Current grade 1-9, 0 unknown.
    public var grade: UnsafeBufferPointer<Int8>?
    /// `RegistrationState` codes.
    public var registration: UnsafeBufferPointer<Int8>?
    /// Date the registration state took effect, in `encoding`.
    public var registrationDate: UnsafeBufferPointer<Int32>?
    /// `ChildFactBits`.
    public var factBits: UnsafeBufferPointer<UInt32>?
    /// Special-group masks (`SpecialGroup.bit`).
    public var groupMask: UnsafeBufferPointer<UInt32>?
    /// The expert-opinion reference of a child (asked only for deferred and suspended children).
    public var expertOpinion: ((Int) -> String?)?
    public var encoding: DateEncoding

    public init(
        count: Int, ids: UnsafeBufferPointer<Int64>? = nil, birthDate: UnsafeBufferPointer<Int32>? = nil,
        grade: UnsafeBufferPointer<Int8>? = nil, registration: UnsafeBufferPointer<Int8>? = nil,
        registrationDate: UnsafeBufferPointer<Int32>? = nil, factBits: UnsafeBufferPointer<UInt32>? = nil,
        groupMask: UnsafeBufferPointer<UInt32>? = nil, expertOpinion: ((Int) -> String?)? = nil, encoding: DateEncoding
    ) {
        self.count = count
        self.ids = ids
        self.birthDate = birthDate
        self.grade = grade
        self.registration = registration
        self.registrationDate = registrationDate
        self.factBits = factBits
        self.groupMask = groupMask
        self.expertOpinion = expertOpinion
        self.encoding = encoding
    }

    /// The most children one bulk call takes (a province's compulsory-age population is below it).
    public static let maxCount = 100_000_000

    /// Checks that every given column has `count` entries.
    func validateShape() throws {
        guard count >= 0 else { throw KCBXError.invalidInput(field: "children.count", rule: "must not be negative") }
        guard count <= ChildColumns.maxCount else {
            throw KCBXError.invalidInput(
                field: "children.count",
                rule: "\(count) is more than the \(ChildColumns.maxCount) children one call takes; classify in batches")
        }
        func check(_ n: Int?, _ name: String) throws {
            if let n, n != count { throw KCBXError.invalidInput(field: "children.\(name)", rule: "has \(n) entries for \(count) children") }
        }
        try check(ids?.count, "ids")
        try check(birthDate?.count, "birth_date")
        try check(grade?.count, "grade")
        try check(registration?.count, "registration")
        try check(registrationDate?.count, "registration_date")
        try check(factBits?.count, "fact_bits")
        try check(groupMask?.count, "group_mask")
    }
}

extension MarkColumns {
    /// The most marks one bulk call takes (mark positions are stored in 31 bits).
    public static let maxCount = Int(Int32.max) - 1

    /// Checks that the columns have one entry per mark.
    func validateShape() throws {
        let n = child.count
        guard date.count == n, kind.count == n else {
            throw KCBXError.invalidInput(
                field: "marks", rule: "columns differ in length (child \(n), date \(date.count), kind \(kind.count))")
        }
        guard n <= MarkColumns.maxCount else {
            throw KCBXError.invalidInput(field: "marks", rule: "\(n) is more than the \(MarkColumns.maxCount) marks one call takes")
        }
        if let f = leaveFrom, f.count != n {
            throw KCBXError.invalidInput(field: "marks.leave_from", rule: "has \(f.count) entries for \(n) marks")
        }
        if let t = leaveTo, t.count != n {
            throw KCBXError.invalidInput(field: "marks.leave_to", rule: "has \(t.count) entries for \(n) marks")
        }
    }
}

extension DateEncoding {
    /// Decodes a date that need not lie in the calendar; nil for "no date".
    func decode(_ v: Int32, field: @autoclosure () -> String) throws -> CivilDate? {
        if v == none { return nil }
        switch self {
        case .dayNumber: return try CivilDate(checkedDayNumber: v, field: field())  // years 0001-9999 (fuzz bulk crash-0bc14341)
        case .yyyymmdd: return try CivilDate(yyyymmdd: v, field: field())
        }
    }

    func text(_ v: Int32) -> String {
        switch self {
        case .dayNumber:
            return CivilDate.validDayNumbers.contains(v) ? "day \(v) (\(CivilDate(dayNumber: v)))" : "day \(v)"
        case .yyyymmdd:
            if let d = try? CivilDate(yyyymmdd: v) { return "\(v) (\(d))" }
            return "\(v)"
        }
    }
}

extension CalendarIndex {
    /// Offset of a column date: -1 not a date, -2 outside the calendar.
    @inline(__always) func offset(_ v: Int32, _ e: DateEncoding) -> Int32 {
        e == .dayNumber ? (offset(dayNumber: v) < 0 ? -2 : offset(dayNumber: v)) : offset(yyyymmdd: v)
    }
}
