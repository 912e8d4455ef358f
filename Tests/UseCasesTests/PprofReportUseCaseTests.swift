import Analysis
import Foundation
import TestSupport
import Testing
import UseCases

/// `top`, `traces`, `list` and `fold`, run in-process: the bytes each use case hands back for
/// standard output are what Go 1.27's `go tool pprof` printed (samples/expected/, the commands
/// in samples/expected/COMMANDS.md).
@Suite struct PprofReportUseCaseTests {
    static let expected = Paths.samples.appendingPathComponent("expected/go1.27")

    func golden(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.expected.appendingPathComponent(path)))
    }

    func input(_ program: String, _ kind: String, sampleIndex: String) -> ProfileInput {
        var input = ProfileInput.quiet([SampleProfiles.path(program, kind, version: "go1.27")])
        input.sampleIndex = sampleIndex
        return input
    }

    @Test(arguments: [("ap1-range-mutate", "cpu", "cpu"), ("ap3-delete-keep-ref", "heap", "inuse_space"), ("ap4-never-shrink", "heap", "alloc_objects")])
    func topAndTracesAreGoToolPprofs(program: String, kind: String, sampleIndex: String) throws {
        let profile = input(program, kind, sampleIndex: sampleIndex)
        let top = try TopUseCase.run(TopUseCase.Options(input: profile))
        #expect(try top.bytes(for: .standardOutput) == golden("\(program)/\(kind).\(sampleIndex).top.txt"))
        #expect(top.verdict == .pass && top.notes.isEmpty && top.outputs.count == 1)
        var options = TopUseCase.Options(input: profile)
        options.nodeCount = 25
        #expect(try TopUseCase.run(options).bytes(for: .standardOutput) == golden("\(program)/\(kind).\(sampleIndex).top25.txt"))
        // Traces are streamed (hundreds of megabytes for a large profile): made as written.
        let traces = try TracesUseCase.run(TracesUseCase.Options(input: profile))
        guard case .stream = try #require(traces.outputs.first).content else { Issue.record("traces should be streamed"); return }
        #expect(try traces.bytes(for: .standardOutput) == golden("\(program)/\(kind).\(sampleIndex).traces.txt"))
    }

    /// go tool pprof -top -normalize -diff_base=BROKEN FIXED.
    @Test func topDiffBaseIsGoToolPprofs() throws {
        var profiles = ProfileInput.quiet([SampleProfiles.path("ap4-never-shrink-fixed", version: "go1.27")],
                                          base: [SampleProfiles.path("ap4-never-shrink", version: "go1.27")])
        profiles.sampleIndex = nil
        var options = TopUseCase.Options(input: profiles)
        #expect(try TopUseCase.run(options).bytes(for: .standardOutput) == golden("diff/ap4-never-shrink.cpu.top.txt"))
        options.normalize = true
        #expect(try TopUseCase.run(options).bytes(for: .standardOutput) == golden("diff/ap4-never-shrink.cpu.normalize.top.txt"))
    }

    /// go tool pprof -list, run from samples/ with -source_path=. -trim_path=proflens/samples.
    @Test func listIsGoToolPprofs() throws {
        var options = ListUseCase.Options(regex: #"^main\.\(\*SessionCache\)\.Expire$"#, input: input("ap1-range-mutate", "cpu", sampleIndex: "cpu"))
        options.source = SourceLocator(searchPaths: [Paths.samples.path], trimPaths: ["proflens/samples"])
        #expect(try ListUseCase.run(options).bytes(for: .standardOutput) == golden("ap1-range-mutate/cpu.cpu.list.Expire.txt"))
    }

    /// pprof prints "no matches found for regexp" and so does list, as a usage error (64).
    @Test func listMatchingNothingIsAUsageError() throws {
        let options = ListUseCase.Options(regex: "^nothing$", input: input("ap1-range-mutate", "cpu", sampleIndex: "cpu"))
        #expect(throws: UsageError("no matches found for regexp: ^nothing$")) { try ListUseCase.run(options) }
        #expect(ExitStatus.code(for: UsageError("")) == ExitStatus.usage)
    }

    /// The folded stacks add up to the total go tool pprof counts, and are streamed to the file
    /// named; with `lines`, each frame names its line.
    @Test func foldAddsUpToPprofsTotal() throws {
        var options = FoldUseCase.Options(input: input("ap1-range-mutate", "cpu", sampleIndex: "samples"))
        options.output = "stacks.folded"
        let result = try FoldUseCase.run(options)
        #expect(result.outputs.map(\.destination) == [.file("stacks.folded")])
        let text = String(decoding: try #require(try result.bytes(for: .file("stacks.folded"))), as: UTF8.self)
        let lines = text.split(separator: "\n")
        let sum = lines.reduce(0) { $0 + (Int($1.split(separator: " ").last ?? "") ?? 0) }
        // "Showing nodes accounting for 220, 100% of 220 total"
        let golden = String(decoding: try golden("ap1-range-mutate/cpu.samples.top.txt"), as: UTF8.self)
        #expect(golden.contains("of \(sum) total") && sum > 0)
        #expect(lines.contains { $0.contains("main.(*SessionCache).Expire") })
        options.lines = true
        let byLine = String(decoding: try FoldUseCase.run(options).bytes(for: .file("stacks.folded")) ?? [], as: UTF8.self)
        #expect(byLine.contains("main.(*SessionCache).Expire:"))
    }
}
