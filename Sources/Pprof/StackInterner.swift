#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of integer sequences (stacks) stored back to back, each with a dense id: adding a
/// sequence seen before returns its id. Open addressing over flat arrays, so that a million
/// samples cost no allocation each.
public struct StackInterner<Element: FixedWidthInteger & Sendable>: Sendable {
    /// Sequence i is `elements[starts[i]..<starts[i+1]]`.
    public private(set) var elements: [Element] = []
    public private(set) var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots = [Int32](repeating: -1, count: 1024)

    public init() {}

    public var count: Int { starts.count - 1 }

    public func sequence(_ id: Int) -> ArraySlice<Element> { elements[starts[id]..<starts[id + 1]] }

    /// The id of `sequence`, added if new.
    public mutating func intern<C: Collection>(_ sequence: C) -> Int where C.Element == Element {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for element in sequence {
            hash = (hash ^ UInt64(truncatingIfNeeded: element)) &* 0x0000_0100_0000_01b3
            hash ^= hash >> 29
        }
        return intern(sequence, hash: hash)
    }

    private mutating func intern<C: Collection>(_ sequence: C, hash: UInt64) -> Int where C.Element == Element {
        let mask = slots.count - 1
        var slot = Int(hash & UInt64(mask))
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash && equal(entry, sequence) { return entry }
            slot = (slot + 1) & mask
        }
        let id = count
        slots[slot] = Int32(id)
        hashes.append(hash)
        elements.append(contentsOf: sequence)
        starts.append(elements.count)
        if count * 2 > slots.count { grow() }
        return id
    }

    @inline(__always)
    private func equal<C: Collection>(_ entry: Int, _ sequence: C) -> Bool where C.Element == Element {
        if let bytes = sequence as? UnsafeBufferPointer<UInt8>, Element.self == UInt8.self {
            let start = starts[entry], end = starts[entry + 1]
            guard end - start == bytes.count else { return false }
            return elements.withUnsafeBytes { stored in
                memcmp(stored.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
            }
        }
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == sequence.count else { return false }
        var index = start
        for element in sequence {
            if elements[index] != element { return false }
            index += 1
        }
        return true
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in 0..<count {
            var slot = Int(hashes[entry] & UInt64(mask))
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }

    /// Hands the storage over (the interner is left empty).
    public mutating func take() -> (elements: [Element], starts: [Int]) {
        defer { self = StackInterner() }
        return (elements, starts)
    }
}

extension StackInterner where Element == UInt8 {
    /// Byte sequences (varint-encoded stacks): hashed eight bytes at a time. Its hash differs
    /// from `intern(_:)`'s, so an interner uses one of the two throughout.
    public mutating func intern(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 32
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(base[index]) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 29
        }
        return intern(bytes, hash: hash)
    }
}
