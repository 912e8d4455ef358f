import Analysis
import Findings
import Foundation
import Pipeline
import Reports
import TestSupport
import Testing

/// What `analyze` and `compare` print for one sample pair (Go 1.27's AP1 program, broken and
/// fixed), kept as goldens a reviewer reads (Goldens/COMMANDS.md): text and JSON, our own
/// output, which catch any unintended change to the reports. Their numbers are checked here
/// against go tool pprof's outputs for the same profiles (samples/expected): analyze's tables
/// are pprof's -top tables byte for byte, compare's rows carry pprof's -diff_base deltas.
/// Paths are written relative to the package root.
@Suite struct ReportGoldenTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static let version = "go1.27"
    static let expected = Paths.samples.appendingPathComponent("expected/go1.27")

    static func relative(_ bytes: [UInt8]) -> [UInt8] {
        let root = Paths.packageRoot.path + "/"
        return Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: root, with: "").utf8)
    }

    static func source(_ run: String, _ kind: String) -> ProfileSource {
        .file(SampleProfiles.path(run, kind, version: version))
    }

    @Test func analyzeTextAndJSON() throws {
        try #require(SampleProfiles.versions.contains(Self.version), "samples/profiles/\(Self.version) is committed")
        let request = ProfileRequest(sources: [Self.source("ap1-range-mutate", "cpu"), Self.source("ap1-range-mutate", "heap")])
        let locator = SourceLocator(searchPaths: [Paths.samples.path], trimPaths: ["proflens/samples"])
        let report = AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: .builtin, locator: locator, nodeCount: 25)
        let text = String(decoding: report.render(.text), as: UTF8.self)
        for reference in ["cpu.cpu.top25.txt", "heap.inuse_space.top25.txt"] {
            let table = try String(contentsOf: Self.expected.appendingPathComponent("ap1-range-mutate/\(reference)"), encoding: .utf8)
            #expect(text.contains(table), "analyze's table is not go tool pprof's \(reference)")
        }
        GoldenFile.check(Self.relative(report.render(.text)), against: Self.goldens.appendingPathComponent("analyze.txt"))
        GoldenFile.check(Self.relative(report.render(.json)), against: Self.goldens.appendingPathComponent("analyze.json"))
    }

    @Test func compareTextAndJSON() throws {
        try #require(SampleProfiles.versions.contains(Self.version), "samples/profiles/\(Self.version) is committed")
        var request = ProfileRequest(sources: [Self.source("ap1-range-mutate-fixed", "cpu")])
        request.baseSources = [Self.source("ap1-range-mutate", "cpu")]
        let comparison = try Pipeline.prepareComparison(request)
        let findings = comparison.findingsDiff(rules: .builtin)
        let report = CompareReport(comparison, findings: findings, baseNames: [comparison.base.name], newNames: [comparison.new.name],
                                   nodeCount: 10)
        // Every row of go tool pprof -top -diff_base's output, with the same deltas (a function
        // without a row changed by nothing).
        let reference = PprofTopText.cpuRows(try String(contentsOf: Self.expected.appendingPathComponent("diff/ap1-range-mutate.cpu.top.txt"),
                                                         encoding: .utf8))
        #expect(reference.count >= 10)
        for row in reference {
            let compared = report.comparison.rows.first { $0.name == row.name }
            #expect((compared?.flat.delta ?? 0) == row.flat && (compared?.cum.delta ?? 0) == row.cum, "\(row.name)")
        }
        GoldenFile.check(Self.relative(report.render(.text)), against: Self.goldens.appendingPathComponent("compare.txt"))
        GoldenFile.check(Self.relative(report.render(.json)), against: Self.goldens.appendingPathComponent("compare.json"))
    }
}
