/// The supervision events the bulletin counts besides the case events: ledger audit findings
/// (台账信息不实, 002 四（二）), spot-check draws and home verifications (台账信息抽查、入户核查,
/// 002 四（二）). The audit (issue 15) records them; the bulletin reads whatever of them the
/// ledger holds. Kinds are matched with `.` and `_` alike (`audit_finding` = `audit.finding`).
enum SupervisionEventKind: String, CaseIterable {
    case auditFinding = "audit_finding"
    case spotCheckDrawn = "spot_check_drawn"
    case homeVerification = "home_verification"

    /// The spellings read as this kind.
    var spellings: [String] {
        switch self {
        case .auditFinding: return ["audit_finding", "audit.finding"]
        case .spotCheckDrawn: return ["spot_check_drawn", "spot_check.drawn", "spotcheck.drawn"]
        case .homeVerification: return ["home_verification", "home_verification.recorded", "spot_check.verified"]
        }
    }

    static var allSpellings: Set<String> { Set(allCases.flatMap(\.spellings)) }

    init?(kind: String) {
        guard let k = Self.allCases.first(where: { $0.spellings.contains(kind) }) else { return nil }
        self = k
    }
}

extension EventRecord {
    /// The day the event is about: the payload's `date`, else the day it was recorded (UTC).
    func day(recordedAt at: String) -> CivilDate? {
        date ?? (try? CivilDate(iso: String(at.prefix(10))))
    }

    /// A home verification that confirmed the ledger entry: `result` is `confirmed` (or 属实,
    /// `consistent`), or `confirmed` is true.
    var confirmsEntry: Bool {
        if case .bool(let b)? = payload["confirmed"] { return b }
        return ["confirmed", "属实", "consistent", "true"].contains(text("result"))
    }

    /// The number of children a studentless draw names (`cases`, `students` or `sample` arrays), at least 1.
    var drawnCount: Int {
        for key in ["cases", "students", "sample"] {
            if case .array(let items)? = payload[key] { return max(items.count, 1) }
        }
        if case .number(let n)? = payload["size"], n >= 1, n <= 1e9 { return Int(n) }
        return 1
    }
}
