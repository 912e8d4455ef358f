// A minimal protobuf *encoder*: just the wire-format pieces profile.proto needs.
// Self-contained on purpose: the generator must not depend on the Pprof target
// it is used to benchmark.

enum WireType: UInt64 {
    case varint = 0
    case lengthDelimited = 2
}

/// An append-only byte buffer with protobuf field writers.
///
/// The `...Opt` writers skip zero values, like Go's runtime/pprof encoder
/// (proto3 semantics: zero is the default and need not be written).
struct ProtoBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    mutating func tag(_ field: Int, _ wire: WireType) {
        varint(UInt64(field) << 3 | wire.rawValue)
    }

    /// A varint field, always written.
    @inline(__always)
    mutating func uint64(_ field: Int, _ value: UInt64) {
        tag(field, .varint)
        varint(value)
    }

    mutating func uint64Opt(_ field: Int, _ value: UInt64) {
        if value != 0 { uint64(field, value) }
    }

    /// int64 fields are varints of the two's-complement bit pattern.
    mutating func int64Opt(_ field: Int, _ value: Int64) {
        if value != 0 { uint64(field, UInt64(bitPattern: value)) }
    }

    mutating func boolOpt(_ field: Int, _ value: Bool) {
        if value { uint64(field, 1) }
    }

    mutating func bytesField<C: Collection>(_ field: Int, _ data: C) where C.Element == UInt8 {
        tag(field, .lengthDelimited)
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    mutating func string(_ field: Int, _ text: String) {
        bytesField(field, text.utf8)
    }

    /// An embedded message.
    mutating func message(_ field: Int, _ body: ProtoBuffer) {
        bytesField(field, body.bytes)
    }

    /// A repeated uint64 field the way Go's runtime/pprof writes it:
    /// packed when there are more than two values, else one varint field each.
    mutating func repeatedUInt64(_ field: Int, _ values: [UInt64]) {
        if values.count > 2 {
            var size = 0
            for v in values { size += Self.varintSize(v) }
            tag(field, .lengthDelimited)
            varint(UInt64(size))
            for v in values { varint(v) }
        } else {
            for v in values { uint64(field, v) }
        }
    }
}
