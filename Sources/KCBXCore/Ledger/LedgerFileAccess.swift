@_implementationOnly import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a ledger file may be written: an auditor's copy (mode without write bits), a
/// read-only directory or a read-only mount opens read-only for reading operations.
enum LedgerFileAccess {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// The file's size in bytes (0 when it cannot be read), for progress estimates.
    static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    /// Why `path` must be opened read-only, or nil. The file's mode is honoured even for root
    /// (who could write it anyway): a file made read-only is never written.
    static func readOnlyReason(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }  // missing: created read-write (or fails naming why)
        let dir = directory(of: path)
        var fs = statvfs()
        if statvfs(path, &fs) == 0, fs.f_flag & UInt(ST_RDONLY) != 0 { return "the file system is mounted read-only" }
        if st.st_mode & 0o222 == 0 { return "the file's mode \(String(st.st_mode & 0o777, radix: 8)) has no write permission" }
        if access(path, W_OK) != 0 { return "this process may not write the file" }
        // WAL needs the -wal and -shm files next to the ledger.
        if access(dir, W_OK) != 0 && !(exists(path + "-wal") && access(path + "-wal", W_OK) == 0) {
            return "the directory \(dir) is not writable"
        }
        return nil
    }

    /// True when `path` has no -wal file or an empty one (nothing newer than the main file).
    static func walIsEmpty(_ path: String) -> Bool {
        var st = stat()
        return stat(path + "-wal", &st) != 0 || st.st_size == 0
    }

    /// An SQLite URI opening `path` as immutable (no locks, no -shm): for files nobody can write.
    static func immutableURI(_ path: String) -> String {
        var out = "file:"
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"), 0..<0x20, 0x7F...0xFF:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (b < 16 ? "0" : "") + hex
            default: out.append(Character(Unicode.Scalar(b)))
            }
        }
        return out + "?immutable=1"
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    static func isPermissionFailure(_ e: DatabaseError) -> Bool {
        [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH].contains(e.resultCode)
    }
}

extension Ledger {
    /// Refuses a write on a read-only ledger, naming why it is read-only and what still works.
    func requireWritable() throws {
        if let readOnlyReason {
            throw KCBXError.storage(
                "\(path) is open read-only (\(readOnlyReason)): writes are refused; verify, reports, cases, history and exports work")
        }
    }
}
