#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Memory for buffers whose size comes from a caller (children, marks): the byte count is
/// computed without overflow and a failed allocation is a `KCBXError.storage` naming what was
/// being allocated, never an abort of the host process (Swift's own `allocate` traps on failure).
/// Buffers from here are zero-filled and released with `ColumnMemory.release`.
public enum ColumnMemory {
    /// `count` elements of `T` (at least one). `what` names the buffer in the error.
    public static func pointer<T: BitwiseCopyable>(_: T.Type, count: Int, _ what: @autoclosure () -> String) throws -> UnsafeMutablePointer<
        T
    > {
        let n = max(count, 1)
        let (bytes, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard count >= 0, !overflow, let raw = calloc(n, MemoryLayout<T>.stride) else {
            throw KCBXError.storage(
                "out of memory: cannot allocate \(overflow ? "more than \(Int.max)" : "\(bytes)") bytes for \(what()) (\(count) entries); pass fewer rows per call"
            )
        }
        return raw.bindMemory(to: T.self, capacity: n)
    }

    /// As `pointer`, as a buffer of max(count, 1) elements.
    public static func allocate<T: BitwiseCopyable>(_ type: T.Type, count: Int, _ what: @autoclosure () -> String) throws
        -> UnsafeMutableBufferPointer<T>
    {
        UnsafeMutableBufferPointer(start: try pointer(type, count: count, what()), count: max(count, 1))
    }

    public static func release<T>(_ b: UnsafeMutableBufferPointer<T>) { free(UnsafeMutableRawPointer(b.baseAddress)) }
    public static func release<T>(_ p: UnsafeMutablePointer<T>) { free(UnsafeMutableRawPointer(p)) }
}
