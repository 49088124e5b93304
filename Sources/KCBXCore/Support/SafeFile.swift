#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way KCBX writes an output file (CSV exports, reports, due lists, notices, CLI `--out`):
/// - only a regular file or a new name is written: a symbolic link, FIFO, device, socket or
///   directory at `path` is refused by name and left as it is (nothing is followed or opened, so
///   nothing blocks on a FIFO);
/// - an existing file without write permission is refused; the new content keeps the existing
///   file's mode (and, for root, owner), never wider; a new file is created 0644 less the umask;
/// - the content goes to a temporary file in the same directory (`O_EXCL | O_NOFOLLOW`), is
///   flushed to disk, and is renamed over `path` only when `path` is still a regular file or
///   absent; on any failure (full disk, I/O error) the temporary file is removed and `path` is
///   unchanged.
public enum SafeFile {
    /// Writes `bytes` to `path` under the policy above; errors name the path and the reason.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let existing = try destination(path)
        let (dir, base) = split(path)
        var temp = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temp = (dir.isEmpty ? "" : dir + "/") + "." + base + ".kcbx-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, existing.map { $0.st_mode & 0o777 } ?? 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw failure(path, "cannot create a temporary file in \(dir.isEmpty ? "." : dir)") }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        func abandon(_ what: String) -> KCBXError {
            let e = failure(path, what)
            if !closed {
                close(fd)
                closed = true
            }
            unlink(temp)
            return e
        }
        if let st = existing {
            // Keep the existing file's mode exactly (the umask may have narrowed it; never widen it).
            if fchmod(fd, st.st_mode & 0o7777) != 0 { throw abandon("cannot set the mode of the new content") }
            if getuid() == 0 { _ = fchown(fd, st.st_uid, st.st_gid) }
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBufferPointer { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return systemWrite(fd, base + offset, min(bytes.count - offset, 1 << 20))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw abandon("write failed")
            }
            offset += n
        }
        if fsync(fd) != 0 { throw abandon("flushing to disk failed") }
        closed = true
        if close(fd) != 0 {
            unlink(temp)
            throw failure(path, "closing failed")
        }
        do { _ = try regularOrAbsent(path) } catch {
            unlink(temp)
            throw error
        }
        if rename(temp, path) != 0 {
            let e = failure(path, "rename failed")
            unlink(temp)
            throw e
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Checks `path` as `write` would, before anything is computed or recorded for the output;
    /// true when a regular file is there to be replaced, false when the name is new.
    @discardableResult
    public static func check(_ path: String) throws -> Bool { try destination(path) != nil }

    static func destination(_ path: String) throws -> stat? {
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw KCBXError.invalidInput(field: "path", rule: "must be a non-empty file name without NUL")
        }
        let existing = try regularOrAbsent(path)
        if let st = existing, st.st_mode & 0o200 == 0 || access(path, W_OK) != 0 {
            throw KCBXError.storage("cannot write \(path): it is read-only (KCBX does not change the permissions of an existing file)")
        }
        return existing
    }

    /// The status of `path` when it is a regular file, nil when absent; refuses anything else.
    static func regularOrAbsent(_ path: String) throws -> stat? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw failure(path, "cannot inspect it")
        }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else {
            let what: String
            switch type {
            case S_IFLNK: what = "a symbolic link"
            case S_IFIFO: what = "a FIFO"
            case S_IFCHR: what = "a character device"
            case S_IFBLK: what = "a block device"
            case S_IFDIR: what = "a directory"
            case S_IFSOCK: what = "a socket"
            default: what = "not a regular file"
            }
            throw KCBXError.invalidInput(field: "path", rule: "\(path) is \(what); KCBX writes only regular files and leaves it as it is")
        }
        return st
    }

    private static func systemWrite(_ fd: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.write(fd, p, n)
        #elseif canImport(Musl)
            return Musl.write(fd, p, n)
        #else
            return Darwin.write(fd, p, n)
        #endif
    }

    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }

    private static func failure(_ path: String, _ what: String) -> KCBXError {
        let code = errno
        let text = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return KCBXError.storage("cannot write \(path): \(what): \(text)")
    }
}
