import Analysis
@testable import Findings
import Foundation
import Pprof
import TestSupport
import Testing

/// The findings checked against the sample programs' sources (samples/<program>/main.go):
/// on every positive the pattern's statement is confirmed; on the fixed runs and the hard
/// negatives nothing is; without the sources the findings stay as they are, with `unknown`.
@Suite struct SourceEvidenceTests {
    /// As the samples' profiles name their files: proflens/samples/<program>/main.go.
    static let locator = SourceLocator(searchPaths: [Paths.samples.path], trimPaths: ["proflens/samples"])

    static func annotated(_ version: String, _ run: String, locator: SourceLocator = locator) throws -> [Finding] {
        let inputs = try Paths.files(in: SampleProfiles.folder(run, version: version), suffix: ".pb.gz").map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
        return SourceAnnotator.annotate(Classifier.findings(inputs), inputs: inputs, locator: locator).findings
    }

    /// Each positive's pattern and the statements its source evidence may name (AP2's sample
    /// has both mitigations gone wrong: the write-heavy sync.Map and the one hot mutex).
    static let positives: [(String, String, [String])] = [
        ("ap1-range-mutate", "AP1", ["c.sessions = next"]),
        ("ap2-lock-contention", "AP2", ["t.inflight.", "r.mu.Lock()"]),
        ("ap3-delete-keep-ref", "AP3", ["t.progress[id] = nil"]),
        ("ap4-never-shrink", "AP4", ["r.conns"]),
    ]

    @Test(arguments: SampleProfiles.versions)
    func positivesAreConfirmedWithTheirStatement(_ version: String) throws {
        for (program, id, statements) in Self.positives {
            for run in [program, program + "-moderate"] {
                let finding = try #require(try Self.annotated(version, run).first { $0.id == id }, "\(version) \(run): no \(id)")
                let evidence = try #require(finding.sourceEvidence, "\(version) \(run): no source evidence")
                #expect(evidence.status == .confirmed, "\(version) \(run): \(evidence.status) \(evidence.reason)")
                #expect(statements.contains { evidence.statement?.contains($0) == true }, "\(version) \(run): \(evidence.statement ?? "-")")
                #expect(evidence.line != nil && finding.source?.lines.contains { $0.hot } == true)
            }
        }
    }

    @Test(arguments: SampleProfiles.versions, ["ap1-range-mutate-fixed", "ap2-lock-contention-fixed", "ap3-delete-keep-ref-fixed", "ap4-never-shrink-fixed",
                                              "dense-iterate", "alloc-churn", "map-requests", "lock-uncontended", "healthy"])
    func fixedRunsAndLookAlikesConfirmNothing(_ version: String, _ run: String) throws {
        for finding in try Self.annotated(version, run) {
            #expect(finding.sourceEvidence?.status != .confirmed, "\(version) \(run): \(finding.id) \(finding.sourceEvidence?.statement ?? "")")
        }
    }

    @Test func missingSourcesChangeNothingButSayUnknown() throws {
        let nowhere = SourceLocator(searchPaths: [FileManager.default.temporaryDirectory.appendingPathComponent("proflens-no-source-\(UUID().uuidString)").path])
        let version = try #require(SampleProfiles.versions.first)
        for (program, _, _) in Self.positives {
            let inputs = try Paths.files(in: SampleProfiles.folder(program, version: version), suffix: ".pb.gz").map { url in
                Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
            }
            let plain = Classifier.findings(inputs)
            let result = SourceAnnotator.annotate(plain, inputs: inputs, locator: nowhere)
            #expect(result.findings.map(\.level) == plain.map(\.level) && result.findings.map(\.id) == plain.map(\.id))
            #expect(result.findings.allSatisfy { $0.source == nil && ($0.sourceEvidence == nil || $0.sourceEvidence?.status == .unknown) })
            #expect(!result.missingFiles.isEmpty)
        }
    }

    /// Re-keying inside a range (delete the old key, insert the new one) does not grow the map:
    /// only the inserts under the ranging function show, and only the source says whether they
    /// go into the ranged map. Batch 1's blind programs (seen since; training data now): a
    /// re-keying loop, and a look-alike that ranges one map while filling another.
    static let batch1 = Paths.samples.appendingPathComponent("blind/batch1")
    static let batch1Locator = SourceLocator(searchPaths: [batch1.path], trimPaths: ["/work/blind/batch1"])

    static func blindFindings(_ program: String, _ version: String, source: Bool) throws -> [Finding] {
        let inputs = try Paths.files(in: batch1.appendingPathComponent("\(program)/\(version)"), suffix: ".pb.gz").map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
        let findings = Classifier.findings(inputs)
        return source ? SourceAnnotator.annotate(findings, inputs: inputs, locator: batch1Locator).findings : findings
    }

    static let keysInserted = "Keys inserted into a map while ranging over it"
    static let grown = "Map rebuilt or grown while ranging over it"

    @Test func keysInsertedWhileRangingNeedTheSource() throws {
        // Re-keying on Go 1.19: no growth finding at all; the inserts under the ranging
        // function are info until the source shows them going into the ranged map.
        let plain = try #require(try Self.blindFindings("d-key-normalize-rename", "go1.19", source: false).first { $0.title == Self.keysInserted })
        #expect(plain.level == .info && plain.culprits.first?.name == "main.canonicalizeHeaders")
        #expect(plain.signals.first { $0.name == "sourceShape" }?.seen == false)
        #expect(plain.confirmSteps.contains { $0.evidence == .source })
        let sourced = try #require(try Self.blindFindings("d-key-normalize-rename", "go1.19", source: true).first { $0.title == Self.keysInserted })
        #expect(sourced.sourceEvidence?.status == .confirmed && sourced.signals.filter { $0.name == "sourceShape" }.map(\.seen) == [true])
        // 6.5% of the CPU: the share's level (info) is as high as the source can raise it.
        #expect(sourced.level == .info)
        // A handler that ranges a decoded JSON map while filling a new one: the source does
        // not confirm it.
        let lookAlike = try #require(try Self.blindFindings("b-json-gateway", "go1.19", source: true).first { $0.title == Self.keysInserted })
        #expect(lookAlike.level == .info && lookAlike.sourceEvidence?.status != .confirmed)
    }

    @Test func keysInsertedYieldToGrowthOfTheSameCulprit() throws {
        // Insert during range that grows the map: the growth finding says it all (critical);
        // the keys-inserted finding of the same function is left out.
        let findings = try Self.blindFindings("a-dns-alias-insert", "go1.27", source: true)
        let growth = try #require(findings.first { $0.title == Self.grown })
        #expect(growth.culprits.first?.name == "main.(*AnswerCache).refresh" && growth.level == .critical)
        #expect(!findings.contains { $0.title == Self.keysInserted && $0.culprits.first?.name == "main.(*AnswerCache).refresh" })
        // The same where the source raises the growth finding above the inserts' (a loop
        // that re-makes the map it ranges and copies back into it).
        let remake = try Self.blindFindings("b-config-reset-remake", "go1.19", source: true)
        #expect(remake.first { $0.title == Self.grown }?.level == .critical)
        #expect(!remake.contains { $0.title == Self.keysInserted })
        // Without the source both are info: the growth finding, which says more, stands alone.
        let plain = try Self.blindFindings("b-config-reset-remake", "go1.19", source: false)
        #expect(!plain.contains { $0.title == Self.keysInserted } && plain.first { $0.title == Self.grown }?.level == .info)
    }
}

/// AP3's culprit is the code that keeps the values alive, found in the source, not the code that
/// allocates them (blind batch 3 labelled the keeper; the profiles name only the allocator).
@Suite struct KeeperCulpritTests {
    /// Run, Go version, the keeper and the statement that keeps, the allocator it keeps for.
    static let runs: [(String, String, String, String, String)] = [
        ("i-sessions-nil-delete", "go1.19", "main.logout", "sh.byID[id] = nil", "main.login"),
        ("i-sessions-nil-delete", "go1.27", "main.logout", "sh.byID[id] = nil", "main.login"),
        ("j-upload-chunks-list", "go1.27", "main.(*Gateway).Commit", "g.recent.PushFront(u)", "main.(*Gateway).PutChunk"),
        ("k-history-second-map", "go1.19", "main.(*desk).place", "d.byCustomer[o.CustomerID] = append(d.byCustomer[o.CustomerID], o)", "main.newOrder"),
        ("k-history-second-map", "go1.27", "main.(*desk).place", "d.byCustomer[o.CustomerID] = append(d.byCustomer[o.CustomerID], o)", "main.newOrder"),
    ]

    @Test(arguments: runs.indices)
    func theKeeperLeadsTheCulprits(_ index: Int) throws {
        let (run, version, keeper, statement, allocator) = Self.runs[index]
        let batch = Paths.samples.appendingPathComponent("blind/batch3")
        let inputs = try Paths.files(in: batch.appendingPathComponent("\(run)/\(version)"), suffix: ".pb.gz").map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
        let locator = SourceLocator(searchPaths: [batch.appendingPathComponent(run).path], trimPaths: ["/work/blind/batch3/\(run)"])
        let plain = try #require(Classifier.findings(inputs).first { $0.id == "AP3" && $0.sampleType == "inuse_space" })
        #expect(plain.culprits.first?.name == allocator, "without the source the profile names the allocator")
        let finding = try #require(SourceAnnotator.annotate(Classifier.findings(inputs), inputs: inputs, locator: locator).findings
            .first { $0.id == "AP3" && $0.sampleType == "inuse_space" })
        #expect(finding.sourceEvidence?.status == .confirmed && finding.sourceEvidence?.statement == statement, "\(String(describing: finding.sourceEvidence))")
        let first = try #require(finding.culprits.first)
        #expect(first.name == keeper && first.keeps == allocator && first.share == plain.culprits.first?.share)
        #expect(first.location?.hasSuffix("main.go:\(finding.sourceEvidence?.line ?? 0)") == true, "\(first.location ?? "-")")
        #expect(finding.culprits.dropFirst().first?.name == allocator)
        #expect(finding.level >= plain.level)
    }
}
