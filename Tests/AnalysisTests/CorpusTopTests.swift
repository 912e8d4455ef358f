import Analysis
import Foundation
import Pprof
import Testing

/// `proflens top` must print what `go tool pprof -top -nodecount=25 -sample_index=X` printed
/// for every profile of the shared corpus (../shared/corpus/expected, made by
/// ../shared/corpus/regen-expected.sh with Go 1.19.8), byte for byte.
@Suite struct CorpusTopTests {
    static func referenceOutputs() -> [String] {
        guard let corpus = Paths.corpusIfPresent() else { return [] }
        return Paths.files(in: corpus.appendingPathComponent("expected"), suffix: ".top.txt")
            .map(\.lastPathComponent)
            .filter { !$0.hasSuffix(".symbolize-none.top.txt") }
    }

    @Test(arguments: referenceOutputs())
    func matchesGoToolPprof(_ expectedName: String) throws {
        let corpus = Paths.corpus
        let stem = String(expectedName.dropLast(".top.txt".count))
        let dot = try #require(stem.lastIndex(of: "."))
        let file = String(stem[..<dot])
        let sampleIndex = String(stem[stem.index(after: dot)...])
        let profile = try ProfileReader().read(path: corpus.appendingPathComponent("profiles/\(file)").path)
        let index = try SampleTypeSelection.index(sampleIndex, in: profile)
        var options = TopReport.Options()
        options.nodeCount = 25
        let report = TopReport(profile: profile.applyingDropFrames(), sampleIndex: index, options: options)
        let expected = try Data(contentsOf: corpus.appendingPathComponent("expected/\(expectedName)"))
        let actual = Data(report.text())
        if actual != expected {
            Issue.record("\(expectedName) differs:\n--- proflens\n\(String(decoding: actual, as: UTF8.self))\n--- go tool pprof\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    @Test func everyCorpusFileHasAReferenceOrARejection() throws {
        guard let corpus = Paths.corpusIfPresent() else { return }
        let expected = Set(try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent("expected").path))
        for profile in Paths.files(in: corpus.appendingPathComponent("profiles"), suffix: "") {
            let name = profile.lastPathComponent
            let hasTop = expected.contains { $0.hasPrefix(name + ".") && $0.hasSuffix(".top.txt") }
            let rejected = expected.contains(name + ".error.txt")
            #expect(hasTop != rejected, "\(name): expected either reference tables or a rejection")
            if rejected {
                #expect(throws: ProfileReadError.self) { try ProfileReader().read(path: profile.path) }
            } else {
                _ = try ProfileReader().read(path: profile.path)
            }
        }
    }

    static func referenceTraces() -> [String] {
        guard let corpus = Paths.corpusIfPresent() else { return [] }
        return Paths.files(in: corpus.appendingPathComponent("expected"), suffix: ".traces.txt").map(\.lastPathComponent)
    }

    /// `go tool pprof -traces` with the default sample type; the reference keeps the first
    /// 3000 lines of long outputs.
    @Test(arguments: referenceTraces())
    func tracesMatchGoToolPprof(_ expectedName: String) throws {
        let corpus = Paths.corpus
        let file = String(expectedName.dropLast(".traces.txt".count))
        let profile = try ProfileReader().read(path: corpus.appendingPathComponent("profiles/\(file)").path).applyingDropFrames()
        let index = try SampleTypeSelection.index(nil, in: profile)
        let expected = try Data(contentsOf: corpus.appendingPathComponent("expected/\(expectedName)"))
        var actual = Data(TracesReport.text(profile: profile, sampleIndex: index))
        var lines = 0
        if let cut = actual.firstIndex(where: { byte in
            if byte == UInt8(ascii: "\n") { lines += 1 }
            return lines == 3000
        }) {
            actual = actual.prefix(through: cut)
        }
        #expect(actual == expected, "\(expectedName) differs from go tool pprof -traces")
    }
}
