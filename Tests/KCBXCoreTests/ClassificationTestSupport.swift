// Helpers shared by the Classification*Tests files: a small deterministic RNG (no package
// dependency) and shorthands for marks and classifiers.
@testable import KCBXCore

/// xorshift64* — deterministic, tiny, good enough for generating test cases.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    /// Uniform in lo...hi.
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(next() % UInt64(hi - lo + 1)) }
    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0, items.count - 1)] }
}

func builtinProfile(_ id: String) -> PolicyProfile { try! PolicyProfile.builtin(id) }

func classifier(_ profile: String, _ calendar: SchoolCalendar) throws -> Classifier {
    try Classifier(profile: builtinProfile(profile), calendar: calendar)
}

/// Marks of one kind on every school day from `from` through `through`.
func marks(_ kind: MarkKind, from: String, through: String, in calendar: SchoolCalendar) -> [AttendanceMark] {
    calendar.schoolDayList(from: day(from), through: day(through)).map { AttendanceMark($0, kind) }
}
