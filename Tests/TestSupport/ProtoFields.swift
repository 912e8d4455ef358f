// Protobuf inputs for tests, built from readable field lists and written by Pprof's WireWriter:
// the bytes are plain concatenations, so byte offsets can be worked out by hand.

import Pprof

/// One protobuf field (or raw bytes spliced in as they are).
public indirect enum PB: Sendable {
    case varint(Int, UInt64)  // wire type 0
    case fixed64(Int, UInt64)  // wire type 1
    case bytes(Int, [UInt8])  // wire type 2
    case message(Int, [PB])  // wire type 2, a nested message
    case packed(Int, [UInt64])  // wire type 2, packed varints
    case fixed32(Int, UInt32)  // wire type 5
    case raw([UInt8])  // bytes written verbatim (a bad key, a truncated value…)

    public static func int(_ field: Int, _ value: Int64) -> PB { .varint(field, UInt64(bitPattern: value)) }
    public static func string(_ field: Int, _ text: String) -> PB { .bytes(field, Array(text.utf8)) }
    public static func packedInts(_ field: Int, _ values: [Int64]) -> PB { .packed(field, values.map { UInt64(bitPattern: $0) }) }
}

extension WireWriter {
    /// Writes `field` with the library's writer (the one `proflens merge` writes with).
    fileprivate mutating func write(_ field: PB) {
        switch field {
        case .varint(let number, let value): uint64Field(number, value)
        case .fixed64(let number, let value): fixed64Field(number, value)
        case .bytes(let number, let payload): bytesField(number, payload)
        case .message(let number, let fields):
            let start = beginMessage()
            for field in fields { write(field) }
            endMessage(number, start: start)
        case .packed(let number, let values): packedUInt64s(number, values)
        case .fixed32(let number, let value): fixed32Field(number, value)
        case .raw(let raw): append(raw)
        }
    }
}

public func encode(_ fields: [PB]) -> [UInt8] {
    var writer = WireWriter()
    for field in fields { writer.write(field) }
    return writer.bytes
}

/// The encoding of one varint, for inline byte arrays.
public func varintBytes(_ value: UInt64) -> [UInt8] {
    var writer = WireWriter()
    writer.varint(value)
    return writer.bytes
}

/// Byte offset at which `fields[index]` starts in `encode(fields)`.
public func offset(of index: Int, in fields: [PB]) -> Int {
    encode(Array(fields[..<index])).count
}

/// Builders for profile.proto messages. Zero-valued scalars are left out (as Go's encoder does),
/// ids are always written so that "id 0" tests say so explicitly.
public enum P {
    // Profile fields.
    public static func sampleType(_ type: Int64, _ unit: Int64) -> PB { .message(1, valueType(type, unit)) }
    public static func periodType(_ type: Int64, _ unit: Int64) -> PB { .message(11, valueType(type, unit)) }
    public static func strings(_ table: [String]) -> [PB] { table.map { .string(6, $0) } }
    public static func dropFrames(_ index: Int64) -> PB { .int(7, index) }
    public static func keepFrames(_ index: Int64) -> PB { .int(8, index) }
    public static func timeNanos(_ value: Int64) -> PB { .int(9, value) }
    public static func durationNanos(_ value: Int64) -> PB { .int(10, value) }
    public static func period(_ value: Int64) -> PB { .int(12, value) }
    public static func comment(_ index: Int64) -> PB { .int(13, index) }
    public static func defaultSampleType(_ index: Int64) -> PB { .int(14, index) }
    public static func docURL(_ index: Int64) -> PB { .int(15, index) }

    public static func valueType(_ type: Int64, _ unit: Int64) -> [PB] {
        nonZero([(1, type), (2, unit)])
    }

    /// A Sample. `packed: nil` packs like Go's encoder: only lists of more than 2 elements.
    public static func sample(_ locations: [UInt64], _ values: [Int64], labels: [PB] = [], packed: Bool? = nil) -> PB {
        var fields: [PB] = []
        if packed ?? (locations.count > 2) {
            fields.append(.packed(1, locations))
        } else {
            fields += locations.map { .varint(1, $0) }
        }
        if packed ?? (values.count > 2) {
            fields.append(.packedInts(2, values))
        } else {
            fields += values.map { .int(2, $0) }
        }
        return .message(2, fields + labels)
    }

    public static func label(key: Int64, str: Int64 = 0, num: Int64 = 0, unit: Int64 = 0) -> PB {
        .message(3, nonZero([(1, key), (2, str), (3, num), (4, unit)]))
    }

    public static func mapping(
        id: UInt64, start: UInt64 = 0, limit: UInt64 = 0, offset: UInt64 = 0, file: Int64 = 0, buildID: Int64 = 0,
        flags: [Bool] = []
    ) -> PB {
        var fields: [PB] = [.varint(1, id)]
        fields += [(2, start), (3, limit), (4, offset)].filter { $0.1 != 0 }.map { .varint($0.0, $0.1) }
        fields += nonZero([(5, file), (6, buildID)])
        for (index, flag) in flags.enumerated() where flag { fields.append(.varint(7 + index, 1)) }
        return .message(3, fields)
    }

    public static func location(id: UInt64, mapping: UInt64 = 0, address: UInt64 = 0, lines: [PB] = [], folded: Bool = false) -> PB {
        var fields: [PB] = [.varint(1, id)]
        if mapping != 0 { fields.append(.varint(2, mapping)) }
        if address != 0 { fields.append(.varint(3, address)) }
        fields += lines
        if folded { fields.append(.varint(5, 1)) }
        return .message(4, fields)
    }

    public static func line(function: UInt64, line: Int64 = 0, column: Int64 = 0) -> PB {
        var fields: [PB] = []
        if function != 0 { fields.append(.varint(1, function)) }
        return .message(4, fields + nonZero([(2, line), (3, column)]))
    }

    public static func function(id: UInt64, name: Int64 = 0, systemName: Int64 = 0, file: Int64 = 0, startLine: Int64 = 0) -> PB {
        .message(5, [.varint(1, id)] + nonZero([(2, name), (3, systemName), (4, file), (5, startLine)]))
    }

    private static func nonZero(_ pairs: [(Int, Int64)]) -> [PB] {
        pairs.filter { $0.1 != 0 }.map { .int($0.0, $0.1) }
    }
}
