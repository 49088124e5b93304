import KCBXCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Conversions at the boundary: C strings in (NULL and bad UTF-8 rejected by name),
/// C strings out (malloc'd, freed by kcbx_string_free), dates as packed YYYYMMDD.
enum Marshal {
    static func string(_ p: UnsafePointer<CChar>?, _ field: String) throws -> String {
        guard let p else { throw KCBXError.invalidInput(field: field, rule: "must not be NULL") }
        guard let s = String(validatingCString: p) else { throw KCBXError.invalidInput(field: field, rule: "must be valid UTF-8") }
        return s
    }

    /// A C string's bytes (without its NUL), refused as `string` refuses it (NULL, not UTF-8) but
    /// without making a `String`: the caller's memory, valid while `p` is. `field` is only
    /// built for an error.
    static func utf8(_ p: UnsafePointer<CChar>?, _ field: @autoclosure () -> String) throws -> UnsafeBufferPointer<UInt8> {
        guard let p else { throw KCBXError.invalidInput(field: field(), rule: "must not be NULL") }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p))
        guard CSVFields.isValidUTF8(bytes) else { throw KCBXError.invalidInput(field: field(), rule: "must be valid UTF-8") }
        return bytes
    }

    static func date(_ v: Int32, _ field: String) throws -> CivilDate { try CivilDate(yyyymmdd: v, field: field) }

    /// 0 means "not given".
    static func optionalDate(_ v: Int32, _ field: String) throws -> CivilDate? { v == 0 ? nil : try date(v, field) }

    static func out<T>(_ p: UnsafeMutablePointer<T>?, _ field: String) throws -> UnsafeMutablePointer<T> {
        guard let p else { throw KCBXError.invalidInput(field: field, rule: "must not be NULL") }
        return p
    }

    /// A count or number for an Int32 out-parameter, saturated instead of trapping.
    static func int32(_ v: Int) -> Int32 { Int32(clamping: v) }

    /// Stores a malloc'd copy of `s` in `*p`; out of memory is a storage error, never a NULL with OK.
    static func give(_ s: String, to p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws {
        guard let copy = strdup(s) else {
            throw KCBXError.storage("out of memory copying a result of \(s.utf8.count) bytes")
        }
        p.pointee = copy
    }
}

/// Documented maxima of counts passed from C; a larger count is KCBX_STATUS_INVALID_INPUT before
/// any array is read or memory allocated.
enum Limits {
    /// Holidays, resp. make-up days, of one standard school year (kcbx_calendar_standard).
    static let calendarEntries: Int64 = 10_000
    /// Marks of one child (kcbx_classify).
    static let childMarks: Int64 = 1_000_000
}

/// A Swift value behind an opaque C handle.
final class Handle<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }

    static func make(_ value: Value) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(Handle(value)).toOpaque()) }

    static func get(_ p: OpaquePointer?, _ field: String) throws -> Handle<Value> {
        guard let p else { throw KCBXError.invalidInput(field: field, rule: "must not be NULL") }
        return Unmanaged<Handle<Value>>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }

    static func release(_ p: OpaquePointer?) {
        guard let p else { return }
        Unmanaged<Handle<Value>>.fromOpaque(UnsafeRawPointer(p)).release()
    }
}

/// Frees a string returned by any kcbx_* function. Accepts NULL.
/// @param s the string to free, or NULL.
@c public func kcbx_string_free(_ s: UnsafeMutablePointer<CChar>?) {
    free(s)
}
