import Analysis
import Findings
import Foundation
import Pipeline
import Reports
import TestSupport
import Testing
import UseCases

/// `analyze`, `report` and `compare`, run in-process: the bytes they write and their verdict
/// for --fail-on. ap1-range-mutate's AP1 is an info finding on the profile alone and critical
/// once its source shows the shape (`c.sessions = next` inside the range over c.sessions).
@Suite struct FindingsUseCaseTests {
    static let broken = SampleProfiles.path("ap1-range-mutate", version: "go1.27")
    static let fixed = SampleProfiles.path("ap1-range-mutate-fixed", version: "go1.27")
    /// Where the samples' source is, and a folder where it is not.
    static let withSource = SourceLocator(sourcePath: Paths.samples.path, trimPath: nil)
    static let withoutSource = SourceLocator(sourcePath: FileManager.default.temporaryDirectory.path, trimPath: nil)

    func json(_ bytes: [UInt8]?) throws -> [String: Any] {
        let data = Data(try #require(bytes))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func analyzeFailsOnTheLevelItsSourceConfirms() throws {
        var options = AnalyzeUseCase.Options(input: .quiet([Self.broken]))
        options.failOn = .critical
        options.source = Self.withSource
        let confirmed = try AnalyzeUseCase.run(options)
        #expect(confirmed.verdict == .findingsAtFailOn)
        let text = try confirmed.standardOutputText()
        #expect(text.hasPrefix("Verdict: CRITICAL AP1 Map rebuilt or grown while ranging over it in main.(*SessionCache).Expire"))
        // The profile's table is go tool pprof's, byte for byte.
        let table = try String(contentsOf: Paths.samples.appendingPathComponent("expected/go1.27/ap1-range-mutate/cpu.cpu.top.txt"), encoding: .utf8)
        #expect(text.contains(table.split(separator: "\n").dropFirst(5).joined(separator: "\n")))
        options.source = Self.withoutSource
        let unconfirmed = try AnalyzeUseCase.run(options)
        #expect(unconfirmed.verdict == .pass)
        options.failOn = .info
        #expect(try AnalyzeUseCase.run(options).verdict == .findingsAtFailOn)
        options.failOn = nil
        #expect(try AnalyzeUseCase.run(options).verdict == .pass)
    }

    /// SARIF: the note on the culprits' files not found goes to standard error after the log.
    @Test func analyzeSARIFSaysWhatSourceWasNotFound() throws {
        var options = AnalyzeUseCase.Options(input: .quiet([Self.broken]))
        options.format = .sarif
        options.source = Self.withoutSource
        let missing = try AnalyzeUseCase.run(options)
        #expect(missing.notes.count == 1 && missing.notes[0].hasPrefix("source not found for "))
        let log = try json(missing.bytes(for: .standardOutput))
        #expect(log["version"] as? String == "2.1.0")
        options.source = Self.withSource
        #expect(try AnalyzeUseCase.run(options).notes.isEmpty)
        options.format = .json
        let findings = try #require(try json(AnalyzeUseCase.run(options).bytes(for: .standardOutput))["findings"] as? [[String: Any]])
        #expect(findings.first?["id"] as? String == "AP1" && findings.first?["level"] as? String == "critical")
    }

    /// compare checks both sides' findings against their source as analyze does.
    @Test func compareFindingsAreSourceChecked() throws {
        var options = CompareUseCase.Options(input: .quiet([Self.broken], base: [Self.fixed]))
        options.format = .json
        options.failOn = .critical
        func ap1(_ result: CommandResult) throws -> String? {
            let entries = try json(result.bytes(for: .standardOutput))["findings"] as? [[String: Any]]
            return (entries?.first { $0["id"] as? String == "AP1" }?["after"] as? [String: Any])?["level"] as? String
        }
        options.source = Self.withSource
        let confirmed = try CompareUseCase.run(options)
        #expect(try ap1(confirmed) == "critical" && confirmed.verdict == .findingsAtFailOn)
        options.source = Self.withoutSource
        let unconfirmed = try CompareUseCase.run(options)
        #expect(try ap1(unconfirmed) == "info" && unconfirmed.verdict == .pass)
        // Fixed, it fails nothing: only new or worse findings count.
        var reversed = CompareUseCase.Options(input: .quiet([Self.fixed], base: [Self.broken]))
        reversed.failOn = .info
        reversed.source = Self.withSource
        #expect(try CompareUseCase.run(reversed).verdict == .pass)
    }

    /// The graph first, then the page, then the comparison on standard output: in that order
    /// the writer writes them (and stops at the first that cannot be written).
    @Test func compareWritesItsGraphAndPageBeforeStandardOutput() throws {
        var options = CompareUseCase.Options(input: .quiet([Self.broken], base: [Self.fixed]))
        options.svg = "diff.svg"
        options.html = "diff.html"
        options.source = Self.withoutSource
        let result = try CompareUseCase.run(options)
        #expect(result.outputs.map(\.destination) == [.file("diff.svg"), .file("diff.html"), .standardOutput])
        let svg = String(decoding: try #require(try result.bytes(for: .file("diff.svg"))), as: UTF8.self)
        #expect(svg.hasPrefix("<?xml") && svg.contains("Differential Flame Graph"))
        let html = String(decoding: try #require(try result.bytes(for: .file("diff.html"))), as: UTF8.self)
        #expect(html.contains("<title>proflens compare: ") && html.contains("Differential flame graph"))
        let text = try result.standardOutputText()
        #expect(text.hasPrefix("Base: \(Self.fixed): ") && text.contains("NEW AP1 Map rebuilt or grown while ranging over it"))
        options.svg = nil
        options.html = nil
        #expect(try CompareUseCase.run(options).outputs.map(\.destination) == [.standardOutput])
    }

    @Test func reportIsOnePageAndFailsOnItsFindings() throws {
        var options = ReportUseCase.Options(input: .quiet([Self.broken, SampleProfiles.path("ap1-range-mutate", "heap", version: "go1.27")]))
        options.source = Self.withSource
        options.failOn = .critical
        let result = try ReportUseCase.run(options)
        // Standard output, or report.html when that is a terminal.
        #expect(result.outputs.map(\.destination) == [.markup(nil, terminalFile: "report.html")])
        let page = String(decoding: try #require(try result.bytes(for: .markup(nil, terminalFile: "report.html"))), as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("Map rebuilt or grown while ranging over it"))
        #expect(result.verdict == .findingsAtFailOn)
        options.source = Self.withoutSource
        #expect(try ReportUseCase.run(options).verdict == .pass)
    }

    /// The rules a team starts from are the built-in ones, in the format --rules reads.
    @Test func rulesPrintsTheBuiltInRulesAsARulesFile() throws {
        let result = RulesUseCase.run()
        let file = try TemporaryFile.write(try #require(try result.bytes(for: .standardOutput)), suffix: ".json")
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try RuleSet.load(path: file.path)
        #expect(loaded.rules.map(\.id) == RuleSet.builtin.rules.map(\.id) && !loaded.rules.isEmpty)
        // And --rules with it finds what the built-in rules find.
        var options = AnalyzeUseCase.Options(input: .quiet([Self.broken]))
        options.format = .json
        let builtin = try AnalyzeUseCase.run(options).bytes(for: .standardOutput)
        options.rulesFile = file.path
        #expect(try AnalyzeUseCase.run(options).bytes(for: .standardOutput) == builtin)
    }
}
