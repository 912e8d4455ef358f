// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "proflens",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "proflens", targets: ["proflens"]),
        .library(name: "Pprof", targets: ["Pprof"]),
        .library(name: "Analysis", targets: ["Analysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Reading profiles: gzip, protobuf wire format, profile.proto model and validation.
        .target(name: "Pprof", dependencies: ["CZlib"]),
        // What is computed from a profile: top tables, reports.
        .target(name: "Analysis", dependencies: ["Pprof"]),
        // The command-line tool: a thin layer over the libraries.
        .executableTarget(
            name: "proflens",
            dependencies: [
                "Analysis", "Pprof",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes large deterministic profiles for `make bench`.
        .executableTarget(name: "ProfileGenerator"),
        .testTarget(name: "PprofTests", dependencies: ["Pprof"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Pprof"]),
        .testTarget(name: "CLITests", dependencies: ["proflens"]),
    ]
)
