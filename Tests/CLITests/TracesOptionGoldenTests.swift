import Foundation
import Testing
import TestSupport

/// `traces --lines`, `--files`, `--addresses` and `--unit`: go tool pprof -traces with them, byte for byte
/// (goldens written by Go 1.27's pprof; Goldens/traces-options/COMMANDS.md).
@Suite struct TracesOptionGoldenTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/traces-options")
    static let cases: [(golden: String, arguments: [String], profile: String)] = [
        ("ap1-cpu.lines.txt", ["-lines"], "go1.27/ap1-range-mutate/cpu"),
        ("ap2-mutex.unit-ms.txt", ["-unit=ms"], "go1.27/ap2-lock-contention/mutex"),
        ("ap3-heap.lines.unit-kB.txt", ["-lines", "-unit=kB"], "go1.19/ap3-delete-keep-ref/heap"),
        ("ap4-cpu.unit-auto.focus-main.txt", ["-unit=auto", "-focus=main"], "go1.19/ap4-never-shrink/cpu"),
        ("ap2-mutex.addresses.txt", ["-addresses"], "go1.27/ap2-lock-contention/mutex"),
        ("ap3-heap.files.txt", ["-files"], "go1.19/ap3-delete-keep-ref/heap"),
    ]

    @Test(arguments: cases.map(\.golden))
    func sameAsPprof(_ name: String) throws {
        let (golden, arguments, profile) = try #require(Self.cases.first { $0.golden == name })
        let expected = try String(contentsOf: Self.goldens.appendingPathComponent(golden), encoding: .utf8)
        let result = try CLI.run(["traces"] + arguments + [Paths.samples.appendingPathComponent("profiles/\(profile).pb.gz").path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == expected)
    }
}
