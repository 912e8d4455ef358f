import Foundation
import Testing
import TestSupport

/// `proflens analyze` end to end: its table is pprof's, and its JSON carries the same numbers.
@Suite struct AnalyzeTests {
    @Test(.needsCorpus) func tableEqualsTheReferenceTool() throws {
        let profile = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
        let result = try CLI.run(["analyze", "--nodecount", "25", "--sample-index", "cpu", profile])
        #expect(result.status == 0)
        let expected = try String(contentsOf: Corpus.file("expected-go1.27/pprof-go-sample-cpu.pb.gz.cpu.top.txt"), encoding: .utf8)
        #expect(result.text.contains(expected))
        #expect(result.text.contains("Findings"))
        #expect(result.text.contains("Kind:         CPU profile"))
        #expect(result.text.contains("Contents:     76 samples"))
    }

    @Test(.needsCorpus) func jsonCarriesRawValuesInTheSampleUnit() throws {
        let profile = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
        let result = try CLI.run(["analyze", "--format", "json", profile])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let profiles = try #require(document["profiles"] as? [[String: Any]])
        let first = try #require(profiles.first)
        #expect(first["kind"] as? String == "cpu")
        let sampleType = try #require(first["sampleType"] as? [String: Any])
        #expect(sampleType["type"] as? String == "cpu")
        #expect(sampleType["unit"] as? String == "nanoseconds")
        #expect((first["total"] as? NSNumber)?.int64Value == 1_760_000_000)
        let top = try #require(first["top"] as? [String: Any])
        let rows = try #require(top["rows"] as? [[String: Any]])
        // From the reference table: runtime.mapiternext 1.28s flat, 1.37s cum.
        #expect(rows.first?["name"] as? String == "runtime.mapiternext")
        #expect((rows.first?["flat"] as? NSNumber)?.int64Value == 1_280_000_000)
        #expect((rows.first?["cum"] as? NSNumber)?.int64Value == 1_370_000_000)
        #expect(rows.count == 14)
    }

    @Test(.needsCorpus) func jsonEscapesHostileNames() throws {
        // Every byte 0x00-0xFF is in one of this profile's function names.
        let profile = Corpus.profile("pyroscope-invalid-utf8.pb.gz").path
        let result = try CLI.run(["analyze", "--format", "json", profile])
        #expect(result.status == 0)
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: result.stdout) }
    }
}
