import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The profiles the command-line tests run on. Every path to `samples/` goes through here, so
/// that a new layout of the samples (e.g. `samples/profiles/go1.19/...`) is one edit.
enum Samples {
    static let root = CLI.packageRoot.appendingPathComponent("samples")
    /// The newest Go version's profiles (samples/profiles/go1.27/).
    static let version = SampleProfiles.versions.first ?? ""
    static let profiles = SampleProfiles.root.appendingPathComponent(version)
    static let expected = root.appendingPathComponent("expected/\(version)")

    /// `samples/profiles/go1.27/<sample>/<kind>.pb.gz`.
    static func profile(_ sample: String, _ kind: String = "cpu") -> String {
        SampleProfiles.path(sample, kind)
    }

    /// A reference output of Go 1.27's `go tool pprof` for these profiles, e.g.
    /// `ap1-range-mutate/cpu.cpu.top.txt` or `diff/ap1-range-mutate.cpu.top.txt`.
    static func reference(_ name: String) throws -> Data {
        try Data(contentsOf: expected.appendingPathComponent(name))
    }

    /// A corpus profile and Go 1.19's `go tool pprof` output for it (../shared/corpus/expected),
    /// for --pprof-compat 1.19; nil (with a notice) without the corpus.
    static func go119Reference(_ profile: String, _ output: String) throws -> (profile: String, reference: Data)? {
        guard let corpus = CLI.corpusIfPresent() else { return nil }
        return (corpus.appendingPathComponent("profiles/\(profile)").path,
                try Data(contentsOf: corpus.appendingPathComponent("expected/\(output)")))
    }

    /// AP1: a map grown while it is ranged over (CPU, with a sha256 side line), and its fix.
    static var cpu: String { profile("ap1-range-mutate") }
    static var cpuFixed: String { profile("ap1-range-mutate-fixed") }
    static var heap: String { profile("ap1-range-mutate", "heap") }
    static var heapFixed: String { profile("ap1-range-mutate-fixed", "heap") }

    /// Every profile of the samples.
    static func all() -> [String] {
        let samples = (try? FileManager.default.contentsOfDirectory(atPath: profiles.path)) ?? []
        return samples.sorted().flatMap { sample in
            ((try? FileManager.default.contentsOfDirectory(atPath: profiles.appendingPathComponent(sample).path)) ?? [])
                .filter { $0.hasSuffix(".pb.gz") }.sorted()
                .map { profiles.appendingPathComponent("\(sample)/\($0)").path }
        }
    }

    /// A small CPU profile whose samples carry string labels: main.alice (user=alice, 1
    /// sample), main.bob (user=bob, 2) and main.carol (no label, 3), each called by main.main.
    /// The samples' profiles have no string labels, and --tagfocus needs some.
    static let labelled: String = writeLabelled(counts: [1, 2, 3], name: "labelled")
    /// The same program with other counts (alice 5, bob 1, carol 3): a second side to compare.
    static let labelledOther: String = writeLabelled(counts: [5, 1, 3], name: "labelled-other")

    private static func writeLabelled(counts: [Int64], name: String) -> String {
        let strings = ["", "samples", "count", "cpu", "nanoseconds", "main.main", "main.go",
                       "main.alice", "main.bob", "main.carol", "user", "alice", "bob"]
        var profile = ProtoWriter()
        for (type, unit) in [(1, 2), (3, 4)] {
            profile.message(1) { $0.varint(1, Int64(type)); $0.varint(2, Int64(unit)) }
        }
        for (position, count) in counts.enumerated() {
            profile.message(2) { sample in
                sample.packed(1, [Int64(position + 2), 1])  // leaf first
                sample.packed(2, [count, count * 10_000_000])
                if position < 2 {
                    sample.message(3) { $0.varint(1, 10); $0.varint(2, Int64(11 + position)) }
                }
            }
        }
        for id in 1...4 {
            profile.message(4) { location in
                location.varint(1, Int64(id))
                location.message(4) { $0.varint(1, Int64(id)); $0.varint(2, Int64(10 * id)) }
            }
            profile.message(5) { function in
                function.varint(1, Int64(id))
                let name = Int64(id == 1 ? 5 : 5 + id)   // main.main, main.alice, main.bob, main.carol
                function.varint(2, name)
                function.varint(3, name)
                function.varint(4, 6)
            }
        }
        for string in strings { profile.bytes(6, Array(string.utf8)) }
        profile.varint(9, 1_700_000_000_000_000_000)   // time_nanos
        profile.varint(10, 1_000_000_000)              // duration_nanos
        profile.message(11) { $0.varint(1, 3); $0.varint(2, 4) }
        profile.varint(12, 10_000_000)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(name)-\(getpid()).pb")
        try! Data(profile.data).write(to: url)
        return url.path
    }
}

/// Protocol buffer wire format, enough to write a small profile.
struct ProtoWriter {
    var data: [UInt8] = []

    mutating func rawVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }

    mutating func varint(_ field: Int, _ value: Int64) {
        rawVarint(UInt64(field << 3))
        rawVarint(UInt64(bitPattern: value))
    }

    mutating func bytes(_ field: Int, _ payload: [UInt8]) {
        rawVarint(UInt64(field << 3 | 2))
        rawVarint(UInt64(payload.count))
        data += payload
    }

    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        bytes(field, inner.data)
    }

    mutating func packed(_ field: Int, _ values: [Int64]) {
        var inner = ProtoWriter()
        for value in values { inner.rawVarint(UInt64(bitPattern: value)) }
        bytes(field, inner.data)
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel's backlog does) and never
/// answers: a profile fetched from it only ends by --timeout (or --seconds' default timeout).
final class SilentServer: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else { close(descriptor); throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { close(descriptor); throw POSIXError(.EIO) }
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    /// The URL of a CPU profile on this server.
    var url: String { "http://127.0.0.1:\(port)/debug/pprof/profile" }

    deinit { close(descriptor) }
}
