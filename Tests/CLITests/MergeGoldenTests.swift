import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `proflens merge` writes what `go tool pprof -proto` writes, as far as Go 1.27's pprof can
/// tell: for every case of Goldens/merge/cases.tsv (written by scripts/merge-goldens.sh, with
/// COMMANDS.md beside it), `-top` and `-traces` of proflens merge's output are byte for byte
/// what Go 1.27's pprof printed for its own -proto output with the same inputs and options.
///
/// The output is read by proflens's own `top` and `traces` (which print what pprof prints),
/// and, where Go 1.27 is installed, by `go tool pprof` itself. Traces too long to keep are
/// compared by their SHA-256, byte count and line count.
@Suite struct MergeGoldenTests {
    @Test(arguments: MergeCase.onSamples)
    func proflensReadsWhatPprofReads(_ mergeCase: MergeCase) async throws {
        try await Self.check(mergeCase, reader: .proflens)
    }

    @Test(.needsCorpus, arguments: MergeCase.onCorpus)
    func proflensReadsWhatPprofReadsOnTheCorpus(_ mergeCase: MergeCase) async throws {
        try await Self.check(mergeCase, reader: .proflens)
    }

    @Test(.needsGo127, arguments: MergeCase.onSamples)
    func goPprofReadsWhatItReadsOfItsOwn(_ mergeCase: MergeCase) async throws {
        try await Self.check(mergeCase, reader: .goPprof)
    }

    @Test(.needsCorpus, .needsGo127, arguments: MergeCase.onCorpus)
    func goPprofReadsWhatItReadsOfItsOwnOnTheCorpus(_ mergeCase: MergeCase) async throws {
        try await Self.check(mergeCase, reader: .goPprof)
    }

    enum Reader: String {
        case proflens = "proflens"
        case goPprof = "go tool pprof"

        func run(_ report: String, _ file: URL) async throws -> Data {
            switch self {
            case .proflens:
                let result = try await CLI.runAsync([report, file.path])
                #expect(result.status == 0 && result.stderr.isEmpty, "proflens \(report): \(result.status) \(result.stderr)")
                return result.stdout
            case .goPprof:
                return try GoPprof.run(["-\(report)", file.path])
            }
        }
    }

    static func check(_ mergeCase: MergeCase, reader: Reader) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-merge-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("merged.pb.gz")
        let merge = try await CLI.runAsync(["merge"] + (try mergeCase.mergeArguments()) + ["-o", output.path], in: Paths.packageRoot)
        try #require(merge.status == 0, "proflens merge \(mergeCase.arguments): status \(merge.status): \(merge.stderr)")
        #expect(merge.stdout.isEmpty && merge.stderr.isEmpty, "\(merge.stderr)")
        MergeGoldens.expect(try await reader.run("top", output), golden: mergeCase.name + ".top.txt", from: "\(reader.rawValue) top")
        MergeGoldens.expectTraces(try await reader.run("traces", output), of: mergeCase, from: "\(reader.rawValue) traces")
    }

    /// The cases are those the script made goldens for, and every golden has its case.
    @Test func everyGoldenHasItsCase() throws {
        let cases = MergeCase.all
        // The samples' cases (a sum, so that losing some fails): merges, filters, -diff_base.
        #expect(MergeCase.onSamples.count >= 12 && cases.count >= 50, "\(cases.count) cases")
        #expect(Set(cases.map(\.name)).count == cases.count, "a case name is repeated")
        var expected: Set<String> = ["COMMANDS.md", "cases.tsv"]
        for mergeCase in cases {
            expected.insert(mergeCase.name + ".top.txt")
            let text = FileManager.default.fileExists(atPath: MergeGoldens.folder.appendingPathComponent(mergeCase.name + ".traces.txt").path)
            let digest = FileManager.default.fileExists(atPath: MergeGoldens.folder.appendingPathComponent(mergeCase.name + ".traces.sha256").path)
            #expect(text != digest, "\(mergeCase.name): needs exactly one of .traces.txt and .traces.sha256")
            expected.insert(mergeCase.name + (digest ? ".traces.sha256" : ".traces.txt"))
            #expect(throws: Never.self, "\(mergeCase.name)") { _ = try mergeCase.mergeArguments() }
        }
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: MergeGoldens.folder.path))
        #expect(present == expected, "without a case: \(present.subtracting(expected).sorted()); missing: \(expected.subtracting(present).sorted())")
        let commands = try String(contentsOf: MergeGoldens.folder.appendingPathComponent("COMMANDS.md"), encoding: .utf8)
        #expect(commands.contains("**go version go1.27."), "COMMANDS.md names no Go 1.27")
    }

    /// Every corpus profile Go 1.27's pprof reads has its case, with no option.
    @Test(.needsCorpus) func everyCorpusProfileIsACase() throws {
        let names = Corpus.profileNames
        let rejected = names.filter { FileManager.default.fileExists(atPath: Corpus.file("expected-go1.27/\($0).error.txt").path) }
        #expect(names.count >= 30 && rejected.count < 5)
        let cases = Dictionary(uniqueKeysWithValues: MergeCase.all.map { ($0.name, $0.arguments) })
        for name in names where !rejected.contains(name) {
            #expect(cases[name + ".plain"] == ["../shared/corpus/profiles/" + name], "\(name): no plain case")
        }
    }
}

/// One case of Goldens/merge/cases.tsv: a name, then the arguments go tool pprof -proto was
/// given (pprof's single-dash options, then the profiles, relative to the package root).
struct MergeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let arguments: [String]
    var testDescription: String { name }

    var needsCorpus: Bool { arguments.contains { $0.contains("../shared/corpus/") } }

    /// The same for proflens merge, its options spelled as its --help names them.
    func mergeArguments() throws -> [String] {
        let long = ["focus": "--focus", "ignore": "--ignore", "hide": "--hide", "tagfocus": "--tagfocus",
                    "sample_index": "--sample-index", "diff_base": "--diff-base"]
        return try arguments.flatMap { argument -> [String] in
            guard argument.hasPrefix("-") else { return [argument] }
            if argument == "-normalize" { return ["--normalize"] }
            guard let equals = argument.firstIndex(of: "="), let option = long[String(argument.dropFirst().prefix(upTo: equals))] else {
                throw FixtureError("cases.tsv: \(name): no proflens spelling for \(argument)")
            }
            return [option, String(argument[argument.index(after: equals)...])]
        }
    }

    static let all: [MergeCase] = {
        guard let text = try? String(contentsOf: MergeGoldens.folder.appendingPathComponent("cases.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return MergeCase(name: fields[0], arguments: Array(fields.dropFirst()))
        }
    }()
    static var onSamples: [MergeCase] { all.filter { !$0.needsCorpus } }
    static var onCorpus: [MergeCase] { all.filter(\.needsCorpus) }
}

enum MergeGoldens {
    static let folder = Paths.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/merge")

    /// `actual` is byte for byte the golden; else the first line that differs is reported.
    static func expect(_ actual: Data, golden name: String, from source: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected = try? Data(contentsOf: folder.appendingPathComponent(name)) else {
            Issue.record("missing golden \(name) (scripts/merge-goldens.sh writes it)", sourceLocation: sourceLocation)
            return
        }
        guard actual != expected else { return }
        let got = actual.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let want = expected.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        func line(_ lines: [Data], _ index: Int) -> String { index < lines.count ? String(decoding: lines[index], as: UTF8.self) : "<end>" }
        Issue.record("\(source): \(name) differs at line \(first + 1):\n  got:  \(line(got, first))\n  want: \(line(want, first))",
                     sourceLocation: sourceLocation)
    }

    /// The traces against NAME.traces.txt, or against the SHA-256, byte count and line count
    /// of NAME.traces.sha256.
    static func expectTraces(_ actual: Data, of mergeCase: MergeCase, from source: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let digestFile = folder.appendingPathComponent(mergeCase.name + ".traces.sha256")
        guard let digest = try? String(contentsOf: digestFile, encoding: .utf8) else {
            return expect(actual, golden: mergeCase.name + ".traces.txt", from: source, sourceLocation: sourceLocation)
        }
        let want = digest.trimmingCharacters(in: .whitespacesAndNewlines)
        let got: String
        do {
            got = "\(try sha256(actual)) \(actual.count) \(lineCount(actual))"
        } catch {
            Issue.record("\(source): cannot take the SHA-256 of the traces: \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(got == want, "\(source): \(mergeCase.name) traces (SHA-256, bytes, lines) differ", sourceLocation: sourceLocation)
    }

    /// The number of newlines (as `wc -l` counts).
    static func lineCount(_ data: Data) -> Int {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int in
            guard var position = buffer.baseAddress else { return 0 }
            let end = position + buffer.count
            var count = 0
            while position < end, let found = memchr(position, 0x0A, end - position) {
                count += 1
                position = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }

    /// The SHA-256 of `data` in hex, by sha256sum (coreutils).
    static func sha256(_ data: Data) throws -> String {
        let file = try TemporaryFile.write(Array(data), label: "traces")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Subprocess.run("/usr/bin/env", ["sha256sum", file.path])
        guard result.status == 0, let hex = result.stdout.split(separator: " ").first, hex.count == 64 else {
            throw FixtureError("sha256sum: \(result.status) \(result.stderr)")
        }
        return String(hex)
    }
}
