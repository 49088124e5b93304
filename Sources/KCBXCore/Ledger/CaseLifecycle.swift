/// The case lifecycle (DOMAIN.md §3–4): which operation may follow which status.
/// suspected → verified (reason A–T) | dismissed; verified → persuading (again to update the plan) | deferred | suspended;
/// persuading → returned | deferred | suspended; returned → closed (稳得住) | persuading (left again);
/// deferred / suspended → persuading | returned. Dismissed and closed are final.
enum CaseOperation: String {
    case verify, dismiss, persuade
    case recordReturn = "return"
    case close, exempt, action, promote, flag

    var allowedFrom: Set<LedgerCaseStatus> {
        switch self {
        case .verify, .dismiss: return [.suspected]
        case .persuade: return [.verified, .persuading, .deferred, .suspended, .returned]
        case .recordReturn: return [.persuading, .deferred, .suspended]
        case .close: return [.returned]
        case .exempt: return [.verified, .persuading]
        case .action, .promote, .flag: return Set(LedgerCaseStatus.allCases.filter { !$0.isTerminal })
        }
    }

    /// Refuses the operation on a case in `status`, naming the lifecycle rule.
    func check(_ c: LedgerCase) throws {
        guard allowedFrom.contains(c.status) else {
            let from = LedgerCaseStatus.allCases.filter(allowedFrom.contains).map(\.rawValue).joined(separator: " or ")
            throw KCBXError.ruleViolation(
                rule: "case lifecycle (DOMAIN.md §4): \(rawValue) needs status \(from)",
                detail: "case \(c.id) is \(c.status.rawValue) (\(c.status.chinese)); cannot \(rawValue) it")
        }
    }
}
