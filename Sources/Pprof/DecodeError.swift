/// Everything that can be wrong with a profile's bytes. Each case carries what a user needs to
/// find the problem: the byte offset into the (decompressed) protobuf, the field, the id.
public enum DecodeError: Error, Equatable, CustomStringConvertible, Sendable {
    // Container (gzip) problems.
    case emptyInput
    case gzip(String)
    case inflatedSizeLimit(limit: Int)

    // Wire-format problems.
    case truncatedVarint(offset: Int)
    case overlongVarint(offset: Int)
    case lengthPastEnd(offset: Int, length: UInt64, available: Int)
    case fixedPastEnd(offset: Int, wireType: Int)
    case unsupportedWireType(offset: Int, wireType: Int)
    case wrongWireType(offset: Int, message: String, field: Int, wireType: Int)

    // profile.proto semantics, as google/pprof's decoder and CheckValid apply them.
    case stringTableFirstNotEmpty(offset: Int)
    case concatenatedProfiles(offset: Int)
    case stringIndexOutOfRange(offset: Int, what: String, index: Int64, tableSize: Int)
    case missingSampleTypes
    case sampleValueCount(offset: Int, sample: Int, values: Int, types: Int)
    case reservedID(offset: Int, message: String)
    case duplicateID(offset: Int, message: String, id: UInt64)
    case unknownLocation(offset: Int, sample: Int, locationID: UInt64)
    case unknownFunction(offset: Int, locationID: UInt64, functionID: UInt64)

    /// A profile in one of the formats pprof reads besides profile.proto (`format`, as a user
    /// knows it) that is malformed `at` a line or byte offset.
    case legacy(format: String, at: String, reason: String)

    /// The input is something else that can be named (an HTML page, a Go execution trace);
    /// `decoding` is what the protobuf decoder found.
    case notAProfile(what: String, decoding: String)

    public var description: String {
        switch self {
        case .emptyInput:
            return "empty input file"
        case .gzip(let detail):
            return "decompressing profile: \(detail)"
        case .inflatedSizeLimit(let limit):
            return "decompressing profile: inflated size exceeds the limit of \(limit) bytes (see --max-inflated-size)"
        case .truncatedVarint(let offset):
            return "truncated varint at byte offset \(offset)"
        case .overlongVarint(let offset):
            return "varint longer than 10 bytes at byte offset \(offset)"
        case .lengthPastEnd(let offset, let length, let available):
            return "length \(length) at byte offset \(offset) runs past the end of its message (\(available) bytes left)"
        case .fixedPastEnd(let offset, let wireType):
            return "fixed-size field (wire type \(wireType)) at byte offset \(offset) runs past the end of its message"
        case .unsupportedWireType(let offset, let wireType):
            return "unsupported wire type \(wireType) at byte offset \(offset)"
        case .wrongWireType(let offset, let message, let field, let wireType):
            return "\(message) field \(field) has wire type \(wireType), which does not match its declared type, at byte offset \(offset)"
        case .stringTableFirstNotEmpty(let offset):
            return "string_table[0] must be empty (byte offset \(offset))"
        case .concatenatedProfiles(let offset):
            return "concatenated profiles detected: a second time_nanos at byte offset \(offset)"
        case .stringIndexOutOfRange(let offset, let what, let index, let tableSize):
            return "\(what) refers to string index \(index), outside the string table of \(tableSize) entries (message at byte offset \(offset))"
        case .missingSampleTypes:
            return "profile has samples but no sample types"
        case .sampleValueCount(let offset, let sample, let values, let types):
            return "sample #\(sample) at byte offset \(offset) has \(values) values but the profile has \(types) sample types"
        case .reservedID(let offset, let message):
            return "\(message) with reserved id 0 at byte offset \(offset)"
        case .duplicateID(let offset, let message, let id):
            return "a second \(message) with id \(id) at byte offset \(offset)"
        case .unknownLocation(let offset, let sample, let locationID):
            return "sample #\(sample) at byte offset \(offset) refers to location id \(locationID), which does not exist"
        case .unknownFunction(let offset, let locationID, let functionID):
            return "location id \(locationID) at byte offset \(offset) has a line with function id \(functionID), which does not exist"
        case .legacy(let format, let at, let reason):
            return "\(format), \(at): \(reason)"
        case .notAProfile(let what, let decoding):
            return "not a pprof profile: \(what) (\(decoding))"
        }
    }
}
