import Foundation
import Testing
import TestSupport

/// `top --lines`, `--unit`, `--source-path` and `--trim-path`: go tool pprof -top's tables with
/// -lines, -unit, -source_path and -trim_path (alone and combined), byte for byte (goldens
/// written by Go 1.27's pprof; Goldens/top-options/COMMANDS.md).
@Suite struct TopOptionGoldenTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/top-options")
    /// Each golden, pprof's options for it, its profile, and the options it is about: without
    /// them the table must differ (nil: the option changes nothing pprof prints).
    static let cases: [(golden: String, arguments: [String], profile: String, about: [String]?)] = [
        ("ap1-cpu.lines.txt", ["-lines", "-nodecount=20"], "go1.27/ap1-range-mutate/cpu", ["-lines"]),
        ("ap4-cpu.lines.cum.txt", ["-lines", "-cum", "-nodecount=15"], "go1.27/ap4-never-shrink/cpu", ["-lines"]),
        ("ap1-cpu.lines.cum.source_path.txt", ["-lines", "-cum", "-source_path=samples", "-nodecount=12"], "go1.27/ap1-range-mutate/cpu",
         ["-source_path=samples"]),
        ("ap1-cpu.lines.cum.trim_path.txt", ["-lines", "-cum", "-trim_path=proflens/samples", "-nodecount=12"], "go1.27/ap1-range-mutate/cpu",
         ["-trim_path=proflens/samples"]),
        ("ap3-heap.unit-kb.txt", ["-unit=kb"], "go1.19/ap3-delete-keep-ref/heap", ["-unit=kb"]),
        ("ap2-mutex.unit-ms.txt", ["-unit=ms", "-nodecount=10"], "go1.27/ap2-lock-contention/mutex", ["-unit=ms"]),
        ("ap1-cpu.unit-auto.txt", ["-unit=auto", "-nodecount=10"], "go1.27/ap1-range-mutate/cpu", ["-unit=auto"]),
        ("ap4-heap.unit-kB.lines.txt", ["-unit=kB", "-lines", "-nodecount=10"], "go1.27/ap4-never-shrink/heap", ["-unit=kB"]),
        ("ap1-cpu.source_path.txt", ["-source_path=samples", "-nodecount=10"], "go1.27/ap1-range-mutate/cpu", nil),
        ("ap1-cpu.filefunctions.txt", ["-filefunctions"], "go1.27/ap1-range-mutate/cpu", ["-filefunctions"]),
        ("ap4-cpu.addresses.txt", ["-addresses", "-nodecount=15"], "go1.19/ap4-never-shrink/cpu", ["-addresses"]),
    ]

    @Test(arguments: cases.map(\.golden))
    func sameAsPprof(_ name: String) throws {
        let (golden, arguments, profile, about) = try #require(Self.cases.first { $0.golden == name })
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent(golden), encoding: .utf8)
        let path = Paths.samples.appendingPathComponent("profiles/\(profile).pb.gz").path
        let result = try CLI.run(["top"] + arguments + [path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == expected)
        // The options the golden is about are what makes it: without them the table differs
        // (or, for -source_path without -lines, is the same: pprof shows no file names).
        let without = try CLI.run(["top"] + arguments.filter { !(about ?? ["-source_path=samples"]).contains($0) } + [path])
        #expect(without.status == 0)
        #expect(about == nil ? without.text == expected : without.text != expected, "\(about ?? [])")
    }

    /// -files: pprof's rows, as a set. Rows of one file name with the same flat value come in an
    /// order that changes from run to run of go tool pprof (its comparator calls nodes with
    /// the same printed name equal, whatever their cum); proflens orders them by cum, as the
    /// comparator means to, so the table is compared line by line, sorted.
    @Test func filesAreThePprofRows() throws {
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent("ap1-cpu.files.txt"), encoding: .utf8)
        let path = Paths.samples.appendingPathComponent("profiles/go1.27/ap1-range-mutate/cpu.pb.gz").path
        let result = try CLI.run(["top", "-files", path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        // (Without the running sum% column, which follows the order.)
        func rows(_ text: String) -> [String] {
            text.split(separator: "\n").map { line in
                let fields = line.split(separator: " ")
                guard fields.count >= 5, fields[1].hasSuffix("%"), fields[2].hasSuffix("%") else { return String(line) }
                return (fields[..<2] + fields[3...]).joined(separator: " ")
            }.sorted()
        }
        #expect(rows(result.text) == rows(expected))
        #expect(result.text.contains("runtime/malloc.go") && !result.text.contains("mallocgc"))
        // Rows of one name: by cum, descending.
        let malloc = result.text.split(separator: "\n").filter { $0.hasSuffix("  runtime/malloc.go") && $0.hasPrefix("         0 ") }
        let cums = malloc.map { Double($0.split(separator: " ", omittingEmptySubsequences: true)[5].dropLast()) ?? -1 }
        #expect(cums.count >= 3 && cums == cums.sorted(by: >), "\(malloc)")
    }

    /// Two granularities at once are refused, as one line.
    @Test func oneGranularityAtATime() throws {
        let path = Paths.samples.appendingPathComponent("profiles/go1.27/ap1-range-mutate/cpu.pb.gz").path
        let result = try CLI.run(["top", "-files", "-lines", path])
        #expect(result.status == 64 && result.stderr.contains("choose one of --functions, --lines, --files, --filefunctions, --addresses"))
    }

    /// The long spellings are the same options.
    @Test func longSpellings() throws {
        let path = Paths.samples.appendingPathComponent("profiles/go1.27/ap4-never-shrink/heap.pb.gz").path
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent("ap4-heap.unit-kB.lines.txt"), encoding: .utf8)
        let result = try CLI.run(["top", "--unit", "kB", "--lines", "--nodecount", "10", path])
        #expect(result.status == 0 && result.text == expected, "\(result.stderr)")
    }
}
