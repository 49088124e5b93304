/// A ledger entry (DOMAIN.md §4): one case of a child out of school, suspected or confirmed
/// dropout, as the events so far make it. Dates are YYYY-MM-DD, "" when not yet set.
public struct LedgerCase: Hashable, Sendable, Codable {
    public var id: Int64
    /// Student key (resident ID, or `L` registry number).
    public var student: String
    public var kind: LedgerCaseKind
    public var status: LedgerCaseStatus
    /// Reason code A–T once verified (seed 001 附件1 填表说明3), else "".
    public var reason: String
    /// Why the case was dismissed, else "".
    public var dismissal: String
    /// Per-child persuasion plan (一人一案 / 一生一策).
    public var plan: String
    /// Person assigned one-to-one (人盯人挂钩, 003).
    public var person: String
    /// School the child returned to, placement and date (安置).
    public var returnSchool: String
    public var placement: String
    public var returnDate: String
    /// Expert panel opinion reference for deferral / suspension (seed 002 二（四）).
    public var opinionRef: String
    public var openedOn: String
    public var verifiedOn: String
    public var closedOn: String
    /// The earlier closed case this one is a relapse of (反弹, 001, 002), 0 when none.
    public var relapseOf: Int64
    /// `manual` or `sweep`.
    public var source: String
    /// Flags raised by sweeps, ';'-separated (e.g. `absent_again`).
    public var flags: String
    /// Seq of the last event that changed this case.
    public var updatedSeq: Int64

    /// Flagged 反弹: the child had a closed case before.
    public var isRelapse: Bool { relapseOf != 0 }

    enum CodingKeys: String, CodingKey {
        case id, student, kind, status, reason, dismissal, plan, person
        case returnSchool = "return_school"
        case placement
        case returnDate = "return_date"
        case opinionRef = "opinion_ref"
        case openedOn = "opened_on"
        case verifiedOn = "verified_on"
        case closedOn = "closed_on"
        case relapseOf = "relapse_of"
        case source, flags
        case updatedSeq = "updated_seq"
    }
}
