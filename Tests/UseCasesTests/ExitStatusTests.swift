import Analysis
import Findings
import Foundation
import Pipeline
import Reports
import TestSupport
import Testing
import UseCases

/// Every way a run ends, in-process, mapped to the exit codes the README documents: 0 ok, 1
/// findings at --fail-on, 64 usage, 65 malformed profile, 66 not found or unreachable, 73
/// output not writable; and the one line each error is told in.
@Suite struct ExitStatusTests {
    static let cpu = SampleProfiles.path("ap1-range-mutate", version: "go1.27")

    /// The error `run` throws and its exit code.
    func failure(_ run: () throws -> Any) -> (error: Error?, code: Int32?) {
        do {
            _ = try run()
            return (nil, nil)
        } catch {
            return (error, ExitStatus.code(for: error))
        }
    }

    @Test func verdicts() {
        #expect(ExitStatus.code(for: Verdict.pass) == 0)
        #expect(ExitStatus.code(for: Verdict.findingsAtFailOn) == 1)
        #expect(Verdict([.info, .warning], failOn: .warning) == .findingsAtFailOn)
        #expect(Verdict([.info, .warning], failOn: .critical) == .pass)
        #expect(Verdict([.critical], failOn: nil) == .pass)
        #expect(Verdict([], failOn: .info) == .pass)
    }

    @Test func usageErrorsAre64() throws {
        var badSampleType = TopUseCase.Options(input: .quiet([Self.cpu]))
        badSampleType.input.sampleIndex = "no_such_type"
        var urlOptionWithoutURL = TopUseCase.Options(input: .quiet([Self.cpu]))
        urlOptionWithoutURL.input.seconds = 5
        var heapIntervalWithoutURL = AnalyzeUseCase.Options(input: .quiet([Self.cpu]))
        heapIntervalWithoutURL.heapInterval = 30
        let notARulesFile = try TemporaryFile.write(Array("{\"rules\": 3}".utf8), suffix: ".json")
        defer { try? FileManager.default.removeItem(at: notARulesFile) }
        var badRules = AnalyzeUseCase.Options(input: .quiet([Self.cpu]))
        badRules.rulesFile = notARulesFile.path
        let runs: [() throws -> Any] = [
            { try TopUseCase.run(badSampleType) },
            { try TopUseCase.run(urlOptionWithoutURL) },
            { try AnalyzeUseCase.run(heapIntervalWithoutURL) },
            { try AnalyzeUseCase.run(badRules) },
            { try ListUseCase.run(ListUseCase.Options(regex: "a++", input: .quiet([Self.cpu]))) },
            { try TracesUseCase.run(TracesUseCase.Options(input: .quiet(["-", "-"]))) },
        ]
        for run in runs {
            let (error, code) = failure(run)
            #expect(code == ExitStatus.usage, "\(String(describing: error))")
            // One type means 64, whichever library found the request wrong.
            #expect(error is UsageError, "\(String(describing: error))")
        }
        #expect(String(describing: failure(runs[1]).error!) == "--seconds and --timeout apply to URL sources, and no profile is a URL")
    }

    @Test func malformedProfilesAre65() throws {
        let text = try TemporaryFile.write(Array("not a profile\n".utf8), suffix: ".pb.gz")
        defer { try? FileManager.default.removeItem(at: text) }
        let (error, code) = failure { try TopUseCase.run(TopUseCase.Options(input: .quiet([text.path]))) }
        #expect(code == ExitStatus.malformed)
        #expect(ExitStatus.message(for: error!).hasPrefix("proflens: \(text.path): not a pprof profile: "))
        // Profiles that cannot be compared.
        let incompatible = CompareUseCase.Options(input: .quiet([SampleProfiles.path("ap1-range-mutate", "heap", version: "go1.27")], base: [Self.cpu]))
        #expect(failure { try CompareUseCase.run(incompatible) }.code == ExitStatus.malformed)
    }

    @Test func missingInputIs66() throws {
        let (error, code) = failure { try FoldUseCase.run(FoldUseCase.Options(input: .quiet(["/nonexistent/cpu.pb.gz"]))) }
        #expect(code == ExitStatus.unreadable)
        #expect(ExitStatus.message(for: error!) == "proflens: /nonexistent/cpu.pb.gz: No such file or directory")
        var missingRules = ReportUseCase.Options(input: .quiet([Self.cpu]))
        missingRules.rulesFile = "/nonexistent/rules.json"
        #expect(failure { try ReportUseCase.run(missingRules) }.code == ExitStatus.unreadable)
    }

    /// An output that cannot be written is 73, and stops the run there: the outputs after it
    /// are not written, and no partial file is left.
    @Test func unwritableOutputIs73AndStopsTheRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-usecases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let later = folder.appendingPathComponent("later.txt").path
        let result = CommandResult(outputs: [CommandOutput(.file(folder.path + "/no/such/folder/out.svg"), .bytes([1])),
                                             CommandOutput(.file(later), .bytes([2]))])
        let (error, code) = failure { try ResultWriter.write(result) }
        #expect(code == ExitStatus.cannotWrite && error is OutputError)
        #expect(ExitStatus.message(for: error!) == "proflens: \(folder.path)/no/such/folder/out.svg: cannot write: No such file or directory")
        #expect(!FileManager.default.fileExists(atPath: later))
        // A stream that fails part-way: nothing left of it, and 73.
        struct Broken: Error {}
        let partial = folder.appendingPathComponent("partial.txt").path
        let failing = CommandResult(outputs: [CommandOutput(.file(partial), .stream { write in
            try [UInt8](repeating: 65, count: 1 << 16).withUnsafeBytes { try write($0) }
            throw Broken()
        })])
        #expect(failure { try ResultWriter.write(failing) }.code == ExitStatus.cannotWrite)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// Binary output (merge's profile) is refused on a terminal, as the output is opened: a
    /// usage error; elsewhere standard output is written. Markup goes to its file instead.
    @Test func binaryOutputOnATerminalIsAUsageError() throws {
        let binary = CommandOutput.Destination.binary("-", terminalRefusal: MergeUseCase.terminalRefusal)
        let (error, code) = failure { try ResultWriter.resolve(binary, standardOutputIsTerminal: true) }
        #expect(code == ExitStatus.usage)
        #expect(ExitStatus.message(for: error!) == "proflens: the merged profile is binary: name a file with -o (or redirect standard output)")
        #expect(try ResultWriter.resolve(binary, standardOutputIsTerminal: false) == ("-", false))
        #expect(try ResultWriter.resolve(.binary("out.pb.gz", terminalRefusal: ""), standardOutputIsTerminal: true) == ("out.pb.gz", false))
        #expect(try ResultWriter.resolve(.markup(nil, terminalFile: "cpu.svg"), standardOutputIsTerminal: true) == ("cpu.svg", true))
        // merge's destination is that one.
        #expect(try MergeUseCase.run(MergeUseCase.Options(input: .quiet([Self.cpu]))).outputs.map(\.destination) == [binary])
    }

    /// The writer writes every output, streams included, then returns the verdict's code; the
    /// note after an output is given the size written.
    @Test func writerWritesEveryOutputAndReturnsTheVerdictsCode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-usecases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sizes = Box()
        let result = CommandResult(outputs: [
            CommandOutput(.file(folder.appendingPathComponent("a").path), .bytes(Array("first\n".utf8))),
            CommandOutput(.markup(folder.appendingPathComponent("b.svg").path, terminalFile: "unused.svg"), .stream { write in
                for piece in ["<svg", "/>"] { try Array(piece.utf8).withUnsafeBytes { try write($0) } }
            }, noteAfterWriting: { size in sizes.value = size; return nil }),
        ], verdict: .findingsAtFailOn)
        #expect(try ResultWriter.write(result) == ExitStatus.findings)
        #expect(try String(contentsOf: folder.appendingPathComponent("a"), encoding: .utf8) == "first\n")
        #expect(try String(contentsOf: folder.appendingPathComponent("b.svg"), encoding: .utf8) == "<svg/>")
        #expect(sizes.value == 6)
    }

    /// What a run says as it goes reaches the messages it was given: here pprof's warning for
    /// a filter that matched nothing.
    @Test func runningNotesGoToTheMessagesGiven() throws {
        let collected = CollectedMessages()
        var input = ProfileInput([Self.cpu])
        input.messages = collected.messages
        input.filters.focus = "^no such function$"
        _ = try TopUseCase.run(TopUseCase.Options(input: input))
        #expect(collected.lines == ["proflens: Focus expression matched no samples"])
    }
}

private final class Box: @unchecked Sendable {
    var value = 0
}
