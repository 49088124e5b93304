/// What the ledger audit looks for (台账信息不实, seed 002 四（二）; DOMAIN.md §8): an entry the
/// data contradicts. Raw values are shared with the C ABI, Python and the CLI as text.
public enum LedgerAuditCheck: String, Sendable, CaseIterable, Codable {
    /// A return recorded while the marks show the child still absent: no day at school in the
    /// first `returnGraceDays` marked school days from the return, and an unexcused absence among them.
    case returnWhileAbsent = "return_while_absent"
    /// A closure (销号) the closure rule (000 三（二）, `Ledger.closureCheck`) does not support on
    /// the closure date with the marks as they stand now.
    case closureUnsupported = "closure_unsupported"
    /// A dismissal as transferred or studying elsewhere while the child is still enrolled at the
    /// same school on this roster, or has marks at the school after the dismissal.
    case falseTransfer = "false_transfer"
    /// Present marks on days the case history says the child was away (from verification to the return).
    case presentWhileAway = "present_while_away"
    /// A step on a case dated before the case was opened.
    case actionBeforeCase = "action_before_case"
    /// A step on a case dated after the child left the roster (transferred out or graduated).
    case actionAfterLeft = "action_after_left"
    /// A reason code on the case that no recorded verification gave, or a registration change
    /// (elsewhere, transferred out, deferred, suspended) for a child with an open case and no
    /// dismissal or exemption recorded.
    case reasonUnverified = "reason_unverified"
    /// One person recorded both the return and the closure of many cases on the same day: a pattern
    /// worth a look, flagged, never an accusation (DOMAIN.md §8).
    case sameDayReturnAndClosure = "same_day_return_and_closure"
    /// A spot-check draw repeated for the same period and unit (抽查 re-rolled until it looks good).
    case spotCheckRedrawn = "spot_check_redrawn"

    /// The clause the check enforces.
    public var clause: String {
        switch self {
        case .returnWhileAbsent: return "002 四（二）台账信息不实; 000 三（二）劝返复学"
        case .closureUnsupported: return "000 三（二）稳得住 (closure_attended_days of closure_window_days); 002 四（二）"
        case .falseTransfer: return "002 二（一）核查结果“一个不错”; 002 四（二）台账信息不实"
        case .presentWhileAway: return "002 二（一）台账信息动态、精准反映; 002 四（二）"
        case .actionBeforeCase, .actionAfterLeft: return "002 四（二）台账信息不实; DOMAIN.md §4 (every change attributable, history verifiable)"
        case .reasonUnverified: return "002 二（三）核实; 001 附件1 填表说明3 (reason A–T on verification)"
        case .sameDayReturnAndClosure: return "001 二（六）弄虚作假 (pattern only); DOMAIN.md §8 never accuse from a pattern alone"
        case .spotCheckRedrawn: return "002 四（二）台账信息抽查、入户核查"
        }
    }

    /// Chinese label for tables.
    public var chinese: String {
        switch self {
        case .returnWhileAbsent: return "复学登记但仍缺勤"
        case .closureUnsupported: return "销号不满足稳得住"
        case .falseTransfer: return "转学/异地就读排除不实"
        case .presentWhileAway: return "离校期间有到校记录"
        case .actionBeforeCase: return "措施日期早于立案"
        case .actionAfterLeft: return "措施日期晚于离校"
        case .reasonUnverified: return "原因变更未经核实"
        case .sameDayReturnAndClosure: return "同日同人复学并销号（模式提示）"
        case .spotCheckRedrawn: return "抽查重抽"
        }
    }

    /// Whether a finding of this check is a pattern to look at rather than one contradicted entry.
    public var isPattern: Bool { self == .sameDayReturnAndClosure }
}

/// One entry the data contradicts, with its evidence. `fingerprint` identifies the finding across
/// audits (the check, the case and the event found false), so re-running the audit records nothing new.
public struct LedgerAuditFinding: Hashable, Sendable, Codable {
    public var check: LedgerAuditCheck
    /// The case, 0 for a pattern or a spot-check finding.
    public var caseID: Int64
    /// The student key as the disclosure shows it (masked unless full IDs were granted), or "".
    public var student: String
    /// The child's school id, or "".
    public var school: String
    /// The date of the entry found false (YYYY-MM-DD).
    public var date: String
    /// The seq of the event found false (the return, closure, dismissal, action, draw), 0 for patterns.
    public var entrySeq: Int64
    /// Who recorded that entry (`LedgerActor` description), "" for patterns.
    public var recordedBy: String
    /// What the data shows.
    public var evidence: String
    public var fingerprint: String
    /// The seq of the `audit_finding` event that records this finding.
    public var findingSeq: Int64

    enum CodingKeys: String, CodingKey {
        case check
        case caseID = "case_id"
        case student, school, date
        case entrySeq = "entry_seq"
        case recordedBy = "recorded_by"
        case evidence, fingerprint
        case findingSeq = "finding_seq"
    }
}

/// The audit's result: every finding as of the date (old and new) and how many were recorded now.
public struct LedgerAuditResult: Hashable, Sendable {
    public var asOf: CivilDate
    public var findings: [LedgerAuditFinding]
    /// Findings recorded as new `audit_finding` events by this run (0 when re-run).
    public var recorded: Int

    /// The findings as a report table (one row per finding, the clause in each row).
    public func table(unit: String) -> ReportTable {
        ReportTable(
            title: "台账信息核查（台账信息不实）", headers: LedgerAuditResult.headers,
            rows: findings.map { f in
                [
                    f.check.rawValue, f.check.chinese, f.caseID == 0 ? "" : String(f.caseID), f.student, f.school, f.date,
                    f.entrySeq == 0 ? "" : String(f.entrySeq), f.recordedBy, f.evidence, f.check.clause, String(f.findingSeq),
                ]
            },
            unit: unit, asOf: asOf,
            notes: [
                "002 四（二）: 建立健全台账信息抽查、入户核查机制 … 对工作不落实、台账信息不实的单位 … 加大问责力度.",
                "Each row is an entry the data contradicts, with the evidence; a pattern row (same_day_return_and_closure) is worth a look and accuses no one (DOMAIN.md §8).",
                "Findings are recorded as audit_finding events (finding_seq); re-running the audit records nothing twice.",
            ],
            numericColumns: [2, 6, 10])
    }

    public static let headers = [
        "check", "检查项", "case_id", "student", "school", "date", "entry_seq", "recorded_by", "evidence", "clause", "finding_seq",
    ]
}

/// Options of the audit. Defaults are [interpretation]s documented in docs/supervision-audit.md.
public struct LedgerAuditOptions: Hashable, Sendable {
    /// Marked school days from the return examined for the return check (default 5, one school week).
    public var returnGraceDays = 5
    /// Cases one person must have returned and closed on one day before the pattern is flagged (default 5).
    public var sameDayPatternMinimum = 5
    /// Record new findings as `audit_finding` events (needs a writable ledger and township level or above).
    public var record = true
    public init() {}
}
