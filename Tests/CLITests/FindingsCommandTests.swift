import Foundation
import TestSupport
import Testing

/// Findings from the command line: --fail-on for CI, --rules for a team's own patterns, the
/// JSON schema, and flame --highlight.
@Suite struct FindingsCommandTests {
    func profiles(_ sample: String) -> [String] { SampleProfiles.cpuAndHeap(sample) }

    @Test func failOnSetsTheExitStatus() throws {
        #expect(try CLI.run(["analyze", "--fail-on", "warning"] + profiles("ap4-never-shrink")).status == 1)
        #expect(try CLI.run(["analyze", "--fail-on", "critical"] + profiles("ap4-never-shrink")).status == 1)
        #expect(try CLI.run(["analyze", "--fail-on", "warning"] + profiles("healthy")).status == 0)
        #expect(try CLI.run(["analyze"] + profiles("ap4-never-shrink")).status == 0)
        #expect(try CLI.run(["analyze", "--fail-on", "severe"] + profiles("healthy")).status == 64)
    }

    @Test func textNamesThePatternTheCulpritAndTheFix() throws {
        let result = try CLI.run(["analyze"] + profiles("ap4-never-shrink"))
        #expect(result.text.contains("CRITICAL AP4 Map iterated far beyond its live size"))
        #expect(result.text.contains("main.(*Registry).Broadcast (") && result.text.contains("main.go:"))
        #expect(result.text.contains("fix:       When a map has shrunk"))
        // No colour codes when the output is not a terminal.
        #expect(!result.text.contains("\u{1B}["))
    }

    @Test func jsonFindingsFollowTheSchema() throws {
        let result = try CLI.run(["analyze", "--format", "json"] + profiles("ap1-range-mutate"))
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let first = try #require(findings.first)
        #expect(first["id"] as? String == "AP1")
        #expect(first["level"] as? String == "critical")
        let share = try #require(first["share"] as? Double)
        #expect(share > 0 && share <= 1)
        #expect((first["value"] as? NSNumber)?.int64Value ?? 0 > 0)
        #expect(first["sampleType"] as? String == "cpu")
        #expect((first["culprits"] as? [String])?.first == "main.(*SessionCache).Expire")
        #expect((first["fix"] as? String)?.isEmpty == false)
    }

    @Test func customRulesReplaceTheBuiltInOnes() throws {
        let rules = #"{"rules": [{"id": "TEAM1", "title": "JSON everywhere", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^encoding/json\\."], "thresholds": {"info": 0.0001, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "use a faster encoder"}]}"#
        let file = try CLI.temporaryFile(Array(rules.utf8), name: "rules-\(UUID().uuidString).json")
        let result = try CLI.run(["analyze", "--rules", file.path, "--format", "json", profiles("healthy")[0]])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let ids = (document["findings"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["TEAM1"])
        let bad = try CLI.temporaryFile(Array(#"{"rules": [{"id": "X"}]}"#.utf8))
        let rejected = try CLI.run(["analyze", "--rules", bad.path, profiles("healthy")[0]])
        #expect(rejected.status == 64 && rejected.stderr.contains("missing"))
        #expect(try CLI.run(["analyze", "--rules", "/nonexistent.json", profiles("healthy")[0]]).status == 66)
        let folder = try CLI.run(["analyze", "--rules", FileManager.default.temporaryDirectory.path, profiles("healthy")[0]])
        #expect(folder.status == 66 && folder.stderr.hasSuffix(": cannot read the rules file: is a directory\n"), "\(folder.stderr)")
    }

    @Test func rulesCommandPrintsTheBuiltInRulesInTheRulesFormat() throws {
        let printed = try CLI.run(["rules"])
        let file = try CLI.temporaryFile(Array(printed.stdout), name: "builtin-\(UUID().uuidString).json")
        // The printed rules, loaded back as a --rules file, find the same thing.
        let a = try CLI.run(["analyze", "--format", "json", "--rules", file.path] + profiles("ap4-never-shrink"))
        let b = try CLI.run(["analyze", "--format", "json"] + profiles("ap4-never-shrink"))
        #expect(a.status == 0 && a.stdout == b.stdout)
    }

    @Test func flameHighlightMarksMatchedFramesAndCulprits() throws {
        let result = try CLI.run(["flame", "--highlight", profiles("ap4-never-shrink")[0]])
        #expect(result.status == 0)
        #expect(result.text.contains(">AP4 Map iterated far beyond its live size</text>"))
        #expect(result.text.contains(">AP4 culprit</text>"))
        #expect(result.text.contains(#"<g class="hl""#))
    }
}
