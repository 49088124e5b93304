import KCBXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread-local last error behind kcbx_last_error_message(), kcbx_last_error_field() and
/// kcbx_last_error_rule(): three strings, each in a pthread key whose destructor frees it when the
/// thread exits. Set and cleared together.
enum LastError {
    enum Part: Int { case message = 0, field = 1, rule = 2 }

    static let keys: [pthread_key_t] = (0..<3).map { _ in
        var k = pthread_key_t()
        pthread_key_create(&k) { free($0) }
        return k
    }

    /// The most bytes of a message kept; longer ones (an error quoting a 10 MB argument) are cut on a
    /// character boundary with a note of how much was cut, so no input is echoed unbounded.
    static let limit = 2048

    static func set(_ message: String) { set(message, field: "", rule: "") }

    static func set(_ message: String, field: String, rule: String) {
        store(.message, message)
        store(.field, field)
        store(.rule, rule)
    }

    static func set(_ error: Error) {
        if let e = error as? KCBXError {
            set(String(describing: e), field: e.field, rule: e.rule)
        } else {
            set(String(describing: error))
        }
    }

    private static func store(_ part: Part, _ text: String) {
        let key = keys[part.rawValue]
        free(pthread_getspecific(key))
        pthread_setspecific(key, text.isEmpty ? nil : strdup(bounded(text)))
    }

    static func bounded(_ message: String) -> String {
        let n = message.utf8.count
        guard n > limit else { return message }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for u in message.unicodeScalars {
            let w = UTF8.width(u)
            if bytes + w > limit { break }
            bytes += w
            kept.append(u)
        }
        return String(kept) + " … [\(n - bytes) more bytes cut]"
    }

    static func clear() {
        for key in keys {
            if let p = pthread_getspecific(key) {
                free(p)
                pthread_setspecific(key, nil)
            }
        }
    }

    static func text(_ part: Part) -> UnsafePointer<CChar>? {
        pthread_getspecific(keys[part.rawValue]).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }

    static var message: UnsafePointer<CChar>? { text(.message) }
}

/// The message of the last failed kcbx_* call on this thread, or "" when it succeeded.
/// The text stays valid until the next kcbx_* call on the same thread; do not free it.
/// @return the message (never NULL).
@c public func kcbx_last_error_message() -> UnsafePointer<CChar> {
    LastError.message ?? Empty.string
}

/// The field (input, parameter or thing) the last failed kcbx_* call on this thread was about,
/// e.g. "as_of", "options.version", "case", "actor"; "" when it succeeded or the error names
/// none (storage, integrity). Valid and owned as kcbx_last_error_message(); set and cleared with it.
/// @return the field (never NULL).
@c public func kcbx_last_error_field() -> UnsafePointer<CChar> {
    LastError.text(.field) ?? Empty.string
}

/// The rule the last failed kcbx_* call on this thread broke: what the field must satisfy, or the
/// seed clause a domain rule cites (KCBX_STATUS_RULE_VIOLATION); "" when it succeeded or the error
/// names none. Valid and owned as kcbx_last_error_message(); set and cleared with it.
/// @return the rule (never NULL).
@c public func kcbx_last_error_rule() -> UnsafePointer<CChar> {
    LastError.text(.rule) ?? Empty.string
}

enum Empty {
    nonisolated(unsafe) static let string: UnsafePointer<CChar> = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(
        to: CChar.self)
}
