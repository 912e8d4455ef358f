import Foundation
import Testing
import TestSupport

/// `proflens merge`: a failed merge leaves no file (and an existing one as it was), with the
/// documented exit status and one line on stderr; `-o -` and `-` are standard output and
/// input; proflens reads its output back as the profile it merged. (What pprof reads in the
/// output: MergeGoldenTests.)
@Suite struct MergeCommandTests {
    /// A failure and what it must say; `arguments` come before `-o FILE`.
    struct Failure: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let arguments: [String]
        let status: Int32
        let mentions: [String]
    }

    static let garbage: String = {
        var random = SplitMix64(seed: 11)
        return try! TemporaryFile.write((0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }, label: "merge-garbage", suffix: ".pb").path
    }()

    static let failures: [Failure] = [
        Failure(testDescription: "a CPU and a heap profile (65)", arguments: [Samples.cpu, Samples.heap], status: 65,
                mentions: ["cannot merge", "incompatible sample types"]),
        Failure(testDescription: "a heap base for a CPU profile (65)", arguments: ["--diff-base", Samples.heap, Samples.cpu], status: 65,
                mentions: ["incompatible sample types"]),
        Failure(testDescription: "a missing file (66)", arguments: [Samples.cpu, "/nonexistent/merge-input.pb.gz"], status: 66,
                mentions: ["/nonexistent/merge-input.pb.gz", "No such file"]),
        Failure(testDescription: "a malformed file (65)", arguments: [Samples.cpu, garbage], status: 65,
                mentions: [garbage, "malformed profile"]),
        Failure(testDescription: "--pgo on a heap profile (64)", arguments: ["--pgo", Samples.heap], status: 64,
                mentions: ["--pgo", "not a CPU profile"]),
    ]

    /// Nothing is written: no output file, no temporary file beside it.
    @Test(arguments: failures)
    func aFailedMergeWritesNothing(_ failure: Failure) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.run(["merge"] + failure.arguments + ["-o", folder.appendingPathComponent("merged.pb.gz").path])
        Self.expectOneLineError(result, failure)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [], "files left behind")
    }

    /// A file already at the output's name is left as it was.
    @Test(arguments: failures)
    func aFailedMergeKeepsTheFileItWouldReplace(_ failure: Failure) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("merged.pb.gz")
        try Data("old".utf8).write(to: output)
        let result = try CLI.run(["merge"] + failure.arguments + ["-o", output.path])
        Self.expectOneLineError(result, failure)
        #expect(try Data(contentsOf: output) == Data("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["merged.pb.gz"], "files left behind")
    }

    static func expectOneLineError(_ result: CLI.Result, _ failure: Failure, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == failure.status, "\(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[0].hasPrefix("proflens: ") && lines[1].isEmpty, "not one line: \(result.stderr)",
                sourceLocation: sourceLocation)
        for text in failure.mentions {
            #expect(result.stderr.contains(text), "should mention \(text): \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// `-o -` and no -o write the profile to standard output: the bytes `-o FILE` writes.
    @Test func standardOutput() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("merged.pb.gz")
        let written = try CLI.run(["merge", "-o", file.path, Samples.cpu, Samples.cpuFixed])
        #expect(written.status == 0 && written.stdout.isEmpty && written.stderr.isEmpty, "\(written.stderr)")
        let bytes = try Data(contentsOf: file)
        #expect(bytes.starts(with: [0x1F, 0x8B]), "not gzip")
        for arguments in [["merge", "-o", "-", Samples.cpu, Samples.cpuFixed], ["merge", Samples.cpu, Samples.cpuFixed]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
            #expect(result.stdout == bytes, "\(arguments)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["merged.pb.gz"])
    }

    /// `-` reads the profile from standard input, alone or with files.
    @Test func standardInput() throws {
        let stdin = URL(fileURLWithPath: Samples.cpu)
        let alone = try CLI.run(["merge", "-o", "-", "-"], stdin: stdin)
        let named = try CLI.run(["merge", "-o", "-", Samples.cpu])
        #expect(alone.status == 0 && named.status == 0, "\(alone.stderr) \(named.stderr)")
        #expect(!alone.stdout.isEmpty && alone.stdout == named.stdout)
        let withFile = try CLI.run(["merge", "-o", "-", "-", Samples.cpuFixed], stdin: stdin)
        let files = try CLI.run(["merge", "-o", "-", Samples.cpu, Samples.cpuFixed])
        #expect(withFile.status == 0 && files.status == 0, "\(withFile.stderr) \(files.stderr)")
        #expect(withFile.stdout == files.stdout && withFile.stdout != alone.stdout)
        // As the base of a difference too.
        let base = try CLI.run(["merge", "-o", "-", "--diff-base", "-", Samples.cpuFixed], stdin: stdin)
        let baseNamed = try CLI.run(["merge", "-o", "-", "--diff-base", Samples.cpu, Samples.cpuFixed])
        #expect(base.status == 0 && !base.stdout.isEmpty && base.stdout == baseNamed.stdout, "\(base.stderr)")
    }

    /// proflens reads its output back: `top` and `traces` of one unfiltered profile merged
    /// are those of the profile, for every sample type.
    @Test(arguments: [
        ("ap1-range-mutate", "cpu"), ("ap1-range-mutate", "heap"), ("ap2-lock-contention", "mutex"),
        ("ap2-lock-contention", "block"), ("ap2-lock-contention", "goroutine"), ("healthy", "heap-early"),
    ])
    func roundTrip(_ sample: String, _ kind: String) async throws {
        let input = Samples.profile(sample, kind)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("merged.pb.gz").path
        let merged = try await CLI.runAsync(["merge", "-o", output, input])
        try #require(merged.status == 0, "\(merged.stderr)")
        let types = switch kind {
        case "cpu": ["samples", "cpu"]
        case "heap", "heap-early": ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]
        case "mutex", "block": ["contentions", "delay"]
        default: ["goroutine"]
        }
        for type in types {
            for report in ["top", "traces"] {
                let original = try await CLI.runAsync([report, "--sample-index", type, input])
                let read = try await CLI.runAsync([report, "--sample-index", type, output])
                #expect(original.status == 0 && read.status == 0, "\(read.stderr)")
                #expect(read.stdout == original.stdout, "\(sample)/\(kind) \(report) --sample-index \(type)")
            }
        }
    }

    /// Several --diff-base are merged: the same as one base that is their merge.
    @Test func severalBasesAreTheirMerge() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bases = folder.appendingPathComponent("bases.pb.gz").path
        let other = Samples.profile("ap1-range-mutate-moderate")
        #expect(try await CLI.runAsync(["merge", "-o", bases, Samples.cpu, other]).status == 0)
        let twoBases = folder.appendingPathComponent("two.pb.gz").path, oneBase = folder.appendingPathComponent("one.pb.gz").path
        #expect(try await CLI.runAsync(["merge", "-o", twoBases, "--diff-base", Samples.cpu, "--diff-base", other, Samples.cpuFixed]).status == 0)
        #expect(try await CLI.runAsync(["merge", "-o", oneBase, "--diff-base", bases, Samples.cpuFixed]).status == 0)
        let single = try await CLI.runAsync(["merge", "-o", "-", "--diff-base", Samples.cpu, Samples.cpuFixed])
        for report in ["top", "traces"] {
            let two = try await CLI.runAsync([report, twoBases]), one = try await CLI.runAsync([report, oneBase])
            #expect(two.status == 0 && !two.stdout.isEmpty && two.stdout == one.stdout, "\(report): \(two.stderr)")
        }
        let file = try TemporaryFile.write(Array(single.stdout), label: "merge-one-base", suffix: ".pb.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try await CLI.runAsync(["top", file.path]).stdout != (try await CLI.runAsync(["top", twoBases])).stdout)
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
