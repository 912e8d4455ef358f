#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of integer sequences (stacks) stored back to back, each with a dense id: adding a
/// sequence seen before returns its id. Open addressing over flat arrays, so that a million
/// samples cost no allocation each. Sequences are hashed and compared as the bytes of their
/// elements, eight bytes at a time. Its methods are inlinable so that other modules get them
/// specialized to their element type (a generic call costs several times the work).
public struct StackInterner<Element: FixedWidthInteger & Sendable>: Sendable {
    /// Sequence i is `elements[starts[i]..<starts[i+1]]`.
    public var elements: [Element] { storedElements }
    public var starts: [Int] { storedStarts }
    @usableFromInline var storedElements: [Element] = []
    @usableFromInline var storedStarts: [Int] = [0]
    @usableFromInline var index = OpenAddressingIndex()

    public init() {}

    @inlinable
    public var count: Int { storedStarts.count - 1 }

    @inlinable
    public func sequence(_ id: Int) -> ArraySlice<Element> { storedElements[storedStarts[id]..<storedStarts[id + 1]] }

    /// The id of `sequence`, added if new.
    @inlinable
    public mutating func intern<C: Collection>(_ sequence: C) -> Int where C.Element == Element {
        if let id = sequence.withContiguousStorageIfAvailable({ intern(buffer: $0) }) { return id }
        return Array(sequence).withUnsafeBufferPointer { intern(buffer: $0) }
    }

    @inlinable
    public mutating func intern(buffer sequence: UnsafeBufferPointer<Element>) -> Int {
        let hash = OpenAddressingIndex.hash(UnsafeRawBufferPointer(sequence))
        return insertIfNew(sequence, hash: hash).id
    }

    @inlinable @inline(__always)
    mutating func insertIfNew(_ sequence: UnsafeBufferPointer<Element>, hash: UInt64) -> (id: Int, inserted: Bool) {
        let (slot, found) = index.lookUp(hash: hash) { equal($0, sequence) }
        if let found { return (found, false) }
        storedElements.append(contentsOf: sequence)
        storedStarts.append(storedElements.count)
        return (index.insert(hash: hash, at: slot), true)
    }

    /// Room for this many sequences and elements in all, so that the storage is not copied as
    /// it grows.
    public mutating func reserveCapacity(sequences: Int, elements: Int) {
        storedStarts.reserveCapacity(sequences + 1)
        storedElements.reserveCapacity(elements)
    }

    /// The id of `sequence`, if it was added.
    @inlinable
    public func find(buffer sequence: UnsafeBufferPointer<Element>) -> Int? {
        index.find(hash: OpenAddressingIndex.hash(UnsafeRawBufferPointer(sequence))) { equal($0, sequence) }
    }

    @inlinable @inline(__always)
    func equal(_ entry: Int, _ sequence: UnsafeBufferPointer<Element>) -> Bool {
        let start = storedStarts[entry], end = storedStarts[entry + 1]
        guard end - start == sequence.count else { return false }
        if sequence.isEmpty { return true }
        return storedElements.withUnsafeBufferPointer { stored in
            memcmp(stored.baseAddress! + start, sequence.baseAddress!, sequence.count * MemoryLayout<Element>.stride) == 0
        }
    }

    /// Interns several sequences at once, `bytes[ranges[i]]` for each i, and passes each one's
    /// id to `found` in order. On a table much larger than the cache, looking a sequence up
    /// costs three cache misses one after the other (its slot, where its elements are, the
    /// elements); here each step is taken for the whole batch before the next, so that the
    /// misses of different sequences overlap. The ids are those one-by-one interning gives.
    @inlinable
    public mutating func intern(batch sequences: UnsafeBufferPointer<Element>, ranges: UnsafeBufferPointer<Range<Int>>,
                                scratch: inout BatchScratch, found: (Int, _ inserted: Bool) -> Void) {
        let count = ranges.count
        scratch.reset(count)
        let elementSize = MemoryLayout<Element>.stride
        scratch.hashes.withUnsafeMutableBufferPointer { hashes in
        scratch.candidates.withUnsafeMutableBufferPointer { candidates in
        scratch.bounds.withUnsafeMutableBufferPointer { bounds in
            // 1. Hashes, then the id each one's home slot suggests (loads alone in their loop,
            // so that many are under way at once).
            for item in 0..<count {
                hashes[item] = OpenAddressingIndex.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: sequences[ranges[item]])))
            }
            for item in 0..<count { candidates[item] = index.candidate(hash: hashes[item]) }
            // 2. Where each candidate's elements are.
            storedStarts.withUnsafeBufferPointer { storedStarts in
                for item in 0..<count where candidates[item] >= 0 {
                    bounds[item] = storedStarts[candidates[item]]..<storedStarts[candidates[item] + 1]
                }
            }
            // 3. Whether the candidate is the sequence: the lengths and first and last elements
            // (which reads the ends of the stored sequence in), then the rest.
            storedElements.withUnsafeBufferPointer { stored in
                for item in 0..<count where candidates[item] >= 0 {
                    let range = ranges[item], bound = bounds[item]
                    if bound.count != range.count || (!range.isEmpty && (stored[bound.lowerBound] != sequences[range.lowerBound]
                                                                         || stored[bound.upperBound - 1] != sequences[range.upperBound - 1])) {
                        candidates[item] = -1
                    }
                }
                for item in 0..<count where candidates[item] >= 0 && ranges[item].count > 1 {
                    let range = ranges[item]
                    if memcmp(stored.baseAddress! + bounds[item].lowerBound, sequences.baseAddress! + range.lowerBound, range.count * elementSize) != 0 {
                        candidates[item] = -1
                    }
                }
            }
        }
        }
        }
        // 4. The rest (new sequences, and those not in their home slot) one by one, in order.
        for item in 0..<count {
            let candidate = scratch.candidates[item]
            if candidate >= 0 {
                found(candidate, false)
                continue
            }
            let (id, inserted) = insertIfNew(UnsafeBufferPointer(rebasing: sequences[ranges[item]]), hash: scratch.hashes[item])
            found(id, inserted)
        }
    }

    /// Interns `count` sequences, item i's appended by `key(i, &elements)`, a batch at a time
    /// (see `intern(batch:)`), and passes each item's id to `found` in order.
    @inlinable
    public mutating func intern(each count: Int, key: (_ item: Int, _ elements: inout [Element]) -> Void,
                                found: (_ item: Int, _ id: Int, _ inserted: Bool) -> Void) {
        var elements: [Element] = [], ranges: [Range<Int>] = []
        var scratch = BatchScratch()
        var batchStart = 0
        while batchStart < count {
            let batchEnd = min(batchStart + 64, count)
            elements.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            for item in batchStart..<batchEnd {
                let start = elements.count
                key(item, &elements)
                ranges.append(start..<elements.count)
            }
            var item = batchStart
            elements.withUnsafeBufferPointer { elements in
                ranges.withUnsafeBufferPointer { ranges in
                    intern(batch: elements, ranges: ranges, scratch: &scratch) { id, inserted in
                        found(item, id, inserted)
                        item += 1
                    }
                }
            }
            batchStart = batchEnd
        }
    }

    /// The working arrays of `intern(batch:)`, kept by the caller from batch to batch.
    public struct BatchScratch: Sendable {
        @usableFromInline var hashes: [UInt64] = []
        @usableFromInline var candidates: [Int] = []
        @usableFromInline var bounds: [Range<Int>] = []

        public init() {}

        @inlinable
        mutating func reset(_ count: Int) {
            if hashes.count < count {
                hashes = [UInt64](repeating: 0, count: count)
                candidates = [Int](repeating: -1, count: count)
                bounds = [Range<Int>](repeating: 0..<0, count: count)
            }
        }
    }

    /// Hands the storage over (the interner is left empty).
    public mutating func take() -> (elements: [Element], starts: [Int]) {
        defer { self = StackInterner() }
        return (storedElements, storedStarts)
    }
}
