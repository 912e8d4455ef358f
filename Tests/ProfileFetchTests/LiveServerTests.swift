import TestSupport
import Foundation
#if canImport(FoundationNetworking)
// String(contentsOf:) of an http URL, for the server's own account of what it sent.
import FoundationNetworking
#endif
import Testing
@testable import ProfileFetch

/// Against a real Go net/http/pprof server (Fixtures/pprofserver), built and started once for
/// the suite. Serialized: Go serves one CPU profile at a time, and the leak check counts.
@Suite(.enabled(if: GoFixture.isAvailable, "Go is not installed: no pprof server to fetch from"),
       .liveServers, .serialized)
struct LiveServerTests {
    var servers: LiveServers { LiveServers.current! }
    var plain: PprofServer { servers.plain }
    static let cap = 64 << 20

    func fetchURL(_ argument: String, seconds: Int? = nil) throws -> URL {
        guard case .url(let url) = try ProfileLocation.parse(argument, seconds: seconds) else {
            throw FixtureError("\(argument) is not a URL")
        }
        return url
    }

    /// The error of a fetch that must fail, and how long it took.
    func failure(_ url: URL, _ fetcher: Fetcher = Fetcher(maxBytes: cap)) -> (FetchError?, TimeInterval) {
        let start = Date()
        do {
            let bytes = try fetcher.fetch(url)
            Issue.record("\(url): fetched \(bytes.count) bytes, expected an error")
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error, Date().timeIntervalSince(start))
        }
    }

    /// The profile inflated by gzip(1): the fetched bytes must be a complete gzip stream.
    func inflate(_ bytes: [UInt8]) throws -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-fetch-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Subprocess.runForData("/bin/gzip", ["-dc", file.path])
        #expect(result.status == 0, "gzip -dc failed")
        return result.stdout
    }

    func contains(_ haystack: Data, _ needle: String) -> Bool {
        haystack.range(of: Data(needle.utf8)) != nil
    }

    // MARK: Profiles

    /// `host:port` alone with --seconds 1: pprof's CPU profile URL, a one-second profile.
    @Test func cpuProfileFromHostPortShorthand() throws {
        let url = try fetchURL("127.0.0.1:\(plain.port)", seconds: 1)
        #expect(url.absoluteString == "http://127.0.0.1:\(plain.port)/debug/pprof/profile?seconds=1")
        let start = Date()
        // pprof's own timeout would be 1.5 s, which a loaded two-core machine can miss: the
        // default is tested in ProfileLocationTests.
        let bytes = try Fetcher(timeout: 30, seconds: 1, maxBytes: Self.cap).fetch(url)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.9, "a one-second CPU profile came after \(elapsed) s")
        #expect(bytes.starts(with: [0x1f, 0x8b]))
        let profile = try inflate(bytes)
        #expect(profile.count > 200)
        // Sample types of a Go CPU profile, in its string table.
        #expect(contains(profile, "samples") && contains(profile, "cpu") && contains(profile, "nanoseconds"))
    }

    @Test(arguments: [("heap", "inuse_space"), ("mutex", "contentions"), ("goroutine", "goroutine"),
                      ("block", "contentions"), ("allocs", "alloc_space")])
    func namedProfiles(name: String, sampleType: String) throws {
        let url = try fetchURL("http://127.0.0.1:\(plain.port)/debug/pprof/\(name)")
        let bytes = try Fetcher(maxBytes: Self.cap).fetch(url)
        #expect(bytes.starts(with: [0x1f, 0x8b]))
        let profile = try inflate(bytes)
        #expect(profile.count > 100)
        #expect(contains(profile, sampleType), "\(name) profile without \(sampleType)")
    }

    /// gzip under a text content type is still taken whole: the bytes decide, not the label.
    @Test func gzipLabelledAsTextIsKept() throws {
        let bytes = try Fetcher(maxBytes: Self.cap).fetch(plain.url("/gziptext"))
        #expect(bytes.starts(with: [0x1f, 0x8b]))
        #expect(try inflate(bytes).count == 100_000)
    }

    @Test func plainTextIsNotAProfile() {
        let url = plain.url("/text")
        let (error, _) = failure(url)
        #expect(error?.reason == .text(contentType: "text/plain; charset=utf-8", firstLine: "hello from a proxy"))
        #expect(error?.description == "\(url.absoluteString): not a profile: got text (text/plain; charset=utf-8): hello from a proxy")
    }

    @Test func redirectsAreFollowed() throws {
        let bytes = try Fetcher(maxBytes: Self.cap).fetch(plain.url("/redirect"))
        #expect(bytes.starts(with: [0x1f, 0x8b]))
    }

    @Test func userAgentIsProflens() {
        let (error, _) = failure(plain.url("/ua"))
        #expect(error?.reason == .text(contentType: "text/plain; charset=utf-8", firstLine: "proflens"))
    }

    // MARK: Failures

    @Test func stallingServerTimesOut() {
        let url = plain.url("/stall")
        let (error, elapsed) = failure(url, Fetcher(timeout: 1, maxBytes: Self.cap))
        #expect(error?.reason == .timedOut(seconds: 1, phase: .waitingForAnswer))
        #expect(error?.kind == .unreachable)
        #expect(error?.description == "\(url.absoluteString): timed out after 1 s, connected, waiting for the answer (see --timeout)")
        #expect(elapsed >= 0.9 && elapsed < 3, "gave up after \(elapsed) s")
    }

    @Test func serverErrorNamesStatusAndFirstLine() {
        let url = plain.url("/500")
        let (error, _) = failure(url)
        #expect(error?.reason == .httpStatus(code: 500, firstLine: "profiling failed:\\tdatabase \\x1b[31mon fire"))
        #expect(error?.kind == .unreachable)
        #expect(error?.description
            == "\(url.absoluteString): server answered HTTP 500 Internal Server Error: profiling failed:\\tdatabase \\x1b[31mon fire")
    }

    @Test func unknownProfileIs404WithGoText() {
        let (error, _) = failure(plain.url("/debug/pprof/nosuchprofile"))
        #expect(error?.reason == .httpStatus(code: 404, firstLine: "Unknown profile"))
    }

    @Test func htmlPageIsNotAProfile() {
        let url = plain.url("/html")
        let (error, _) = failure(url)
        #expect(error?.reason == .htmlPage(contentType: "text/html; charset=utf-8"))
        #expect(error?.kind == .notAProfile)
        #expect(error?.description == "\(url.absoluteString): not a profile: got an HTML page (text/html; charset=utf-8)")
    }

    @Test func emptyBodyIsNotAProfile() {
        let (error, _) = failure(plain.url("/empty"))
        #expect(error?.reason == .empty)
        #expect(error?.kind == .notAProfile)
    }

    /// An endless body (1 GiB, no Content-Length): the fetch fails at the cap, and the server
    /// sees the connection close. `paced`: about 64 MB/s, as from a remote service; otherwise
    /// at loopback speed.
    @Test(arguments: [true, false])
    func sizeCapStopsTheTransfer(paced: Bool) throws {
        let cap = 1 << 20
        let id = UUID().uuidString
        let url = plain.url("/big?id=\(id)" + (paced ? "&paced=1" : ""))
        let (error, elapsed) = failure(url, Fetcher(maxBytes: cap))
        #expect(error?.reason == .tooLarge(limit: cap))
        #expect(error?.kind == .notAProfile)
        #expect(error?.description == "\(url.absoluteString): not a profile: larger than the limit of 1048576 bytes, reading stopped there (see --max-inflated-size)")
        #expect(elapsed < 5)
        var sent: Int?
        for _ in 0..<50 where sent == nil {
            if let text = try? String(contentsOf: plain.url("/bigsent?id=\(id)"), encoding: .utf8) { sent = Int(text) }
            else { Thread.sleep(forTimeInterval: 0.1) }
        }
        let written = try #require(sent, "/big did not end after the client stopped")
        #expect(written < (paced ? 16 << 20 : 1 << 30), "the server wrote \(written) bytes")
    }

    /// A Content-Length over the cap: refused before the body is read.
    @Test func sizeCapByContentLength() {
        let cap = 1 << 20
        let (error, _) = failure(plain.url("/big?length=\(cap + 1)"), Fetcher(maxBytes: cap))
        #expect(error?.reason == .tooLarge(limit: cap))
        // At the cap exactly, it is fetched.
        #expect((try? Fetcher(maxBytes: cap).fetch(plain.url("/big?length=\(cap)")))?.count == cap)
    }

    @Test func redirectLoopIsCapped() {
        let (error, _) = failure(plain.url("/loop"), Fetcher(maxBytes: Self.cap, maxRedirects: 3))
        #expect(error?.reason == .tooManyRedirects(limit: 3))
        #expect(error?.kind == .unreachable)
    }

    @Test func connectionRefused() throws {
        let port = try unusedPort()
        let url = try fetchURL("127.0.0.1:\(port)/debug/pprof/heap")
        let (error, elapsed) = failure(url)
        guard case .cannotConnect? = error?.reason else {
            Issue.record("expected cannotConnect, got \(String(describing: error))")
            return
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.description.hasPrefix("http://127.0.0.1:\(port)/debug/pprof/heap: cannot connect: ") == true)
        #expect(elapsed < 5)
    }

    /// The server's certificate is signed by its own CA, which this process does not trust.
    @Test func untrustedCertificateIsATLSFailure() {
        let url = servers.tls.url("/debug/pprof/heap")
        let (error, _) = failure(url)
        guard case .tls? = error?.reason else {
            Issue.record("expected a TLS failure, got \(String(describing: error))")
            return
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.description.hasPrefix("\(url.absoluteString): TLS failed: ") == true)
    }

    /// Many fetches, failed and not: every transfer is released (its thread let go of it), and
    /// the thread count does not grow with the number of fetches.
    @Test func noTransferOrThreadOutlivesAFetch() throws {
        let threadsBefore = threadCount()
        let fetcher = Fetcher(timeout: 0.25, maxBytes: 1 << 20)
        for round in 0..<5 {
            _ = try? fetcher.fetch(plain.url("/debug/pprof/goroutine"))
            _ = try? fetcher.fetch(plain.url("/stall"))
            _ = try? fetcher.fetch(plain.url("/500"))
            _ = try? fetcher.fetch(plain.url("/big?id=leak\(round)"))
            _ = try? fetcher.fetch(URL(string: "http://127.0.0.1:\(try unusedPort())/")!)
        }
        var live = CurlTransfer.liveCount
        for _ in 0..<40 where live != 0 {
            Thread.sleep(forTimeInterval: 0.05)
            live = CurlTransfer.liveCount
        }
        #expect(live == 0, "\(live) transfers still alive")
        let threadsAfter = threadCount()
        #expect(threadsAfter <= threadsBefore + 8, "threads: \(threadsBefore) before, \(threadsAfter) after 25 fetches")
    }
}

/// A port on 127.0.0.1 that nothing listens on (it was free a moment ago).
func unusedPort() throws -> Int {
    let (descriptor, port) = try bindLoopbackSocket()
    close(descriptor)
    return Int(port)
}

func threadCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
}
