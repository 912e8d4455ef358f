import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The profiles the command-line tests run on. Every path to `samples/` goes through here (or
/// TestSupport's `Paths` and `SampleProfiles`), so that a new layout of the samples (e.g.
/// `samples/profiles/go1.19/...`) is one edit.
enum Samples {
    /// The newest Go version's folder (go1.27: samples/profiles/go1.27/, samples/expected/go1.27/).
    static let version = SampleProfiles.versions.first ?? ""
    static let expected = Paths.samples.appendingPathComponent("expected/\(version)")

    /// `samples/profiles/go1.27/<sample>/<kind>.pb.gz`.
    static func profile(_ sample: String, _ kind: String = "cpu") -> String {
        SampleProfiles.path(sample, kind)
    }

    /// A reference output of Go 1.27's `go tool pprof` for these profiles, e.g.
    /// `ap1-range-mutate/cpu.cpu.top.txt` or `diff/ap1-range-mutate.cpu.top.txt`.
    static func reference(_ name: String) throws -> Data {
        try Data(contentsOf: expected.appendingPathComponent(name))
    }

    /// Go 1.19's `go tool pprof` output for a corpus profile (../shared/corpus/expected), for
    /// --pprof-compat 1.19. Throws without the corpus: the tests that call it run only with it.
    static func go119Reference(_ output: String) throws -> Data {
        try Data(contentsOf: Corpus.file("expected/\(output)"))
    }

    /// AP1: a map grown while it is ranged over (CPU, with a sha256 side line), and its fix.
    static var cpu: String { profile("ap1-range-mutate") }
    static var cpuFixed: String { profile("ap1-range-mutate-fixed") }
    static var heap: String { profile("ap1-range-mutate", "heap") }
    static var heapFixed: String { profile("ap1-range-mutate-fixed", "heap") }

    /// A small CPU profile whose samples carry string labels: main.alice (user=alice, 1
    /// sample), main.bob (user=bob, 2) and main.carol (no label, 3), each called by main.main.
    /// The samples' profiles have no string labels, and --tagfocus needs some.
    static let labelled: String = writeLabelled(counts: [1, 2, 3], name: "labelled")
    /// The same program with other counts (alice 5, bob 1, carol 3): a second side to compare.
    static let labelledOther: String = writeLabelled(counts: [5, 1, 3], name: "labelled-other")

    private static func writeLabelled(counts: [Int64], name: String) -> String {
        let strings = ["", "samples", "count", "cpu", "nanoseconds", "main.main", "main.go",
                       "main.alice", "main.bob", "main.carol", "user", "alice", "bob"]
        var fields: [PB] = [P.sampleType(1, 2), P.sampleType(3, 4)]
        for (position, count) in counts.enumerated() {
            // Leaf first: main.alice, main.bob or main.carol, then main.main; alice and bob labelled.
            let labels = position < 2 ? [P.label(key: 10, str: Int64(11 + position))] : []
            fields.append(P.sample([UInt64(position + 2), 1], [count, count * 10_000_000], labels: labels, packed: true))
        }
        for id in 1...4 {
            let name = Int64(id == 1 ? 5 : 5 + id)   // main.main, main.alice, main.bob, main.carol
            fields.append(P.location(id: UInt64(id), lines: [P.line(function: UInt64(id), line: Int64(10 * id))]))
            fields.append(P.function(id: UInt64(id), name: name, systemName: name, file: 6))
        }
        fields += P.strings(strings)
        fields += [P.timeNanos(1_700_000_000_000_000_000), P.durationNanos(1_000_000_000), P.periodType(3, 4), P.period(10_000_000)]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(name)-\(getpid()).pb")
        try! Data(encode(fields)).write(to: url)
        return url.path
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel's backlog does) and never
/// answers: a profile fetched from it only ends by --timeout (or --seconds' default timeout).
final class SilentServer: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32

    init() throws {
        let (descriptor, port) = try bindLoopbackSocket()
        guard listen(descriptor, 64) == 0 else { close(descriptor); throw FixtureError("listen on 127.0.0.1:\(port) failed") }
        self.descriptor = descriptor
        self.port = port
    }

    /// The URL of a CPU profile on this server.
    var url: String { "http://127.0.0.1:\(port)/debug/pprof/profile" }

    deinit { close(descriptor) }
}

/// A loopback HTTP server that answers every request with one file's bytes (a profile), for
/// options of URL sources whose effect shows only on a profile that arrives (--no-save,
/// --heap-interval). One thread accepts and answers, one connection at a time.
final class ProfileFileServer: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32
    private let body: [UInt8]

    init(file: String) throws {
        body = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        let (descriptor, port) = try bindLoopbackSocket()
        guard listen(descriptor, 64) == 0 else { close(descriptor); throw FixtureError("listen on 127.0.0.1:\(port) failed") }
        self.descriptor = descriptor
        self.port = port
        let thread = Thread { [descriptor, body] in
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { if errno == EINTR { continue } else { return } }
                // The request's headers, up to their blank line (requests here have no body).
                var request: [UInt8] = []
                var byte: UInt8 = 0
                while read(connection, &byte, 1) == 1 {
                    request.append(byte)
                    if request.count >= 4 && request.suffix(4) == [13, 10, 13, 10] { break }
                }
                let header = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
                for bytes in [Array(header.utf8), body] {
                    var offset = 0
                    while offset < bytes.count {
                        let n = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                        if n <= 0 { break }
                        offset += n
                    }
                }
                close(connection)
            }
        }
        thread.start()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}
