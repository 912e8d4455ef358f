import TestSupport
import Testing

@testable import Pprof

/// A string reference in one kind of message, placed at a known offset.
struct StringIndexCase: Sendable, CustomTestStringConvertible {
    let what: String
    let offset: Int
    let fields: @Sendable (Int64) -> [PB]
    var testDescription: String { what }
}

/// The string table ["", "a"]: 5 bytes (32 00 32 01 61), 2 entries.
private let twoStrings = P.strings(["", "a"])

/// profile.proto semantics that google/pprof's decoder (postDecode) and CheckValid enforce.
@Suite struct ValidationRejectionTests {
    // MARK: String table

    @Test func firstStringMustBeEmpty() {
        expectDecodeError(.stringTableFirstNotEmpty(offset: 0), [0x32, 0x01, 0x61])
        expectDecodeError(.stringTableFirstNotEmpty(offset: 2), [0x48, 0x01, 0x32, 0x01, 0x61, 0x32, 0x00])
        expectDecodeError(.stringTableFirstNotEmpty(offset: 0), [0x32, 0x01, 0x00, 0x32, 0x00])  // "\0" is not empty
    }

    @Test func noStringTableAtAll() {
        // Every profile refers to string 0 (drop_frames and the rest default to it), so a
        // profile without a string table is malformed, as pprof says.
        expectDecodeError(.stringIndexOutOfRange(offset: 0, what: "drop_frames", index: 0, tableSize: 0), [0x48, 0x01])
        expectDecodeError(.stringIndexOutOfRange(offset: 0, what: "sample_type.type", index: 0, tableSize: 0), [0x0a, 0x00])
    }

    // Offsets: the string table (5 bytes) comes first, so the messages start at byte 5; the
    // Label sits inside a Sample at byte 7 (after an empty sample_type), at byte 11; fields of
    // the Profile itself name offset 0 (the Profile message).
    static let stringIndexCases: [StringIndexCase] = [
        StringIndexCase(what: "sample_type.type", offset: 5) { twoStrings + [.message(1, [.int(1, $0)])] },
        StringIndexCase(what: "sample_type.unit", offset: 5) { twoStrings + [.message(1, [.int(1, 1), .int(2, $0)])] },
        StringIndexCase(what: "period_type.type", offset: 5) { twoStrings + [.message(11, [.int(1, $0)])] },
        StringIndexCase(what: "period_type.unit", offset: 5) { twoStrings + [.message(11, [.int(2, $0)])] },
        StringIndexCase(what: "mapping.filename", offset: 5) { twoStrings + [.message(3, [.varint(1, 1), .int(5, $0)])] },
        StringIndexCase(what: "mapping.build_id", offset: 5) { twoStrings + [.message(3, [.varint(1, 1), .int(6, $0)])] },
        StringIndexCase(what: "function.name", offset: 5) { twoStrings + [.message(5, [.varint(1, 1), .int(2, $0)])] },
        StringIndexCase(what: "function.system_name", offset: 5) { twoStrings + [.message(5, [.varint(1, 1), .int(3, $0)])] },
        StringIndexCase(what: "function.filename", offset: 5) { twoStrings + [.message(5, [.varint(1, 1), .int(4, $0)])] },
        StringIndexCase(what: "label.key", offset: 11) { twoStrings + [.message(1, []), .message(2, [.int(2, 1), .message(3, [.int(1, $0)])])] },
        StringIndexCase(what: "label.str", offset: 11) { twoStrings + [.message(1, []), .message(2, [.int(2, 1), .message(3, [.int(1, 1), .int(2, $0)])])] },
        StringIndexCase(what: "label.num_unit", offset: 11) {
            twoStrings + [.message(1, []), .message(2, [.int(2, 1), .message(3, [.int(1, 1), .int(3, 5), .int(4, $0)])])]
        },
        StringIndexCase(what: "drop_frames", offset: 0) { twoStrings + [.int(7, $0)] },
        StringIndexCase(what: "keep_frames", offset: 0) { twoStrings + [.int(8, $0)] },
        StringIndexCase(what: "comment", offset: 0) { twoStrings + [.int(13, 1), .int(13, $0)] },
        StringIndexCase(what: "default_sample_type", offset: 0) { twoStrings + [.int(14, $0)] },
        StringIndexCase(what: "doc_url", offset: 0) { twoStrings + [.int(15, $0)] },
    ]

    /// Negative, one past the end, 2^32 (0 if truncated to 32 bits), and the extremes.
    static let badIndices: [Int64] = [-1, 2, 1 << 32, .min, .max]

    @Test(arguments: stringIndexCases, badIndices)
    func stringIndexOutOfRange(_ test: StringIndexCase, index: Int64) {
        expectDecodeError(
            .stringIndexOutOfRange(offset: test.offset, what: test.what, index: index, tableSize: 2),
            test.fields(index))
    }

    @Test(arguments: stringIndexCases) func stringIndexInRangeIsAccepted(_ test: StringIndexCase) throws {
        // The same inputs with index 1 are valid: each case fails only because of its index.
        _ = try decode(test.fields(1))
    }

    @Test func stringLabelWithOutOfRangeNumUnitIsAcceptedByPprof() throws {
        // pprof resolves num_unit only for numeric labels (str == 0): a string label with a
        // garbage num_unit is read by `go tool pprof` (checked with Go 1.19.8's pprof: it prints
        // the label k:[v]), and so is it by proflens.
        let fields: [PB] = [
            P.sampleType(1, 1), P.sample([], [5], labels: [P.label(key: 1, str: 2, unit: 99)]),
        ] + P.strings(["", "k", "v"])
        let profile = try decode(fields)
        #expect(profile.labels(of: 0) == [Label(key: "k", str: "v", num: 0, numUnit: "", isString: true)])
        
    }

    // MARK: Samples and sample types

    @Test func sampleValueCountMustMatchSampleTypes() {
        // sample_type {1,1} (0..<6), sample_type {1} (6..<10), sample {values 1, 2} (10..<16),
        // then the bad sample at byte 16; the string table last.
        let prefix: [PB] = [P.sampleType(1, 1), P.sampleType(1, 0), P.sample([], [1, 2])]
        expectDecodeError(.sampleValueCount(offset: 16, sample: 1, values: 1, types: 2), prefix + [P.sample([], [7])] + twoStrings)
        expectDecodeError(.sampleValueCount(offset: 16, sample: 1, values: 3, types: 2), prefix + [P.sample([], [1, 2, 3])] + twoStrings)
        expectDecodeError(.sampleValueCount(offset: 16, sample: 1, values: 0, types: 2), prefix + [.message(2, [])] + twoStrings)
        expectDecodeError(.sampleValueCount(offset: 10, sample: 0, values: 1, types: 2), Array(prefix.prefix(2)) + [P.sample([], [1])] + twoStrings)
    }

    @Test func samplesWithoutSampleTypes() {
        expectDecodeError(.missingSampleTypes, [P.sample([], [1])] + twoStrings)
        expectDecodeError(.missingSampleTypes, [.message(2, [])] + twoStrings)  // even an empty sample
        expectDecodeError(.missingSampleTypes, [P.sample([99], [])] + twoStrings)
    }

    // MARK: Ids

    static let idMessages: [(name: String, field: Int)] = [("mapping", 3), ("location", 4), ("function", 5)]

    @Test(arguments: idMessages.map(\.name)) func reservedIDZero(_ name: String) {
        let field = Self.idMessages.first { $0.name == name }!.field
        expectDecodeError(.reservedID(offset: 5, message: name), twoStrings + [.message(field, [.varint(1, 0)])])
        expectDecodeError(.reservedID(offset: 5, message: name), twoStrings + [.message(field, [])])  // id left out
        expectDecodeError(.reservedID(offset: 9, message: name), twoStrings + [.message(field, [.varint(1, 1)]), .message(field, [.varint(1, 0)])])
    }

    @Test(arguments: idMessages.map(\.name)) func duplicateIDs(_ name: String) {
        let field = Self.idMessages.first { $0.name == name }!.field
        func message(_ id: UInt64) -> PB { .message(field, [.varint(1, id)]) }
        // Small ids (the dense table): messages of 4 bytes at 5, 9, 13.
        expectDecodeError(.duplicateID(offset: 13, message: name, id: 1), twoStrings + [message(1), message(2), message(1)])
        // Large ids (the dictionary): 2^40 takes 6 bytes, so the messages are 9 bytes long.
        expectDecodeError(.duplicateID(offset: 14, message: name, id: 1 << 40), twoStrings + [message(1 << 40), message(1 << 40)])
        // 2^64-1 takes 10 bytes: 13-byte messages.
        expectDecodeError(.duplicateID(offset: 18, message: name, id: .max), twoStrings + [message(.max), message(.max)])
        // An id equal to the message count sits at the dense table's edge.
        expectDecodeError(.duplicateID(offset: 13, message: name, id: 3), twoStrings + [message(3), message(2), message(3)])
    }

    // MARK: References

    /// strings (0..<5), sample_type (5..<11), location 1 (11..<15), sample [1] (15..<21), then
    /// the sample under test at byte 21.
    static func sampleReferring(to ids: [UInt64]) -> [PB] {
        twoStrings + [P.sampleType(1, 1), P.location(id: 1), P.sample([1], [1]), P.sample(ids, [1])]
    }

    @Test(arguments: [0, 2, UInt64(UInt32.max) - 1, UInt64(UInt32.max), 1 << 32, 1 << 33, .max])
    func sampleReferringToAMissingLocation(_ id: UInt64) {
        expectDecodeError(.unknownLocation(offset: 21, sample: 1, locationID: id), Self.sampleReferring(to: [id]))
    }

    @Test func missingLocationInAPackedList() {
        expectDecodeError(.unknownLocation(offset: 21, sample: 1, locationID: 99), Self.sampleReferring(to: [1, 1, 99, 1]))
        expectDecodeError(.unknownLocation(offset: 21, sample: 1, locationID: 1 << 35), Self.sampleReferring(to: [1, 1 << 35, 1 << 36]))
    }

    /// strings (0..<5), function 1 (5..<9), then the location under test at byte 9.
    static func location(id: UInt64, lines: [PB], functions: [PB] = [P.function(id: 1)]) -> [PB] {
        twoStrings + functions + [P.location(id: id, lines: lines)]
    }

    @Test func lineReferringToAMissingFunction() {
        expectDecodeError(.unknownFunction(offset: 9, locationID: 3, functionID: 2),
                          Self.location(id: 3, lines: [P.line(function: 1), P.line(function: 2)]))
        expectDecodeError(.unknownFunction(offset: 9, locationID: 3, functionID: 1 << 40),
                          Self.location(id: 3, lines: [P.line(function: 1 << 40)]))
        // Large function ids live in the dictionary: a near miss is still a miss.
        // (function 2^40 is 9 bytes long, so the location starts at byte 14.)
        expectDecodeError(.unknownFunction(offset: 14, locationID: 7, functionID: (1 << 40) + 1),
                          Self.location(id: 7, lines: [P.line(function: (1 << 40) + 1)], functions: [P.function(id: 1 << 40)]))
    }

    @Test func locationErrorsComeInTheOrderOfTheFile() {
        // Lines are resolved before the locations that hold them, yet an unknown function is
        // reported at its location, after the errors of the locations before it.
        let unknownFirst = twoStrings + [P.function(id: 1), P.location(id: 3, lines: [P.line(function: 2)]),
                                         P.location(id: 3, lines: [P.line(function: 1)])]
        expectDecodeError(.unknownFunction(offset: offset(of: 3, in: unknownFirst), locationID: 3, functionID: 2), unknownFirst)
        let duplicateFirst = twoStrings + [P.function(id: 1), P.location(id: 3, lines: [P.line(function: 1)]),
                                           P.location(id: 3, lines: [P.line(function: 1)]), P.location(id: 4, lines: [P.line(function: 2)])]
        expectDecodeError(.duplicateID(offset: offset(of: 4, in: duplicateFirst), message: "location", id: 3), duplicateFirst)
        // The second line of the second location.
        let laterLine = twoStrings + [P.function(id: 1), P.location(id: 3, lines: [P.line(function: 1)]),
                                      P.location(id: 4, lines: [P.line(function: 1), P.line(function: 9)])]
        expectDecodeError(.unknownFunction(offset: offset(of: 4, in: laterLine), locationID: 4, functionID: 9), laterLine)
    }

    @Test func lineWithFunctionIDZero() {
        // No function_id at all, and function_id: 0 written out: pprof calls both a line with a
        // nil function.
        expectDecodeError(.unknownFunction(offset: 9, locationID: 3, functionID: 0), Self.location(id: 3, lines: [.message(4, [.int(2, 5)])]))
        expectDecodeError(.unknownFunction(offset: 9, locationID: 3, functionID: 0), Self.location(id: 3, lines: [.message(4, [.varint(1, 0)])]))
        expectDecodeError(.unknownFunction(offset: 9, locationID: 3, functionID: 0), Self.location(id: 3, lines: [.message(4, [])]))
    }

    // MARK: Concatenated profiles

    @Test func secondNonZeroTimeNanos() {
        expectDecodeError(.concatenatedProfiles(offset: 2), [P.timeNanos(1), P.timeNanos(2)] + twoStrings)
        expectDecodeError(.concatenatedProfiles(offset: 2), [P.timeNanos(1), P.timeNanos(0)] + twoStrings)
        // Two whole profiles back to back (cat a.pb b.pb): the second one's time_nanos, its
        // last field (2 bytes), is where it is noticed.
        let one = encode(minimalProfileFields() + [P.timeNanos(100)])
        expectDecodeError(.concatenatedProfiles(offset: 2 * one.count - 2), one + one)
    }
}
