#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An input file read with POSIX `open`/`read` in fixed-size chunks: no Foundation file
/// manager, no Dispatch, no thread, so it is safe in a process forked from a multithreaded
/// parent, and memory is bounded by the caller's buffer. Closed when released.
final class InputFile {
    let path: String
    private let fd: Int32

    /// Opens `path` for reading; `what` names the input in errors ("CSV file", "policy file").
    init(path: String, what: String) throws {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw KCBXError.notFound(what: what, name: InputFile.shown(path)) }
            throw KCBXError.storage("cannot open \(what) \(InputFile.shown(path)): \(InputFile.describe(e))")
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw KCBXError.invalidInput(field: InputFile.shown(path), rule: "is a directory, not a \(what)")
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes into `buffer`; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc)
                let n = Glibc.read(fd, base, buffer.count)
            #elseif canImport(Musl)
                let n = Musl.read(fd, base, buffer.count)
            #else
                let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n >= 0 { return n }
            let e = errno
            if e == EINTR { continue }
            throw KCBXError.storage("cannot read \(InputFile.shown(path)): \(InputFile.describe(e))")
        }
    }

    /// The whole file as UTF-8 text (an optional BOM removed), refused when longer than `limit`
    /// bytes: for small documents such as policy and calendar files.
    static func text(path: String, what: String, limit: Int) throws -> String {
        let file = try InputFile(path: path, what: what)
        var bytes: [UInt8] = []
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { break }
            guard bytes.count + n <= limit else {
                throw KCBXError.invalidInput(field: InputFile.shown(path), rule: "is longer than \(limit) bytes, the limit for a \(what)")
            }
            bytes.append(contentsOf: buffer[0..<n])
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            throw KCBXError.invalidInput(field: what, rule: "\(InputFile.shown(path)) is not UTF-8")
        }
        return text
    }

    /// A path as messages show it: as given, or quoted and cut when longer than 200 bytes.
    static func shown(_ path: String) -> String { path.utf8.count <= 200 ? path : KCBXError.quote(path, limit: 200) }

    static func describe(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s)
    }
}
