import Foundation

/// One libFuzzer harness: the bytes of one input, checked for crashes and for the invariants the
/// harness asserts (a broken invariant is a `fatalError`, which libFuzzer reports as a crash).
protocol Harness {
    static func run(_ data: [UInt8])
}

/// The harnesses by name: the binary is run as `fuzz-<name>` (a symlink, fuzz/run.sh) or with
/// `KCBX_FUZZ_HARNESS=<name>`.
let harnesses: [String: Harness.Type] = [
    "policy": PolicyHarness.self, "calendar": CalendarHarness.self, "roster": RosterHarness.self,
    "marks": MarksHarness.self, "registry": RegistryHarness.self, "notice": NoticeHarness.self,
    "filter": FilterHarness.self, "identity": IdentityHarness.self, "bulk": BulkHarness.self,
]

nonisolated(unsafe) var selected: Harness.Type?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> Int32 {
    let program = argv.pointee.pointee.map { String(cString: $0) } ?? ""
    let base = program.split(separator: "/").last.map(String.init) ?? ""
    let name =
        ProcessInfo.processInfo.environment["KCBX_FUZZ_HARNESS"]
        ?? (base.hasPrefix("fuzz-") ? String(base.dropFirst(5)) : "")
    guard let h = harnesses[name] else {
        FileHandle.standardError.write(
            Data(
                "kcbx-fuzz: run as fuzz-<name> or set KCBX_FUZZ_HARNESS to one of \(harnesses.keys.sorted().joined(separator: ", "))\n".utf8
            ))
        exit(2)
    }
    selected = h
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}

/// Fails the run (libFuzzer saves the input) when an invariant does not hold.
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #file, line: UInt = #line
) {
    if !condition() { fatalError("invariant: \(message())", file: file, line: line) }
}

/// The input as text the way the library receives it: C strings and files must be UTF-8, so
/// other bytes are refused before any parser runs.
func utf8Text(_ data: [UInt8]) -> String? { String(validating: data, as: UTF8.self) }
