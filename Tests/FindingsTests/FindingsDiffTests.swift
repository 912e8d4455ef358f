@testable import Findings
import Testing

/// A comparison pairs findings as the classifier keeps them (rule and culprit) and lists the
/// most severe first: SARIF's results for code scanning and compare's text come in that order.
@Suite struct FindingsDiffTests {
    static func finding(_ id: String, _ title: String, _ culprit: String, _ level: Finding.Level, _ share: Double) -> Finding {
        Finding(id: id, title: title, level: level, share: share, value: 1, sampleType: "cpu", unit: "nanoseconds", file: "cpu.pb.gz",
                frames: [], culprits: [Finding.Culprit(name: culprit, location: nil, value: 1, share: share)], exampleStack: [],
                signals: [], confirm: nil, explanation: "", fix: "")
    }

    @Test func kindsAndCulpritsArePairedAndTheWorstComeFirst() {
        let base = [Self.finding("AP2", "Write-heavy sync.Map", "main.a", .info, 0.10)]
        let new = [Self.finding("AP4", "Map iterated far beyond its live size", "main.c", .info, 0.2),
                   Self.finding("AP2", "Write-heavy sync.Map", "main.a", .warning, 0.12),
                   Self.finding("AP2", "Lock contention around shared state", "main.b", .critical, 0.9)]
        let diff = FindingsDiff(base: base, new: new)
        #expect(diff.entries.map { $0.new?.title ?? "" } == ["Lock contention around shared state", "Write-heavy sync.Map", "Map iterated far beyond its live size"])
        #expect(diff.entries.map(\.status) == [.new, .persisting, .new])
        #expect(diff.entries[1].base?.level == .info && diff.entries[1].worsened)
    }

    @Test func anotherCulpritIsAnotherFinding() {
        let diff = FindingsDiff(base: [Self.finding("AP1", "t", "main.old", .warning, 0.3)], new: [Self.finding("AP1", "t", "main.new", .warning, 0.3)])
        #expect(diff.entries.map(\.status) == [.fixed, .new] || diff.entries.map(\.status) == [.new, .fixed])
    }
}
