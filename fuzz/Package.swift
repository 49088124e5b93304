// swift-tools-version:6.2
// libFuzzer harnesses for KCBX's parsers (fuzz/README.md). Built by `make fuzz` / `make fuzz-smoke`
// with `--sanitize=fuzzer --sanitize=address`, so KCBXCore and its dependencies are instrumented too.
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory (the checkout's name varies: main, a worktree…).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "KCBXFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "KCBXFuzz",
            dependencies: [.product(name: "KCBXCore", package: rootIdentity)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ],
    swiftLanguageModes: [.v5]
)
