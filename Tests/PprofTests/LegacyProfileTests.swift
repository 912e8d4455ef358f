import Foundation
import Testing
import TestSupport

@testable import Pprof

/// The legacy formats decoded into the Profile go tool pprof makes of them: sample types,
/// values (scaled, converted), locations (return addresses moved onto the call), mappings
/// (from the memory map, with pprof's corrections), drop_frames. Expected values are worked
/// out by hand from the formats' rules (in comments), and, where Go 1.27 is present, checked
/// against the profile pprof writes for each fixture (`go tool pprof -proto`).
@Suite struct LegacyProfileTests {
    static func decodeText(_ text: String) throws -> Profile { try decode(Array(text.utf8)) }

    /// Each sample's stack as addresses, and its values.
    static func samples(_ profile: Profile) -> [(addresses: [UInt64], values: [Int64])] {
        (0..<profile.samples.count).map { sample in
            (profile.samples.locations(of: sample).map { profile.locations[Int($0)].address },
             (0..<profile.samples.valueCount).map { profile.samples.value(of: sample, index: $0) })
        }
    }

    @Test func goHeapProfile() throws {
        let profile = try Self.decodeText("""
            heap profile: 3: 6144 [5: 12288] @ heap/1024
            1: 4096 [2: 8192] @ 0x1001 0x2001
            # a comment, skipped

            2: 2048 [3: 4096] @ 0x3001 0x2001

            """)
        #expect(profile.sampleTypes.map(\.type) == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
        #expect(profile.sampleTypes.map(\.unit) == ["count", "bytes", "count", "bytes"])
        #expect(profile.periodType == ValueType(type: "space", unit: "bytes"))
        #expect(profile.period == 512)  // Go writes twice the rate.
        // Scaled by 1/(1-e^(-average/512)): 2 of 4096 → 2.00067 and 8194.74; 1 of 4096 → 1.00034
        // and 4097.37; 3 of 1365.3 → 3.2234 and 4401.0; 2 of 1024 → 2.3130 and 2368.5.
        let samples = Self.samples(profile)
        #expect(samples.map(\.values) == [[2, 8194, 1, 4097], [3, 4401, 2, 2368]])
        #expect(samples.map(\.addresses) == [[0x1000, 0x2000], [0x3000, 0x2000]])
        #expect(profile.locations.map(\.id) == [1, 2, 3])
        // The average object size, of the in-use values when there are some.
        #expect(profile.labels(of: 0).map { "\($0.key)=\($0.num) \($0.isNumeric)" } == ["bytes=4096 true"])
        #expect(profile.labels(of: 1).map { "\($0.key)=\($0.num) \($0.isNumeric)" } == ["bytes=1024 true"])
        // No memory map: one made-up mapping over every address, with no file.
        #expect(profile.mappings.count == 1 && profile.mappings[0].memoryLimit == UInt64.max && profile.mappings[0].filename.isEmpty)
        #expect(profile.locations.allSatisfy { $0.mappingIndex == 0 } && profile.functions.isEmpty && profile.lines.isEmpty)
        #expect(profile.dropFrames.hasPrefix("calloc|cfree|malloc|free|") && profile.dropFrames.contains(#"|runtime\..*|"#))
        #expect(profile.keepFrames == #"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*"#)
    }

    /// A heap profile whose totals agree has two sample types; unsampled values stay; a sample
    /// with no objects keeps a `bytes` label of 0, numeric, as pprof keeps it.
    @Test func unsampledHeapProfile() throws {
        let profile = try Self.decodeText("heap profile: 1: 10 [1: 10] @ heapprofile\n  1:   10 [  1:   10] @ 0x00000011\n0: 0 [0: 0] @ 0x21\n")
        #expect(profile.sampleTypes.map(\.type) == ["objects", "space"] && profile.period == 1)
        #expect(Self.samples(profile).map(\.values) == [[1, 10], [0, 0]])
        let label = try #require(profile.labels(of: 1).first)
        #expect(label.key == "bytes" && label.num == 0 && label.isNumeric && label.numUnit.isEmpty)
    }

    @Test func goCountProfile() throws {
        let profile = try Self.decodeText("""
            # before the header

            goroutine profile: total 12
            010 @ 0x11 0x21 0x31
            # labels: {"worker":"a"}
            #\t0x10\tmain.f+0x1\t/src/main.go:3

            2 @ 0x21 0x31
            --- the samples end here
            7 @ 0x99
            --- Memory map: ---
            10-40 r-xp 00000000 08:01 1 /opt/app

            """)
        #expect(profile.sampleTypes == [ValueType(type: "goroutine", unit: "count")])
        #expect(profile.periodType == ValueType(type: "goroutine", unit: "count") && profile.period == 1)
        // 010 is octal, as pprof reads the count; the names in the comments are not read.
        #expect(Self.samples(profile).map(\.values) == [[8], [2]])
        #expect(Self.samples(profile).map(\.addresses) == [[0x10, 0x20, 0x30], [0x20, 0x30]])
        #expect(profile.mappings.map(\.filename) == ["/opt/app"])
        #expect(profile.locations.allSatisfy { $0.mappingIndex == 0 })
        #expect(profile.dropFrames.hasPrefix("ProfileData::Add|") && profile.keepFrames.isEmpty)
    }

    @Test func goMutexAndBlockProfiles() throws {
        // 4e9 cycles at 2 GHz are 2 s; with one event in 5 recorded, 10 s and 15 contentions.
        let mutex = try Self.decodeText("--- mutex:\ncycles/second=2000000000\nsampling period=5\n4000000000 3 @ 0x11 0x21\n#\t0x10\tsync.(*Mutex).Unlock+0x1\n")
        #expect(mutex.sampleTypes.map(\.type) == ["contentions", "delay"] && mutex.sampleTypes.map(\.unit) == ["count", "nanoseconds"])
        #expect(mutex.period == 5 && Self.samples(mutex).map(\.values) == [[15, 10_000_000_000]])
        // The first address too is a return address.
        #expect(Self.samples(mutex).map(\.addresses) == [[0x10, 0x20]])
        #expect(mutex.dropFrames.hasPrefix("RecordLockProfileData|"))
        let block = try Self.decodeText("--- contention:\ncycles/second=2000000000\n4000000000 3 @ 0x11 0x21\n")
        #expect(block.period == 1 && Self.samples(block).map(\.values) == [[3, 2_000_000_000]])
    }

    @Test func contentionzProfile() throws {
        let profile = try Self.decodeText("""
            --- contentionz 1 ---
            cycles/second = 0x77359400
            sampling period = 1_0
            ms since reset = 2500
            discarded samples = 4
            123 @ 0x00404011
              9000000  7 @ 0x00404011 0x00403022
            --- Memory map: ---
            00400000-00410000 r-xp 00000000 08:01 1 /opt/server

            """)
        // Go literals: 0x77359400 is 2 GHz, 1_0 is 10.
        #expect(profile.period == 10 && profile.durationNanos == 2_500_000_000)
        // `123 @` is, for pprof's pattern, 12 cycles and 3 events: 60 ns and 30.
        #expect(Self.samples(profile).map(\.values) == [[30, 60], [70, 45_000_000]])
        #expect(Self.samples(profile).map(\.addresses) == [[0x404010], [0x404010, 0x403021]])
        #expect(profile.mappings.map(\.filename) == ["/opt/server"])
    }

    /// Words of a legacy CPU profile in `format`.
    static func cpuBytes(_ words: [UInt64], _ format: LegacyCPUProfile.WordFormat, memoryMap: String = "") -> [UInt8] {
        var bytes: [UInt8] = []
        for word in words {
            let size = format.size
            let little = (0..<size).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
            bytes += format == .little32 || format == .little64 ? little : little.reversed()
        }
        return bytes + Array(memoryMap.utf8)
    }

    @Test(arguments: LegacyCPUProfile.WordFormat.allCases)
    func legacyCPUProfile(_ format: LegacyCPUProfile.WordFormat) throws {
        // 33 samples with 0x7000 second (the signal handler: in all but one in 32, removed),
        // a leaf written again as a return address (the copy removed), a single frame.
        var words: [UInt64] = [0, 3, 0, 10_000, 0]
        for _ in 0..<32 { words += [1, 3, 0x1000, 0x7001, 0x2001] }
        words += [2, 4, 0x3000, 0x7001, 0x3000, 0x2001]
        words += [5, 1, 0x4000]
        words += [0, 1, 0]
        let profile = try decode(Self.cpuBytes(words, format, memoryMap: "00000000-00005000 r-xp 00000000 08:01 1 /opt/cpu\n"))
        #expect(profile.sampleTypes.map(\.type) == ["samples", "cpu"] && profile.sampleTypes.map(\.unit) == ["count", "nanoseconds"])
        #expect(profile.periodType == ValueType(type: "cpu", unit: "nanoseconds") && profile.period == 10_000_000)
        let samples = Self.samples(profile)
        #expect(samples.count == 34)
        #expect(samples[0].addresses == [0x1000, 0x2000] && samples[0].values == [1, 10_000_000])
        #expect(samples[32].addresses == [0x3000, 0x2000] && samples[32].values == [2, 20_000_000])
        #expect(samples[33].addresses == [0x4000] && samples[33].values == [5, 50_000_000])
        // The leaf's copy keeps its location (pprof drops it from the sample only); the
        // handler's frame has none.
        #expect(profile.locations.map(\.address) == [0x1000, 0x2000, 0x3000, 0x2fff, 0x4000])
        #expect(profile.mappings.map(\.filename) == ["/opt/cpu"])
        #expect(profile.dropFrames.hasPrefix("ProfileData::Add|"))
    }

    /// pprof's reading of a CPU profile whose records end without the end record, or whose
    /// last record is cut (64-bit words: the missing addresses read as 0).
    @Test func cpuProfileEnds() throws {
        let unterminated = try decode(Self.cpuBytes([0, 3, 0, 100, 0, 1, 1, 0x10], .little64))
        #expect(Self.samples(unterminated).map(\.addresses) == [[0x10]])
        let cut = try decode(Array(Self.cpuBytes([0, 3, 0, 100, 0, 1, 2, 0x10, 0x21, 1, 3, 0x10, 0x41, 0x51], .little64).dropLast(8)))
        #expect(Self.samples(cut).map(\.addresses) == [[0x10, 0x20], [0x10, 0x40, UInt64.max]])
    }

    @Test func memoryMapLines() throws {
        var reader = MemoryMapReader()
        let lines = [
            "00400000-00404000 r-xp 00010000 08:01 4242 /opt/bin/server",  // /proc/self/maps
            "00404000-00408000 r-xp 00014000 08:01 4242 /opt/bin/server",  // its second half: merged
            "00608000-00609000 rw-p 00008000 08:01 4242 /opt/bin/server",  // not executable: skipped
            "I0101 12:00:00.000000  1234 maps.cc:42] 7f000000-7f010000 r-xp 00000000 08:01 777 /lib/libc.so.6",
            "prefix = /opt/lib",  // defines $prefix for the lines after it
            "7f100000-7f110000 r-xp 00000000 08:01 778 $prefix/libz.so.1",
            "0x7f200000 0x7f210000 /opt/lib/libm.so.6 (@1000) 0123abcd",  // the brief form
            "not a mapping",
        ]
        for line in lines { try Array(line.utf8).withUnsafeBufferPointer { try reader.read($0) } }
        let read = reader.mappings
        #expect(read.map(\.filename) == ["/opt/bin/server", "/opt/bin/server", "/lib/libc.so.6", "/opt/lib/libz.so.1", "/opt/lib/libm.so.6"])
        #expect(read.map(\.fileOffset) == [0x10000, 0x14000, 0, 0, 0x1000] && read[4].buildID == "0123abcd")
        var mappings = MemoryMapReader.massaged([read[2]] + read)
        #expect(mappings.map(\.filename) == ["/opt/bin/server", "/lib/libc.so.6", "/lib/libc.so.6", "/opt/lib/libz.so.1", "/opt/lib/libm.so.6"])
        #expect(mappings[0].memoryStart == 0x400000 && mappings[0].memoryLimit == 0x408000)
        // 0x3ff000 is below the program's start but within its offset: the mapping starts there
        // from then on (offset 0). 0x10 is in no mapping: a made-up one; 0 has none.
        let assigned = MappingAssignment.assign([0x401000, 0x3ff000, 0x7f100010, 0x10, 0], to: &mappings)
        #expect(assigned == [0, 0, 3, 5, -1])
        #expect(mappings[0].memoryStart == 0x3f0000 && mappings[0].fileOffset == 0)
        #expect(mappings.count == 6 && mappings[5].memoryLimit == UInt64.max && mappings.map(\.id) == [1, 2, 3, 4, 5, 6])
    }

    /// `$name` substitutions that would take time growing as the square of a line (thousands of
    /// names tried at each of thousands of `$`) are refused rather than made.
    @Test func costlySubstitutionsAreRefused() {
        let names = (0..<3000).map { "k\($0)=v\n" }.joined()
        let text = "heap profile: 1: 1 [1: 1] @ heapprofile\n1: 1 [1: 1] @ 0x10\nMAPPED_LIBRARIES:\n" + names
            + String(repeating: "$", count: 2000) + "\n"
        expectDecodeError(.legacy(format: "the text heap profile (@ heapprofile)", at: "line 3004",
                                  reason: "its $name substitutions are too many to make"), Array(text.utf8))
    }

    /// The program at 0x400000 whose offset says it was mapped from 0x400000 starts there; a
    /// leading /anon_hugepage mapping joined to the next is dropped.
    @Test func mappingHeuristics() {
        var program = Mapping()
        (program.memoryStart, program.memoryLimit, program.fileOffset, program.filename) = (0x401000, 0x500000, 0x1000, "/opt/app")
        var hugepage = Mapping()
        (hugepage.memoryStart, hugepage.memoryLimit, hugepage.filename) = (0x300000, 0x401000, "/anon_hugepage (deleted)")
        var mappings = [hugepage, program]
        #expect(MappingAssignment.assign([0x400800], to: &mappings) == [0])
        #expect(mappings.map(\.filename) == ["/opt/app"] && mappings[0].memoryStart == 0x400000 && mappings[0].fileOffset == 0)
    }

    /// The line patterns' two ways of matching (backtracking within a budget, and the
    /// linear-time one it falls back to) find the same captures on lines of every shape.
    @Test func linePatternWaysAgree() throws {
        let pattern = LinePattern([
            .zeroOrMore(.space), .optional(LinePattern.Piece.literal("0x")), .capture(1, [.oneOrMore(.hexDigit)]),
            .zeroOrOne(ByteClass(Array(" -".utf8))), .capture(2, [.oneOrMore(.hexDigit)]),
            .optional([.oneOrMore(.space), .capture(3, [.oneOrMore(.notSpace)])]), .oneOrMore(.space), .oneOrMore(.digit),
        ])
        let alphabet = Array("0x9aF- \tz:".utf8)
        var random = SplitMix64(seed: 19)
        var scratch = LinePattern.Scratch(), matched = 0
        for _ in 0..<3000 {
            let line = (0..<random.below(24)).map { _ in alphabet[random.below(alphabet.count)] }
            line.withUnsafeBufferPointer { bytes in
                let backtracking = pattern.match(bytes, scratch: &scratch)
                let linear = pattern.matchLinearly(bytes, scratch: &scratch)
                #expect(backtracking?.map { $0.map { [$0.lowerBound, $0.upperBound] } } == linear?.map { $0.map { [$0.lowerBound, $0.upperBound] } },
                        "\(String(decoding: line, as: UTF8.self))")
                if backtracking != nil { matched += 1 }
            }
        }
        #expect(matched > 50)
        // A line where backtracking would take quadratic time answers at once, the same.
        let long = Array(repeating: UInt8(ascii: "a"), count: 60_000) + Array(" x".utf8)
        long.withUnsafeBufferPointer { bytes in
            let start = Date()
            #expect(pattern.match(bytes, scratch: &scratch) == nil)
            #expect(Date().timeIntervalSince(start) < 60)
        }
    }

    @Test func recognizedByTheirFirstBytes() throws {
        func format(_ bytes: [UInt8]) -> String? {
            switch bytes.withUnsafeBytes({ LegacyProfile.recognize($0) }) {
            case .heap(let header): return "heap \(header.kind)"
            case .count(let type): return "count \(type)"
            case .contention(let kind): return "contention \(kind)"
            case .cpu: return "cpu"
            case nil: return nil
            }
        }
        #expect(format(Array("heap profile: 1: 2 [3: 4] @ heap/1024\n".utf8)) == "heap heap")
        #expect(format(Array("x heap profile: 1: 2 [3: 4] @ growthz\n".utf8)) == "heap growthz")
        #expect(format(Array("heap profile: 1: 2 [3: 4] @ heap_v9/1024\n".utf8)) == nil)
        #expect(format(Array("\n# comment\nthreadcreate profile: total 3\n".utf8)) == "count threadcreate")
        #expect(format(Array("goroutine profile: total 3 more\n".utf8)) == nil)
        #expect(format(Array("--- mutex:\n".utf8)) == "contention mutex")
        #expect(format(Self.cpuBytes([0, 3, 0, 1, 0], .big32)) == "cpu")
        #expect(format(Self.cpuBytes([0, 3, 1, 1, 0], .big32)) == nil)  // Java's: not read.
        // A protobuf profile never is one of them.
        let protobuf = encode([P.sampleType(S.samples, S.count), P.sample([1], [1]), P.location(id: 1, address: 0x10)] + P.strings(baseStrings))
        #expect(format(protobuf) == nil)
        #expect(try decode(protobuf).samples.count == 1)
    }

    @Test func gzipCompressedIsTheSame() throws {
        let text = Array("goroutine profile: total 3\n3 @ 0x11 0x21\n".utf8)
        let raw = try decode(text), compressed = try decode(try gzipWithTool(text))
        #expect(Self.samples(raw).map(\.addresses) == Self.samples(compressed).map(\.addresses))
        #expect(Self.samples(compressed).map(\.values) == [[3]])
    }

    @Test func malformedSaysWhereAndWhy() {
        expectDecodeError(.legacy(format: "Go's text goroutine profile", at: "line 3", reason: "the stack `4 @` has no addresses"),
                          Array("goroutine profile: total 3\n3 @ 0x11\n4 @\n".utf8))
        expectDecodeError(.legacy(format: "the legacy binary CPU profile", at: "byte offset 40",
                                  reason: "the record there has 9 addresses, more than the 8 bytes left hold"),
                          Self.cpuBytes([0, 3, 0, 1, 0, 1, 9, 0x10], .little64))
    }

    // MARK: Against pprof

    /// What a profile says, as pprof's `-proto` output can say it: each sample's stack as
    /// addresses and mappings, values, numeric labels (but 0: protobuf cannot say a label of
    /// 0), and the profile's types, period and frame rules.
    static func description(_ profile: Profile) -> [String] {
        var lines = ["types \(profile.sampleTypes.map { "\($0.type)/\($0.unit)" })",
                     "period \(profile.periodType.type)/\(profile.periodType.unit) \(profile.period) duration \(profile.durationNanos)",
                     "drop \(profile.dropFrames)", "keep \(profile.keepFrames)"]
        for sample in 0..<profile.samples.count {
            let frames = profile.samples.locations(of: sample).map { index -> String in
                let location = profile.locations[Int(index)]
                guard location.mappingIndex >= 0 else { return String(location.address, radix: 16) }
                let mapping = profile.mappings[Int(location.mappingIndex)]
                return "\(String(location.address, radix: 16))@\(String(mapping.memoryStart, radix: 16))-\(String(mapping.memoryLimit, radix: 16))"
                    + "+\(String(mapping.fileOffset, radix: 16)):\(mapping.filename):\(mapping.buildID)"
            }
            let values = (0..<profile.samples.valueCount).map { profile.samples.value(of: sample, index: $0) }
            let labels = profile.labels(of: sample).filter { $0.isNumeric && $0.num != 0 }.map { "\($0.key)=\($0.num)" }
            lines.append("\(values) \(labels) \(frames.joined(separator: " "))")
        }
        return lines
    }

    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("legacy")

    @Test(.needsGo127, arguments: [
        "go1.27/heap.txt", "go1.27/allocs.txt", "go1.27/goroutine.txt", "go1.27/mutex.txt", "go1.27/block.txt", "go1.27/threadcreate.txt",
        "go1.19/heap.txt", "go1.19/mutex.txt", "constructed/cpu-64le.prof", "constructed/cpu-32be.prof", "constructed/heap-v2.txt",
        "constructed/heapprofile.txt", "constructed/growthz.txt", "constructed/contentionz.txt",
    ])
    func sameProfileAsPprof(_ fixture: String) throws {
        let path = Self.fixtures.appendingPathComponent(fixture).path
        let ours = try ProfileReader().read(path: path)
        let theirs = try ProfileReader().decode(Array(try GoPprof.run(["-proto", path])))
        #expect(Self.description(ours) == Self.description(theirs))
    }
}
