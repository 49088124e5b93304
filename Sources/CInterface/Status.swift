import KCBXCore

/// Status returned by every fallible kcbx_* function. 0 is success; on any other value
/// kcbx_last_error_message() says what went wrong, naming the field and the rule.
@c public enum kcbx_status: Int32 {
    case ok = 0
    /// Bad input: NULL where a value is required, bad UTF-8, a bad date, an unknown code, a broken rule of format.
    case invalidInput = 1
    /// A named thing (profile, file, student, case) does not exist.
    case notFound = 2
    /// The actor may not do this.
    case permissionDenied = 3
    /// A domain rule refuses the operation; the message cites the rule.
    case ruleViolation = 4
    /// Stored data failed verification.
    case integrity = 5
    /// Storage (file, SQLite) failed.
    case storage = 6
    /// An unexpected internal failure; please report it.
    case internalError = 7
}

extension kcbx_status {
    init(_ error: Error) {
        switch error as? KCBXError {
        case .invalidInput?: self = .invalidInput
        case .notFound?: self = .notFound
        case .permissionDenied?: self = .permissionDenied
        case .ruleViolation?: self = .ruleViolation
        case .integrity?: self = .integrity
        case .storage?: self = .storage
        case nil: self = .internalError
        }
    }
}

/// Runs `body` as one C call: clears the thread's last error, maps any thrown error to a
/// status and records its message. Nothing thrown crosses the boundary. A successful call ends
/// with the message cleared, also when a callback (a progress function) called back into the
/// library on this thread and that inner call failed.
func guarded(_ body: () throws -> Void) -> kcbx_status {
    LastError.clear()
    do {
        try body()
        LastError.clear()
        return .ok
    } catch {
        LastError.set(error)
        return kcbx_status(error)
    }
}
