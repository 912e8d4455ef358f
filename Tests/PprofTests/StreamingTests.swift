import Foundation
@testable import Pprof
import Testing

/// Gzip input is inflated on a second thread and decoded piece by piece. Whatever the timing
/// and wherever the pieces cut the fields, the result must be the whole-buffer decode's.
@Suite struct StreamingTests {
    @Test func concurrentDecodesOfAMultiPieceProfileAgreeWithTheWholeBufferDecode() async throws {
        // 4.6 MB of protobuf: five 1 MiB pieces, with fields cut at every boundary.
        let name = "pyroscope-go-cpu-merged-large.pb.gz"
        guard Corpus.files()?.contains(name) == true else { return }
        let compressed = try Corpus.bytes(name)
        let expected = dump(try ProfileReader().decode(try Corpus.protobuf(name)))
        // Eight at once on two cores: the inflater often runs ahead and fills the ring.
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { dump(try ProfileReader().decode(compressed)) } }
            for try await result in group { #expect(result == expected) }
        }
    }

    @Test func fieldsCutAtEveryPossibleByteDecodeTheSame() throws {
        let name = "pprof-go-sample-cpu.pb.gz"
        guard Corpus.files()?.contains(name) == true else { return }
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
