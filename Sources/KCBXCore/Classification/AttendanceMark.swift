/// What the class teacher records for a child on a school day (DOMAIN.md §2; seed 004 二（三）3:
/// daily attendance). Raw values are the codes used across the C ABI and in bulk columns.
public enum MarkKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// At school.
    case present = 0
    /// Absent with approved leave (请假, with a leave slip): pauses a streak's clock.
    case approvedLeave = 1
    /// Absent without leave or valid reason: starts or extends a streak.
    case unexcused = 2
    /// Came late: present for streaks, recorded as such.
    case late = 3
    /// Left early: present for streaks, recorded as such.
    case leftEarly = 4

    /// Present, late and left-early all end a streak (the child was at school).
    @inline(__always) public var countsAsPresent: Bool { self == .present || self == .late || self == .leftEarly }

    /// The kind with code `code`; `field` names the input in the error.
    public init(code: Int, field: String = "kind") throws {
        guard code >= 0, code <= 255, let k = MarkKind(rawValue: UInt8(code)) else {
            throw KCBXError.invalidInput(
                field: field, rule: "\(code) is not a mark kind (0 present, 1 approved leave, 2 unexcused, 3 late, 4 left early)")
        }
        self = k
    }

    public var label: String {
        switch self {
        case .present: return "present"
        case .approvedLeave: return "approved_leave"
        case .unexcused: return "unexcused"
        case .late: return "late"
        case .leftEarly: return "left_early"
        }
    }

    public var chinese: String {
        switch self {
        case .present: return "到校"
        case .approvedLeave: return "请假"
        case .unexcused: return "无故缺勤"
        case .late: return "迟到"
        case .leftEarly: return "早退"
        }
    }

    public var description: String { label }
}

/// An approved leave (请假): the days it covers and the leave slip it rests on.
public struct ApprovedLeave: Hashable, Sendable {
    /// Calendar days the leave covers (both ends included); it must include the mark's date.
    public var span: DateSpan
    /// Reference of the leave slip (请假条; Dongchuan uses the province's form, seed 004 二（三）2).
    public var slip: String?
    public init(span: DateSpan, slip: String? = nil) {
        self.span = span
        self.slip = slip
    }
}

/// One mark for one child on one school day.
public struct AttendanceMark: Hashable, Sendable {
    public var date: CivilDate
    public var kind: MarkKind
    /// For approved leave: its span and slip. Nil means a leave covering just `date`.
    public var leave: ApprovedLeave?

    public init(_ date: CivilDate, _ kind: MarkKind, leave: ApprovedLeave? = nil) {
        self.date = date
        self.kind = kind
        self.leave = leave
    }

    /// An approved-leave mark with its span and slip.
    public static func leave(_ date: CivilDate, span: DateSpan, slip: String?) -> AttendanceMark {
        AttendanceMark(date, .approvedLeave, leave: ApprovedLeave(span: span, slip: slip))
    }
}

/// Two marks for the same child and day. Precedence (documented, DOMAIN.md §7): the mark given
/// later in the input (recorded later) wins; the earlier one is dropped, never counted twice.
public struct MarkConflict: Hashable, Sendable {
    public var date: CivilDate
    /// The earlier mark, dropped.
    public var replaced: MarkKind
    /// The later mark, kept.
    public var kept: MarkKind
    /// Positions of the two marks in the input.
    public var replacedIndex: Int
    public var keptIndex: Int
}
