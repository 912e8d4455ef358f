import TestSupport
import Foundation
import Testing

@testable import Pprof

/// `ProfileReader.read(path:)`: what is wrong with the file versus what is wrong in it.
@Suite struct ProfileReaderFileTests {
    @Test func missingFileIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("nope.pb.gz").path
        do {
            _ = try ProfileReader().read(path: path)
            Issue.record("read a missing file")
        } catch {
            guard case .unreadable(let errorPath, let reason) = error else {
                Issue.record("expected .unreadable, got \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(reason == "No such file or directory")
            #expect(error.description == "\(path): No such file or directory")
        }
    }

    @Test func directoryIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try ProfileReader().read(path: directory.url.path)
            Issue.record("read a directory")
        } catch {
            guard case .unreadable(let errorPath, let reason) = error else {
                Issue.record("expected .unreadable, got \(error)")
                return
            }
            #expect(errorPath == directory.url.path)
            #expect(reason == "is a directory")
        }
    }

    @Test func malformedFileIsMalformed() throws {
        let directory = try TemporaryDirectory()
        let cases: [(bytes: [UInt8], error: DecodeError)] = [
            // 'g' = field 12, wire type 7; and all of it text: named for what it is.
            (Array("garbage!".utf8), .notAProfile(what: "it is a text file", decoding: "unsupported wire type 7 at byte offset 0")),
            ([0x67, 0x00, 0x01], .unsupportedWireType(offset: 0, wireType: 7)),
            ([], .emptyInput),
            (Array(storedGzip(Array("not a profile".utf8)).dropLast(1)), .gzip("gzip: unexpected end of data after 35 compressed bytes (truncated file?)")),
            (encode([P.sample([1], [1])] + P.strings([""])), .missingSampleTypes),
        ]
        for (index, test) in cases.enumerated() {
            let path = directory.url.appendingPathComponent("bad\(index).pb").path
            try Data(test.bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ProfileReader().read(path: path)
                Issue.record("read malformed file \(index)")
            } catch {
                guard case .malformed(let errorPath, let decodeError) = error else {
                    Issue.record("expected .malformed, got \(error)")
                    continue
                }
                #expect(errorPath == path)
                #expect(decodeError == test.error)
                if case .notAProfile = test.error {
                    #expect(error.description == "\(path): \(test.error)")
                } else {
                    #expect(error.description == "\(path): malformed profile: \(test.error)")
                }
            }
        }
    }

    @Test func readsRawAndGzipFilesOfAnySize() throws {
        // Files larger than the first read buffer (64 KiB) and one exactly that size.
        let directory = try TemporaryDirectory()
        var fields: [PB] = [P.sampleType(S.samples, S.count), P.function(id: 1, name: S.main), P.location(id: 1, lines: [P.line(function: 1)])]
        fields += (0..<40_000).map { P.sample([1], [Int64($0)]) }
        let big = encode(fields + P.strings(baseStrings))
        #expect(big.count > 200_000)
        let small = encode(minimalProfileFields())
        let padded = encode(minimalProfileFields() + [.bytes(100, [UInt8](repeating: 7, count: 65_536 - small.count - 5))])  // key 2 bytes, length 3
        #expect(padded.count == 65_536)
        for (name, bytes) in [("big.pb", big), ("big.pb.gz", try gzipWithTool(big)), ("small.pb", small), ("padded.pb", padded)] {
            let path = directory.url.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let fromFile = try ProfileReader().read(path: path)
            #expect(dump(fromFile) == dump(try decode(bytes)), "\(name)")
        }
        #expect(try ProfileReader().read(path: directory.url.appendingPathComponent("big.pb").path).samples.count == 40_000)
    }

    @Test func maxInflatedSizeAppliesToFiles() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("zeros.gz").path
        try Data(try gzipWithTool([UInt8](repeating: 0, count: 2 << 20))).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ProfileReader(maxInflatedSize: 1 << 20).read(path: path)
            Issue.record("read past the cap")
        } catch {
            guard case .malformed(_, let decodeError) = error else {
                Issue.record("expected .malformed, got \(error)")
                return
            }
            #expect(decodeError == .inflatedSizeLimit(limit: 1 << 20))
        }
    }
}
