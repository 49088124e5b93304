#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread-local last-error message behind kcbx_last_error_message(), kept in a pthread key
/// whose destructor frees the message when the thread exits.
enum LastError {
    static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { free($0) }
        return k
    }()

    /// The most bytes of a message kept; longer ones (an error quoting a 10 MB argument) are cut on a
    /// character boundary with a note of how much was cut, so no input is echoed unbounded.
    static let limit = 2048

    static func set(_ message: String) {
        free(pthread_getspecific(key))
        pthread_setspecific(key, strdup(bounded(message)))
    }

    static func bounded(_ message: String) -> String {
        let n = message.utf8.count
        guard n > limit else { return message }
        var kept = String.UnicodeScalarView(), bytes = 0
        for u in message.unicodeScalars {
            let w = UTF8.width(u)
            if bytes + w > limit { break }
            bytes += w
            kept.append(u)
        }
        return String(kept) + " … [\(n - bytes) more bytes cut]"
    }

    static func clear() {
        if let p = pthread_getspecific(key) {
            free(p)
            pthread_setspecific(key, nil)
        }
    }

    static var message: UnsafePointer<CChar>? {
        pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }
}

/// The message of the last failed kcbx_* call on this thread, or "" when it succeeded.
/// The text stays valid until the next kcbx_* call on the same thread; do not free it.
@c public func kcbx_last_error_message() -> UnsafePointer<CChar> {
    LastError.message ?? Empty.string
}

enum Empty {
    nonisolated(unsafe) static let string: UnsafePointer<CChar> = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}
