/// Protobuf wire-format output: varint and length-delimited fields appended to one byte array.
/// An embedded message is written in place between `beginMessage` and `endMessage`, which then
/// puts its tag and length in front of it (no closure and no second buffer per message).
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    /// Empty again, keeping the room (what was written has been handed on).
    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    @inline(__always)
    mutating func tag(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func uint64Field(_ field: Int, _ value: UInt64, omitZero: Bool = false) {
        if omitZero && value == 0 { return }
        tag(field, wireType: 0)
        varint(value)
    }

    /// int64 fields are varints of the two's-complement bits.
    mutating func int64Field(_ field: Int, _ value: Int64, omitZero: Bool = false) {
        uint64Field(field, UInt64(bitPattern: value), omitZero: omitZero)
    }

    mutating func bytesField<C: Collection>(_ field: Int, _ data: C) where C.Element == UInt8 {
        tag(field, wireType: 2)
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    /// A repeated integer field as pprof writes it: packed when it has more than two values,
    /// else a field each (nothing when empty).
    mutating func packedUInt64s(_ field: Int, _ values: [UInt64]) {
        if values.count <= 2 {
            for value in values { uint64Field(field, value) }
            return
        }
        var size = 0
        for value in values { size += Self.varintSize(value) }
        tag(field, wireType: 2)
        varint(UInt64(size))
        for value in values { varint(value) }
    }

    /// The bytes `packedInt64s` writes.
    static func packedInt64sSize(_ field: Int, _ values: [Int64]) -> Int {
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

    /// Bytes encoded elsewhere.
    mutating func append(_ encoded: ArraySlice<UInt8>) { bytes.append(contentsOf: encoded) }

    mutating func packedInt64s(_ field: Int, _ values: [Int64]) {
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

    /// Where the message that follows starts.
    func beginMessage() -> Int { bytes.count }

    /// Makes everything written since `start` the body of field `field`.
    mutating func endMessage(_ field: Int, start: Int) {
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
    fileprivate mutating func insertZeros(count: Int, at position: Int) {
        let tail = self.count - position
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            (base + position + count).update(from: base + position, count: tail)
        }
    }
}
