/// The protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
enum WireType: Int {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// One field's key as read from the wire.
struct FieldKey {
    let number: Int
    let wireType: WireType
    /// Byte offset of the key itself, for error messages.
    let offset: Int
}

/// A cursor over protobuf bytes. Offsets are absolute positions in the whole decoded buffer, so
/// errors found deep inside a nested message still name the byte where they are.
struct WireReader {
    private let base: UnsafePointer<UInt8>
    private(set) var position: Int
    let end: Int
    /// Added to positions in errors: where `base` sits in the whole stream.
    let bias: Int

    init(base: UnsafePointer<UInt8>, start: Int, end: Int, bias: Int = 0) {
        self.base = base
        self.position = start
        self.end = end
        self.bias = bias
    }

    var isAtEnd: Bool { position >= end }

    /// Reads a varint: at most 10 bytes, as Go's decoder allows (a 10th byte's high bits are
    /// dropped, as there).
    @inline(__always)
    mutating func readVarint() throws -> UInt64 {
        if position < end {
            let first = base[position]
            if first < 0x80 {  // One-byte fast path: most ids, small values and keys.
                position += 1
                return UInt64(first)
            }
        }
        return try readVarintSlow()
    }

    private mutating func readVarintSlow() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        while true {
            if index - start >= 10 { throw DecodeError.overlongVarint(offset: bias + start) }
            if index >= end { throw DecodeError.truncatedVarint(offset: bias + start) }
            let byte = base[index]
            result |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte < 0x80 { break }
            shift += 7
        }
        position = index
        return result
    }

    /// The next field's key, or nil at the end of the message.
    @inline(__always)
    mutating func nextField() throws -> FieldKey? {
        if position >= end { return nil }
        let offset = bias + position
        let key = try readVarint()
        let rawType = Int(key & 7)
        guard let wireType = WireType(rawValue: rawType) else {
            throw DecodeError.unsupportedWireType(offset: offset, wireType: rawType)
        }
        return FieldKey(number: Int(key >> 3), wireType: wireType, offset: offset)
    }

    /// Reads a length prefix and returns the byte range it covers, advancing past it.
    @inline(__always)
    mutating func readLengthDelimited() throws -> Range<Int> {
        let offset = bias + position
        let length = try readVarint()
        let available = end - position
        guard length <= UInt64(available) else {
            throw DecodeError.lengthPastEnd(offset: offset, length: length, available: available)
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Skips a field's value, for fields this decoder does not know.
    mutating func skip(_ key: FieldKey) throws {
        switch key.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try skipFixed(8, key)
        case .fixed32: try skipFixed(4, key)
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    private mutating func skipFixed(_ size: Int, _ key: FieldKey) throws {
        guard end - position >= size else {
            throw DecodeError.fixedPastEnd(offset: key.offset, wireType: key.wireType.rawValue)
        }
        position += size
    }

    /// A reader over a sub-range (an embedded message or a packed field).
    func subReader(_ range: Range<Int>) -> WireReader {
        WireReader(base: base, start: range.lowerBound, end: range.upperBound, bias: bias)
    }

    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Where the field starting at `position` ends, or nil when the bytes up to `end` do not
    /// hold all of it yet (more input may follow). Malformed keys still throw.
    func completeFieldEnd() throws -> Int? {
        var probe = self
        let keyStart = probe.position
        var key: UInt64
        do { key = try probe.readVarint() } catch DecodeError.truncatedVarint { return nil }
        let rawType = Int(key & 7)
        guard let wireType = WireType(rawValue: rawType) else {
            throw DecodeError.unsupportedWireType(offset: bias + keyStart, wireType: rawType)
        }
        switch wireType {
        case .varint:
            do { _ = try probe.readVarint() } catch DecodeError.truncatedVarint { return nil }
            return probe.position
        case .fixed64: return probe.end - probe.position >= 8 ? probe.position + 8 : nil
        case .fixed32: return probe.end - probe.position >= 4 ? probe.position + 4 : nil
        case .lengthDelimited:
            let length: UInt64
            do { length = try probe.readVarint() } catch DecodeError.truncatedVarint { return nil }
            guard length <= UInt64(probe.end - probe.position) else { return nil }
            return probe.position + Int(length)
        }
    }
}
