import Foundation
import Testing
import TestSupport

/// `--show` and `--show-from`: go tool pprof -top's tables with -show and -show_from, byte for
/// byte (goldens written by Go 1.27's pprof; Goldens/filters/COMMANDS.md).
@Suite struct FilterGoldenTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/filters")
    static let cases: [(golden: String, arguments: [String], profile: String)] = [
        ("ap1-cpu.show_from-Expire.txt", [#"-show_from=main\.\(\*SessionCache\)\.Expire"#], "go1.27/ap1-range-mutate/cpu"),
        ("ap4-cpu.show-main.txt", [#"-show=^main\."#], "go1.27/ap4-never-shrink/cpu"),
        ("ap3-heap.show_from-main.hide-runtime.txt", ["-show_from=main", "-hide=runtime"], "go1.19/ap3-delete-keep-ref/heap"),
    ]

    @Test(arguments: cases.map(\.golden))
    func sameAsPprof(_ name: String) throws {
        let (golden, arguments, profile) = try #require(Self.cases.first { $0.golden == name })
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent(golden), encoding: .utf8)
        let result = try CLI.run(["top"] + arguments + [Paths.samples.appendingPathComponent("profiles/\(profile).pb.gz").path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == expected)
    }

    @Test func showFromThatMatchesNothingIsNamed() throws {
        let result = try CLI.run(["top", "--show-from", "zzznomatch", Paths.samples.appendingPathComponent("profiles/go1.27/healthy/cpu.pb.gz").path])
        #expect(result.status == 0 && result.stderr == "proflens: ShowFrom expression matched no samples\n", "\(result.stderr)")
    }
}
