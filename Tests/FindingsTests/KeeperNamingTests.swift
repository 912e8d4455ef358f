import Analysis
@testable import Findings
import Foundation
import Pprof
import TestSupport
import Testing

/// Heap findings charge the code that allocated; the code to fix is where the values are kept
/// (AP3) or where a map is emptied without being re-made (AP4's held table). With the source,
/// that function leads the culprits, for what the allocator allocates. On blind batch 5's runs
/// (samples/blind/batch5, Go 1.27), whose labels name the keeper.
@Suite struct KeeperNamingTests {
    static let batch = Paths.samples.appendingPathComponent("blind/batch5")
    /// The blind programs were built in /work/blind/batch5: their profiles name files there.
    static let locator = SourceLocator(searchPaths: [batch.path], trimPaths: ["/work/blind/batch5"])

    static func findings(_ program: String) throws -> [Finding] {
        let folder = batch.appendingPathComponent(program).appendingPathComponent("go1.27")
        let inputs = try Paths.files(in: folder, suffix: ".pb.gz").map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
        return SourceAnnotator.annotate(Classifier.findings(inputs), inputs: inputs, locator: locator).findings
    }

    @Test func aTagIndexThatEvictionNeverPrunesLeadsWithTheMethodThatAppendsToIt() throws {
        let finding = try #require(try Self.findings("r-lru-tag-index-keeper").first { $0.id == "AP3" })
        #expect(finding.sourceEvidence?.status == .confirmed)
        #expect(finding.culprits.first?.name == "main.(*PageCache).Put")
        #expect(finding.culprits.first?.keeps == "main.renderPage")
        #expect(finding.culprits.first?.location?.hasSuffix("main.go:79") == true, "\(finding.culprits.first?.location ?? "-")")
    }

    @Test func aSoftDeleteLeadsWithTheFunctionThatMarksTheEntry() throws {
        let finding = try #require(try Self.findings("q-session-soft-delete").first { $0.id == "AP3" })
        #expect(finding.sourceEvidence?.status == .confirmed)
        #expect(finding.culprits.first?.name == "main.(*SessionStore).Logout")
        #expect(finding.culprits.first?.keeps == "main.(*SessionStore).Login")
    }

    @Test func aHeldTableLeadsWithTheFunctionThatEmptiesTheMap() throws {
        let finding = try #require(try Self.findings("q-pending-package-clear").first { $0.id == "AP4" && $0.sampleType == "inuse_space" })
        #expect(finding.sourceEvidence?.status == .confirmed)
        #expect(finding.culprits.first?.name == "main.flushPending")
        #expect(finding.culprits.first?.keeps == "main.enqueue")
    }
}
