import TestSupport
import Foundation
import Testing

@testable import Pprof

/// A profile of a few kilobytes with some variety, for the gzip tests.
func mediumProfileBytes() -> [UInt8] {
    var fields: [PB] = [P.sampleType(S.samples, S.count), P.sampleType(S.cpu, S.nanoseconds), P.mapping(id: 1, file: S.mainGo)]
    for id in 1...40 {
        fields.append(P.function(id: UInt64(id), name: S.main, file: S.mainGo, startLine: Int64(id)))
        fields.append(P.location(id: UInt64(id), mapping: 1, address: UInt64(0x1000 + id * 16), lines: [P.line(function: UInt64(id), line: Int64(id * 3))]))
    }
    for sample in 0..<200 {
        let stack = (0..<(sample % 7 + 1)).map { UInt64((sample * 13 + $0 * 7) % 40 + 1) }
        fields.append(P.sample(stack, [Int64(sample % 5 + 1), Int64(sample) * 10_000_000], labels: sample % 3 == 0 ? [P.label(key: S.key, str: S.value)] : []))
    }
    return encode(fields + P.strings(baseStrings) + [P.timeNanos(1_700_000_000_000_000_000)])
}

@Suite struct GzipTests {
    let raw = mediumProfileBytes()

    @Test func gzipDecodesTheSameAsRaw() throws {
        let expected = dump(try decode(raw))
        #expect(expected.contains("sample"))
        for level in [1, 9] {
            let gz = try gzipWithTool(raw, level: level)
            #expect(gz.starts(with: [0x1f, 0x8b]) && gz.count < raw.count)
            #expect(dump(try decode(gz)) == expected)
        }
        #expect(dump(try decode(storedGzip(raw))) == expected)
        #expect(dump(try decode(storedGzip(raw, blockSize: 100))) == expected)  // many stored blocks
    }

    @Test func optionalGzipHeaderFieldsAreSkipped() throws {
        // FEXTRA, FNAME, FCOMMENT and FHCRC (with a correct header CRC).
        var header: [UInt8] = [0x1f, 0x8b, 0x08, 0x1e, 1, 2, 3, 4, 0x00, 0x03]
        header += [6, 0, 0x41, 0x42, 2, 0, 0x78, 0x79]  // XLEN = 6: one subfield "AB" holding "xy"
        header += Array("profile.pb".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        let headerCRC = crc32(header)
        header += [UInt8(headerCRC & 0xff), UInt8(headerCRC >> 8 & 0xff)]
        let member = header + storedGzip(raw).dropFirst(10)
        #expect(dump(try decode(member)) == dump(try decode(raw)))
    }

    @Test func concatenatedMembersAreOneStream() throws {
        // gzip(1) and Go's gzip.Reader read concatenated members as one stream; the split may
        // fall anywhere, even inside a varint.
        let expected = dump(try decode(raw))
        for split in [1, 2, 3, raw.count / 3, raw.count / 2, raw.count - 1] {
            let members = try gzipWithTool(Array(raw[..<split])) + gzipWithTool(Array(raw[split...]))
            #expect(dump(try decode(members)) == expected, "split at \(split)")
        }
        // Three members, the middle one empty; and a mix of compressed and stored members.
        let three = try gzipWithTool(Array(raw[..<100])) + gzipWithTool([]) + gzipWithTool(Array(raw[100...]))
        #expect(dump(try decode(three)) == expected)
        let mixed = storedGzip(Array(raw[..<500])) + (try gzipWithTool(Array(raw[500...])))
        #expect(dump(try decode(mixed)) == expected)
    }

    @Test func emptyGzipIsEmptyInput() throws {
        expectDecodeError(.emptyInput, try gzipWithTool([]))
        expectDecodeError(.emptyInput, storedGzip([]))
        expectDecodeError(.emptyInput, storedGzip([]) + storedGzip([]))
    }

    @Test func truncatedStreamIsAnError() throws {
        // Not a shorter profile: every cut, in the header, the deflate data or the trailer,
        // is "unexpected end of data".
        let gz = try gzipWithTool(raw)
        for cut in [2, 3, 9, 10, 11, gz.count / 2, gz.count - 8, gz.count - 5, gz.count - 1] {
            expectDecodeError(.gzip("gzip: unexpected end of data after \(cut) compressed bytes (truncated file?)"), Array(gz[..<cut]))
        }
        // The second of two members cut short, or only its magic number present.
        let two = gz + gz
        expectDecodeError(.gzip("gzip: unexpected end of data after \(two.count - 3) compressed bytes (truncated file?)"), Array(two.dropLast(3)))
        expectDecodeError(.gzip("gzip: unexpected end of data after \(gz.count + 2) compressed bytes (truncated file?)"), gz + [0x1f, 0x8b])
    }

    @Test func corruptDeflateDataIsAnError() throws {
        // Stored blocks put every byte at a known place: header 10 bytes, block header 5,
        // the data, CRC-32 and ISIZE.
        let payload = Array(raw[..<1000])
        let good = storedGzip(payload)
        var badData = good
        badData[10 + 5 + 500] ^= 0x01
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte \(10 + 5 + 1000 + 4): incorrect data check"), badData)
        var badLengths = good
        badLengths[10 + 3] ^= 0xff  // NLEN no longer the complement of LEN
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte 15: invalid stored block lengths"), badLengths)
        var badCRC = good
        badCRC[good.count - 8] ^= 0x80
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte \(good.count - 4): incorrect data check"), badCRC)
        var badSize = good
        badSize[good.count - 1] ^= 0x01
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte \(good.count): incorrect length check"), badSize)
        var badMethod = good
        badMethod[2] = 0x07
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte 4: unknown compression method"), badMethod)
        var badBlockType = good
        badBlockType[10] = 0x07  // BTYPE 11: reserved
        expectDecodeError(.gzip("gzip: corrupt data at compressed byte 11: invalid block type"), badBlockType)

        // Real deflate data from gzip(1): any single corrupt byte past the header is an error.
        let gz = try gzipWithTool(raw, level: 9)
        for position in stride(from: 12, to: gz.count - 8, by: max(1, (gz.count - 20) / 25)) {
            for value: UInt8 in [0x00, 0xff] where gz[position] != value {
                var corrupt = gz
                corrupt[position] = value
                do {
                    let profile = try decode(corrupt)
                    Issue.record("byte \(position) = \(value): decoded \(profile.samples.count) samples")
                } catch {
                    guard case .gzip(let message) = error, message.hasPrefix("gzip: ") else {
                        Issue.record("byte \(position) = \(value): \(error)")
                        continue
                    }
                }
            }
        }
    }

    @Test func trailingGarbageIsAnError() throws {
        let gz = try gzipWithTool(raw)
        expectDecodeError(.gzip("gzip: invalid header: 7 trailing bytes after the gzip stream at compressed byte \(gz.count)"), gz + Array("garbage".utf8))
        expectDecodeError(.gzip("gzip: invalid header: 1 trailing bytes after the gzip stream at compressed byte \(gz.count)"), gz + [0x00])
        expectDecodeError(.gzip("gzip: invalid header: 1 trailing bytes after the gzip stream at compressed byte \(gz.count)"), gz + [0x1f])
        let two = gz + gz
        expectDecodeError(.gzip("gzip: invalid header: 4 trailing bytes after the gzip stream at compressed byte \(two.count)"), two + [0, 0, 0, 0])
        // Something that starts like another member but is not one.
        do {
            _ = try decode(gz + [0x1f, 0x8b, 0x63, 0x00])
            Issue.record("accepted a bad second member")
        } catch {
            #expect(error == .gzip("gzip: corrupt data at compressed byte \(gz.count + 4): unknown compression method"))
        }
    }

    // The limit is for a hang (inflating all 10 MB before checking the cap): under a loaded
    // `make test` the whole test took over a minute of wall time.
    @Test(.timeLimit(.minutes(3))) func inflatedSizeCapStopsABomb() throws {
        // 10 MB of zeros compress to about 10 kB; with a 1 MB cap the reader must stop at the
        // cap. To show it does not inflate the rest first, the same bomb is also given with its
        // second half cut off and with a corrupt tail: inflating everything would report those
        // problems, stopping at the cap reports the cap.
        let cap = 1 << 20
        let bomb = try gzipWithTool([UInt8](repeating: 0, count: 10 << 20), level: 9)
        #expect(bomb.count < 64 << 10)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            expectDecodeError(.inflatedSizeLimit(limit: cap), bomb, maxInflatedSize: cap)
        }
        print("10 MB bomb (\(bomb.count) bytes) rejected with a 1 MB cap in \(elapsed)")
        #expect(elapsed < .seconds(2))
        expectDecodeError(.inflatedSizeLimit(limit: cap), Array(bomb[..<(bomb.count / 2)]), maxInflatedSize: cap)
        var corruptTail = bomb
        for index in (bomb.count - 40)..<(bomb.count - 8) { corruptTail[index] = 0xff }
        expectDecodeError(.inflatedSizeLimit(limit: cap), corruptTail, maxInflatedSize: cap)
        // A forged ISIZE (4 GiB - 1) must not make it allocate or trust anything.
        var forged = bomb
        for index in (bomb.count - 4)..<bomb.count { forged[index] = 0xff }
        expectDecodeError(.inflatedSizeLimit(limit: cap), forged, maxInflatedSize: cap)
        // The cap counts the whole stream, not each member.
        let halves = try gzipWithTool([UInt8](repeating: 0, count: 600 << 10))
        expectDecodeError(.inflatedSizeLimit(limit: cap), halves + halves, maxInflatedSize: cap)
    }

    @Test func inflatedSizeCapBoundary() throws {
        // Exactly at the cap is fine; one byte over is not. Also across two members.
        let gz = try gzipWithTool(raw)
        let expected = dump(try decode(raw))
        #expect(dump(try decode(gz, maxInflatedSize: raw.count)) == expected)
        expectDecodeError(.inflatedSizeLimit(limit: raw.count - 1), gz, maxInflatedSize: raw.count - 1)
        let two = try gzipWithTool(Array(raw[..<1000])) + gzipWithTool(Array(raw[1000...]))
        #expect(dump(try decode(two, maxInflatedSize: raw.count)) == expected)
        expectDecodeError(.inflatedSizeLimit(limit: raw.count - 1), two, maxInflatedSize: raw.count - 1)
        // The cap only concerns gzip: raw protobuf of any size is read as it is.
        #expect(dump(try decode(raw, maxInflatedSize: 16)) == expected)
        #expect(Gzip.defaultMaxInflatedSize == 4 << 30)
    }

    @Test func maximumCapDoesNotTrap() async {
        // `ProfileReader(maxInflatedSize: .max)` (what `--max-inflated-size 9223372036854775807`
        // makes) must still read gzip input: `maxInflatedSize + 1` must not overflow. Run in a
        // child process so that a trap would be contained.
        await #expect(processExitsWith: .success) {
            let bytes = storedGzip(encode(minimalProfileFields()))
            _ = try? ProfileReader(maxInflatedSize: .max).decode(bytes)
        }
        
        // One less is fine.
        #expect(throws: Never.self) {
            _ = try ProfileReader(maxInflatedSize: .max - 1).decode(storedGzip(encode(minimalProfileFields())))
        }
    }

    @Test func forgedSizeTrailerDoesNotReserveMemory() async {
        // A 41-byte gzip member whose ISIZE trailer (the last 4 bytes) claims 4 GiB - 1. The
        // reader must not reserve that before inflating a byte: with 1 GiB of address space to
        // spare (as on a small machine), it must report the corrupt trailer, not die. The
        // control run shows the limit itself is harmless.
        await #expect(processExitsWith: .success) {
            limitAddressSpace(headroom: 1 << 30)
            let bytes = storedGzip(encode(minimalProfileFields()))
            _ = try? ProfileReader().decode(bytes)
            _ = try? ProfileReader().decode(Array(bytes.dropLast(4)) + [0x10, 0, 0, 0])  // a small wrong ISIZE
        }
        await #expect(processExitsWith: .success) {
            limitAddressSpace(headroom: 1 << 30)
            var bytes = storedGzip(encode(minimalProfileFields()))
            for index in (bytes.count - 4)..<bytes.count { bytes[index] = 0xff }
            _ = try? ProfileReader().decode(bytes)
        }
        
    }

    @Test func gzipInsideGzipIsNotAProfile() throws {
        // The inflated bytes start with 1f 8b: read as protobuf, 0x1f is field 3, wire type 7.
        expectDecodeError(.unsupportedWireType(offset: 0, wireType: 7), storedGzip(storedGzip(raw)))
    }
}
