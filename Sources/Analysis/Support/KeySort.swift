#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An item to sort on a byte key (a folded line, a flame graph's path): where its key is
/// among the keys and how long, beside the item, so that a comparison reads the two keys and
/// nothing else (on a wide profile, a table of key bounds elsewhere in memory costs a cache
/// miss a side).
struct SortKey: Sendable {
    /// Byte offset of the key among the keys.
    let start: Int
    /// Bytes.
    let length: UInt32
    let item: UInt32

    init(start: Int, length: UInt32, item: UInt32) {
        self.start = start
        self.length = length
        self.item = item
    }

    /// Whether `a`'s key comes before `b`'s in memcmp order (a key before the longer ones it
    /// begins).
    static func precedes(_ keys: UnsafeRawPointer, _ a: SortKey, _ b: SortKey) -> Bool {
        let common = Int(min(a.length, b.length))
        if common > 0 {
            let result = memcmp(keys + a.start, keys + b.start, common)
            if result != 0 { return result < 0 }
        }
        return a.length < b.length
    }

    /// Whether two keys are the same bytes (`keys` may be nil when every key is empty).
    static func same(_ keys: UnsafeRawPointer?, _ a: SortKey, _ b: SortKey) -> Bool {
        a.length == b.length && (a.length == 0 || memcmp(keys! + a.start, keys! + b.start, Int(a.length)) == 0)
    }
}

/// Sorts items on their keys with the keys moving along: a bottom-up merge sort whose every
/// pass copies each item's key next to those before it. Sorting indices alone, the later
/// passes of a sort compare keys scattered over tens of megabytes (a cache miss a side, more
/// an item than all else on a wide profile); here each pass reads its runs' keys one after
/// the other. Chunks of about `chunkBytes` of keys are sorted first, where they are (in the
/// cache), each half of them on one core; the last pass, the two halves together, on one.
/// Stable: of two equal keys, the one that came first stays first.
enum KeySort {
    /// About how many bytes of keys a first chunk has: well within a core's cache.
    static let chunkBytes = 1 << 20

    /// `items`, their keys in `keys` in the same order (with gaps between them or not), sorted;
    /// returns them with their keys stored back to back in their new order, from where the
    /// first key was.
    static func sorted(keys: consuming [UInt8], items: consuming [SortKey], chunkBytes: Int = chunkBytes) -> (keys: [UInt8], items: [SortKey]) {
        let count = items.count
        // No keys: every key is empty, and equal keys keep their order.
        if count < 2 || keys.isEmpty { return (keys, items) }
        let half = count / 2
        let halfBytes = max(items[half].start - items[0].start, keys.count - items[half].start)
        // As many chunks in both halves (a power of two), so that both end their passes in the
        // same buffer and the last pass can write into the other.
        var chunkCount = 1
        while chunkCount * chunkBytes < halfBytes && chunkCount < half { chunkCount *= 2 }
        let chunks = chunkCount
        var spareKeys = [UInt8](unsafeUninitializedCapacity: keys.count) { _, initialized in initialized = keys.count }
        var spareItems = [SortKey](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var passes = 0
        keys.withUnsafeMutableBytes { keyBuffer in
        spareKeys.withUnsafeMutableBytes { spareKeyBuffer in
        items.withUnsafeMutableBufferPointer { itemBuffer in
        spareItems.withUnsafeMutableBufferPointer { spareItemBuffer in
            let buffers = Buffers(keys: [keyBuffer.baseAddress!, spareKeyBuffer.baseAddress!],
                                  items: [itemBuffer.baseAddress!, spareItemBuffer.baseAddress!])
            (passes, _) = Concurrently.both({ buffers.sort(0..<half, chunks: chunks) }, { buffers.sort(half..<count, chunks: chunks) })
            buffers.merge(from: Buffers.holding(after: passes), 0, half, count)
            passes += 1
        }
        }
        }
        }
        return Buffers.holding(after: passes) == 0 ? (keys, items) : (spareKeys, spareItems)
    }

    /// The two buffers of keys and of items (0: those given, 1: the spares), shared by the two
    /// cores, which touch disjoint parts of them.
    private struct Buffers: @unchecked Sendable {
        let keys: [UnsafeMutableRawPointer]
        let items: [UnsafeMutablePointer<SortKey>]

        /// The buffer that holds the items after `passes` merge passes: the chunks' sort copies
        /// them into the spares, each pass into the other buffer.
        static func holding(after passes: Int) -> Int { (passes + 1) % 2 }

        /// Sorts the items `range` (their keys in the same order in a part of the keys) as `chunks`
        /// chunks, then in passes that merge two runs into one; returns the number of passes.
        func sort(_ range: Range<Int>, chunks: Int) -> Int {
            func boundary(_ chunk: Int) -> Int { range.lowerBound + range.count * min(chunk, chunks) / chunks }
            let (keys, spareKeys) = (self.keys[0], self.keys[1])
            let (items, spareItems) = (self.items[0], self.items[1])
            for chunk in 0..<chunks {
                let part = boundary(chunk)..<boundary(chunk + 1)
                guard !part.isEmpty else { continue }
                var copied = items[part.lowerBound].start
                var chunkItems = UnsafeMutableBufferPointer(start: items + part.lowerBound, count: part.count)
                chunkItems.sort { SortKey.precedes(keys, $0, $1) }
                for (offset, next) in chunkItems.enumerated() {
                    spareItems[part.lowerBound + offset] = Self.copy(next, from: keys, to: spareKeys, at: &copied)
                }
            }
            var passes = 0, width = 1
            while width < chunks {
                for first in stride(from: 0, to: chunks, by: 2 * width) {
                    merge(from: Self.holding(after: passes), boundary(first), boundary(first + width), boundary(first + 2 * width))
                }
                passes += 1
                width *= 2
            }
            return passes
        }

        /// Merges the runs `start..<middle` and `middle..<end` of buffer `source` into the
        /// same places of the other buffer.
        func merge(from source: Int, _ start: Int, _ middle: Int, _ end: Int) {
            guard start < end else { return }
            let from = items[source], to = items[1 - source]
            let fromKeys = keys[source], toKeys = keys[1 - source]
            // The runs' keys fill a part of the buffer, in their items' order: it starts at the
            // first item's.
            var copied = from[start].start
            var a = start, b = middle
            for out in start..<end {
                let next: SortKey
                if b == end || (a < middle && !SortKey.precedes(fromKeys, from[b], from[a])) {
                    next = from[a]
                    a += 1
                } else {
                    next = from[b]
                    b += 1
                }
                to[out] = Self.copy(next, from: fromKeys, to: toKeys, at: &copied)
            }
        }

        private static func copy(_ next: SortKey, from keys: UnsafeMutableRawPointer, to copies: UnsafeMutableRawPointer,
                                 at offset: inout Int) -> SortKey {
            let length = Int(next.length)
            (copies + offset).copyMemory(from: keys + next.start, byteCount: length)
            defer { offset += length }
            return SortKey(start: offset, length: next.length, item: next.item)
        }
    }
}
