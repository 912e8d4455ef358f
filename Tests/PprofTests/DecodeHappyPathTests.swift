import TestSupport
import Testing

@testable import Pprof

/// Profiles pprof accepts, built field by field, and what the decoder makes of them.
@Suite struct DecodeHappyPathTests {
    @Test func writerProducesTheExpectedBytes() {
        // The helper's output for the minimal profile, byte for byte, so that every other test
        // can trust it.
        let expected: [UInt8] = [
            0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,  // sample_type { type: 1 unit: 2 }
            0x2a, 0x06, 0x08, 0x01, 0x10, 0x03, 0x20, 0x04,  // function { id: 1 name: 3 filename: 4 }
            0x22, 0x08, 0x08, 0x01, 0x22, 0x04, 0x08, 0x01, 0x10, 0x0a,  // location { id: 1 line { function_id: 1 line: 10 } }
            0x12, 0x04, 0x08, 0x01, 0x10, 0x05,  // sample { location_id: 1 value: 5 }
        ]
        let fields: [PB] = [
            P.sampleType(1, 2), P.function(id: 1, name: 3, file: 4),
            P.location(id: 1, lines: [P.line(function: 1, line: 10)]), P.sample([1], [5]),
        ]
        #expect(encode(fields) == expected)
        #expect(encode([.packed(1, [1, 300])]) == [0x0a, 0x03, 0x01, 0xac, 0x02])
        #expect(encode([.fixed64(2, 0x0102_0304_0506_0708), .fixed32(3, 0x0a0b_0c0d)])
            == [0x11, 8, 7, 6, 5, 4, 3, 2, 1, 0x1d, 0x0d, 0x0c, 0x0b, 0x0a])
        #expect(varintBytes(1 << 63) == [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
        #expect(offset(of: 2, in: fields) == 14)
    }

    @Test func minimalValidProfile() throws {
        let profile = try decode(minimalProfileFields())
        #expect(profile.sampleTypes == [ValueType(type: "samples", unit: "count")])
        #expect(profile.functions.count == 1)
        #expect(profile.functions[0].id == 1)
        #expect(profile.functions[0].name == "main")
        #expect(profile.functions[0].filename == "main.go")
        #expect(profile.locations.count == 1)
        #expect(profile.locations[0].id == 1)
        #expect(profile.locations[0].mappingIndex == -1)
        #expect(profile.lines(of: profile.locations[0]).map(\.line) == [10])
        #expect(profile.samples.count == 1)
        #expect(Array(profile.samples.locations(of: 0)) == [0])
        #expect(profile.samples.value(of: 0, index: 0) == 5)
        #expect(profile.samples.labels(of: 0).isEmpty)
        #expect(profile.mappings.isEmpty)
        #expect(profile.timeNanos == 0 && profile.period == 0 && profile.comments.isEmpty)
        #expect(profile.periodType == ValueType(type: "", unit: ""))
        #expect(invariantViolations(profile).isEmpty)
    }

    @Test func stringTableAloneIsAnEmptyProfile() throws {
        let profile = try decode([0x32, 0x00])
        #expect(profile.samples.count == 0)
        #expect(profile.sampleTypes.isEmpty && profile.locations.isEmpty && profile.functions.isEmpty)
    }

    @Test func packedAndUnpackedRepeatedFieldsDecodeAlike() throws {
        // Go packs location_id and value only when there are more than 2; some profilers
        // (async-profiler) never pack. All three encodings must give the same profile.
        func fields(packed: Bool?) -> [PB] {
            [
                P.sampleType(S.samples, S.count), P.sampleType(S.cpu, S.nanoseconds), P.sampleType(S.bytes, S.bytes),
                P.function(id: 1, name: S.main),
                P.location(id: 1, lines: [P.line(function: 1)]), P.location(id: 2, lines: [P.line(function: 1)]),
                P.location(id: 3, lines: [P.line(function: 1)]),
                P.sample([1, 2, 3], [1, 10_000_000, -7], packed: packed),
                P.sample([3, 1], [2, 20, 0], packed: packed),
                P.sample([2], [3, 30, 300], packed: packed),
            ] + P.strings(baseStrings)
        }
        let packed = try decode(fields(packed: true))
        let unpacked = try decode(fields(packed: false))
        let goStyle = try decode(fields(packed: nil))
        #expect(encode(fields(packed: true)) != encode(fields(packed: false)))
        #expect(dump(packed) == dump(unpacked))
        #expect(dump(goStyle) == dump(unpacked))
        #expect(Array(unpacked.samples.locations(of: 0)) == [0, 1, 2])
        #expect(Array(unpacked.samples.locations(of: 1)) == [2, 0])
        #expect(unpacked.samples.values == [1, 10_000_000, -7, 2, 20, 0, 3, 30, 300])
    }

    @Test func packedAndUnpackedPiecesOfOneFieldAreConcatenated() throws {
        // Protobuf allows a repeated field to arrive in several pieces, packed or not; pprof's
        // decoder appends them in order. An empty packed run adds nothing.
        let sample: PB = .message(2, [
            .varint(1, 4), .packed(1, [2, 3]), .packed(1, []), .varint(1, 1),
            .packed(2, []), .int(2, 9), .packedInts(2, [8]),
        ])
        let fields: [PB] = [P.sampleType(S.samples, S.count), P.sampleType(S.cpu, S.nanoseconds), P.function(id: 1, name: S.main)]
            + (1...4).map { P.location(id: UInt64($0), lines: [P.line(function: 1, line: Int64($0))]) }
            + [sample] + P.strings(baseStrings)
        let profile = try decode(fields)
        #expect(profile.samples.locations(of: 0).map { profile.locations[Int($0)].id } == [4, 2, 3, 1])
        #expect(profile.samples.values == [9, 8])
    }

    @Test func fieldsInAnyOrderWithTheStringTableLast() throws {
        // The string table comes last, after fields that point into it (Go's order), and in a
        // second variant it is interleaved with the messages (async-profiler's order).
        let strings = P.strings(["", "cpu", "nanoseconds", "f", "f.go", "note", "http://doc"])
        let ordered: [PB] = [
            P.comment(5), P.defaultSampleType(1), P.docURL(6),
            P.sample([7], [11]),
            P.location(id: 7, lines: [P.line(function: 3, line: 4)]),
            P.function(id: 3, name: 3, file: 4),
            P.periodType(1, 2), P.period(10),
            P.sampleType(1, 2),
        ] + strings
        let interleaved: [PB] = [strings[0], P.sampleType(1, 2), strings[1], P.sample([7], [11]), strings[2]]
            + [P.function(id: 3, name: 3, file: 4), strings[3], P.location(id: 7, lines: [P.line(function: 3, line: 4)])]
            + [strings[4], P.comment(5), strings[5], P.defaultSampleType(1), P.periodType(1, 2), P.period(10), P.docURL(6), strings[6]]
        for fields in [ordered, interleaved] {
            let profile = try decode(fields)
            #expect(profile.sampleTypes == [ValueType(type: "cpu", unit: "nanoseconds")])
            #expect(profile.periodType == ValueType(type: "cpu", unit: "nanoseconds"))
            #expect(profile.defaultSampleType == "cpu")
            #expect(profile.comments == ["note"])
            #expect(profile.docURL == "http://doc")
            #expect(profile.functions.map(\.name) == ["f"])
            #expect(profile.lines.map(\.line) == [4])
            #expect(profile.samples.values == [11])
        }
        #expect(dump(try decode(ordered)) == dump(try decode(interleaved)))
    }

    @Test func sparseAndLargeIDs() throws {
        // Ids need not run 1...n: sparse, out of order, and location ids at and above 2^32
        // (the decoder stores small ids inline and large ones on the side).
        let locationIDs: [UInt64] = [7, 1000, 3, 1 << 32, UInt64(UInt32.max), UInt64(UInt32.max) - 1, UInt64.max, 1 << 40 | 5]
        let fields: [PB] = [
            P.sampleType(S.samples, S.count),
            P.mapping(id: 1 << 35, file: S.mainGo), P.mapping(id: 9),
            P.function(id: 1 << 40, name: S.main), P.function(id: 42, name: S.key),
        ]
            + locationIDs.enumerated().map { index, id in
                P.location(id: id, mapping: index.isMultiple(of: 2) ? 1 << 35 : 9, address: UInt64(index) + 1,
                           lines: [P.line(function: index.isMultiple(of: 3) ? 42 : 1 << 40)])
            }
            + [
                P.sample(locationIDs, [1]),
                P.sample(locationIDs.reversed(), [2]),
                P.sample([UInt64.max, 1 << 32, 7], [3]),
                P.sample([UInt64(UInt32.max)], [4]),
            ]
            + P.strings(baseStrings)
        let profile = try decode(fields)
        #expect(profile.locations.map(\.id) == locationIDs)
        func ids(_ sample: Int) -> [UInt64] { profile.samples.locations(of: sample).map { profile.locations[Int($0)].id } }
        #expect(ids(0) == locationIDs)
        #expect(ids(1) == locationIDs.reversed())
        #expect(ids(2) == [UInt64.max, 1 << 32, 7])
        #expect(ids(3) == [UInt64(UInt32.max)])
        #expect(profile.locations.map { profile.mappings[Int($0.mappingIndex)].id } == locationIDs.indices.map { $0.isMultiple(of: 2) ? 1 << 35 : 9 })
        #expect(profile.locations.map { profile.functions[Int(profile.lines(of: $0).first!.functionIndex)].name }
            == locationIDs.indices.map { $0.isMultiple(of: 3) ? "key" : "main" })
        #expect(profile.mappings.map(\.filename) == ["main.go", ""])
        #expect(invariantViolations(profile).isEmpty)
    }

    @Test func idsOfOneToFourBytesResolveInPlace() throws {
        // Stacks are resolved in the array of their indices while their bytes are read from its
        // end: ids of 1, 2, 3 and 4 varint bytes, shuffled, in stacks long and short, repeated
        // and empty; every index lands where its id was.
        let locationIDs: [UInt64] = [1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, (1 << 28) - 1, 5]
        var random = SplitMix64(seed: 11)
        var stacks: [[UInt64]] = [locationIDs, locationIDs.reversed(), [], [(1 << 28) - 1], [1, 1, 1]]
        for _ in 0..<40 { stacks.append((0..<(1 + random.below(30))).map { _ in locationIDs[random.below(locationIDs.count)] }) }
        let fields: [PB] = [P.sampleType(S.samples, S.count), P.function(id: 1, name: S.main)]
            + locationIDs.map { P.location(id: $0, lines: [P.line(function: 1)]) }
            + stacks.enumerated().map { P.sample($1, [Int64($0)]) }
            + P.strings(baseStrings)
        let profile = try decode(fields)
        for (sample, stack) in stacks.enumerated() {
            #expect(profile.samples.locations(of: sample).map { profile.locations[Int($0)].id } == stack, "sample \(sample)")
        }
        #expect(invariantViolations(profile).isEmpty)
        // Only empty stacks: no ids at all.
        let empty = try decode([P.sampleType(S.samples, S.count), P.sample([], [1]), P.sample([], [2])] + P.strings(baseStrings))
        #expect(empty.samples.count == 2 && empty.samples.locations(of: 0).isEmpty && empty.samples.locations(of: 1).isEmpty)
        #expect(invariantViolations(empty).isEmpty)
    }

    @Test func locationWithSeveralLinesKeepsInnermostFirst() throws {
        // An inlined call: the first Line is the innermost frame (the inlined callee).
        let strings = ["", "samples", "count", "runtime.memmove", "bytes.(*Buffer).grow", "main.main", "x.go"]
        let fields: [PB] = [
            P.sampleType(1, 2),
            P.function(id: 1, name: 3, file: 6), P.function(id: 2, name: 4, file: 6), P.function(id: 3, name: 5, file: 6),
            P.location(id: 1, address: 0x1000, lines: [P.line(function: 1, line: 30), P.line(function: 2, line: 20), P.line(function: 3, line: 10)]),
            P.location(id: 2, address: 0x2000, lines: [P.line(function: 3, line: 11)]),
            P.location(id: 3, address: 0x3000),  // no lines: an unsymbolized address
            P.sample([1, 2], [1]), P.sample([3, 2], [1]),
        ] + P.strings(strings)
        let profile = try decode(fields)
        let first = profile.lines(of: profile.locations[0])
        #expect(first.map { profile.functions[Int($0.functionIndex)].name } == ["runtime.memmove", "bytes.(*Buffer).grow", "main.main"])
        #expect(first.map(\.line) == [30, 20, 10])
        #expect(profile.lines(of: profile.locations[1]).map(\.line) == [11])
        #expect(profile.lines(of: profile.locations[2]).isEmpty)
        #expect(profile.locations.map(\.address) == [0x1000, 0x2000, 0x3000])
        #expect(profile.lines.count == 4)
        #expect(invariantViolations(profile).isEmpty)
    }

    @Test func mappingIDZeroOrMissingMeansNoMapping() throws {
        // pprof leaves Location.Mapping nil for mapping_id 0 and for an id no mapping has.
        let fields: [PB] = [
            P.sampleType(S.samples, S.count),
            P.mapping(id: 2, start: 0x400000, limit: 0x500000, file: S.mainGo),
            P.location(id: 1, mapping: 0, address: 1),
            P.location(id: 2, mapping: 5, address: 2),
            P.location(id: 3, mapping: 2, address: 3),
            P.location(id: 4, mapping: 1 << 50, address: 4),
            .message(4, [.varint(1, 5), .varint(2, 0)]),  // mapping_id: 0 written out explicitly
            P.sample([1, 2, 3, 4, 5], [1]),
        ] + P.strings(baseStrings)
        let profile = try decode(fields)
        #expect(profile.locations.map(\.mappingIndex) == [-1, -1, 0, -1, -1])
        #expect(profile.mappings.map(\.filename) == ["main.go"])
    }

    @Test func labels() throws {
        let strings = ["", "samples", "count", "user", "alice", "bytes", "B", "thread", "goroutine"]
        let fields: [PB] = [
            P.sampleType(1, 2),
            P.sample([], [1], labels: [
                P.label(key: 3, str: 4),  // user=alice
                P.label(key: 5, num: 1024, unit: 6),  // bytes=1024 B
                P.label(key: 7, num: -3),  // thread=-3 (no unit)
                P.label(key: 8),  // key only
            ]),
            P.sample([], [2]),
            P.sample([], [3], labels: [P.label(key: 3, str: 4)]),
        ] + P.strings(strings)
        let profile = try decode(fields)
        let labels = profile.labels(of: 0)
        #expect(labels == [
            Label(key: "user", str: "alice", num: 0, numUnit: "", isString: true),
            Label(key: "bytes", str: "", num: 1024, numUnit: "B", isString: false),
            Label(key: "thread", str: "", num: -3, numUnit: "", isString: false),
            Label(key: "goroutine", str: "", num: 0, numUnit: "", isString: false),
        ])
        #expect(profile.samples.labels(of: 1).isEmpty)
        #expect(profile.labels(of: 2) == [Label(key: "user", str: "alice", num: 0, numUnit: "", isString: true)])
        #expect(profile.samples.labelStarts == [0, 4, 4, 5])
    }

    @Test func comments() throws {
        let strings = ["", "first", "second", "third"]
        let unpacked = try decode([P.comment(1), P.comment(3), P.comment(2)] + P.strings(strings))
        #expect(unpacked.comments == ["first", "third", "second"])
        let packed = try decode([.packed(13, [2, 1]), P.comment(3)] + P.strings(strings))
        #expect(packed.comments == ["second", "first", "third"])
        let emptyComment = try decode([P.comment(0)] + P.strings(strings))
        #expect(emptyComment.comments == [""])
    }

    @Test func defaultSampleType() throws {
        let fields: [PB] = [P.sampleType(S.samples, S.count), P.sampleType(S.cpu, S.nanoseconds), P.defaultSampleType(S.cpu)]
            + P.strings(baseStrings)
        #expect(try decode(fields).defaultSampleType == "cpu")
        #expect(try decode(P.strings(baseStrings)).defaultSampleType == "")
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        // Unknown field numbers with wire types 0, 1, 2 and 5 at every message level, plus field
        // 0 and the largest field number: pprof skips them all.
        let unknown: [PB] = [
            .varint(100, 1 << 62), .fixed64(101, 0xdead_beef), .bytes(102, [0xff, 0x00, 0x80]), .fixed32(103, 7),
            .bytes(104, []), .varint(0, 9), .fixed32((1 << 29) - 1, 1), .message(105, [.varint(1, 1)]),
        ]
        func fields(_ extra: [PB]) -> [PB] {
            extra + [
                .message(1, extra + P.valueType(S.samples, S.count) + extra),
                .message(11, P.valueType(S.cpu, S.nanoseconds) + extra),
                .message(3, [.varint(1, 1)] + extra + [.int(5, S.mainGo)]),
                .message(5, [.varint(1, 1)] + extra + [.int(2, S.main), .int(4, S.mainGo)]),
                .message(4, [.varint(1, 1), .varint(2, 1)] + extra + [.message(4, extra + [.varint(1, 1), .int(2, 7)] + extra)] + extra),
                .message(2, extra + [.varint(1, 1)] + extra + [.int(2, 5), .message(3, extra + [.int(1, S.key), .int(2, S.value)] + extra)]),
            ] + extra + P.strings(baseStrings) + extra
        }
        let plain = try decode(fields([]))
        let noisy = try decode(fields(unknown))
        #expect(encode(fields(unknown)).count > encode(fields([])).count + 100)
        #expect(dump(noisy) == dump(plain))
        #expect(noisy.labels(of: 0).first?.str == "value")
        #expect(noisy.lines.map(\.line) == [7])
    }

    @Test func everyScalarFieldIsRead() throws {
        // Line.column, doc_url (field 15), is_folded, start_line, mapping flags and ranges, the
        // profile's times and period, drop/keep frames.
        let strings = ["", "cpu", "nanoseconds", "f", "sys_f", "f.go", "/bin/app", "abc123", "drop.*", "keep.*", "https://example.com/doc"]
        let fields: [PB] = [
            P.sampleType(1, 2),
            P.mapping(id: 1, start: 0x40_0000, limit: 0x80_0000, offset: 0x1000, file: 6, buildID: 7, flags: [true, false, true, true]),
            P.function(id: 1, name: 3, systemName: 4, file: 5, startLine: 12),
            P.location(id: 1, mapping: 1, address: 0x40_1234, lines: [P.line(function: 1, line: 15, column: 7)], folded: true),
            P.sample([1], [-42]),
            P.dropFrames(8), P.keepFrames(9), P.timeNanos(1_700_000_000_123_456_789), P.durationNanos(10_000_000_000),
            P.periodType(1, 2), P.period(10_000_000), P.docURL(10),
        ] + P.strings(strings)
        let profile = try decode(fields)
        let mapping = try #require(profile.mappings.first)
        #expect(mapping.id == 1 && mapping.memoryStart == 0x40_0000 && mapping.memoryLimit == 0x80_0000 && mapping.fileOffset == 0x1000)
        #expect(mapping.filename == "/bin/app" && mapping.buildID == "abc123")
        #expect(mapping.hasFunctions && !mapping.hasFilenames && mapping.hasLineNumbers && mapping.hasInlineFrames)
        let function = try #require(profile.functions.first)
        #expect(function.name == "f" && function.systemName == "sys_f" && function.filename == "f.go" && function.startLine == 12)
        let location = try #require(profile.locations.first)
        #expect(location.isFolded && location.address == 0x40_1234 && location.mappingIndex == 0)
        var expectedLine = Line()
        expectedLine.functionIndex = 0
        expectedLine.line = 15
        expectedLine.column = 7
        #expect(profile.lines == [expectedLine])
        #expect(profile.samples.values == [-42])
        #expect(profile.dropFrames == "drop.*" && profile.keepFrames == "keep.*")
        #expect(profile.timeNanos == 1_700_000_000_123_456_789 && profile.durationNanos == 10_000_000_000)
        #expect(profile.periodType == ValueType(type: "cpu", unit: "nanoseconds") && profile.period == 10_000_000)
        #expect(profile.docURL == "https://example.com/doc")
    }

    @Test func tenByteVarintsAreAccepted() throws {
        // Go's decoder takes up to 10 bytes; the 10th byte's bits above 2^64 are dropped.
        let minusOne: [UInt8] = [0x48] + [UInt8](repeating: 0xff, count: 9) + [0x01]
        #expect(try decode(minusOne + [0x32, 0x00]).timeNanos == -1)
        let highBitsDropped: [UInt8] = [0x48] + [UInt8](repeating: 0xff, count: 9) + [0x7f]
        #expect(try decode(highBitsDropped + [0x32, 0x00]).timeNanos == -1)
        let minimum: [UInt8] = [0x48] + [UInt8](repeating: 0x80, count: 9) + [0x01]
        #expect(try decode(minimum + [0x32, 0x00]).timeNanos == .min)
        // Redundant (non-minimal) encodings are accepted too: 0x81 0x80 0x00 is 1.
        #expect(try decode([0x48, 0x81, 0x80, 0x00, 0x32, 0x00]).timeNanos == 1)
    }

    @Test func firstTimeNanosZeroThenNonZeroIsNotAConcatenation() throws {
        // pprof only objects to a time_nanos field arriving when the time is already non-zero.
        #expect(try decode([P.timeNanos(0), P.timeNanos(5)] + P.strings([""])).timeNanos == 5)
    }

    @Test func extraAndDuplicateEmptyStringsAreAccepted() throws {
        let fields: [PB] = [P.sampleType(3, 4), P.sample([], [1])] + P.strings(["", "", "", "x", "", "x"])
        let profile = try decode(fields)
        #expect(profile.sampleTypes == [ValueType(type: "x", unit: "")])
    }

    @Test func sampleWithoutLocations() throws {
        let profile = try decode([P.sampleType(S.cpu, S.nanoseconds), P.sample([], [7]), .message(2, [.int(2, 8)])] + P.strings(baseStrings))
        #expect(profile.samples.count == 2)
        #expect(profile.samples.locations(of: 0).isEmpty && profile.samples.locations(of: 1).isEmpty)
        #expect(profile.samples.values == [7, 8])
    }

    @Test func lengthPrefixReachingExactlyTheEndIsFine() throws {
        // A length that uses every remaining byte is not "past the end".
        let profile = try decode([0x78, 0x01, 0x32, 0x00, 0x32, 0x03, 0x61, 0x62, 0x63])  // doc_url: 1, strings "", "abc"
        #expect(profile.docURL == "abc")
    }
}
