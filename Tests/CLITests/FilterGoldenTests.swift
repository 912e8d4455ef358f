import Foundation
import Testing
import TestSupport

/// `--show`, `--show-from`, `--tagshow`, `--taghide`: go tool pprof's -top tables and -traces
/// with those filters, byte for byte (goldens written by Go 1.27's pprof; Goldens/filters/COMMANDS.md).
@Suite struct FilterGoldenTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/filters")
    static let cases: [(golden: String, arguments: [String], profile: String)] = [
        ("ap1-cpu.show_from-Expire.txt", ["top", #"-show_from=main\.\(\*SessionCache\)\.Expire"#], "go1.27/ap1-range-mutate/cpu"),
        ("ap4-cpu.show-main.txt", ["top", #"-show=^main\."#], "go1.27/ap4-never-shrink/cpu"),
        ("ap3-heap.show_from-main.hide-runtime.txt", ["top", "-show_from=main", "-hide=runtime"], "go1.19/ap3-delete-keep-ref/heap"),
        // Labels removed from the traces, samples kept.
        ("healthy-heap.traces.taghide-bytes.txt", ["traces", "-taghide=bytes"], "go1.27/healthy/heap"),
        ("ap3-heap.traces.tagshow-byt.txt", ["traces", "-tagshow=^byt"], "go1.19/ap3-delete-keep-ref/heap"),
        // Both listed under "Active filters:", in pprof's order.
        ("healthy-heap.tagshow-b.taghide-bytes.txt", ["top", "-tagshow=b", "-taghide=bytes"], "go1.27/healthy/heap"),
    ]

    @Test(arguments: cases.map(\.golden))
    func sameAsPprof(_ name: String) throws {
        let (golden, arguments, profile) = try #require(Self.cases.first { $0.golden == name })
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent(golden), encoding: .utf8)
        let result = try CLI.run(arguments + [Paths.samples.appendingPathComponent("profiles/\(profile).pb.gz").path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == expected)
    }

    @Test func showFromThatMatchesNothingIsNamed() throws {
        let result = try CLI.run(["top", "--show-from", "zzznomatch", Paths.samples.appendingPathComponent("profiles/go1.27/healthy/cpu.pb.gz").path])
        #expect(result.status == 0 && result.stderr == "proflens: ShowFrom expression matched no samples\n", "\(result.stderr)")
    }

    /// As pprof: a label-key pattern that meets no label is said, and the report is made.
    @Test func tagShowAndTagHideThatMatchNothingAreNamed() throws {
        let result = try CLI.run(["traces", "--tagshow", "zzz", "--taghide", "yyy", Paths.samples.appendingPathComponent("profiles/go1.27/healthy/heap.pb.gz").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "proflens: TagShow expression matched no samples\nproflens: TagHide expression matched no samples\n", "\(result.stderr)")
        #expect(!result.text.contains("bytes:"), "every label is removed when -tagshow matches no key")
    }
}
