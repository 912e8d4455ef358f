#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of integer sequences (stacks) stored back to back, each with a dense id: adding a
/// sequence seen before returns its id. Open addressing over flat arrays, so that a million
/// samples cost no allocation each. Sequences are hashed and compared as the bytes of their
/// elements, eight bytes at a time.
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
        if let id = sequence.withContiguousStorageIfAvailable({ intern(buffer: $0) }) { return id }
        return Array(sequence).withUnsafeBufferPointer { intern(buffer: $0) }
    }

    public mutating func intern(buffer sequence: UnsafeBufferPointer<Element>) -> Int {
        let bytes = UnsafeRawBufferPointer(sequence)
        let hash = Self.hash(bytes)
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
    private func equal(_ entry: Int, _ sequence: UnsafeBufferPointer<Element>) -> Bool {
        let start = starts[entry], end = starts[entry + 1]
        guard end - start == sequence.count else { return false }
        if sequence.isEmpty { return true }
        return elements.withUnsafeBufferPointer { stored in
            memcmp(stored.baseAddress! + start, sequence.baseAddress!, sequence.count * MemoryLayout<Element>.stride) == 0
        }
    }

    /// A 64-bit hash of the bytes, eight at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
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
