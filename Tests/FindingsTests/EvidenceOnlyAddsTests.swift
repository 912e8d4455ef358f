import Analysis
@testable import Findings
import Foundation
import Pprof
import TestSupport
import Testing

/// Adding a profile of the same run never removes or lowers a finding: on every sample run of
/// both Go versions, each finding of any subset of the run's profiles (every single profile,
/// every pair) is found again, at the same level or higher, with all of the run's profiles.
/// A finding is the same when its rule (pattern and title) and its culprit are.
@Suite struct EvidenceOnlyAddsTests {
    static let runs: [(version: String, run: String)] = SampleFindingsTests.versions.flatMap { version in
        Paths.directories(in: Paths.samples.appendingPathComponent("profiles/\(version)")).map { (version, $0.lastPathComponent) }
    }

    static func key(_ finding: Finding) -> String { finding.identity.replacingOccurrences(of: "\u{0}", with: " ") }

    @Test(arguments: runs.map { "\($0.version)/\($0.run)" })
    func addingAProfileNeverLowersAFinding(_ name: String) throws {
        let parts = name.split(separator: "/").map(String.init)
        let all = try SampleFindingsTests.inputs(parts[0], parts[1])
        try #require(!all.isEmpty, "no profiles in \(name)")
        let together = Dictionary(Classifier.findings(all).map { (Self.key($0), $0.level) }, uniquingKeysWith: max)
        var subsets = all.indices.map { [$0] }
        for a in all.indices { for b in all.indices where b > a { subsets.append([a, b]) } }
        for subset in subsets where subset.count < all.count {
            let files = subset.map { all[$0].file }.joined(separator: " + ")
            for finding in Classifier.findings(subset.map { all[$0] }) {
                let level = together[Self.key(finding)]
                #expect(level != nil && level! >= finding.level,
                        "\(name): \(files) finds \(Self.key(finding)) at \(finding.level.name); all profiles: \(level?.name ?? "nothing")")
            }
        }
    }
}
