// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "KCBX",
    products: [
        // Swift users: the domain library.
        .library(name: "KCBXCore", targets: ["KCBXCore"]),
        // C hosts and Python: libkcbx.so (release build flags live in the Makefile).
        .library(name: "kcbx", type: .dynamic, targets: ["CInterface"]),
    ],
    targets: [
        .target(name: "KCBXCore"),
        .target(name: "CInterface", dependencies: ["KCBXCore"]),
        .testTarget(name: "KCBXCoreTests", dependencies: ["KCBXCore", "CInterface"]),
    ]
)
