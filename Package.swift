// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "proflens",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "proflens", targets: ["proflens"]),
        .library(name: "Pprof", targets: ["Pprof"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "FlameGraph", targets: ["FlameGraph"]),
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
        // Flame graphs: layout, palettes, SVG with its embedded script.
        .target(name: "FlameGraph", dependencies: ["Analysis"]),
        // The command-line tool: a thin layer over the libraries.
        .executableTarget(
            name: "proflens",
            dependencies: [
                "Analysis", "FlameGraph", "Pprof",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes large deterministic profiles for `make bench`.
        .executableTarget(name: "ProfileGenerator"),
        // Reading Go source: a lexer, a block-structure reader, and the map anti-pattern shape checks.
        .target(name: "GoSource"),
        .testTarget(name: "PprofTests", dependencies: ["Pprof"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Pprof"]),
        .testTarget(name: "FlameGraphTests", dependencies: ["FlameGraph", "Analysis", "Pprof"]),
        .testTarget(name: "CLITests", dependencies: ["proflens"]),
        .testTarget(name: "GoSourceTests", dependencies: ["GoSource"]),
    ]
)
