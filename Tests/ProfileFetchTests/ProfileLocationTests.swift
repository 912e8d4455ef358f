import TestSupport
import Foundation
import Testing
@testable import ProfileFetch

/// The argument rules of cmd/pprof's adjustURL and Fetch (Go 1.19 and 1.27 agree on them).
struct ProfileLocationTests {
    /// Parses with no file existing, unless named.
    func parse(_ argument: String, seconds: Int? = nil, existing: Set<String> = []) throws -> ProfileLocation {
        try ProfileLocation.parse(argument, seconds: seconds, fileExists: { existing.contains($0) })
    }

    func url(_ argument: String, seconds: Int? = nil) throws -> String? {
        if case .url(let url) = try parse(argument, seconds: seconds) { return url.absoluteString }
        return nil
    }

    @Test func dashIsStandardInput() throws {
        #expect(try parse("-") == .standardInput)
    }

    @Test(arguments: [
        ("localhost:6060", "http://localhost:6060/debug/pprof/profile"),
        ("127.0.0.1:6060", "http://127.0.0.1:6060/debug/pprof/profile"),
        ("[::1]:6060", "http://[::1]:6060/debug/pprof/profile"),
        ("host.example:6060/debug/pprof/heap", "http://host.example:6060/debug/pprof/heap"),
        ("10.1.2.3:6060/debug/pprof/heap?gc=1", "http://10.1.2.3:6060/debug/pprof/heap?gc=1"),
        ("http://localhost:6060", "http://localhost:6060/debug/pprof/profile"),
        ("http://localhost:6060/", "http://localhost:6060/debug/pprof/profile"),
        // pprof puts the CPU path on any URL without one, with or without a port.
        ("http://profiler.example", "http://profiler.example/debug/pprof/profile"),
        ("https://profiler.example:8443/debug/pprof/heap", "https://profiler.example:8443/debug/pprof/heap"),
        ("HTTP://localhost:6060/debug/pprof/mutex", "http://localhost:6060/debug/pprof/mutex"),
        ("http://localhost:6060/custom/path?x=1", "http://localhost:6060/custom/path?x=1"),
    ])
    func urls(argument: String, expected: String) throws {
        #expect(try url(argument) == expected)
    }

    @Test(arguments: [
        ("localhost:6060", 5, "http://localhost:6060/debug/pprof/profile?seconds=5"),
        // As pprof: on every URL, replacing the URL's own value.
        ("localhost:6060/debug/pprof/heap", 10, "http://localhost:6060/debug/pprof/heap?seconds=10"),
        ("http://h:1/debug/pprof/trace?seconds=3&x=y", 2, "http://h:1/debug/pprof/trace?x=y&seconds=2"),
        // 0 and below: no duration, as pprof's -seconds default of -1.
        ("localhost:6060", 0, "http://localhost:6060/debug/pprof/profile"),
        ("localhost:6060/debug/pprof/profile?seconds=7", -1, "http://localhost:6060/debug/pprof/profile?seconds=7"),
    ])
    func seconds(argument: String, seconds: Int, expected: String) throws {
        #expect(try url(argument, seconds: seconds) == expected)
    }

    @Test(arguments: ["cpu.pb.gz", "./profiles/heap.pb.gz", "/tmp/cpu.pprof", "localhost", "dir/a:b", "profile"])
    func filePaths(argument: String) throws {
        #expect(try parse(argument) == .file(argument))
    }

    @Test func anExistingFileWinsOverAURLLookalike() throws {
        #expect(try parse("localhost:6060", existing: ["localhost:6060"]) == .file("localhost:6060"))
        #expect(try parse("http://x", existing: ["http://x"]) == .file("http://x"))
    }

    @Test func fileURLsAreFilePaths() throws {
        #expect(try parse("file:///tmp/cpu.pb.gz") == .file("/tmp/cpu.pb.gz"))
    }

    @Test(arguments: [
        ("http://", "URL has no host"),
        ("http:///debug/pprof/heap", "URL has no host"),
        ("ftp://host/profile", "unsupported URL scheme \"ftp\" (use http or https)"),
        ("https+insecure://host:1/", "https+insecure is not supported: certificates are always verified"),
        ("http://host:port/", "not a valid URL"),
        ("http://exa mple:80/", "not a valid URL"),
        // Taken for host:port by pprof's rule, but not a valid one: likely a missing file.
        ("cpu-2024-01-02_03:04:05.pb.gz", "no such file, and not a valid URL"),
        ("", "empty profile argument"),
    ])
    func badURLsAreUsageErrors(argument: String, reason: String) {
        #expect(throws: ProfileLocationError(argument: argument, reason: reason)) {
            try parse(argument)
        }
    }

    @Test func usageErrorIsOneLine() {
        let error = ProfileLocationError(argument: "http://a\nb", reason: "not a valid URL")
        #expect(error.description == "http://a\\nb: not a valid URL")
    }

    @Test func defaultTimeoutFollowsPprof() throws {
        let cpu = URL(string: "http://h:1/debug/pprof/profile?seconds=30")!
        let heap = URL(string: "http://h:1/debug/pprof/heap")!
        #expect(Fetcher(maxBytes: 1).effectiveTimeout(for: heap) == 60)
        #expect(Fetcher(maxBytes: 1).effectiveTimeout(for: cpu) == 45)
        #expect(Fetcher(seconds: 10, maxBytes: 1).effectiveTimeout(for: heap) == 15)
        #expect(Fetcher(timeout: 3, seconds: 10, maxBytes: 1).effectiveTimeout(for: cpu) == 3)
        #expect(Fetcher(timeout: 0, maxBytes: 1).effectiveTimeout(for: heap) == 60)
    }

    @Test func passwordsAreMaskedInMessages() {
        let url = URL(string: "http://user:secret@h:1/debug/pprof/heap")!
        #expect(Fetcher.displayName(url) == "http://user:xxxxx@h:1/debug/pprof/heap")
    }
}
