import Foundation
import Testing
import TestSupport

/// `top -cum`: go tool pprof -top -cum's table, byte for byte (goldens written by Go 1.27's
/// pprof; Goldens/top-cum/COMMANDS.md).
@Suite struct TopCumTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/top-cum")
    static let specs = ["go1.27/ap1-range-mutate/cpu", "go1.27/ap2-lock-contention/mutex", "go1.19/ap3-delete-keep-ref/heap", "go1.27/ap4-never-shrink/cpu"]

    @Test(arguments: specs)
    func sameAsPprof(_ spec: String) throws {
        let golden = try String(contentsOf: Self.goldens.appendingPathComponent(spec.replacingOccurrences(of: "/", with: "_") + ".top-cum.txt"), encoding: .utf8)
        let path = Paths.samples.appendingPathComponent("profiles/\(spec).pb.gz").path
        for spelling in [["-cum", "-nodecount=15"], ["--cum", "--nodecount", "15"]] {
            let result = try CLI.run(["top"] + spelling + [path])
            #expect(result.status == 0 && result.text == golden, "\(spelling) \(spec): \(result.stderr)")
        }
        // Without -cum the order is by flat.
        #expect(try CLI.run(["top", "-nodecount=15", path]).text != golden)
    }
}
