import Foundation
import Testing
import TestSupport

/// An input that is something else is named for what it is, in one line with the decoder's
/// byte offset, exit 65: an HTML page, a Go execution trace, a JFR recording, a goroutine dump
/// (?debug=2), a legacy profile proflens does not read, a text profile whose header pprof
/// would not read, a text file. Bytes that are none of these keep the decoder's message.
/// (The text profiles proflens reads: LegacyProfileGoldenTests.)
@Suite struct NotAProfileTests {
    static let cases: [(String, [UInt8], String)] = [
        ("page.html", Array("<!DOCTYPE html>\n<html><head><title>502</title></head><body>Bad gateway</body></html>\n".utf8), "it is an HTML page"),
        ("trace.out", Array("go 1.22 trace\u{0}\u{0}\u{0}".utf8) + [0x01, 0x02, 0x03], "it is a Go execution trace"),
        ("recording.jfr", Array("FLR\u{0}".utf8) + [0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00], "Java Flight Recorder"),
        ("heap.txt", Array("heap profile: 12: 4096 [40: 81920] @ heap_v9/524288\n1: 4096 [1: 4096] @ 0x4a1b2c\n".utf8),
         "it starts like a text heap profile, but its first line is not a header go tool pprof reads"),
        ("goroutine.txt", Array("goroutine profile: total 7 (cut)\n3 @ 0x43a0b6 0x44e7f8\n".utf8),
         "it starts like Go's text goroutine profile (?debug=1), but its first line is not a header go tool pprof reads"),
        ("dump.txt", Array("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n".utf8), "it is a goroutine dump (?debug=2)"),
        ("threadz.txt", Array("--- threadz 1 ---\n--- Thread 1a2b (name: main/77) stack: ---\n".utf8), "it is a threadz profile"),
        ("notes.txt", Array("These are my notes about the profile.\n".utf8), "it is a text file"),
    ]

    @Test(arguments: cases.map(\.0))
    func namedForWhatItIs(_ name: String) throws {
        let (_, bytes, what) = try #require(Self.cases.first { $0.0 == name })
        let file = try CLI.temporaryFile(bytes, name: "proflens-\(UUID().uuidString)-\(name)")
        let result = try CLI.run(["analyze", file.path])
        #expect(result.status == 65 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("proflens: \(file.path): not a pprof profile: ") && result.stderr.contains(what), "\(result.stderr)")
        #expect(result.stderr.contains("byte offset") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func otherBytesKeepTheDecodersMessage() throws {
        let file = try CLI.temporaryFile([0x1C, 0x05, 0x77, 0x12, 0x00, 0x9F])
        let result = try CLI.run(["analyze", file.path])
        #expect(result.status == 65 && result.stderr == "proflens: \(file.path): malformed profile: unsupported wire type 4 at byte offset 0\n", "\(result.stderr)")
    }
}
