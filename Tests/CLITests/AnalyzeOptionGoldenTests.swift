import Foundation
import Testing
import TestSupport

/// `analyze` with top's report options (-cum, -unit, -functions, -lines, -files,
/// -filefunctions, -addresses; -source_path and -trim_path for the file names): each profile's
/// table is go tool pprof -top's with the same options, byte for byte (goldens written by Go
/// 1.27's pprof, shared with `top`: Goldens/top-options and Goldens/top-cum, their
/// COMMANDS.md), and the findings are the same whatever the options (they read the profile,
/// not the table).
@Suite struct AnalyzeOptionGoldenTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens")

    static func path(_ profile: String) -> String {
        Paths.samples.appendingPathComponent("profiles/\(profile).pb.gz").path
    }

    /// Each golden, pprof's options for it, the profiles analyzed (the golden is the table of
    /// one of them), and the options it is about: without them no table of the output is it.
    static let cases: [(golden: String, arguments: [String], profiles: [String], about: [String])] = [
        ("top-options/ap1-cpu.lines.txt", ["-lines", "-nodecount=20"], ["go1.27/ap1-range-mutate/cpu"], ["-lines"]),
        // Two profiles: each table is pprof's for its profile.
        ("top-options/ap4-cpu.lines.cum.txt", ["-lines", "-cum", "-nodecount=15"], ["go1.27/ap4-never-shrink/cpu", "go1.27/ap4-never-shrink/heap"],
         ["-cum"]),
        ("top-options/ap4-heap.lines.cum.txt", ["-lines", "-cum", "-nodecount=15"], ["go1.27/ap4-never-shrink/cpu", "go1.27/ap4-never-shrink/heap"],
         ["-lines"]),
        ("top-options/ap1-cpu.lines.cum.source_path.txt", ["-lines", "-cum", "-source_path=samples", "-nodecount=12"],
         ["go1.27/ap1-range-mutate/cpu"], ["-source_path=samples"]),
        ("top-options/ap1-cpu.lines.cum.trim_path.txt", ["-lines", "-cum", "-trim_path=proflens/samples", "-nodecount=12"],
         ["go1.27/ap1-range-mutate/cpu"], ["-trim_path=proflens/samples"]),
        ("top-options/ap3-heap.unit-kb.txt", ["-unit=kb"], ["go1.19/ap3-delete-keep-ref/heap"], ["-unit=kb"]),
        ("top-options/ap2-mutex.unit-ms.cum.txt", ["-unit=ms", "-cum", "-nodecount=10"], ["go1.27/ap2-lock-contention/mutex"], ["-unit=ms"]),
        ("top-options/ap1-cpu.unit-auto.txt", ["-unit=auto", "-nodecount=10"], ["go1.27/ap1-range-mutate/cpu"], ["-unit=auto"]),
        // The long spellings.
        ("top-options/ap4-heap.unit-kB.lines.txt", ["--unit=kB", "--lines", "--nodecount=10"], ["go1.27/ap4-never-shrink/heap"], ["--unit=kB"]),
        ("top-options/ap1-cpu.filefunctions.txt", ["-filefunctions"], ["go1.27/ap1-range-mutate/cpu"], ["-filefunctions"]),
        ("top-options/ap4-cpu.addresses.txt", ["-addresses", "-nodecount=15"], ["go1.19/ap4-never-shrink/cpu"], ["-addresses"]),
        // (-files on this heap profile: an order pprof keeps from run to run; see
        // TopOptionGoldenTests.filesAreThePprofRows.)
        ("top-options/ap4-heap.files.txt", ["-files"], ["go1.27/ap4-never-shrink/heap"], ["-files"]),
        ("top-options/ap3-heap-alloc.filefunctions.cum.txt", ["-sample_index=alloc_space", "-filefunctions", "-cum", "-nodecount=10"],
         ["go1.27/ap3-delete-keep-ref/heap"], ["-cum"]),
        ("top-cum/go1.27_ap1-range-mutate_cpu.top-cum.txt", ["--cum", "--nodecount=15"], ["go1.27/ap1-range-mutate/cpu"], ["--cum"]),
    ]

    @Test(arguments: cases.map(\.golden))
    func tableIsPprofs(_ name: String) throws {
        let (golden, arguments, profiles, about) = try #require(Self.cases.first { $0.golden == name })
        let table = try String(contentsOf: Self.goldens.appendingPathComponent(golden), encoding: .utf8)
        let result = try CLI.run(["analyze", "--no-color"] + arguments + profiles.map(Self.path))
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        // A whole table: after the summary's blank line, before the next section's.
        #expect(result.text.contains("\n\n" + table + "\n"), "analyze's table is not go tool pprof's \(golden)")
        let without = try CLI.run(["analyze", "--no-color"] + arguments.filter { !about.contains($0) } + profiles.map(Self.path))
        #expect(without.status == 0 && !without.text.contains(table), "\(about)")
    }

    /// The findings, the heap growth and the verdict read the profiles, not the tables: the
    /// same with every option (AP1's CPU profile, with its source, and two heap profiles).
    @Test(arguments: [["-lines"], ["-files"], ["-filefunctions"], ["-addresses"], ["-cum"], ["-unit=ms"], ["--lines", "--cum", "--unit=auto"]])
    func findingsDoNotChange(_ options: [String]) throws {
        let profiles = ["cpu", "heap-early", "heap"].map { Self.path("go1.27/ap1-range-mutate/\($0)") }
        let source = ["--source-path", Paths.samples.path]
        func run(_ arguments: [String]) throws -> (json: [String: Any], text: String) {
            let json = try CLI.run(["analyze", "--format", "json"] + source + arguments + profiles)
            let text = try CLI.run(["analyze", "--no-color"] + source + arguments + profiles)
            #expect(json.status == 0 && text.status == 0, "\(arguments): \(json.stderr) \(text.stderr)")
            return (try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]), text.text)
        }
        let plain = try run([]), optioned = try run(options)
        func serialized(_ json: [String: Any], _ key: String) throws -> Data {
            try JSONSerialization.data(withJSONObject: try #require(json[key]), options: [.sortedKeys])
        }
        for key in ["findings", "heapGrowth", "sourceNotFound"] {
            #expect(try serialized(optioned.json, key) == serialized(plain.json, key), "\(options): \(key)")
        }
        let findings = try #require(plain.json["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["level"] as? String == "critical" }, "a critical finding, its source confirmed")
        // The text: the verdict, the heap growth and the findings are the same; the tables not.
        func sections(_ text: String) -> (verdict: Substring?, rest: Substring?) {
            (text.split(separator: "\n").first, text.range(of: "\nIn-use heap growth").map { text[$0.lowerBound...] })
        }
        #expect(sections(optioned.text).verdict == sections(plain.text).verdict)
        #expect(sections(plain.text).rest != nil && sections(optioned.text).rest == sections(plain.text).rest)
        #expect(optioned.text != plain.text)
    }

    /// The JSON has the tables: it says which granularity, order and unit they were printed
    /// with, and its values stay raw integers in the sample type's unit (here pprof's -top
    /// -lines -cum rows, Goldens/top-options/ap4-cpu.lines.cum.txt).
    @Test func jsonSaysWhatTheTableIs() throws {
        let result = try CLI.run(["analyze", "--format", "json", "-lines", "-cum", "-unit=ms", "-nodecount=15", Self.path("go1.27/ap4-never-shrink/cpu")])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let top = try #require((document["profiles"] as? [[String: Any]])?.first?["top"] as? [String: Any])
        #expect(top["granularity"] as? String == "lines" && top["sortedBy"] as? String == "cum" && top["textUnit"] as? String == "ms")
        let rows = try #require(top["rows"] as? [[String: Any]])
        let reference = PprofTopText.cpuRows(try String(contentsOf: Self.goldens.appendingPathComponent("top-options/ap4-cpu.lines.cum.txt"),
                                                        encoding: .utf8))
        #expect(reference.count == 15 && rows.count == reference.count)
        for (row, expected) in zip(rows, reference) {
            #expect(row["name"] as? String == expected.name && (row["flat"] as? NSNumber)?.int64Value == expected.flat
                    && (row["cum"] as? NSNumber)?.int64Value == expected.cum, "\(expected.name)")
        }
        let plain = try CLI.run(["analyze", "--format", "json", Self.path("go1.27/ap4-never-shrink/cpu")])
        let plainTop = try #require((((try JSONSerialization.jsonObject(with: plain.stdout)) as? [String: Any])?["profiles"] as? [[String: Any]])?.first?["top"]
                                    as? [String: Any])
        #expect(plainTop["granularity"] as? String == "functions" && plainTop["sortedBy"] as? String == "flat" && plainTop["textUnit"] as? String == "s")
    }

    /// Refused as top refuses them, and where no table is printed.
    @Test func refusals() throws {
        let profile = Self.path("go1.27/ap1-range-mutate/cpu")
        let both = try CLI.run(["analyze", "-files", "-lines", profile])
        #expect(both.status == 64 && both.stdout.isEmpty && both.stderr.contains("choose one of --functions, --lines, --files, --filefunctions, --addresses"))
        let findingsOnly = try CLI.run(["analyze", "--findings-only", "-cum", "-unit=ms", profile])
        #expect(findingsOnly.status == 64 && findingsOnly.stdout.isEmpty
                && findingsOnly.stderr.contains("--cum and --unit apply to the tables, which --findings-only leaves out"), "\(findingsOnly.stderr)")
        let sarif = try CLI.run(["analyze", "--format", "sarif", "-addresses", profile])
        #expect(sarif.status == 64 && sarif.stdout.isEmpty
                && sarif.stderr.contains("--addresses applies to the tables, which SARIF output does not have"), "\(sarif.stderr)")
        // The defaults, spelled out, are no table option.
        let defaults = try CLI.run(["analyze", "--findings-only", "-functions", "-unit=minimum", profile])
        #expect(defaults.status == 0, "\(defaults.stderr)")
    }
}
