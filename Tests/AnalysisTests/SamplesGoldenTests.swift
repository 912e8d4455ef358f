import Analysis
import Foundation
import TestSupport
import Pprof
import Testing

/// The sample programs' profiles against `go tool pprof` 1.19.8's outputs, made by
/// samples/generate.sh (commands in samples/expected/COMMANDS.md): `-top` with the default
/// node count and with `-nodecount=25`, and `-traces`, for every sample type.
@Suite struct SamplesGoldenTests {
    static func goldens() -> [String] {
        let expected = Paths.samples.appendingPathComponent("expected")
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: expected.path)) ?? []).filter { $0 != "diff" && !$0.hasSuffix(".md") }
        return folders.sorted().flatMap { folder in
            Paths.files(in: expected.appendingPathComponent(folder), suffix: ".txt").map { "\(folder)/\($0.lastPathComponent)" }
        }
    }

    @Test func thereAreGoldens() {
        #expect(Self.goldens().count >= 100)
    }

    @Test(arguments: goldens())
    func matchesGoToolPprof(_ golden: String) throws {
        let parts = golden.split(separator: "/")
        let sample = String(parts[0])
        let components = parts[1].dropLast(".txt".count).split(separator: ".")  // kind.type.what
        let kind = String(components[0]), typeName = String(components[1]), what = String(components[2])
        // Go 1.19's pprof merged every profile on load.
        let profile = try ProfileReader().read(path: Paths.samples.appendingPathComponent("profiles/\(sample)/\(kind).pb.gz").path)
            .applyingDropFrames().mergingIdenticalSamples()
        let index = try SampleTypeSelection.index(typeName, in: profile)
        let actual: [UInt8]
        var options = TopReport.Options()
        options.compatibility = .go119
        switch what {
        case "top": actual = TopReport(profile: profile, sampleIndex: index, options: options).text()
        case "top25":
            options.nodeCount = 25
            actual = TopReport(profile: profile, sampleIndex: index, options: options).text()
        case "traces": actual = TracesReport.text(profile: profile, sampleIndex: index, compatibility: .go119)
        default:
            Issue.record("unknown golden kind \(what)")
            return
        }
        let expected = try Data(contentsOf: Paths.samples.appendingPathComponent("expected/\(golden)"))
        #expect(Data(actual) == expected, "\(golden) differs from go tool pprof")
    }
}
