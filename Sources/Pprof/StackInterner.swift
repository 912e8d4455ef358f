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
    private var index = OpenAddressingIndex()

    public init() {}

    public var count: Int { starts.count - 1 }

    public func sequence(_ id: Int) -> ArraySlice<Element> { elements[starts[id]..<starts[id + 1]] }

    /// The id of `sequence`, added if new.
    public mutating func intern<C: Collection>(_ sequence: C) -> Int where C.Element == Element {
        if let id = sequence.withContiguousStorageIfAvailable({ intern(buffer: $0) }) { return id }
        return Array(sequence).withUnsafeBufferPointer { intern(buffer: $0) }
    }

    public mutating func intern(buffer sequence: UnsafeBufferPointer<Element>) -> Int {
        let hash = OpenAddressingIndex.hash(UnsafeRawBufferPointer(sequence))
        var index = OpenAddressingIndex.placeholder
        swap(&index, &self.index)
        let (id, inserted) = index.findOrInsert(hash: hash) { equal($0, sequence) }
        swap(&index, &self.index)
        if inserted {
            elements.append(contentsOf: sequence)
            starts.append(elements.count)
        }
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

    /// Hands the storage over (the interner is left empty).
    public mutating func take() -> (elements: [Element], starts: [Int]) {
        defer { self = StackInterner() }
        return (elements, starts)
    }
}
