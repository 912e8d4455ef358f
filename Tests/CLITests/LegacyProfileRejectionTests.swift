import Foundation
import Testing
import TestSupport

/// Malformed legacy profiles (Go's text profiles, the binary CPU profile): exit 65 with one
/// line naming the file, the format, the line (or byte offset) and why — never a crash, a hang
/// or memory that grows with what a header claims. pprof refuses each of them too.
@Suite struct LegacyProfileRejectionTests {
    static func cpu(_ words: [UInt64]) -> [UInt8] {
        words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }

    static let cases: [(name: String, bytes: [UInt8], message: String)] = [
        ("truncated-heap", Array("heap profile: 1: 2 [3: 4] @ heap/1024\n1: 2 [3:".utf8),
         "Go's text heap profile, line 2: `1: 2 [3:` is not `<objects>: <bytes> [<objects>: <bytes>] @ <addresses>`"),
        ("heap-count-zero", Array("heap profile: 1: 2 [3: 4] @ heap/1024\n0: 100 [1: 100] @ 0x10\n".utf8),
         "Go's text heap profile, line 2: in-use count is 0 but in-use bytes are 100"),
        ("absurd-count", Array("goroutine profile: total 1\n99999999999999999999 @ 0x10\n".utf8),
         "Go's text goroutine profile, line 2: the count 99999999999999999999 is not a number pprof reads"),
        ("octal-count", Array("goroutine profile: total 1\n09 @ 0x10\n".utf8),
         "Go's text goroutine profile, line 2: the count 09 is not a number pprof reads"),
        ("absurd-address", Array("goroutine profile: total 1\n1 @ 0x10000000000000000\n".utf8),
         "Go's text goroutine profile, line 2: 0x10000000000000000 does not fit in 64 bits"),
        ("absurd-heap-value", Array("heap profile: 1: 2 [3: 4] @ heapprofile\n1: 99999999999999999999 [1: 2] @ 0x10\n".utf8),
         "the text heap profile (@ heapprofile), line 2: 99999999999999999999 does not fit in 64 bits"),
        ("huge-depth-text", Array(("goroutine profile: total 1\n1 @" + String(repeating: " 0x4a1b2c", count: 8000) + "\n").utf8),
         "Go's text goroutine profile, line 2: it is longer than 65535 bytes"),
        ("no-addresses", Array("mutex profile: total 3\n3 @\n".utf8),
         "Go's text mutex profile, line 2: the stack `3 @` has no addresses"),
        ("unknown-attribute", Array("--- mutex:\ncycles/second=2000000000\nspeed=3\n".utf8),
         "Go's text mutex profile, line 3: `speed` is not an attribute pprof knows"),
        ("java-contention", Array("--- contentionz 1 ---\nformat = java\n".utf8),
         "the contention profile (contentionz), line 2: it has a format attribute: it is a Java contention profile, which proflens does not read"),
        ("bad-contention-sample", Array("--- contention:\ncycles/second=1000\nmany @ 0x10\n".utf8),
         "Go's text block profile, line 3: `many @ 0x10` is not `<cycles> <count> @ <addresses>`"),
        ("cpu-huge-depth", cpu([0, 3, 0, 10000, 0, 1, 1 << 60, 0x401000]),
         "the legacy binary CPU profile, byte offset 40: the record there has 1152921504606846976 addresses, more than the 8 bytes left hold"),
        ("cpu-truncated", Array(cpu([0, 3, 0, 10000, 0, 1, 2, 0x401000]).dropLast(4)),
         "the legacy binary CPU profile, byte offset 40: the record there has 2 addresses, more than the 4 bytes left hold"),
        ("cpu-cut-record", cpu([0, 3, 0, 10000, 0, 1]),
         "the legacy binary CPU profile, byte offset 40: the record there is cut short"),
    ]

    @Test(arguments: cases.map(\.name))
    func refusedInOneLine(_ name: String) throws {
        let test = try #require(Self.cases.first { $0.name == name })
        let file = try CLI.temporaryFile(test.bytes, name: "proflens-\(UUID().uuidString)-\(name)")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CLI.run(["top", file.path], timeout: 60)
        #expect(!result.signalled && !result.timedOut)
        #expect(result.status == 65 && result.stdout.isEmpty)
        #expect(result.stderr == "proflens: \(file.path): malformed profile: \(test.message)\n", "\(result.stderr)")
    }

    /// pprof refuses each of them too (exit status 1, "parsing profile: …").
    @Test(.needsGo127, arguments: cases.map(\.name))
    func pprofRefusesThemToo(_ name: String) throws {
        let test = try #require(Self.cases.first { $0.name == name })
        let file = try CLI.temporaryFile(test.bytes, name: "proflens-\(UUID().uuidString)-\(name)")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: (any Error).self) { try GoPprof.run(["-top", file.path]) }
    }
}
