import Foundation
import TestSupport
import Testing

/// Profiles fetched from a real Go net/http/pprof server (built from
/// Tests/ProfileFetchTests/Fixtures/pprofserver and started on 127.0.0.1), through the commands
/// as a user runs them; and the failures: a server that stalls, one that answers 500, one that
/// sends an HTML page. Nothing is written on failure. Reported as skipped without Go; with Go,
/// a server that cannot be built or started fails each test.
@Suite(.serialized, .enabled(if: GoFixture.isAvailable, "needs Go (Debian's golang-go) to build the pprof test server"))
struct LiveProfileTests {
    /// One server for the suite, built on first use; it exits when this process does.
    static let server: Result<PprofServer, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-cli-pprofserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try PprofServer(binary: try GoFixture.build(into: folder))
    }

    @Test func cpuProfileWithSecondsFromHostAndPort() throws {
        let server = try Self.server.get()
        let result = try CLI.run(["top", "--seconds", "1", "--nodecount", "5", "127.0.0.1:\(server.port)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("Type: cpu\n") && result.text.contains("Duration: 1"))
        #expect(result.stderr.contains("Fetching profile over HTTP from http://127.0.0.1:\(server.port)/debug/pprof/profile?seconds=1"))
    }

    @Test(arguments: [("heap", "inuse_space"), ("mutex", "delay"), ("goroutine", "goroutine"), ("block", "delay")])
    func everyProfileKind(_ endpoint: String, _ type: String) throws {
        let server = try Self.server.get()
        let result = try CLI.run(["analyze", "--nodecount", "3", server.url("/debug/pprof/\(endpoint)").absoluteString])
        #expect(result.status == 0, "\(endpoint): \(result.stderr)")
        #expect(result.text.contains("Type: \(type)\n"), "\(endpoint)")
        // Saved where every test run saves (its PPROF_TMPDIR), never in the real ~/pprof.
        #expect(result.stderr.contains("proflens: Saved profile in \(CLI.saveFolder.path)/pprof.pprofserver."), "\(endpoint): \(result.stderr)")
    }

    @Test func failuresGetOneLineAnExitCodeAndNoFile() throws {
        let server = try Self.server.get()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-live-\(UUID().uuidString).svg")
        for (path, extra, code, words) in [("/stall", ["--timeout", "1"], Int32(66), "timed out"),
                                           ("/500", [], 66, "HTTP 500"),
                                           ("/html", [], 65, "not a profile")] {
            let started = Date()
            let result = try CLI.run(["flame", server.url(path).absoluteString, "-o", output.path] + extra)
            #expect(result.status == code, "\(path): \(result.status) \(result.stderr)")
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("proflens:") }
            #expect(errors.count == 1 && errors[0].contains(words), "\(path): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(path): a file was written")
            #expect(Date().timeIntervalSince(started) < 20, "\(path): took too long")
        }
    }

    @Test func standardInputReadsAProfile() throws {
        let file = CLI.packageRoot.appendingPathComponent("samples/profiles").path
        let profile = try #require(FileManager.default.enumerator(atPath: file)?.compactMap { $0 as? String }.first { $0.hasSuffix("cpu.pb.gz") })
        let path = file + "/" + profile
        let direct = try CLI.run(["top", path])
        let piped = try CLI.run(["top", "-"], stdin: URL(fileURLWithPath: path))
        #expect(direct.status == 0 && piped.status == 0 && direct.stdout == piped.stdout)
    }
}
