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

    /// Keys with gaps between them (before the first, between any two, after the last) come
    /// back to back from where the first was; counts from 0 on, and halves with fewer items
    /// than chunks (empty chunks) with one-byte chunks.
    @Test(arguments: Array(0..<24) + [37, 101, 255])
    func keysWithGapsAndEmptyChunks(_ count: Int) {
        for chunkBytes in [1, 3, 1 << 20] {
            var random = SplitMix64(seed: UInt64(count * 131 + chunkBytes))
            let gap: UInt8 = 0xEE
            var keys = [UInt8](repeating: gap, count: random.below(4)), lines: [SortKey] = [], keyOf: [[UInt8]] = []
            for stack in 0..<count {
                keys += [UInt8](repeating: gap, count: random.below(2) * random.below(5))
                let key = (0..<random.below(4)).map { _ in UInt8(random.below(3)) }
                lines.append(SortKey(start: keys.count, length: UInt32(key.count), item: UInt32(stack)))
                keys += key
                keyOf.append(key)
            }
            keys += [UInt8](repeating: gap, count: random.below(4))
            let expected = (0..<count).sorted { a, b in
                keyOf[a] == keyOf[b] ? a < b : keyOf[a].lexicographicallyPrecedes(keyOf[b])
            }
            let (sortedKeys, sortedLines) = KeySort.sorted(keys: keys, items: lines, chunkBytes: chunkBytes)
            #expect(sortedLines.map { Int($0.item) } == expected, "chunkBytes \(chunkBytes)")
            var at = lines.first?.start ?? 0
            for line in sortedLines {
                #expect(line.start == at)
                at += Int(line.length)
            }
            #expect(sortedLines.map { Array(sortedKeys[$0.start..<($0.start + Int($0.length))]) } == expected.map { keyOf[$0] })
        }
    }

    /// Keys and items handed over (`consume`) are sorted in their own storage or the spares,
    /// never copied first: with one chunk a half, the chunks' sort copies into the spares and
    /// the last pass back into the arrays given.
    @Test func sortsTheArraysItIsGiven() {
        var keys: [UInt8] = [], lines: [SortKey] = []
        for stack in 0..<100 {
            lines.append(SortKey(start: keys.count, length: 2, item: UInt32(stack)))
            keys += [UInt8(100 - stack), 1]
        }
        let keyAddress = keys.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let itemAddress = lines.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let (sortedKeys, sortedLines) = KeySort.sorted(keys: consume keys, items: consume lines)
        #expect(sortedLines.map(\.item) == Array((0..<100).reversed()))
        #expect(sortedKeys.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) } == keyAddress)
        #expect(sortedLines.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) } == itemAddress)
    }
}
