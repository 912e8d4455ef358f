import Analysis
import Foundation
import Pipeline
import Pprof
import Reports
import TestSupport
import Testing

/// Every profile of the shared corpus, through the pipeline, against what `go tool pprof`
/// printed for it (made by ../shared/corpus/regen-expected.sh; commands in each folder's
/// COMMANDS.md), byte for byte: Go 1.27's pprof (expected-go1.27/, the reference) by default,
/// and Go 1.19's (expected/) with --pprof-compat 1.19.
@Suite struct CorpusGoldenTests {
    /// (folder, compatibility) pairs.
    static let references: [(String, PprofCompatibility)] = [("expected-go1.27", .current), ("expected", .go119)]

    static func goldens(suffix: String) -> [String] {
        guard Corpus.isPresent else { return [] }
        return references.flatMap { folder, _ in
            Paths.files(in: Corpus.file(folder), suffix: suffix)
                .map { "\(folder)/\($0.lastPathComponent)" }
                .filter { !$0.hasSuffix(".symbolize-none.top.txt") }
        }
    }

    static func compatibility(of golden: String) -> PprofCompatibility {
        references.first { golden.hasPrefix($0.0 + "/") }!.1
    }

    @Test(.needsCorpus) func bothReferencesArePresent() {
        #expect(Self.goldens(suffix: ".top.txt").filter { $0.hasPrefix("expected-go1.27/") }.count >= 70)
        #expect(Self.goldens(suffix: ".top.txt").filter { $0.hasPrefix("expected/") }.count >= 70)
    }

    /// `go tool pprof -top -nodecount=25 -sample_index=X FILE`.
    @Test(.needsCorpus, arguments: goldens(suffix: ".top.txt"))
    func topMatches(_ golden: String) throws {
        let name = String(golden.split(separator: "/").last!)
        let stem = String(name.dropLast(".top.txt".count))
        let dot = try #require(stem.lastIndex(of: "."))
        var request = ProfileRequest(sources: [.file(Corpus.profile(String(stem[..<dot])).path)])
        request.sampleIndex = String(stem[stem.index(after: dot)...])
        request.compatibility = Self.compatibility(of: golden)
        let actual = Data(try Pipeline.prepare(request).topReport(nodeCount: 25).text())
        let expected = try Data(contentsOf: Corpus.file(golden))
        if actual != expected {
            Issue.record("\(golden) differs:\n--- proflens\n\(String(decoding: actual, as: UTF8.self))\n--- go tool pprof\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    /// `go tool pprof -traces FILE` (default sample type); the reference keeps the first 3000
    /// lines of long outputs.
    @Test(.needsCorpus, arguments: goldens(suffix: ".traces.txt"))
    func tracesMatch(_ golden: String) throws {
        let name = String(golden.split(separator: "/").last!)
        var request = ProfileRequest(sources: [.file(Corpus.profile(String(name.dropLast(".traces.txt".count))).path)])
        request.compatibility = Self.compatibility(of: golden)
        var actual = Data(try Pipeline.prepare(request).tracesText())
        var lines = 0
        if let cut = actual.firstIndex(where: { byte in
            if byte == UInt8(ascii: "\n") { lines += 1 }
            return lines == 3000
        }) {
            actual = actual.prefix(through: cut)
        }
        let expected = try Data(contentsOf: Corpus.file(golden))
        #expect(actual == expected, "\(golden) differs from go tool pprof -traces")
    }

    @Test(.needsCorpus) func everyCorpusFileHasAReferenceOrARejection() throws {
        for (folder, _) in Self.references {
            let expected = Set(try FileManager.default.contentsOfDirectory(atPath: Corpus.file(folder).path))
            for profile in Corpus.profileNames.map(Corpus.profile) {
                let name = profile.lastPathComponent
                let hasTop = expected.contains { $0.hasPrefix(name + ".") && $0.hasSuffix(".top.txt") }
                let rejected = expected.contains(name + ".error.txt")
                #expect(hasTop != rejected, "\(folder)/\(name): expected either reference tables or a rejection")
                let request = ProfileRequest(sources: [.file(profile.path)])
                if rejected {
                    #expect(throws: PipelineError.self) { try Pipeline.prepare(request) }
                } else {
                    _ = try Pipeline.prepare(request)
                }
            }
        }
    }
}
