import Analysis
@testable import Findings
import Foundation
import Pprof
import TestSupport
import Testing

/// The rules on the sample programs of both Go versions (samples/profiles/go1.19 and go1.27):
/// every positive (and its moderate variant) found at warning or above with the right culprit,
/// on the profiles whose evidence can show it; every fixed variant, hard negative and the
/// healthy control below warning, on each profile alone and on all of a run together.
@Suite struct SampleFindingsTests {
    static let versions = ["go1.19", "go1.27"]

    /// A positive run: its pattern, the culprits that may be named, and the profile sets that
    /// carry the discriminating evidence (AP3 needs two heap profiles: GC work on a CPU
    /// profile is also what allocation churn costs).
    struct Positive: Sendable, CustomTestStringConvertible {
        var run: String
        var id: String
        var culprits: [String]
        var sets: [[String]]
        /// The profile cannot tell the pattern's shape from its look-alike; the source can (AP1
        /// re-making the ranged map: a CPU profile shows a map rebuilt while ranging, which a
        /// copy-on-write rebuild also does). Without it the finding is info.
        var needsSource = false
        var testDescription: String { "\(run) \(id)" }
    }

    static let positives: [Positive] = ["", "-moderate"].flatMap { suffix in [
        Positive(run: "ap1-range-mutate" + suffix, id: "AP1", culprits: ["main.(*SessionCache).Expire"], sets: [["cpu"], ["cpu", "heap"]], needsSource: true),
        Positive(run: "ap2-lock-contention" + suffix, id: "AP2",
                 culprits: ["main.(*RequestTracker).Start", "main.(*RequestTracker).Poll", "main.(*RequestTracker).Finish", "main.(*MetricsRegistry).Observe"],
                 sets: [["cpu", "mutex"], ["cpu", "block"], ["cpu", "mutex", "block", "goroutine", "heap"]]),
        Positive(run: "ap3-delete-keep-ref" + suffix, id: "AP3",
                 culprits: ["main.(*Upload).AddPart", "main.(*UploadTracker).Begin", "main.readBody", "main.receiveUpload"],
                 sets: [["heap-early", "heap"], ["cpu", "heap-early", "heap"]]),
        Positive(run: "ap4-never-shrink" + suffix, id: "AP4", culprits: ["main.(*Registry).Broadcast", "main.(*Registry).Prune"],
                 sets: [["cpu"], ["cpu", "heap"]]),
    ] }

    static let negatives = ["ap1-range-mutate-fixed", "ap2-lock-contention-fixed", "ap3-delete-keep-ref-fixed", "ap4-never-shrink-fixed",
                            "dense-iterate", "alloc-churn", "map-requests", "lock-uncontended", "healthy"]

    static func folder(_ version: String, _ run: String) -> URL {
        Paths.samples.appendingPathComponent("profiles/\(version)/\(run)")
    }

    static func inputs(_ version: String, _ run: String, kinds: [String]? = nil) throws -> [Classifier.Input] {
        let files = Paths.files(in: folder(version, run), suffix: ".pb.gz")
            .filter { kinds?.contains(String($0.lastPathComponent.dropLast(".pb.gz".count))) ?? true }
        return try files.map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
    }

    static func describe(_ findings: [Finding]) -> String {
        findings.map { "\($0.id) \($0.level.name) \(Int($0.share * 100))% \($0.culprits.first?.name ?? "-")" }.joined(separator: "; ")
    }

    @Test func bothVersionsArePresent() {
        for version in Self.versions {
            #expect(FileManager.default.fileExists(atPath: Self.folder(version, "healthy").path), "\(version) profiles missing")
        }
    }

    @Test(arguments: versions, positives)
    func positivesAreFoundWithTheirCulprit(_ version: String, _ positive: Positive) throws {
        for set in positive.sets {
            let inputs = try Self.inputs(version, positive.run, kinds: set)
            var findings = Classifier.findings(inputs)
            if positive.needsSource {
                let plain = try #require(findings.first { $0.id == positive.id }, "\(version) \(positive.run) \(set): no \(positive.id) without the source")
                #expect(plain.level == .info && positive.culprits.contains(plain.culprits.first?.name ?? ""), "\(version) \(positive.run) \(set): \(Self.describe(findings))")
                findings = SourceAnnotator.annotate(findings, inputs: inputs, locator: SourceEvidenceTests.locator).findings
            }
            let finding = try #require(findings.first { $0.id == positive.id }, "\(version) \(positive.run) \(set): no \(positive.id): \(Self.describe(findings))")
            #expect(finding.level >= .warning, "\(version) \(positive.run) \(set): \(Self.describe(findings))")
            #expect(positive.culprits.contains(finding.culprits.first?.name ?? ""), "\(version) \(positive.run) \(set): culprit \(finding.culprits.first?.name ?? "none")")
            // No other pattern claims a warning on a program that shows one pattern.
            let others = findings.filter { $0.id != positive.id && $0.level >= .warning }
            #expect(others.isEmpty, "\(version) \(positive.run) \(set): also \(Self.describe(others))")
        }
    }

    @Test(arguments: versions, negatives)
    func negativesStayBelowWarning(_ version: String, _ run: String) throws {
        let all = try Self.inputs(version, run)
        #expect(!all.isEmpty)
        // Each profile alone, and the whole run together.
        for set in all.map({ [$0] }) + [all] {
            let findings = Classifier.findings(set)
            #expect(findings.allSatisfy { $0.level < .warning }, "\(version) \(run) \(set.map(\.file)): \(Self.describe(findings))")
        }
        // The source raises no finding of a look-alike either.
        let sourced = SourceAnnotator.annotate(Classifier.findings(all), inputs: all, locator: SourceEvidenceTests.locator).findings
        #expect(sourced.allSatisfy { $0.level < .warning }, "\(version) \(run) with the source: \(Self.describe(sourced))")
    }
}
