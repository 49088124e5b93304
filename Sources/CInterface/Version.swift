import KCBXCore

#if canImport(Glibc)
    import Glibc
#endif

/// ABI version; the header's KCBX_ABI_VERSION is generated from this constant. Bump it on any
/// incompatible change to a kcbx_* signature or enum.
public let kcbxABIVersion: Int32 = 3

enum VersionText {
    nonisolated(unsafe) static let cString: UnsafePointer<CChar> = strdup(kcbxVersion).map { UnsafePointer($0) } ?? Empty.string
}

/// The library version, e.g. "0.3.0". Static storage: do not free.
/// @return the version string.
@c public func kcbx_version() -> UnsafePointer<CChar> { VersionText.cString }

/// The ABI version of the loaded library; compare with KCBX_ABI_VERSION from the header.
/// @return the ABI version.
@c public func kcbx_abi_version() -> Int32 { kcbxABIVersion }
