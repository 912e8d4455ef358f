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
                func path(_ path: Int) -> UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(rebasing: keys[starts[path]..<starts[path + 1]]) }
                var a = 0, b = 0
                var previous: Int?
                while a < first.count || b < second.count {
                    // Of two equal paths, the one of the first half (it came first).
                    let next: Int
                    if b == second.count || (a < first.count && PathOrder.compare(path(second[b]), path(first[a])) >= 0) {
                        next = first[a]
                        a += 1
                        prefetch(first, from: a)
                    } else {
                        next = second[b]
                        b += 1
                        prefetch(second, from: b)
                    }
                    let frames = path(next)
                    let shared = previous.map { PathOrder.sharedLength(frames, path($0)) } ?? 0
                    result.append(shared: shared, suffix: UnsafeBufferPointer(rebasing: frames[shared...]), value: values[next], given: next)
                    previous = next
                }
            }
        }
        return result
    }

    private func sortedOrder(_ paths: ArraySlice<Int>) -> [Int] {
        var sorted = Array(paths)
        keys.withUnsafeBufferPointer { keys in
            sorted.sort { a, b in
                PathOrder.compare(UnsafeBufferPointer(rebasing: keys[starts[a]..<starts[a + 1]]),
                                  UnsafeBufferPointer(rebasing: keys[starts[b]..<starts[b + 1]])) < 0
            }
        }
        return sorted
    }
}
