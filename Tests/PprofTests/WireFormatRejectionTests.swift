import TestSupport
import Testing

@testable import Pprof

/// One malformed input and the exact error it must produce.
struct RejectionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let error: DecodeError
    var testDescription: String { name }

    init(_ name: String, _ bytes: [UInt8], _ error: DecodeError) {
        self.name = name
        self.bytes = bytes
        self.error = error
    }
}

private let ff9: [UInt8] = .init(repeating: 0xff, count: 9)

/// Wire-format errors, with the byte offset each must name. Offsets are absolute positions in
/// the protobuf, even inside nested messages and packed runs.
@Suite struct WireFormatRejectionTests {
    @Test func emptyInput() {
        expectDecodeError(.emptyInput, [])
    }

    static let truncatedVarints: [RejectionCase] = [
        RejectionCase("key cut short", [0x80], .truncatedVarint(offset: 0)),
        RejectionCase("value cut short", [0x32, 0x00, 0x48, 0x96], .truncatedVarint(offset: 3)),
        RejectionCase("value missing", [0x32, 0x00, 0x48], .truncatedVarint(offset: 3)),
        RejectionCase("length prefix cut short", [0x32, 0x80], .truncatedVarint(offset: 1)),
        // Sample { packed location_id [1, <0x80…>] } followed by time_nanos: the packed run ends
        // at byte 8, so the 0x48 after it must not complete the varint.
        RejectionCase("packed run ends mid-varint", [0x32, 0x00, 0x12, 0x04, 0x0a, 0x02, 0x01, 0x80, 0x48, 0x01], .truncatedVarint(offset: 7)),
        // Location { id: <0x80…> } followed by more bytes: the location ends at byte 4.
        RejectionCase("nested message ends mid-varint", [0x22, 0x02, 0x08, 0x80, 0x48, 0x01], .truncatedVarint(offset: 3)),
        RejectionCase("nested key cut short", [0x22, 0x01, 0xa8, 0x01], .truncatedVarint(offset: 2)),
    ]

    @Test(arguments: truncatedVarints) func truncatedVarint(_ test: RejectionCase) {
        expectDecodeError(test.error, test.bytes)
    }

    static let overlongVarints: [RejectionCase] = [
        RejectionCase("11-byte value", [0x48] + [UInt8](repeating: 0xff, count: 10) + [0x01], .overlongVarint(offset: 1)),
        RejectionCase("10 bytes, all with the continuation bit", [0x48] + [UInt8](repeating: 0x80, count: 10) + [0x00], .overlongVarint(offset: 1)),
        RejectionCase("11-byte key", [UInt8](repeating: 0x80, count: 10) + [0x00], .overlongVarint(offset: 0)),
        RejectionCase("11-byte length", [0x32] + [UInt8](repeating: 0x80, count: 10) + [0x00], .overlongVarint(offset: 1)),
        // Sample { packed value [<11 bytes>] }
        RejectionCase("inside a packed run", [0x12, 0x0d, 0x12, 0x0b] + [UInt8](repeating: 0xff, count: 10) + [0x01], .overlongVarint(offset: 4)),
    ]

    @Test(arguments: overlongVarints) func varintLongerThanTenBytes(_ test: RejectionCase) {
        expectDecodeError(test.error, test.bytes)
    }

    static let lengthsPastEnd: [RejectionCase] = [
        RejectionCase("string of 5 with 2 left", [0x32, 0x05, 0x61, 0x62], .lengthPastEnd(offset: 1, length: 5, available: 2)),
        RejectionCase("2^63", [0x32] + varintBytes(1 << 63), .lengthPastEnd(offset: 1, length: 1 << 63, available: 0)),
        RejectionCase("2^64-1 with 3 left", [0x32] + ff9 + [0x01, 0x61, 0x62, 0x63], .lengthPastEnd(offset: 1, length: .max, available: 3)),
        RejectionCase("2^63 as a message length", [0x32, 0x00, 0x12] + varintBytes(1 << 63) + [0x08, 0x01], .lengthPastEnd(offset: 3, length: 1 << 63, available: 2)),
        RejectionCase("2^63 as a packed run", [0x12, 0x0b, 0x0a] + varintBytes(1 << 63), .lengthPastEnd(offset: 3, length: 1 << 63, available: 0)),
        // Sample (3 bytes) { location_id packed, length 5 }: the sample ends at byte 5 even
        // though the buffer has 2 more bytes.
        RejectionCase("past the end of its message", [0x12, 0x03, 0x0a, 0x05, 0x01, 0x32, 0x00], .lengthPastEnd(offset: 3, length: 5, available: 1)),
        RejectionCase("unknown field", [0x32, 0x00, 0xa2, 0x06, 0x04, 0x00], .lengthPastEnd(offset: 4, length: 4, available: 1)),
    ]

    @Test(arguments: lengthsPastEnd) func lengthPrefixPastTheEnd(_ test: RejectionCase) {
        expectDecodeError(test.error, test.bytes)
    }

    // The limit is wall time from the test's start: alone it takes milliseconds, but in a
    // loaded make test the test pool (2 threads, busy with tests that wait on subprocesses)
    // once left it unrun for 292 s. The limit catches a hang, not slowness.
    @Test(.timeLimit(.minutes(10))) func hugeLengthsDoNotAllocate() {
        // A length of 2^63 - 1 in every position where a length can be; must fail at once.
        // (Were the decoder to reserve capacity from it, this would trap or exhaust memory.)
        let huge = varintBytes(UInt64(Int64.max))
        for prefix: [UInt8] in [[0x32], [0x0a], [0x12], [0x1a], [0x22], [0x2a], [0x5a], [0x6a], [0x12, 0x0c, 0x0a], [0x12, 0x0c, 0x12]] {
            do {
                _ = try decode(prefix + huge + [0, 0])
                Issue.record("accepted \(prefix)")
            } catch {
                guard case .lengthPastEnd(_, let length, _) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(length == UInt64(Int64.max))
            }
        }
    }

    static let fixedPastEnd: [RejectionCase] = [
        RejectionCase("fixed64 with 3 bytes", [0xa1, 0x06, 0x01, 0x02, 0x03], .fixedPastEnd(offset: 0, wireType: 1)),
        RejectionCase("fixed32 with 2 bytes", [0x32, 0x00, 0xa5, 0x06, 0x01, 0x02], .fixedPastEnd(offset: 2, wireType: 5)),
        // Function (4 bytes) { unknown fixed32 with 2 bytes }, more bytes after the function.
        RejectionCase("fixed32 past its message", [0x2a, 0x04, 0xa5, 0x06, 0x01, 0x02, 0x32, 0x00], .fixedPastEnd(offset: 2, wireType: 5)),
        RejectionCase("fixed64 past its message", [0x22, 0x06, 0x08, 0x01, 0x31, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 8), .fixedPastEnd(offset: 4, wireType: 1)),
    ]

    @Test(arguments: fixedPastEnd) func fixedSizeFieldPastTheEnd(_ test: RejectionCase) {
        expectDecodeError(test.error, test.bytes)
    }

    @Test(arguments: [3, 4, 6, 7]) func unsupportedWireTypes(_ wireType: Int) {
        // Groups (3, 4) and the undefined 6 and 7, in an unknown field, a known field, and
        // inside a Location.
        let unknownField = encode([.raw([0x32, 0x00])]) + varintBytes(UInt64(20 << 3 | wireType)) + [0x00, 0x00]
        expectDecodeError(.unsupportedWireType(offset: 2, wireType: wireType), unknownField)
        let knownField = [UInt8(9 << 3 | wireType), 0x01]
        expectDecodeError(.unsupportedWireType(offset: 0, wireType: wireType), knownField)
        let nested: [UInt8] = [0x32, 0x00, 0x22, 0x03, 0x08, 0x01, UInt8(3 << 3 | wireType), 0x00]
        expectDecodeError(.unsupportedWireType(offset: 6, wireType: wireType), nested)
    }

    static let wrongWireTypes: [RejectionCase] = [
        RejectionCase("Sample.label as varint", [0x12, 0x02, 0x18, 0x01], .wrongWireType(offset: 2, message: "Sample", field: 3, wireType: 0)),
        RejectionCase("Profile.time_nanos as length-delimited", [0x4a, 0x01, 0x00], .wrongWireType(offset: 0, message: "Profile", field: 9, wireType: 2)),
        RejectionCase("Mapping.id as fixed64", [0x1a, 0x09, 0x09, 1, 0, 0, 0, 0, 0, 0, 0], .wrongWireType(offset: 2, message: "Mapping", field: 1, wireType: 1)),
        RejectionCase("Profile.sample_type as varint", [0x08, 0x01], .wrongWireType(offset: 0, message: "Profile", field: 1, wireType: 0)),
        RejectionCase("Profile.sample as fixed32", [0x32, 0x00, 0x15, 0, 0, 0, 0], .wrongWireType(offset: 2, message: "Profile", field: 2, wireType: 5)),
        RejectionCase("Profile.string_table as fixed32", [0x35, 0x00, 0x00, 0x00, 0x00], .wrongWireType(offset: 0, message: "Profile", field: 6, wireType: 5)),
        RejectionCase("Profile.string_table as varint", [0x30, 0x00], .wrongWireType(offset: 0, message: "Profile", field: 6, wireType: 0)),
        RejectionCase("Profile.period_type as varint", [0x58, 0x01], .wrongWireType(offset: 0, message: "Profile", field: 11, wireType: 0)),
        RejectionCase("Profile.comment as fixed64", [0x69, 0, 0, 0, 0, 0, 0, 0, 0], .wrongWireType(offset: 0, message: "Profile", field: 13, wireType: 1)),
        RejectionCase("Profile.doc_url as length-delimited", [0x32, 0x00, 0x7a, 0x00], .wrongWireType(offset: 2, message: "Profile", field: 15, wireType: 2)),
        RejectionCase("ValueType.unit as length-delimited", [0x0a, 0x03, 0x12, 0x01, 0x00], .wrongWireType(offset: 2, message: "ValueType", field: 2, wireType: 2)),
        RejectionCase("Sample.location_id as fixed64", [0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0, 0], .wrongWireType(offset: 2, message: "Sample", field: 1, wireType: 1)),
        RejectionCase("Sample.value as fixed32", [0x12, 0x05, 0x15, 0, 0, 0, 0], .wrongWireType(offset: 2, message: "Sample", field: 2, wireType: 5)),
        // Sample { label { num as length-delimited } }: the Label's key is at byte 4.
        RejectionCase("Label.num as length-delimited", [0x12, 0x05, 0x1a, 0x03, 0x1a, 0x01, 0x00], .wrongWireType(offset: 4, message: "Label", field: 3, wireType: 2)),
        RejectionCase("Mapping.has_functions as fixed32", [0x1a, 0x05, 0x3d, 0, 0, 0, 0], .wrongWireType(offset: 2, message: "Mapping", field: 7, wireType: 5)),
        RejectionCase("Location.line as varint", [0x22, 0x02, 0x20, 0x01], .wrongWireType(offset: 2, message: "Location", field: 4, wireType: 0)),
        RejectionCase("Location.is_folded as length-delimited", [0x22, 0x02, 0x2a, 0x00], .wrongWireType(offset: 2, message: "Location", field: 5, wireType: 2)),
        // Location { line { line as fixed64 } }: the Line's field is at byte 4.
        RejectionCase("Line.line as fixed64", [0x22, 0x0b, 0x22, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0, 0], .wrongWireType(offset: 4, message: "Line", field: 2, wireType: 1)),
        RejectionCase("Function.name as length-delimited", [0x2a, 0x03, 0x12, 0x01, 0x41], .wrongWireType(offset: 2, message: "Function", field: 2, wireType: 2)),
    ]

    @Test(arguments: wrongWireTypes) func knownFieldWithTheWrongWireType(_ test: RejectionCase) {
        expectDecodeError(test.error, test.bytes)
    }

    @Test func errorsNameTheOffsetOfTheFirstProblem() {
        // The same bad Sample after a valid prefix: the offset moves with it.
        let prefix = encode(minimalProfileFields())
        expectDecodeError(.wrongWireType(offset: prefix.count + 2, message: "Sample", field: 3, wireType: 0), prefix + [0x12, 0x02, 0x18, 0x01])
        expectDecodeError(.truncatedVarint(offset: prefix.count + 1), prefix + [0x48, 0xff])
    }
}
