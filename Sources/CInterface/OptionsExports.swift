import KCBXCTypes
import KCBXCore

/// Versioned options structs (Sources/KCBXCTypes/include/kcbx_options.h, docs/abi.md): the
/// version is read first, and only a version this library knows lets the struct be read.
enum Options {
    /// `*p` when its version is `current`; nil for NULL (the defaults). An unknown version is
    /// KCBX_STATUS_INVALID_INPUT naming `<field>.version`, before any other field is read (a struct
    /// of another version may have another size).
    static func read<T>(_ p: UnsafePointer<T>?, _ field: String, current: Int32, initName: String) throws -> T? {
        guard let p else { return nil }
        let version = UnsafeRawPointer(p).load(as: UInt32.self)
        try check(version, "\(field).version", current: current, initName: initName)
        return p.pointee
    }

    static func check(_ version: UInt32, _ field: String, current: Int32, initName: String) throws {
        guard version == UInt32(current) else {
            throw KCBXError.invalidInput(
                field: field,
                rule: "\(version) is not an options version this library knows (\(current)); initialise the struct with \(initName)")
        }
    }

    /// Fills `*p` with the defaults (zeros) of `version`.
    static func initialise<T>(
        _ p: UnsafeMutablePointer<T>?, _ version: UInt32, current: Int32, initName: String, zero: T,
        field: String = "options"
    ) throws {
        let out = try Marshal.out(p, field)
        try check(version, "version", current: current, initName: initName)
        out.pointee = zero
        UnsafeMutableRawPointer(out).storeBytes(of: version, as: UInt32.self)
    }
}

/// Initialises `*options` for kcbx_classify() with the defaults of `version`
/// (KCBX_CLASSIFY_OPTIONS_VERSION): no marks, no facts.
/// @param options the struct to fill; must not be NULL.
/// @param version KCBX_CLASSIFY_OPTIONS_VERSION; another is KCBX_STATUS_INVALID_INPUT.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_classify_options_init(_ options: UnsafeMutablePointer<kcbx_classify_options>?, _ version: UInt32) -> kcbx_status {
    guarded {
        try Options.initialise(
            options, version, current: KCBX_CLASSIFY_OPTIONS_VERSION, initName: "KCBX_CLASSIFY_OPTIONS_INIT",
            zero: kcbx_classify_options())
    }
}

/// Initialises `*options` for kcbx_classify_many() with the defaults of `version`
/// (KCBX_CLASSIFY_MANY_OPTIONS_VERSION): no children, no marks, dates as YYYYMMDD.
/// @param options the struct to fill; must not be NULL.
/// @param version KCBX_CLASSIFY_MANY_OPTIONS_VERSION; another is KCBX_STATUS_INVALID_INPUT.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_classify_many_options_init(_ options: UnsafeMutablePointer<kcbx_classify_many_options>?, _ version: UInt32)
    -> kcbx_status
{
    guarded {
        try Options.initialise(
            options, version, current: KCBX_CLASSIFY_MANY_OPTIONS_VERSION, initName: "KCBX_CLASSIFY_MANY_OPTIONS_INIT",
            zero: kcbx_classify_many_options())
    }
}

/// Initialises `*options` for kcbx_reconcile_csv() with the defaults of `version`
/// (KCBX_RECONCILE_OPTIONS_VERSION): no optional lists, no progress callback.
/// @param options the struct to fill; must not be NULL.
/// @param version KCBX_RECONCILE_OPTIONS_VERSION; another is KCBX_STATUS_INVALID_INPUT.
/// @return KCBX_STATUS_OK, or KCBX_STATUS_INVALID_INPUT.
@c public func kcbx_reconcile_options_init(_ options: UnsafeMutablePointer<kcbx_reconcile_options>?, _ version: UInt32) -> kcbx_status {
    guarded {
        try Options.initialise(
            options, version, current: KCBX_RECONCILE_OPTIONS_VERSION, initName: "KCBX_RECONCILE_OPTIONS_INIT",
            zero: kcbx_reconcile_options())
    }
}
