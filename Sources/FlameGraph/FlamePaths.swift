#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis
import CPrefetch

/// One side's stacks as the paths of a flame tree: each stack's frame ids in the order the
/// tree is built (root first, or leaf first for a reverse graph), stored big-endian so that
/// memcmp orders paths as sequences of ids (any order that keeps equal prefixes together
/// does). The stacks' own frame array becomes the paths' storage: a wide profile's runs to
/// tens of megabytes, not copied.
struct FlamePaths: Sendable {
    private var keys: [UInt32] = []
    private let starts: [Int]
    private let values: [Int64]
    /// The paths to build the tree of: stacks with a negative value (delta profiles) are left
    /// out.
    private var kept: [Int] = []
    private(set) var negativeStacks = 0

    /// `map` renames frame ids (a base profile's onto the new profile's names).
    init(_ stacks: consuming FoldedStacks, map: [UInt32]?, reversed: Bool) {
        swap(&keys, &stacks.frames)
        starts = stacks.starts
        values = stacks.values
        let starts = self.starts
        keys.withUnsafeMutableBufferPointer { keys in
            if let map {
                for index in keys.indices { keys[index] = map[Int(keys[index])].bigEndian }
            } else {
                for index in keys.indices { keys[index] = keys[index].bigEndian }
            }
            if reversed {
                for path in 0..<starts.count - 1 {
                    var frames = UnsafeMutableBufferPointer(rebasing: keys[starts[path]..<starts[path + 1]])
                    frames.reverse()
                }
            }
        }
        kept.reserveCapacity(values.count)
        for path in values.indices {
            if values[path] < 0 { negativeStacks += 1 } else { kept.append(path) }
        }
    }

    /// The kept paths in memcmp order (stable: equal paths keep their order), each stored as
    /// what it does not share with the path before: read in that order, one after the other,
    /// a tree walk finds them in the cache, and they take a fraction of the room. Each half is
    /// sorted at once, on two cores; the paths are stored as the two are merged, each just
    /// after the merge compared it (while it is in the cache).
    func sorted() -> SortedPaths {
        let half = kept.count / 2
        let (first, second) = Concurrently.both({ sortedOrder(kept[..<half]) }, { [self] in sortedOrder(kept[half...]) })
        var result = SortedPaths(capacity: kept.count)
        keys.withUnsafeBufferPointer { keys in
            starts.withUnsafeBufferPointer { starts in
                // Paths lie scattered over tens of megabytes: the next few of a half are asked for
                // ahead of their turn, so that their cache misses overlap.
                func prefetch(_ run: [Int], from next: Int) {
                    if next + 8 < run.count { proflens_prefetch(keys.baseAddress! + starts[run[next + 8]]) }
                    if next + 16 < run.count { proflens_prefetch(starts.baseAddress! + run[next + 16]) }
                }
                let bytes = UnsafeRawBufferPointer(keys)
                var a = 0, b = 0
                var previous: Int?
                while a < first.count || b < second.count {
                    // Of two equal paths, the one of the first half (it came first).
                    let path: Int
                    if b == second.count || (a < first.count
                        && Self.compare(bytes, starts[second[b]], starts[second[b] + 1], starts[first[a]], starts[first[a] + 1]) >= 0) {
                        path = first[a]
                        a += 1
                        prefetch(first, from: a)
                    } else {
                        path = second[b]
                        b += 1
                        prefetch(second, from: b)
                    }
                    let start = starts[path], end = starts[path + 1]
                    let shared = previous.map { Self.commonPrefix(keys, start, end, starts[$0], starts[$0 + 1]) } ?? 0
                    result.append(shared: shared, suffix: UnsafeBufferPointer(rebasing: keys[start + shared..<end]), value: values[path], given: path)
                    previous = path
                }
            }
        }
        return result
    }

    private func sortedOrder(_ paths: ArraySlice<Int>) -> [Int] {
        var sorted = Array(paths)
        keys.withUnsafeBytes { keys in
            sorted.sort { a, b in Self.compare(keys, starts[a], starts[a + 1], starts[b], starts[b + 1]) < 0 }
        }
        return sorted
    }

    /// memcmp order of the keys `aStart..<aEnd` and `bStart..<bEnd`.
    private static func compare(_ keys: UnsafeRawBufferPointer, _ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) -> Int {
        let common = min(aEnd - aStart, bEnd - bStart) * 4
        if common > 0 {
            let result = memcmp(keys.baseAddress! + aStart * 4, keys.baseAddress! + bStart * 4, common)
            if result != 0 { return Int(result) }
        }
        return (aEnd - aStart) - (bEnd - bStart)
    }

    /// How many keys `aStart..<aEnd` and `bStart..<bEnd` share from their start.
    private static func commonPrefix(_ keys: UnsafeBufferPointer<UInt32>, _ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) -> Int {
        let limit = min(aEnd - aStart, bEnd - bStart)
        var position = 0
        let raw = UnsafeRawBufferPointer(keys)
        // Two frames at a time, then the last one.
        while position + 2 <= limit
            && raw.loadUnaligned(fromByteOffset: (aStart + position) * 4, as: UInt64.self)
                == raw.loadUnaligned(fromByteOffset: (bStart + position) * 4, as: UInt64.self) {
            position += 2
        }
        while position < limit && keys[aStart + position] == keys[bStart + position] { position += 1 }
        return position
    }
}
