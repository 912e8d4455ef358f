import Foundation
import TestSupport
import Testing

@testable import Pprof

/// What `merge` writes reads back as the profile it was made of: every sample's value, stack
/// (by function names, lines and addresses) and labels, the header, strings byte for byte.
struct ProfileEncoderTests {
    /// Samples as comparable text: values, then each frame (function, file, line, address),
    /// then labels, whatever the records' ids and order.
    func describe(_ profile: Profile) -> [String] {
        (0..<profile.samples.count).map { sample in
            let values = (0..<profile.samples.valueCount).map { String(profile.samples.value(of: sample, index: $0)) }
            let frames = profile.samples.locations(of: sample).map { index -> String in
                let location = profile.locations[Int(index)]
                let lines = profile.lines(of: location).map { line -> String in
                    let function = profile.functions[Int(line.functionIndex)]
                    return "\(ProfileText.rawBytes(function.name))|\(function.systemName)|\(function.filename)|\(function.startLine):\(line.line):\(line.column)"
                }
                let mapping = location.mappingIndex >= 0 ? profile.mappings[Int(location.mappingIndex)].filename : "-"
                return "\(mapping)@\(location.address)[\(lines.joined(separator: ","))]\(location.isFolded)"
            }
            let labels = profile.labels(of: sample).map { "\($0.key)=\($0.str)/\($0.num)\($0.numUnit)" }
            return values.joined(separator: " ") + " " + frames.joined(separator: ";") + " " + labels.joined(separator: ",")
        }
    }

    func header(_ profile: Profile) -> String {
        "\(profile.sampleTypes) \(profile.periodType) \(profile.period) \(profile.timeNanos) \(profile.durationNanos) "
            + "\(profile.comments) \(profile.dropFrames) \(profile.keepFrames) \(profile.defaultSampleType) \(profile.docURL) "
            + "\(profile.mappings.map { "\($0.filename) \($0.buildID) \($0.memoryStart) \($0.memoryLimit) \($0.fileOffset)" })"
    }

    func expectRoundTrip(_ profile: Profile, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let again = try decode(ProfileEncoder.encode(profile))
        #expect(describe(again) == describe(profile), sourceLocation: sourceLocation)
        #expect(header(again) == header(profile), sourceLocation: sourceLocation)
    }

    /// Found by the fuzzer (kept as Fixtures/fuzz/crash-952f…): a function name that is not
    /// UTF-8 was written as the private-use code points it is held as, not as its bytes.
    @Test func stringsThatAreNotUTF8AreWrittenAsTheirBytes() throws {
        let url = try #require(Bundle.module.url(forResource: "crash-952f5d71f7911eb69533ceff2809fa64f9e5c148", withExtension: nil,
                                                 subdirectory: "Fixtures/fuzz"))
        let profile = try decode(Array(try Data(contentsOf: url)))
        #expect(profile.functions.contains { $0.name.unicodeScalars.contains(where: ProfileText.isEscapedByte) })
        try expectRoundTrip(profile)
        let encoded = ProfileEncoder.encode(profile)
        let names = profile.functions.map { ProfileText.rawBytes($0.name) }.filter { !$0.isEmpty }
        for name in names {
            #expect(encoded.firstRange(of: name) != nil, "the name's bytes are not in the output")
        }
    }

    /// Every kind of record and field: labels (string, and numeric with and without a unit),
    /// several mappings, inlined lines, a folded location, columns, start lines, comments,
    /// drop_frames, a location without a mapping, a sample without labels.
    @Test func everyFieldReadsBack() throws {
        var profile = Profile()
        profile.sampleTypes = [ValueType(type: "samples", unit: "count"), ValueType(type: "cpu", unit: "nanoseconds")]
        profile.periodType = ValueType(type: "cpu", unit: "nanoseconds")
        profile.period = 10_000_000
        profile.timeNanos = 1_700_000_000_123_456_789
        profile.durationNanos = 3_000_000_000
        profile.comments = ["first", "second"]
        profile.dropFrames = "^runtime\\.drop$"
        profile.keepFrames = "keep"
        profile.defaultSampleType = "cpu"
        profile.docURL = "https://example.com/doc"
        for (index, name) in ["/bin/server", "/lib/libc.so.6"].enumerated() {
            var mapping = Mapping()
            mapping.id = UInt64(index + 7)
            mapping.memoryStart = UInt64(0x400000 * (index + 1))
            mapping.memoryLimit = mapping.memoryStart + 0x10000
            mapping.fileOffset = UInt64(index * 4096)
            mapping.filename = name
            mapping.buildID = "build-\(index)"
            mapping.hasFunctions = true
            mapping.hasLineNumbers = index == 0
            profile.mappings.append(mapping)
        }
        for (index, name) in ["main.main", "main.work", "main.inlined", "runtime.memmove"].enumerated() {
            var function = Function()
            function.id = UInt64(100 + index)
            function.name = name
            function.systemName = name + ".sys"
            function.filename = "/src/\(name).go"
            function.startLine = Int64(10 * index)
            profile.functions.append(function)
        }
        // Locations: main.main; main.inlined inlined into main.work (folded); runtime.memmove
        // without a mapping, and in libc (every mapping is reached: only those are written).
        let shapes: [(mapping: Int32, address: UInt64, lines: [(Int32, Int64, Int64)], folded: Bool)] = [
            (0, 0x401000, [(0, 12, 3)], false),
            (0, 0x402000, [(2, 25, 0), (1, 14, 7)], true),
            (-1, 0, [(3, 99, 0)], false),
            (1, 0x800100, [(3, 5, 0)], false),
        ]
        for (index, shape) in shapes.enumerated() {
            var location = Location()
            location.id = UInt64(50 + index)
            location.mappingIndex = shape.mapping
            location.address = shape.address
            location.isFolded = shape.folded
            location.lineStart = Int32(profile.lines.count)
            location.lineCount = Int32(shape.lines.count)
            for (function, number, column) in shape.lines {
                var line = Line()
                line.functionIndex = function
                line.line = number
                line.column = column
                profile.lines.append(line)
            }
            profile.locations.append(location)
        }
        profile.stringTable = ["", "goroutine", "7", "bytes", "request", "KiB"]
        profile.samples.valueCount = 2
        profile.samples.append(stack: [3, 2, 1, 0] as [UInt32], values: [3, 30_000_000] as [Int64],
                               labels: [LabelReference(key: 1, str: 2, numUnit: 0, num: 0),
                                        LabelReference(key: 3, str: 0, numUnit: 5, num: 64),
                                        LabelReference(key: 4, str: 0, numUnit: 0, num: -2)])
        profile.samples.append(stack: [1, 0] as [UInt32], values: [1, 10_000_000] as [Int64], labels: [] as [LabelReference])
        profile.samples.append(stack: [0] as [UInt32], values: [0, 0] as [Int64], labels: [] as [LabelReference])
        try expectRoundTrip(profile)
    }

    /// Compressed as pprof writes it: one gzip member that the reader (and gzip) inflate.
    @Test func deflateWritesGzip() throws {
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
        var compressed: [UInt8] = []
        try bytes.withUnsafeBytes { try Gzip.deflate($0) { compressed += $0 } }
        #expect(compressed.starts(with: [0x1f, 0x8b]))
        #expect(compressed.count < bytes.count / 2)
        let inflated = try compressed.withUnsafeBytes { try Gzip.inflate($0) }
        #expect(inflated.withUnsafeBytes { Array($0) } == bytes)
    }
}
