// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
//   CZlib ◀ Pprof ◀ Analysis ◀ Findings ◀ Reports ◀ UseCases ◀ proflens
//            CRE2 ◀┘  ▲    ◀ FlameGraph ◀┘  ▲
//                     └──── Pipeline ───────┘
//   CCurl ◀ ProfileFetch ◀ Pipeline;  GoSource ◀ Findings, Reports
// The pprof-exact core (Pprof, Analysis) never depends on the heuristics (Findings).
// UseCases is a target of its own, above Reports: a use case loads the rules, asks the
// Pipeline, builds a report and says what to write and whether --fail-on fails, which is more
// than what a report prints; and it must not need the argument parser, so that a test (or
// another front end) runs a command in-process: an options value in, bytes and a verdict out.
// proflens only declares the options and hands each use case's result to one writer.
// The bench's ProfileGenerator writes through Pprof's WireWriter (it reads nothing with it).
// Linux only (Debian): several targets call Glibc, and RE2 is linked as libre2.a with GNU ld.
let package = Package(
    name: "proflens",
    products: [
        .executable(name: "proflens", targets: ["proflens"]),
        .library(name: "Pprof", targets: ["Pprof"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Findings", targets: ["Findings"]),
        .library(name: "FlameGraph", targets: ["FlameGraph"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libcurl from the system (Debian: libcurl4-openssl-dev), for live profiles.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // RE2, Go's regular expression engine, from the system (Debian: libre2-dev) behind a C
        // shim. Linked from libre2.a, so that no build needs libre2's shared library to run.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary(":libre2.a")]),
        // The C library's allocator settings (glibc's mallopt): the command-line tool's, and
        // the Pipeline's while it reads many profiles one after another.
        .systemLibrary(name: "CMalloc"),
        // A prefetch hint (Swift has none), for loops that read scattered memory in a known order.
        .systemLibrary(name: "CPrefetch"),
        // Reading profiles: gzip, protobuf wire format, profile.proto model and validation.
        .target(name: "Pprof", dependencies: ["CZlib", "CPrefetch"]),
        // What go tool pprof computes: load-time transforms, frames, top/traces, folding, diffs.
        .target(name: "Analysis", dependencies: ["Pprof", "CPrefetch", "CRE2"]),
        // Reading Go source: a lexer, a block-structure reader, and the map anti-pattern shape checks.
        .target(name: "GoSource"),
        // The map anti-pattern rules: signals, classifier, findings, what the source says.
        .target(name: "Findings", dependencies: ["Analysis", "Pprof", "GoSource"]),
        // Flame graphs: layout, palettes, SVG with its embedded script. The script and the style
        // sheet are files, compiled into the module as bytes (embedInCode: no bundle to install).
        .target(name: "FlameGraph", dependencies: ["Analysis", "Pprof", "CPrefetch"],
                resources: [.embedInCode("Resources/flame-graph.js"), .embedInCode("Resources/flame-graph.css")]),
        // Fetching profiles from a live Go service over HTTP(S) (libcurl), or from stdin.
        .target(name: "ProfileFetch", dependencies: ["CCurl"]),
        // Which samples, of which profiles, seen how: every command's first step.
        .target(name: "Pipeline", dependencies: ["Analysis", "Pprof", "ProfileFetch", "CMalloc"]),
        // What the commands print: analyze and compare reports (text, JSON, one-file HTML pages), differential graphs.
        // The page's script and style sheet are files, compiled in as bytes like the flame graph's.
        .target(name: "Reports", dependencies: ["Pipeline", "Analysis", "Findings", "FlameGraph", "GoSource", "Pprof"],
                resources: [.embedInCode("Resources/report.js"), .embedInCode("Resources/report.css")]),
        // One use case per command: its options value in; the bytes to write, the notes and the
        // --fail-on verdict out; and the one mapping of errors to exit codes.
        .target(name: "UseCases", dependencies: ["Reports", "Pipeline", "Analysis", "Findings", "FlameGraph", "Pprof"]),
        // The command-line tool: declarations that call the use cases.
        .executableTarget(
            name: "proflens",
            dependencies: [
                "CMalloc", "UseCases", "Pipeline", "Reports", "Analysis", "Findings", "FlameGraph", "Pprof",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes large deterministic profiles for `make bench`, through Pprof's WireWriter (it reads none).
        .executableTarget(name: "ProfileGenerator", dependencies: ["Pprof"]),
        // What several test targets share: where the corpus and samples are, profiles built in code.
        .target(name: "TestSupport", dependencies: ["Pprof"], path: "Tests/TestSupport"),
        .testTarget(name: "PprofTests", dependencies: ["Pprof", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Pprof", "TestSupport"], exclude: ["Goldens"]),
        .testTarget(name: "FindingsTests", dependencies: ["Findings", "Analysis", "Pprof", "TestSupport"]),
        .testTarget(name: "FlameGraphTests", dependencies: ["FlameGraph", "Analysis", "Pprof", "TestSupport"], exclude: ["Goldens"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Reports", "Findings", "FlameGraph", "Analysis", "Pprof", "TestSupport"], exclude: ["Goldens"]),
        // The HTML reports: escaping, self-containment, and their scripts in headless Chromium.
        .testTarget(name: "HTMLReportTests", dependencies: ["Reports", "Pipeline", "Findings", "FlameGraph", "Analysis", "Pprof", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["proflens", "TestSupport"], exclude: ["Goldens"]),
        // The commands run in-process: options in, the bytes each writes and its verdict out.
        .testTarget(name: "UseCasesTests", dependencies: ["UseCases", "Reports", "Pipeline", "Findings", "Analysis", "Pprof", "TestSupport"]),
        // Builds and runs a Go net/http/pprof server from Fixtures/ (needs Go; skipped without).
        .testTarget(name: "ProfileFetchTests", dependencies: ["ProfileFetch", "TestSupport"], exclude: ["Fixtures"]),
        // Reading Go source: the lexer on both standard libraries, the shape checks on look-alikes.
        .testTarget(name: "GoSourceTests", dependencies: ["GoSource", "TestSupport"]),
    ]
)
