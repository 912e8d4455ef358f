@testable import Analysis
import TestSupport
import Testing

/// `KeySort` against the plainest stable sort of the same keys: byte order, and stack order
/// among equal keys. Chunks of a few bytes make dozens of chunks and merge passes (real ones
/// hold a megabyte); counts odd and even, keys of every length from empty on, many repeated.
@Suite struct KeySortTests {
    @Test(arguments: [(2, 1), (3, 7), (64, 1), (1000, 16), (4001, 40), (4001, 1 << 20)])
    func sortsAsAStableSortOfTheKeys(_ count: Int, _ chunkBytes: Int) {
        var random = SplitMix64(seed: UInt64(count * 31 + chunkBytes))
        var keys: [UInt8] = [], lines: [SortKey] = [], keyOf: [[UInt8]] = []
        for stack in 0..<count {
            let key = (0..<random.below(7)).map { _ in UInt8(random.below(3)) }
            lines.append(SortKey(start: keys.count, length: UInt32(key.count), item: UInt32(stack)))
            keys += key
            keyOf.append(key)
        }
        let expected = (0..<count).sorted { a, b in
            keyOf[a] == keyOf[b] ? a < b : keyOf[a].lexicographicallyPrecedes(keyOf[b])
        }
        let (sortedKeys, sortedLines) = KeySort.sorted(keys: keys, items: lines, chunkBytes: chunkBytes)
        #expect(sortedLines.map { Int($0.item) } == expected)
        // Each line's key moved with it, the keys now back to back in line order.
        #expect(sortedLines.map { Array(sortedKeys[$0.start..<($0.start + Int($0.length))]) } == expected.map { keyOf[$0] })
        #expect(sortedKeys == expected.flatMap { keyOf[$0] })
    }
}
