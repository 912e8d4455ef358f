import TestSupport
import Foundation
@testable import Pprof
import Testing

/// Gzip input is inflated on a second thread and decoded piece by piece. Whatever the timing
/// and wherever the pieces cut the fields, the result must be the whole-buffer decode's.
@Suite struct StreamingTests {
    @Test(.needsCorpus) func concurrentDecodesOfAMultiPieceProfileAgreeWithTheWholeBufferDecode() async throws {
        // 4.6 MB of protobuf: five 1 MiB pieces, with fields cut at every boundary.
        let name = "pyroscope-go-cpu-merged-large.pb.gz"
        try #require(Corpus.profileNames.contains(name), "\(name) is not in the corpus")
        let compressed = try Corpus.bytes(name)
        let expected = dump(try ProfileReader().decode(try Corpus.protobuf(name)))
        // Eight at once on two cores: the inflater often runs ahead and fills the ring.
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { dump(try ProfileReader().decode(compressed)) } }
            for try await result in group { #expect(result == expected) }
        }
    }

    @Test(.needsCorpus) func fieldsCutAtEveryPossibleByteDecodeTheSame() throws {
        let name = "pprof-go-sample-cpu.pb.gz"
        try #require(Corpus.profileNames.contains(name), "\(name) is not in the corpus")
        let bytes = try Corpus.protobuf(name)
        let expected = dump(try ProfileReader().decode(bytes))
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            var stream = ProfileStream()
            try bytes.withUnsafeBytes { all in
                try stream.feed(UnsafeRawBufferPointer(rebasing: all[..<cut]))
                try stream.feed(UnsafeRawBufferPointer(rebasing: all[cut...]))
            }
            var raw = try stream.finish()
            #expect(dump(try raw.resolve()) == expected, "cut at \(cut)")
        }
    }

    @Test func aTruncatedStreamReportsTheWholeBufferError() throws {
        // A sample cut in the middle: the same error and offset as decoding the bytes whole.
        let bytes: [UInt8] = [0x0A, 0x02, 0x08, 0x01, 0x12, 0x05, 0x08, 0x01]
        var stream = ProfileStream()
        try bytes.withUnsafeBytes { try stream.feed($0) }
        #expect(throws: DecodeError.lengthPastEnd(offset: 5, length: 5, available: 2)) { try stream.finish() }
        #expect(throws: DecodeError.lengthPastEnd(offset: 5, length: 5, available: 2)) {
            try bytes.withUnsafeBytes { try ProfileDecoder.decode($0) }
        }
    }
}

/// The inflating thread is joined on every path: when a read returns, by value or by error,
/// the thread is over (before, it was detached and could outlive the reader with the ring it
/// held, which LeakSanitizer reported). A hook makes the thread linger after its work, so a
/// reader that does not wait for it returns first, every time.
@Suite(.serialized) struct InflaterLifetimeTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var exits: [Date] = []
        func record() { lock.lock(); exits.append(Date()); lock.unlock() }
        var last: Date? { lock.lock(); defer { lock.unlock() }; return exits.last }
    }

    @Test func everyReadOutlivesItsInflater() throws {
        let clock = Clock()
        ProfileReader.inflaterWillExit = {
            Thread.sleep(forTimeInterval: 0.2)
            clock.record()
        }
        defer { ProfileReader.inflaterWillExit = nil }
        // A good profile, a protobuf error mid-stream (the decoder stops first), a gzip error
        // (the inflater stops first), a profile over the size cap.
        let good = encode([P.sampleType(1, 2), .bytes(6, []), .string(6, "samples"), .string(6, "count")])
        let garbled = Array(repeating: UInt8(0xFF), count: 3 << 20)
        var corrupt = try gzipWithTool(Array(repeating: 0x0A, count: 1 << 20))
        corrupt[corrupt.count / 2] ^= 0xFF
        let inputs: [(String, [UInt8], Int)] = [
            ("good", try gzipWithTool(good), 1 << 30), ("bad protobuf", try gzipWithTool(garbled), 1 << 30),
            ("bad gzip", corrupt, 1 << 30), ("over the cap", try gzipWithTool(garbled), 1 << 20),
        ]
        for (name, bytes, cap) in inputs {
            let before = Date()
            _ = try? ProfileReader(maxInflatedSize: cap).decode(bytes)
            let returned = Date()
            let exit = try #require(clock.last, "\(name): the inflater never ran")
            #expect(exit > before && exit <= returned, "\(name): the read returned before its inflater thread was over")
        }
    }
}
