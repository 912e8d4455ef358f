import Analysis
import Foundation
import Pipeline
import Pprof
import Reports
import TestSupport
import Testing

/// The sample programs' profiles of both Go versions, through the pipeline, against what Go
/// 1.27's `go tool pprof` printed for them (samples/expected/, made by samples/generate.sh;
/// every command in samples/expected/COMMANDS.md), byte for byte: `-top` (default and
/// `-nodecount=25`) and `-traces` for every sample type, `-list` of the culprits, and
/// `-diff_base` (with and without `-normalize`) of every fixed run against its broken run and
/// of every run's late heap against its early one.
@Suite struct SampleGoldenTests {
    static let expected = Paths.samples.appendingPathComponent("expected")

    /// samples/expected/COMMANDS.md's table of -list labels and their regular expressions.
    static let listPatterns: [String: String] = [
        "Expire": #"^main\.\(\*SessionCache\)\.Expire$"#,
        "Observe": #"^main\.\(\*MetricsRegistry\)\.Observe$"#,
        "RequestTracker": #"^main\.\(\*RequestTracker\)\.(Start|Poll|Finish)$"#,
        "receiveUpload": #"^main\.(receiveUpload|readBody)$"#,
        "Begin-AddPart": #"^main\.(\(\*UploadTracker\)\.Begin|\(\*Upload\)\.AddPart)$"#,
        "Broadcast-Prune": #"^main\.\(\*Registry\)\.(Broadcast|Prune)$"#,
        "Register": #"^main\.\(\*Registry\)\.Register$"#,
        "Aggregate": #"^main\.\(\*Catalog\)\.Aggregate$"#,
        "Load": #"^main\.\(\*Catalog\)\.Load$"#,
        "collectOffers": #"^main\.\(\*Catalog\)\.collectOffers$"#,
        "normalize": #"^main\.normalize$"#,
        "Allow": #"^main\.\(\*Shard\)\.Allow$"#,
    ]

    /// "go1.27/ap1-range-mutate/cpu.cpu.top.txt", ... (diff goldens apart).
    static func goldens() -> [String] {
        SampleProfiles.versions.flatMap { version in
            let runs = ((try? FileManager.default.contentsOfDirectory(atPath: expected.appendingPathComponent(version).path)) ?? [])
                .filter { $0 != "diff" }.sorted()
            return runs.flatMap { run in
                Paths.files(in: expected.appendingPathComponent("\(version)/\(run)"), suffix: ".txt").map { "\(version)/\(run)/\($0.lastPathComponent)" }
            }
        }
    }

    static func diffGoldens() -> [String] {
        SampleProfiles.versions.flatMap { version in
            Paths.files(in: expected.appendingPathComponent("\(version)/diff"), suffix: ".top.txt").map { "\(version)/diff/\($0.lastPathComponent)" }
        }
    }

    static func profile(_ version: String, _ run: String, _ kind: String) -> ProfileSource {
        .file(SampleProfiles.path(run, kind, version: version))
    }

    @Test func thereAreGoldensForBothVersions() {
        #expect(SampleProfiles.versions.count == 2)
        #expect(Self.goldens().count > 500 && Self.goldens().contains { $0.contains(".list.") })
        #expect(Self.diffGoldens().count > 60)
    }

    @Test(arguments: goldens())
    func matchesGoToolPprof(_ golden: String) throws {
        let parts = golden.split(separator: "/").map(String.init)
        let (version, run) = (parts[0], parts[1])
        let components = parts[2].dropLast(".txt".count).split(separator: ".").map(String.init)  // kind.type.what[.label]
        var request = ProfileRequest(sources: [Self.profile(version, run, components[0])])
        request.sampleIndex = components[1]
        let prepared = try Pipeline.prepare(request)
        let actual: [UInt8]
        switch components[2] {
        case "top": actual = prepared.topReport().text()
        case "top25": actual = prepared.topReport(nodeCount: 25).text()
        case "traces": actual = prepared.tracesText()
        case "list":
            let pattern = try #require(Self.listPatterns[components[3]], "no pattern for \(components[3])")
            // As generate.sh runs pprof: from samples/, -source_path=. -trim_path=proflens/samples.
            let locator = SourceLocator(searchPaths: [Paths.samples.path], trimPaths: ["proflens/samples"])
            actual = prepared.listReport(matching: try GoRegex(pattern), locator: locator).text()
        default:
            Issue.record("unknown golden kind \(components[2])")
            return
        }
        let expected = try Data(contentsOf: Self.expected.appendingPathComponent(golden))
        if Data(actual) != expected {
            Issue.record("\(golden) differs from go tool pprof:\n--- proflens\n\(String(decoding: actual.prefix(3000), as: UTF8.self))\n--- go tool pprof\n\(String(decoding: expected.prefix(3000), as: UTF8.self))")
        }
    }

    @Test(arguments: diffGoldens())
    func diffMatchesGoToolPprof(_ golden: String) throws {
        let parts = golden.split(separator: "/").map(String.init)
        let version = parts[0]
        let components = parts[2].dropLast(".top.txt".count).split(separator: ".").map(String.init)
        var request: ProfileRequest
        if components[1] == "heap-growth" {
            // R.heap-growth.inuse_space: the early heap as the base of the late one.
            request = ProfileRequest(sources: [Self.profile(version, components[0], "heap")])
            request.baseSources = [Self.profile(version, components[0], "heap-early")]
            request.sampleIndex = components[2]
        } else {
            // A.cpu[.normalize] or A.heap.SI[.normalize]: the broken run as the base of the fixed one.
            let kind = components[1]
            request = ProfileRequest(sources: [Self.profile(version, components[0] + "-fixed", kind)])
            request.baseSources = [Self.profile(version, components[0], kind)]
            if kind == "heap" { request.sampleIndex = components[2] }
            request.normalize = components.last == "normalize"
        }
        let actual = Data(try Pipeline.prepareComparison(request).combined.topReport().text())
        let expected = try Data(contentsOf: Self.expected.appendingPathComponent(golden))
        #expect(actual == expected, "\(golden) differs from go tool pprof -diff_base")
    }
}
