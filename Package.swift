// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "KCBX",
    products: [
        // Swift users: the domain library.
        .library(name: "KCBXCore", targets: ["KCBXCore"]),
        // C hosts and Python: libkcbx.so (release build flags live in the Makefile).
        .library(name: "kcbx", type: .dynamic, targets: ["CInterface"]),
        // The command line (installed as `kcbx` by the Makefile).
        .executable(name: "kcbx-tool", targets: ["KCBXTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .target(
            name: "KCBXCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Plain-C types of the ABI that Swift @c cannot declare (options structs, callback typedefs,
        // the Arrow C data/stream structs); scripts/gen_header.py inlines them into include/kcbx.h.
        .target(name: "KCBXCTypes"),
        .target(name: "CInterface", dependencies: ["KCBXCore", "KCBXCTypes"]),
        // The synthetic-county generator: the CLI's `synth`, the benchmarks and the tests; not
        // in libkcbx.so (docs/size.md).
        .target(name: "KCBXSynthesis", dependencies: ["KCBXCore"]),
        .executableTarget(
            name: "KCBXTool",
            dependencies: [
                "KCBXCore", "KCBXSynthesis", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "KCBXCoreTests",
            dependencies: [
                "KCBXCore", "KCBXSynthesis", "CInterface", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ]
)
