import Foundation
import Testing
import TestSupport

/// Bad input gets one line on stderr naming the file and the problem, and the documented
/// exit code: 64 usage, 65 malformed profile, 66 unreadable input.
@Suite struct ExitCodeTests {
    func expectOneLineError(_ result: CLI.Result, status: Int32, mentions: [String]) {
        #expect(result.status == status)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "expected exactly one line, got: \(result.stderr)")
        for text in mentions { #expect(result.stderr.contains(text), "stderr should mention \(text): \(result.stderr)") }
    }

    @Test func missingFileIs66() throws {
        let result = try CLI.run(["analyze", "/nonexistent/profile.pb.gz"])
        expectOneLineError(result, status: 66, mentions: ["/nonexistent/profile.pb.gz", "No such file"])
    }

    @Test func directoryIs66() throws {
        let result = try CLI.run(["analyze", FileManager.default.temporaryDirectory.path])
        expectOneLineError(result, status: 66, mentions: ["directory"])
    }

    @Test func emptyFileIs65() throws {
        let file = try CLI.temporaryFile([])
        let result = try CLI.run(["analyze", file.path])
        expectOneLineError(result, status: 65, mentions: [file.path, "empty input"])
    }

    @Test func randomBytesAre65WithAnOffset() throws {
        // 0x1c is field 3 with wire type 4: unsupported.
        let file = try CLI.temporaryFile([0x1C, 0x05, 0x77, 0x12])
        let result = try CLI.run(["analyze", file.path])
        expectOneLineError(result, status: 65, mentions: [file.path, "wire type 4", "byte offset 0"])
    }

    @Test func truncatedGzipIs65() throws {
        let compressed = Data(try gzipWithTool([UInt8](repeating: 0x41, count: 5000)))
        let file = try CLI.temporaryFile(Array(compressed.prefix(compressed.count - 6)))
        let result = try CLI.run(["analyze", file.path])
        expectOneLineError(result, status: 65, mentions: [file.path, "truncated"])
    }

    @Test(.needsCorpus) func unknownSampleTypeIs64() throws {
        let result = try CLI.run(["analyze", "--sample-index", "nonsense", Corpus.profile("pprof-go-sample-cpu.pb.gz").path])
        expectOneLineError(result, status: 64, mentions: ["nonsense", "samples, cpu"])
    }

    @Test func unknownFlagIs64() throws {
        let result = try CLI.run(["analyze", "--no-such-flag", "x"])
        #expect(result.status == 64)
    }

    @Test(.needsCorpus) func profileRejectedByPprofIs65() throws {
        let path = Corpus.profile("pyroscope-dotnet-funcid0-notgzipped.pb.gz").path
        let result = try CLI.run(["analyze", path])
        expectOneLineError(result, status: 65, mentions: [path, "reserved id 0", "byte offset"])
    }

    @Test func gzipBombIsStoppedByTheCap() throws {
        let compressed = Data(try gzipWithTool([UInt8](repeating: 0, count: 64 << 20)))  // 64 MiB of zeros
        let file = try CLI.temporaryFile(Array(compressed))
        let result = try CLI.run(["analyze", "--max-inflated-size", "1M", file.path])
        expectOneLineError(result, status: 65, mentions: [file.path, "exceeds the limit of 1048576 bytes"])
    }
}
