// include/kcbx.h is generated from Sources/CInterface by scripts/gen_header.py; these tests fail
// when the committed header no longer matches the Swift sources.
import CInterface
import Foundation
import Testing

/// The package root: this file is Tests/KCBXCoreTests/HeaderTests.swift.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test(
    "include/kcbx.h is up to date: python3 scripts/gen_header.py --check --no-build succeeds",
    .timeLimit(.minutes(5)))
func headerIsNotStale() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // --no-build: `swift test` holds the build lock and has already built KCBXCore's module.
    p.arguments = ["python3", "scripts/gen_header.py", "--check", "--no-build"]
    p.currentDirectoryURL = packageRoot
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    // Read before waiting so a chatty build cannot fill the pipe and block.
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    #expect(p.terminationStatus == 0, "gen_header.py --check failed:\n\(text)")
    #expect(text.contains("include/kcbx.h is up to date"), "\(text)")
}

@Test("include/kcbx.h: KCBX_ABI_VERSION equals kcbxABIVersion and every foundation function is declared once")
func headerDeclaresTheABI() throws {
    let header = try String(contentsOf: packageRoot.appendingPathComponent("include/kcbx.h"), encoding: .utf8)
    #expect(header.contains("#define KCBX_ABI_VERSION \(kcbxABIVersion)\n"))
    // Names of the declared functions: the identifier before the first "(" of each `extern` line.
    let declared: [String] = header.split(separator: "\n").filter { $0.hasPrefix("extern ") }.compactMap { line in
        guard let paren = line.firstIndex(of: "(") else { return nil }
        return String(line[..<paren].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
    }
    #expect(declared.count == Set(declared).count, "no function declared twice")
    #expect(declared.allSatisfy { $0.hasPrefix("kcbx_") })
    for name in [
        "kcbx_abi_version", "kcbx_last_error_message", "kcbx_version", "kcbx_string_free",
        "kcbx_resident_id_parse", "kcbx_resident_id_check_character", "kcbx_registry_number_parse",
        "kcbx_school_age", "kcbx_policy_names", "kcbx_policy_builtin", "kcbx_policy_from_file",
        "kcbx_policy_from_json", "kcbx_policy_to_json", "kcbx_policy_duration", "kcbx_policy_number",
        "kcbx_policy_provenance", "kcbx_policy_free",
    ] {
        #expect(declared.contains(name), "\(name) declared")
    }
    #expect(header.contains("extern \"C\" {"))
    #expect(!header.contains("SWIFT_"))
}

@Test(
    "Enum values are ABI (issue 12): a header constant that differs from Tests/abi/constants.txt fails gen_header.py --check",
    .timeLimit(.minutes(5)))
func headerConstantsArePinned() throws {
    let golden = try String(contentsOf: packageRoot.appendingPathComponent("Tests/abi/constants.txt"), encoding: .utf8)
    #expect(golden.contains("\nKCBX_CASE_STATUS_SUSPECTED 1\n"))
    #expect(golden.contains("\nKCBX_REASON_T 20\n"))
    let moved = FileManager.default.temporaryDirectory.appendingPathComponent("kcbx-golden-\(getpid()).txt")
    try golden.replacingOccurrences(of: "\nKCBX_CASE_STATUS_SUSPECTED 1\n", with: "\nKCBX_CASE_STATUS_SUSPECTED 2\n")
        .write(to: moved, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: moved) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "scripts/gen_header.py", "--check", "--no-build"]
    p.environment = ProcessInfo.processInfo.environment.merging(["KCBX_ABI_GOLDEN": moved.path]) { $1 }
    p.currentDirectoryURL = packageRoot
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus != 0)
    #expect(text.contains("KCBX_CASE_STATUS_SUSPECTED changed from 2 to 1"), "\(text)")
}

@Test("Every export of include/kcbx.h documents each parameter in order (@param) and its result (@return) (issue 12)")
func headerDocumentsEveryParameter() throws {
    let header = try String(contentsOf: packageRoot.appendingPathComponent("include/kcbx.h"), encoding: .utf8)
    let lines = header.components(separatedBy: "\n")
    var checked = 0
    for (i, line) in lines.enumerated() where line.hasPrefix("extern ") && line.contains("(") {
        guard let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")") else { continue }
        let name = String(line[..<open].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        let inside = String(line[line.index(after: open)..<close])
        let params =
            inside == "void"
            ? []
            : inside.split(separator: ",").map {
                String($0.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
            }
        // The comment block right above the declaration.
        var doc: [String] = []
        var j = i - 1
        while j >= 0, lines[j].hasPrefix(" *") || lines[j].hasPrefix("/**") {
            doc.insert(lines[j], at: 0)
            if lines[j].hasPrefix("/**") { break }
            j -= 1
        }
        let text = doc.joined(separator: "\n")
        let documented = text.components(separatedBy: "@param ").dropFirst().map {
            String($0.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        #expect(!doc.isEmpty, "\(name) has no doc comment")
        #expect(documented == params, "\(name): @param \(documented) for the parameters \(params)")
        if !line.hasPrefix("extern void ") { #expect(text.contains("@return"), "\(name) has no @return") }
        checked += 1
    }
    #expect(checked > 120, "every export was checked (\(checked))")
}

@Test(
    "gen_header.py refuses an export without @param for each parameter in order or without @return (issue 12)",
    .timeLimit(.minutes(5)))
func generatorRequiresParameterDocs() throws {
    let script = """
        import sys; sys.path.insert(0, "scripts"); import gen_header as g
        ok = ["/// Does a thing.", "/// @param a the first.", "/// @param out_b receives it.", "/// @return KCBX_STATUS_OK."]
        params = ["int32_t a", "int32_t * out_b"]
        for label, doc, ret in [("ok", ok, "kcbx_status"), ("none", [], "kcbx_status"), ("missing", ok[:2] + ok[3:], "kcbx_status"),
                                ("order", [ok[0], ok[2], ok[1], ok[3]], "kcbx_status"), ("noreturn", ok[:3], "kcbx_status"),
                                ("void", ok[:3], "void")]:
            print(label, "=", g.check_doc("kcbx_x", dict(doc=doc, ret=ret), params))
        """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script]
    p.currentDirectoryURL = packageRoot
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "\(text)")
    #expect(text.contains("ok = None"), "\(text)")
    #expect(text.contains("none = no doc comment"), "\(text)")
    #expect(text.contains("missing = @param lines ['a'] do not match the parameters ['a', 'out_b']"), "\(text)")
    #expect(text.contains("order = @param lines ['out_b', 'a']"), "\(text)")
    #expect(text.contains("noreturn = no @return"), "\(text)")
    #expect(text.contains("void = None"), "\(text)")
}
