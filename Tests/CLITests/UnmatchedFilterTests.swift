import Foundation
import Testing
import TestSupport

/// A filter that matches nothing is not silent: as `go tool pprof` does, one line on stderr
/// names the expression, the run goes on (status 0), and the table is pprof's, totals in
/// pprof's units. Expected text from Go 1.27's `go tool pprof -top -focus=nomatchatall
/// samples/profiles/go1.27/healthy/cpu.pb.gz` ("Focus expression matched no samples" on
/// stderr; "Showing nodes accounting for 0, 0% of 2.78s total").
@Suite struct UnmatchedFilterTests {
    static let cpu = Paths.samples.appendingPathComponent("profiles/go1.27/healthy/cpu.pb.gz").path

    @Test(arguments: [
        (["--focus", "nomatchatall"], "Focus"),
        (["--ignore", "nomatchatall"], "Ignore"),
        (["--hide", "nomatchatall"], "Hide"),
        (["--tagfocus", "user=nobody"], "TagFocus"),
    ])
    func aFilterThatMatchesNothingIsNamed(_ options: [String], _ what: String) throws {
        let result = try CLI.run(["top"] + options + [Self.cpu])
        #expect(result.status == 0)
        #expect(result.stderr == "proflens: \(what) expression matched no samples\n", "\(result.stderr)")
    }

    @Test func anEmptyTableKeepsPprofsUnits() throws {
        let result = try CLI.run(["top", "--focus", "nomatchatall", Self.cpu])
        #expect(result.text.contains("Duration: 3s, Total samples = 2.78s (92.70%)\n"), "\(result.text)")
        #expect(result.text.contains("Showing nodes accounting for 0, 0% of 2.78s total\n"), "\(result.text)")
    }

    @Test func aFilterThatMatchesSaysNothing() throws {
        let result = try CLI.run(["top", "--focus", "main", Self.cpu])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    }
}
