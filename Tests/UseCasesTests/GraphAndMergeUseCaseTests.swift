import Analysis
import Foundation
import Pipeline
import Pprof
import TestSupport
import Testing
import UseCases

/// `flame` and `merge`, run in-process.
@Suite struct GraphAndMergeUseCaseTests {
    static let cpu = SampleProfiles.path("ap1-range-mutate", version: "go1.27")
    static let expected = Paths.samples.appendingPathComponent("expected/go1.27")

    /// Standard output, or cpu.svg when that is a terminal; the subtitle's total is pprof's.
    @Test func flameGraphGoesWhereMarkupGoes() throws {
        var options = FlameUseCase.Options(input: .quiet([Self.cpu]))
        options.highlight = true
        let result = try FlameUseCase.run(options)
        let destination = CommandOutput.Destination.markup(nil, terminalFile: "cpu.svg")
        #expect(result.outputs.map(\.destination) == [destination] && result.verdict == .pass)
        let svg = String(decoding: try #require(try result.bytes(for: destination)), as: UTF8.self)
        // "Showing nodes accounting for 1.87s, 85.00% of 2.20s total"
        let golden = try String(contentsOf: Self.expected.appendingPathComponent("ap1-range-mutate/cpu.cpu.top.txt"), encoding: .utf8)
        #expect(golden.contains("of 2.20s total") && svg.contains("total 2.20s") && svg.contains(">Flame Graph<"))
        // Highlighted: the AP1 finding's frames, named in the legend.
        #expect(svg.contains("AP1 Map rebuilt or grown while ranging over it"))
        options.output = "graph.svg"
        options.input.baseArguments = [SampleProfiles.path("ap1-range-mutate-fixed", version: "go1.27")]
        let differential = try FlameUseCase.run(options)
        #expect(differential.outputs.map(\.destination) == [.markup("graph.svg", terminalFile: "cpu.svg")])
        #expect(String(decoding: try differential.bytes(for: .markup("graph.svg", terminalFile: "cpu.svg")) ?? [], as: UTF8.self)
            .contains("Differential Flame Graph"))
    }

    /// The merged profile, read back, is the profile pprof reads: its top table is go tool
    /// pprof's; two copies merged count every sample twice.
    @Test func mergedProfileReadsBackAsPprofReadsIt() throws {
        func merged(_ arguments: [String]) throws -> URL {
            var options = MergeUseCase.Options(input: .quiet(arguments))
            options.output = "merged.pb.gz"
            let result = try MergeUseCase.run(options)
            let destination = CommandOutput.Destination.binary("merged.pb.gz", terminalRefusal: MergeUseCase.terminalRefusal)
            #expect(result.outputs.map(\.destination) == [destination])
            return try TemporaryFile.write(try #require(try result.bytes(for: destination)), suffix: ".pb.gz")
        }
        let once = try merged([Self.cpu])
        defer { try? FileManager.default.removeItem(at: once) }
        var top = TopUseCase.Options(input: .quiet([once.path]))
        top.input.sampleIndex = "cpu"
        #expect(try TopUseCase.run(top).bytes(for: .standardOutput) == Array(try Data(contentsOf: Self.expected.appendingPathComponent("ap1-range-mutate/cpu.cpu.top.txt"))))
        let twice = try merged([Self.cpu, Self.cpu])
        defer { try? FileManager.default.removeItem(at: twice) }
        let single = try ProfileReader().read(path: Self.cpu), double = try ProfileReader().read(path: twice.path)
        #expect(double.samples.absoluteSums() == single.samples.absoluteSums().map { $0 * 2 })
    }

    /// --pgo: the note after the file is written gives the size written.
    @Test func pgoNoteGivesTheSizeWritten() throws {
        var options = MergeUseCase.Options(input: .quiet([Self.cpu]))
        options.pgoNodeFraction = 0.005
        let output = try #require(try MergeUseCase.run(options).outputs.first)
        let size = try output.bytes().count
        let note = try #require(output.noteAfterWriting?(size))
        #expect(note.hasPrefix("PGO profile: \(size) bytes, ") && note.contains("(samples/count only; "))
        options.pgoNodeFraction = nil
        #expect(try MergeUseCase.run(options).outputs.first?.noteAfterWriting?(size) == nil)
    }
}
