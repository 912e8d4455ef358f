@testable import Findings
import Foundation
import Pprof
import TestSupport
import Testing

/// AP4's emptied-map rule: time clearing a map is a finding when the map's owner holds a table
/// kept at its peak (a heap profile of the run), not when a small scratch map is emptied often.
/// The runs are blind programs of batches 1–3, which prompted the rule.
@Suite struct ClearedTableTests {
    static let blind = Paths.samples.appendingPathComponent("blind")

    static func findings(_ run: String, _ version: String, files: [String]? = nil) throws -> [Finding] {
        let folder = blind.appendingPathComponent("\(run)/\(version)")
        let inputs = try Paths.files(in: folder, suffix: ".pb.gz")
            .filter { files == nil || files!.contains($0.lastPathComponent) }
            .map { Classifier.Input(file: $0.lastPathComponent, profile: try ProfileReader().read(path: $0.path).applyingDropFrames()) }
        return Classifier.findings(inputs)
    }

    static func cleared(_ findings: [Finding]) -> [Finding] { findings.filter { $0.id == "AP4" && $0.title == "Map emptied at its peak size" } }

    /// Drained queues emptied every few milliseconds (their label's culprit).
    @Test(arguments: [("batch2/f-retry-queue-cleared", "go1.19", "main.(*RetryQueue).flush"),
                      ("batch2/f-retry-queue-cleared", "go1.27", "main.(*RetryQueue).flush"),
                      ("batch3/l-queue-drained-clear", "go1.19", "main.(*BatchQueue).Flush")])
    func aPeakTableEmptiedOftenIsAWarning(_ run: String, _ version: String, _ culprit: String) throws {
        let finding = try #require(Self.cleared(try Self.findings(run, version)).first)
        #expect(finding.level >= .warning && finding.culprits.first?.name == culprit, "\(finding.level) \(finding.culprits.first?.name ?? "-")")
        #expect(finding.signals.contains { $0.name == "clearedTableHeld" && $0.seen })
        // The CPU profile alone cannot tell it from a scratch map: info, asking for the heap.
        let alone = try #require(Self.cleared(try Self.findings(run, version, files: ["cpu.pb.gz"])).first)
        #expect(alone.level == .info && alone.confirmSteps.contains { $0.evidence == .heap })
    }

    /// Small scratch maps emptied per request or per document: their owner holds nothing.
    @Test(arguments: ["batch1/c-scratch-clear", "batch2/g-request-scratch-clear", "batch3/l-scratch-clear"], ["go1.19", "go1.27"])
    func aScratchMapEmptiedOftenIsNot(_ run: String, _ version: String) throws {
        for finding in Self.cleared(try Self.findings(run, version)) {
            #expect(finding.level == .info, "\(run) \(version): \(finding.level) \(finding.share)")
            #expect(finding.signals.contains { $0.name == "clearedTableHeld" && !$0.seen && $0.measured != nil })
        }
    }

    /// Where a scratch map's clearing is a finding at all (Go 1.27, 5–6% of CPU), the heap is
    /// read and says its owner holds none of it: the signal that would make it a warning.
    @Test(arguments: ["batch1/c-scratch-clear", "batch2/g-request-scratch-clear"])
    func aScratchMapsOwnerHoldsNoHeap(_ run: String) throws {
        let finding = try #require(Self.cleared(try Self.findings(run, "go1.27")).first)
        let held = try #require(finding.signals.first { $0.name == "clearedTableHeld" })
        #expect(!held.seen && (held.measured ?? 1) < 0.01, "\(held.detail)")
    }
}
