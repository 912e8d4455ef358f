import Foundation
import TestSupport
import Testing

/// `proflens compare` and differential flame graphs. The per-function deltas must be the
/// values `go tool pprof -top -diff_base` prints: `top --diff-base` reproduces the reference
/// outputs in samples/expected/diff byte for byte, and compare's rows must carry its numbers.
@Suite struct CompareCommandTests {
    func profile(_ sample: String, _ kind: String = "cpu") -> String { SampleProfiles.path(sample, kind) }

    /// The diff goldens of the newest Go version's profiles (the pipeline tests check them all).
    static func diffGoldens() -> [String] {
        let folder = Paths.samples.appendingPathComponent("expected/\(SampleProfiles.versions.first ?? "")/diff")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".top.txt") && !$0.contains("heap-growth") }.sorted()
    }

    @Test(arguments: diffGoldens())
    func diffBaseMatchesGoToolPprof(_ golden: String) throws {
        let parts = golden.dropLast(".top.txt".count).split(separator: ".").map(String.init)
        let sample = parts[0], kind = parts[1]
        var arguments = ["top", "--diff-base", profile(sample, kind), profile(sample + "-fixed", kind)]
        if kind == "heap" { arguments += ["--sample-index", parts[2]] }
        if parts.last == "normalize" { arguments.append("--normalize") }
        let result = try CLI.run(arguments)
        let expected = try Data(contentsOf: Paths.samples.appendingPathComponent("expected/\(SampleProfiles.versions.first ?? "")/diff/\(golden)"))
        #expect(result.status == 0 && result.stdout == expected, "\(golden): \(result.stderr)")
    }

    @Test func compareRowsCarryTheDiffValues() throws {
        let result = try CLI.run(["compare", "--format", "json", "--nodecount", "0", profile("ap4-never-shrink"), profile("ap4-never-shrink-fixed")])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        func delta(_ name: String, _ key: String) -> Int64? {
            guard let row = rows.first(where: { $0["name"] as? String == name }), let v = row[key] as? [String: Any] else { return nil }
            return (v["delta"] as! NSNumber).int64Value
        }
        // Every row of go tool pprof -top -diff_base's output carries the same flat and cum deltas.
        let golden = try String(contentsOf: Paths.samples.appendingPathComponent("expected/\(SampleProfiles.versions.first ?? "")/diff/ap4-never-shrink.cpu.top.txt"), encoding: .utf8)
        let reference = PprofTopText.cpuRows(golden)
        for row in reference {
            #expect(delta(row.name, "flat") == row.flat && delta(row.name, "cum") == row.cum, "\(row.name)")
        }
        #expect(reference.count >= 10)
        // Sorted by |flat delta|.
        let deltas = rows.compactMap { (($0["flat"] as? [String: Any])?["delta"] as? NSNumber)?.int64Value }
        #expect(deltas.map(abs) == deltas.map(abs).sorted(by: >))
    }

    @Test func findingsDiffAndFailOn() throws {
        let fixed = try CLI.run(["compare", profile("ap4-never-shrink"), profile("ap4-never-shrink-fixed"), "--fail-on", "warning"])
        #expect(fixed.status == 0)
        #expect(fixed.text.contains("AP4 Map iterated far beyond its live size: critical"))
        // The other way round the pattern appears: a change that introduces it fails CI.
        let broken = try CLI.run(["compare", profile("ap4-never-shrink-fixed"), profile("ap4-never-shrink"), "--fail-on", "warning"])
        #expect(broken.status == 1)
        #expect(broken.text.contains("(worse)"))
        let gone = try CLI.run(["compare", "--format", "json", profile("ap2-lock-contention"), profile("ap2-lock-contention-fixed")])
        let document = try #require(try JSONSerialization.jsonObject(with: gone.stdout) as? [String: Any])
        let entries = try #require(document["findings"] as? [[String: Any]])
        #expect(entries.first { $0["id"] as? String == "AP2" }?["status"] as? String == "fixed")
    }

    /// compare's findings are checked against their culprits' source as analyze's are: with
    /// ap1-range-mutate's source, AP1 is the critical finding analyze reports (its statement
    /// confirmed), and a new critical finding fails --fail-on critical; where the source is
    /// not, it stays the profile's info finding. Run outside the checkout, so that only
    /// --source-path can find the source.
    @Test func findingsAreSourceCheckedAsAnalyzeChecksThem() throws {
        let outside = FileManager.default.temporaryDirectory
        let broken = profile("ap1-range-mutate"), fixed = profile("ap1-range-mutate-fixed")
        let withSource = ["--source-path", Paths.samples.path], withoutSource = ["--source-path", outside.path]
        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try CLI.run(arguments, in: outside)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        }
        let analyzed = try #require((try json(["analyze", "--format", "json"] + withSource + [broken])["findings"] as? [[String: Any]])?
            .first { $0["id"] as? String == "AP1" })
        #expect(analyzed["level"] as? String == "critical")
        #expect((analyzed["sourceEvidence"] as? [String: Any])?["status"] as? String == "confirmed")
        func ap1After(_ source: [String]) throws -> String? {
            let entries = try json(["compare", "--format", "json"] + source + [fixed, broken])["findings"] as? [[String: Any]]
            return (entries?.first { $0["id"] as? String == "AP1" }?["after"] as? [String: Any])?["level"] as? String
        }
        #expect(try ap1After(withSource) == "critical")
        #expect(try ap1After(withoutSource) == "info")
        let failing = try CLI.run(["compare", "--fail-on", "critical"] + withSource + [fixed, broken], in: outside)
        #expect(failing.status == 1 && failing.text.contains("NEW AP1 Map rebuilt or grown while ranging over it: none -> critical"), "\(failing.text)")
        #expect(try CLI.run(["compare", "--fail-on", "critical"] + withoutSource + [fixed, broken], in: outside).status == 0)
    }

    @Test func filtersApplyToBothSides() throws {
        let result = try CLI.run(["compare", "--nodecount", "0", "--focus", "AppendFrame", profile("ap4-never-shrink"), profile("ap4-never-shrink-fixed")])
        #expect(result.status == 0)
        #expect(result.text.contains("gateway.AppendFrame") && !result.text.contains("(*Iter).Next"))
    }

    @Test func differentSampleTypesAre65() throws {
        let result = try CLI.run(["compare", profile("healthy", "cpu"), profile("healthy", "heap")])
        #expect(result.status == 65)
        #expect(result.stderr.contains("incompatible sample types"))
    }

    @Test func severalBaseProfilesAreMerged() throws {
        let result = try CLI.run(["compare", "--format", "json", "--base", profile("healthy"), "--base", profile("healthy"), profile("healthy")])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let total = try #require(document["total"] as? [String: Any])
        let base = (total["base"] as! NSNumber).int64Value, new = (total["new"] as! NSNumber).int64Value
        #expect(base == 2 * new && base > 0)
    }

    @Test func differentialFlameGraphKeepsVanishedFrames() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString).svg")
        let result = try CLI.run(["compare", profile("ap4-never-shrink"), profile("ap4-never-shrink-fixed"), "--svg", output.path])
        #expect(result.status == 0)
        let svg = try String(contentsOf: output, encoding: .utf8)
        // A frame only in the base is drawn (width from the larger value) with new = 0.
        #expect(svg.contains(#"data-n="0""#))
        #expect(svg.contains("base ") && svg.contains("delta "))
        // Grown frames red, shrunk frames blue.
        #expect(svg.contains("fill=\"rgb(255,") && svg.range(of: #"fill="rgb\(\d+,\d+,255\)""#, options: .regularExpression) != nil)
        let flame = try CLI.run(["flame", "--base", profile("ap4-never-shrink"), profile("ap4-never-shrink-fixed"), "-o", "-"])
        #expect(flame.status == 0 && flame.text.contains("Differential Flame Graph"))
    }
}

/// A function whose flat is nothing on either side (only its cum changed) is no change in flat:
/// the row says `-`, never `new`; a function that was not there before says `new`.
@Suite struct CompareZeroRowsTests {
    @Test func nothingOnEitherSideIsNotNew() throws {
        let result = try CLI.run(["compare", "--nodecount", "0", SampleProfiles.path("ap1-range-mutate-fixed"), SampleProfiles.path("ap1-range-mutate")])
        #expect(result.status == 0)
        let rows = result.text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 9 }
        let flatZero = rows.filter { $0[0] == "0" && $0[1] == "0" }
        // main.main is such a row (its cum changed, it has no flat of its own).
        #expect(flatZero.contains { $0[8] == "main.main" }, "\(result.text)")
        for row in flatZero { #expect(row[2] == "0" && row[3] == "-", "\(row)") }
        #expect(!result.text.contains(" 0          0          0      new"))
        let fromNothing = rows.filter { $0[0] == "0" && $0[1] != "0" }
        #expect(!fromNothing.isEmpty && fromNothing.allSatisfy { $0[3] == "new" }, "\(fromNothing)")
    }
}
