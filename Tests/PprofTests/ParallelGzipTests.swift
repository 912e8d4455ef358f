import Foundation
import TestSupport
import Testing

@testable import Pprof

/// The output compressed on several cores is one gzip member that zlib, gzip(1) and Go's
/// pprof read as the input, about the size of zlib's own, and the same whatever the threads.
@Suite struct ParallelGzipTests {
    /// 3.3 pieces of compressible bytes with matches across the pieces' seams.
    let data: [UInt8] = {
        var state: UInt64 = 1
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        let words = (0..<500).map { _ in (0..<(3 + next() % 10)).map { _ in UInt8(97 + next() % 26) } }
        var bytes: [UInt8] = []
        while bytes.count < 3 * ParallelGzip.pieceSize + ParallelGzip.pieceSize / 3 {
            bytes += words[next() % words.count]
            bytes.append(UInt8(truncatingIfNeeded: next() % 16))
        }
        return bytes
    }()

    func compressed(_ bytes: [UInt8], threads: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { raw in try ParallelGzip.deflate(raw, threads: threads) { out += $0 } }
        return out
    }

    func serial(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { raw in try Gzip.deflate(raw) { out += $0 } }
        return out
    }

    @Test func inflatesToTheInput() throws {
        let gz = try compressed(data, threads: 2)
        #expect(gz.starts(with: [0x1f, 0x8b, 8]))
        let inflated = try gz.withUnsafeBytes { try Gzip.inflate($0) }
        #expect(inflated.withUnsafeBytes { Array($0) } == data)
        // One member: its trailer gives the whole size.
        let size = gz.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(size == data.count)
    }

    @Test func gzipToolReadsIt() throws {
        let gz = try compressed(data, threads: 2)
        let file = try TemporaryFile.write(gz, label: "parallel-gzip")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Subprocess.runForData("/bin/gzip", ["-dc", file.path])
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        #expect(Array(result.stdout) == data)
    }

    @Test func aboutTheSizeOfOneStream() throws {
        let parallel = try compressed(data, threads: 2).count, one = try serial(data).count
        #expect(Double(parallel) < Double(one) * 1.01, "\(parallel) bytes against zlib's \(one)")
    }

    @Test func theSameBytesWhateverTheThreads() throws {
        let two = try compressed(data, threads: 2)
        #expect(try compressed(data, threads: 3) == two)
        #expect(try compressed(data, threads: 8) == two)
    }

    @Test func oneThreadGivesTheSameBytes() throws {
        #expect(try compressed(data, threads: 1) == compressed(data, threads: 2))
    }

    @Test func appendedInAnySizesTheSameBytes() throws {
        var out: [UInt8] = []
        try ParallelGzip.deflate(threads: 2, produce: { gzip in
            data.withUnsafeBytes { raw in
                var offset = 0, step = 1
                while offset < raw.count {
                    let end = min(raw.count, offset + step)
                    gzip.append(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                    offset = end
                    step = step * 7 % 300_007 + 1
                }
            }
        }, write: { out += $0 })
        #expect(try out == compressed(data, threads: 2))
    }

    @Test(arguments: [0, 1, 100, ParallelGzip.pieceSize, ParallelGzip.pieceSize + 1, 2 * ParallelGzip.pieceSize])
    func anySize(count: Int) throws {
        let bytes = Array(data.prefix(count))
        let gz = try compressed(bytes, threads: 2)
        let inflated = try gz.withUnsafeBytes { try Gzip.inflate($0) }
        #expect(inflated.withUnsafeBytes { Array($0) } == bytes)
    }

    @Test func theWriterFailingStopsTheWorkers() throws {
        struct Full: Error {}
        var calls = 0
        #expect(throws: Full.self) {
            try data.withUnsafeBytes { raw in
                try ParallelGzip.deflate(raw, threads: 2) { _ in
                    calls += 1
                    if calls == 2 { throw Full() }
                }
            }
        }
    }

    /// A profile whose encoding is several pieces, written as `merge` writes it: Go's pprof
    /// reads the same profile in it as in zlib's one-stream compression of the same bytes.
    @Test(.needsGo127) func goPprofReadsIt() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count"), ("cpu", "nanoseconds")])
        let locations = (0..<3000).map { builder.location([("pkg.function\($0 % 700)", Int64($0))], address: UInt64(0x40_0000 + 16 * $0)) }
        var state: UInt64 = 7
        for sample in 0..<80_000 {
            let stack = (0..<(4 + sample % 12)).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return locations[Int(state >> 33) % locations.count]
            }
            builder.sample(stack, [1, 10_000_000])
        }
        let encoded = ProfileEncoder.encode(builder.profile)
        #expect(encoded.count > 2 * ParallelGzip.pieceSize)
        var written: [UInt8] = []
        try ProfileEncoder.writeCompressed(builder.profile) { written += $0 }
        let ours = try TemporaryFile.write(written, label: "parallel.pb.gz")
        let reference = try TemporaryFile.write(try serial(encoded), label: "serial.pb.gz")
        defer {
            try? FileManager.default.removeItem(at: ours)
            try? FileManager.default.removeItem(at: reference)
        }
        let theirs = try GoPprof.run(["-raw", reference.path])
        #expect(try GoPprof.run(["-raw", ours.path]) == theirs)
    }
}
