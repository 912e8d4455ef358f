import Foundation
import TestSupport
import Testing

/// The defects the pipeline issue listed, each with the check that failed before the fix.
@Suite struct DefectRegressionTests {
    static let cpu = SampleProfiles.path("ap1-range-mutate")
    static let fixedCPU = SampleProfiles.path("ap1-range-mutate-fixed")

    /// A hostile function name: invalid UTF-8, a terminal escape, a bidi override.
    static let hostile: [UInt8] = Array("main.".utf8) + [0xFF, 0xFE] + Array("\u{1B}[31mred\u{202E}x".utf8)

    @Test func compareTextEscapesProfileStrings() throws {
        let base = try CLI.temporaryFile(SyntheticProfile.cpu([([Array("main.a".utf8), Array("main.main".utf8)], 10_000_000_000)]))
        let new = try CLI.temporaryFile(SyntheticProfile.cpu([([Self.hostile, Array("main.main".utf8)], 30_000_000_000)]))
        defer { try? FileManager.default.removeItem(at: base); try? FileManager.default.removeItem(at: new) }
        let result = try CLI.run(["compare", "--color", "never", base.path, new.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try #require(String(validating: result.stdout, as: UTF8.self), "compare printed invalid UTF-8")
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "a control character reached the terminal")
        #expect(text.contains("main.\u{FFFD}\u{FFFD}\u{FFFD}[31mred\u{FFFD}x"))
    }

    @Test func analyzeFindingsEscapeProfileStrings() throws {
        let file = try CLI.temporaryFile(SyntheticProfile.cpu([([Array("runtime.mapiternext".utf8), Self.hostile], 30_000_000_000)]))
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CLI.run(["analyze", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        // The table is pprof's (raw bytes, as go tool pprof prints them); the findings are not.
        let findings = try #require(result.stdout.range(of: Data("Findings".utf8)).map { result.stdout[$0.lowerBound...] })
        #expect(String(validating: findings, as: UTF8.self) != nil)
        #expect(!findings.contains(0x1B))
    }

    @Test func hugeMinWidthIsAUsageErrorNotATrap() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-minwidth-\(UUID().uuidString).svg")
        for value in ["99999999999999999999", "nan", "-1", "inf"] {
            let result = try CLI.run(["flame", "--min-width", value, Self.cpu, "-o", output.path])
            #expect(result.status == 64, "--min-width \(value): \(result.status) \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
        }
    }

    @Test func topDiffBaseHonoursTheFilters() throws {
        let plain = try CLI.run(["top", "--diff-base", Self.cpu, Self.fixedCPU])
        let focused = try CLI.run(["top", "--diff-base", Self.cpu, Self.fixedCPU, "--focus", "sha256"])
        #expect(plain.status == 0 && focused.status == 0)
        #expect(focused.text.contains("Active filters:\n   focus=sha256"))
        let rows = focused.text.split(separator: "\n").drop { !$0.hasPrefix("      flat") }.dropFirst()
        #expect(!rows.isEmpty)
        // Only functions on stacks through sha256 remain (the row for Expire goes).
        #expect(plain.text.contains("main.(*SessionCache).Expire") && !focused.text.contains("main.(*SessionCache).Expire"))
    }

    @Test func flameWithBaseHonoursItsOptions() throws {
        func svg(_ extra: [String]) throws -> Data {
            let result = try CLI.run(["flame", "--base", Self.cpu, Self.fixedCPU, "-o", "-"] + extra)
            #expect(result.status == 0, "\(extra): \(result.stderr)")
            return result.stdout
        }
        let plain = try svg([])
        for extra in [["--inverted"], ["--dark"], ["--width", "600"], ["--min-width", "50"], ["--reverse"], ["--sort", "size"],
                      ["--focus", "sha256"], ["--lines"], ["--highlight"], ["--width-by", "new"], ["--colorblind-diff"]] {
            #expect(try svg(extra) != plain, "flame --base ignored \(extra)")
        }
        let refused = try CLI.run(["flame", "--base", Self.cpu, Self.fixedCPU, "--palette", "colorblind", "-o", "-"])
        #expect(refused.status == 64 && refused.stdout.isEmpty)
    }

    /// `analyze` and `flame --highlight` run the rules on the same samples: with a filter that
    /// keeps only the map growth, both see the same findings.
    @Test func analyzeAndHighlightSeeTheSameSamples() throws {
        for filter in [[String](), ["--focus", "Expire"], ["--ignore", "Expire"]] {
            let analyze = try CLI.run(["analyze", "--format", "json", Self.cpu] + filter)
            let document = try #require(try JSONSerialization.jsonObject(with: analyze.stdout) as? [String: Any])
            let ids = Set(((document["findings"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
            let flame = try CLI.run(["flame", "--highlight", Self.cpu, "-o", "-"] + filter)
            let legend = Set(ids.filter { flame.text.contains(">\($0) ") })
            #expect(legend == ids, "\(filter): analyze found \(ids.sorted()), flame highlighted \(legend.sorted())")
        }
    }
}
