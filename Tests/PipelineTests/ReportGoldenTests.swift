import Analysis
import Findings
import Foundation
import Pipeline
import Reports
import TestSupport
import Testing

/// What `analyze` and `compare` print for one sample pair (Go 1.27's AP1 program, broken and
/// fixed), kept as goldens a reviewer reads (Goldens/COMMANDS.md): text and JSON. The numbers
/// in them are checked elsewhere against go tool pprof; these catch any unintended change to
/// the reports themselves. Paths are written relative to the package root.
@Suite struct ReportGoldenTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static let version = "go1.27"

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
        let report = AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: .builtin, locator: locator, nodeCount: 10)
        GoldenFile.check(Self.relative(report.render(.text)), against: Self.goldens.appendingPathComponent("analyze.txt"))
        GoldenFile.check(Self.relative(report.render(.json)), against: Self.goldens.appendingPathComponent("analyze.json"))
    }

    @Test func compareTextAndJSON() throws {
        try #require(SampleProfiles.versions.contains(Self.version), "samples/profiles/\(Self.version) is committed")
        var request = ProfileRequest(sources: [Self.source("ap1-range-mutate-fixed", "cpu")])
        request.baseSources = [Self.source("ap1-range-mutate", "cpu")]
        let comparison = try Pipeline.prepareComparison(request)
        let findings = comparison.findingsDiff(rules: .builtin)
        var report = CompareReport(comparison, findings: findings, baseNames: [comparison.base.name], newNames: [comparison.new.name])
        report.nodeCount = 10
        GoldenFile.check(Self.relative(report.render(.text)), against: Self.goldens.appendingPathComponent("compare.txt"))
        GoldenFile.check(Self.relative(report.render(.json)), against: Self.goldens.appendingPathComponent("compare.json"))
    }
}
