import Foundation
import Testing
import TestSupport

/// `flame` and `fold` from the command line: output files appear whole or not at all.
@Suite struct FlameCommandTests {
    @Test(.needsCorpus) func flameWritesASelfContainedSVG() throws {
        let profile = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString).svg")
        let result = try CLI.run(["flame", profile, "-o", output.path, "--palette", "package", "--title", "sample"])
        #expect(result.status == 0, "\(result.stderr)")
        let svg = try String(contentsOf: output, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains(">sample</text>"))
        // Self-contained: no external references.
        #expect(!svg.contains("href=") && !svg.contains("src="))
        // The same input and options give the same bytes.
        let again = try CLI.run(["flame", profile, "-o", "-", "--palette", "package", "--title", "sample"])
        #expect(again.stdout == (try Data(contentsOf: output)))
    }

    @Test func malformedInputLeavesNoOutputFile() throws {
        let bad = try CLI.temporaryFile([0x1C, 0x05])
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString).svg")
        let result = try CLI.run(["flame", bad.path, "-o", output.path])
        #expect(result.status == 65)
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test(.needsCorpus) func unwritableOutputIs73AndLeavesNothing() throws {
        let profile = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
        // The output path is an existing directory: the temporary file is written beside it,
        // then renaming it over the directory fails. Nothing may stay behind.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString)")
        let target = folder.appendingPathComponent("out.folded")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let result = try CLI.run(["fold", profile, "-o", target.path])
        #expect(result.status == 73)
        #expect(result.stderr.contains("cannot write"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.folded"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
        // And a folder that does not exist is 73 too.
        #expect(try CLI.run(["fold", profile, "-o", "/nonexistent-\(UUID().uuidString)/out.folded"]).status == 73)
    }

    @Test(.needsCorpus) func foldWritesSortedStacks() throws {
        let profile = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
        let result = try CLI.run(["fold", profile])
        #expect(result.status == 0)
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines == lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        // From the reference -traces: 1.76s in all, 1.28s of it in runtime.mapiternext.
        #expect(lines.reduce(Int64(0)) { $0 + Int64($1.split(separator: " ").last!)! } == 1_760_000_000)
        #expect(lines.contains("runtime.main;main.main;main.busyLoop;runtime.mapiternext 1280000000"))
    }
}
