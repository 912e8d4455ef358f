/// Protobuf wire-format output, the project's one writer of it: varint, fixed-width and
/// length-delimited fields appended to one byte array. An embedded message is written in place
/// between `beginMessage` and `endMessage`, which then puts its tag and length in front of it
/// (no closure and no second buffer per message). `package`: the bench's profile generator and
/// the tests' profile builders write through it too; what the generator calls per sample is
/// `@inlinable`, so that it runs as fast from there as from this module.
package struct WireWriter {
    @usableFromInline package internal(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    /// Empties the writer for reuse, keeping its memory.
    package mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inlinable @inline(__always)
    package mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable @inline(__always)
    package static func varintSize(_ value: UInt64) -> Int {
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    @inlinable @inline(__always)
    package mutating func tag(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    @inlinable
    package mutating func uint64Field(_ field: Int, _ value: UInt64, omitZero: Bool = false) {
        if omitZero && value == 0 { return }
        tag(field, wireType: 0)
        varint(value)
    }

    /// int64 fields are varints of the two's-complement bits.
    @inlinable
    package mutating func int64Field(_ field: Int, _ value: Int64, omitZero: Bool = false) {
        uint64Field(field, UInt64(bitPattern: value), omitZero: omitZero)
    }

    /// Wire type 1: eight bytes, little-endian. profile.proto has none; a reader must skip them.
    package mutating func fixed64Field(_ field: Int, _ value: UInt64) {
        tag(field, wireType: 1)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Wire type 5: four bytes, little-endian.
    package mutating func fixed32Field(_ field: Int, _ value: UInt32) {
        tag(field, wireType: 5)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    @inlinable
    package mutating func bytesField<C: Collection>(_ field: Int, _ data: C) where C.Element == UInt8 {
        tag(field, wireType: 2)
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    /// A repeated integer field as one packed run (a length, then the varints), whatever its length.
    @inlinable
    package mutating func packedUInt64s(_ field: Int, _ values: [UInt64]) {
        var size = 0
        for value in values { size += Self.varintSize(value) }
        tag(field, wireType: 2)
        varint(UInt64(size))
        for value in values { varint(value) }
    }

    /// A repeated integer field as pprof writes it: packed when it has more than two values,
    /// else a field each (nothing when empty).
    @inlinable
    package mutating func repeatedUInt64s(_ field: Int, _ values: [UInt64]) {
        if values.count <= 2 {
            for value in values { uint64Field(field, value) }
            return
        }
        packedUInt64s(field, values)
    }

    package mutating func repeatedInt64s(_ field: Int, _ values: [Int64]) {
        if values.count <= 2 {
            for value in values { int64Field(field, value) }
            return
        }
        var size = 0
        for value in values { size += Self.varintSize(UInt64(bitPattern: value)) }
        tag(field, wireType: 2)
        varint(UInt64(size))
        for value in values { varint(UInt64(bitPattern: value)) }
    }

    /// The bytes `repeatedInt64s` writes.
    package static func repeatedInt64sSize(_ field: Int, _ values: [Int64]) -> Int {
        let key = varintSize(UInt64(field) << 3)
        if values.count <= 2 {
            var size = 0
            for value in values { size += key + varintSize(UInt64(bitPattern: value)) }
            return size
        }
        var size = 0
        for value in values { size += varintSize(UInt64(bitPattern: value)) }
        return key + varintSize(UInt64(size)) + size
    }

    /// Bytes encoded elsewhere, or (in tests) not a field at all: a bad key, a truncated value.
    @inlinable
    package mutating func append<C: Collection>(_ encoded: C) where C.Element == UInt8 { bytes.append(contentsOf: encoded) }

    /// Where the message that follows starts.
    @inlinable
    package func beginMessage() -> Int { bytes.count }

    /// Makes everything written since `start` the body of field `field`.
    @inlinable
    package mutating func endMessage(_ field: Int, start: Int) {
        let length = UInt64(bytes.count - start)
        let key = UInt64(field) << 3 | 2
        let headerSize = Self.varintSize(key) + Self.varintSize(length)
        bytes.insertZeros(count: headerSize, at: start)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var position = start
            func put(_ value: UInt64) {
                var value = value
                while value >= 0x80 {
                    buffer[position] = UInt8(truncatingIfNeeded: value) | 0x80
                    value >>= 7
                    position += 1
                }
                buffer[position] = UInt8(truncatingIfNeeded: value)
                position += 1
            }
            put(key)
            put(length)
        }
    }
}

extension Array where Element == UInt8 {
    /// Opens `count` bytes at `position`, moving what follows up.
    @usableFromInline
    mutating func insertZeros(count: Int, at position: Int) {
        let tail = self.count - position
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + position + count).update(from: base + position, count: tail)
        }
    }
}
