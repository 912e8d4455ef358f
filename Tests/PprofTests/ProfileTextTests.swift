import TestSupport
import Testing

@testable import Pprof

/// Profile strings are bytes: invalid UTF-8 must come back out byte for byte.
@Suite struct ProfileTextTests {
    static let samples: [[UInt8]] = [
        [0xff],
        [0x80],
        [0xc0, 0x80],  // overlong NUL
        [0xe0, 0x80, 0x80],  // overlong
        [0xed, 0xa0, 0x80],  // UTF-16 surrogate
        [0xe2, 0x82],  // truncated 3-byte sequence
        [0xe2, 0x82, 0x41],  // truncated, then ASCII
        [0xf4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xf8, 0x88, 0x80, 0x80, 0x80],  // 5-byte form
        Array("abc".utf8) + [0xff] + Array("déf→😀".utf8) + [0xc3],  // valid around invalid, ends mid-sequence
        Array("main.(*T).m\u{00e9}".utf8) + [0xfe, 0xfe],
        Array(0...255),  // every byte value, as in the corpus's invalid_utf8 file
        [0x00, 0x00],
    ]

    @Test(arguments: samples) func invalidUTF8RoundTripsToItsBytes(_ bytes: [UInt8]) {
        let text = bytes.withUnsafeBufferPointer { ProfileText.decode($0) }
        #expect(ProfileText.rawBytes(text) == bytes)
    }

    @Test func validUTF8IsAnOrdinaryString() {
        for text in ["", "main.main", "héllo → 世界 😀", "tab\tnul\u{0}"] {
            let decoded = Array(text.utf8).withUnsafeBufferPointer { ProfileText.decode($0) }
            #expect(decoded == text)
            #expect(ProfileText.rawBytes(decoded) == Array(text.utf8))
            #expect(!decoded.unicodeScalars.contains(where: ProfileText.isEscapedByte))
        }
    }

    @Test func invalidBytesBecomeOneEscapedScalarEach() {
        let text = [0x61, 0xff, 0x62, 0xc0].withUnsafeBufferPointer { ProfileText.decode($0) }
        let scalars = Array(text.unicodeScalars)
        #expect(scalars.count == 4)
        #expect(scalars.map(ProfileText.isEscapedByte) == [false, true, false, true])
        #expect(scalars[1].value == 0x10FF00 + 0xff && scalars[3].value == 0x10FF00 + 0xc0)
    }

    @Test func invalidUTF8ThroughAWholeProfile() throws {
        // Function names, file names, mapping file, labels and sample types with invalid UTF-8.
        let bad: [[UInt8]] = Self.samples
        var fields: [PB] = [.bytes(6, []), .bytes(6, [0xff, 0xfe]), .bytes(6, [0xc3, 0x28])]
        fields += bad.map { .bytes(6, $0) }
        let first: Int64 = 3
        fields += [
            P.sampleType(1, 2),
            P.mapping(id: 1, file: 1),
            P.sample([], [1], labels: [P.label(key: 1, str: 2)]),
        ]
        for (index, _) in bad.enumerated() {
            fields.append(P.function(id: UInt64(index + 1), name: first + Int64(index), file: 2))
        }
        let profile = try decode(fields)
        #expect(profile.functions.map { ProfileText.rawBytes($0.name) } == bad)
        #expect(profile.functions.allSatisfy { ProfileText.rawBytes($0.filename) == [0xc3, 0x28] })
        #expect(ProfileText.rawBytes(profile.sampleTypes[0].type) == [0xff, 0xfe])
        #expect(ProfileText.rawBytes(profile.sampleTypes[0].unit) == [0xc3, 0x28])
        #expect(ProfileText.rawBytes(profile.mappings[0].filename) == [0xff, 0xfe])
        let label = try #require(profile.labels(of: 0).first)
        #expect(ProfileText.rawBytes(label.key) == [0xff, 0xfe] && ProfileText.rawBytes(label.str) == [0xc3, 0x28])
    }

    @Test func randomBytesRoundTrip() {
        // Deterministic random byte strings, biased toward bytes that start or continue
        // multi-byte sequences.
        var random = SplitMix64(seed: 0x5EED_0001)
        let alphabet: [UInt8] = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x8f, 0x90, 0xa0]
        for _ in 0..<3000 {
            let length = Int(random.next(below: 12))
            let bytes = (0..<length).map { _ in
                random.next(below: 3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : alphabet[Int(random.next(below: UInt64(alphabet.count)))]
            }
            if containsEscapeRangeScalar(bytes) { continue }  // see the known issue below
            let text = bytes.withUnsafeBufferPointer { ProfileText.decode($0) }
            #expect(ProfileText.rawBytes(text) == bytes, "\(bytes)")
        }
    }

    @Test func validPrivateUseScalarsInTheEscapeRange() {
        // U+10FF00...U+10FFFF are valid (private use) characters, encoded F4 8F BC 80 ... F4 8F
        // BF BF. ProfileText uses the same range to stand for invalid bytes, so such a
        // character is kept as its four escaped bytes and still round-trips.
        let bytes: [UInt8] = Array("f".utf8) + [0xf4, 0x8f, 0xbd, 0x81]
        let text = bytes.withUnsafeBufferPointer { ProfileText.decode($0) }
        #expect(ProfileText.rawBytes(text) == bytes)
        // With an invalid byte in the same string, too.
        let mixed: [UInt8] = bytes + [0xff]
        let mixedText = mixed.withUnsafeBufferPointer { ProfileText.decode($0) }
        #expect(ProfileText.rawBytes(mixedText) == mixed)
        
    }
}

/// True when the bytes contain a valid UTF-8 encoding of U+10FF00...U+10FFFF.
func containsEscapeRangeScalar(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 4 else { return false }
    for index in 0...(bytes.count - 4)
    where bytes[index] == 0xf4 && bytes[index + 1] == 0x8f && (0xbc...0xbf).contains(bytes[index + 2]) && (0x80...0xbf).contains(bytes[index + 3]) {
        return true
    }
    return false
}
