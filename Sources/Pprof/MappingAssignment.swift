/// Which mapping each location of a legacy profile falls in, decided as go tool pprof decides
/// it once the memory map is read: location by location, in order, the first mapping whose
/// range holds the address; else the first whose file offset, counted back from its start,
/// reaches the address (that mapping then starts there, offset 0: the first part of a mapping
/// split in two that a handler failed to write); else a made-up mapping over all addresses,
/// with no file (what Go's text profiles, which have no memory map, get). Address 0 has none.
///
/// pprof tries the mappings one by one for every location; here both questions are answered
/// by interval trees, so that many mappings and many locations take n log n time.
enum MappingAssignment {
    /// The mapping index of each address (-1: none); the mappings, changed as pprof changes
    /// them (a mapping extended back to its offset 0; the made-up one added at the end).
    static func assign(_ addresses: [UInt64], to mappings: inout [Mapping]) -> [Int32] {
        // pprof's heuristics first: a leading /anon_hugepage mapping followed by the next one
        // is dropped; a program at 0x400000 whose offset says so starts there, offset 0.
        if mappings.count > 1, mappings[0].filename.hasPrefix("/anon_hugepage"), mappings[0].memoryLimit == mappings[1].memoryStart {
            mappings.removeFirst()
        }
        if !mappings.isEmpty, mappings[0].memoryStart &- mappings[0].fileOffset == 0x400000 {
            mappings[0].memoryStart = 0x400000
            mappings[0].fileOffset = 0
        }

        // Every bound any range can have, now or after the changes.
        var bounds: [UInt64] = [0, UInt64.max]
        for mapping in mappings {
            bounds += [mapping.memoryStart, mapping.memoryLimit, mapping.memoryStart &- mapping.fileOffset]
        }
        let tree = IntervalTree(bounds: bounds)
        var covering = tree.minimumTree()
        var reachingBack = tree.listTree()
        for (index, mapping) in mappings.enumerated() {
            covering.add(index, from: mapping.memoryStart, to: mapping.memoryLimit)
            if mapping.fileOffset != 0 {
                reachingBack.add(index, from: mapping.memoryStart &- mapping.fileOffset, to: mapping.memoryStart)
            }
        }

        var madeUp: Int?
        var result: [Int32] = []
        result.reserveCapacity(addresses.count)
        for address in addresses {
            if address == 0 {
                result.append(-1)
                continue
            }
            if let index = covering.first(at: address) {
                result.append(Int32(index))
                continue
            }
            // A mapping whose offset is 0 no longer reaches back: skipped, and forgotten.
            if let index = reachingBack.first(at: address, where: { mappings[$0].fileOffset != 0 }) {
                let oldStart = mappings[index].memoryStart
                mappings[index].memoryStart = oldStart &- mappings[index].fileOffset
                mappings[index].fileOffset = 0
                covering.add(index, from: mappings[index].memoryStart, to: min(oldStart, mappings[index].memoryLimit))
                result.append(Int32(index))
                continue
            }
            if madeUp == nil {
                var mapping = Mapping()
                mapping.memoryLimit = UInt64.max
                madeUp = mappings.count
                mappings.append(mapping)
                // It is one of the mappings from now on: later addresses find it first.
                covering.add(madeUp!, from: 0, to: UInt64.max)
            }
            result.append(Int32(madeUp!))
        }
        for index in mappings.indices { mappings[index].id = UInt64(index + 1) }
        return result
    }
}

/// Segment trees over the elementary intervals between known bounds: ranges `[from, to)` of
/// bounds are added with a number, and a point asks which numbers' ranges hold it.
struct IntervalTree {
    private let bounds: [UInt64]
    private let leaves: Int

    init(bounds: [UInt64]) {
        self.bounds = Array(Set(bounds)).sorted()
        var leaves = 1
        while leaves < self.bounds.count { leaves *= 2 }
        self.leaves = leaves
    }

    /// The elementary interval holding `point`: the last bound at or below it.
    fileprivate func leaf(_ point: UInt64) -> Int {
        var low = 0, high = bounds.count  // bounds[low] <= point < bounds[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if bounds[middle] <= point { low = middle } else { high = middle }
        }
        return low
    }

    /// The nodes that together cover the elementary intervals of `[from, to)`.
    fileprivate func nodes(from: UInt64, to: UInt64, _ body: (Int) -> Void) {
        guard from < to else { return }
        var low = leaf(from) + leaves, high = leaf(to) + leaves
        while low < high {
            if low & 1 == 1 { body(low); low += 1 }
            if high & 1 == 1 { high -= 1; body(high) }
            low /= 2
            high /= 2
        }
    }

    func minimumTree() -> MinimumTree { MinimumTree(tree: self) }
    func listTree() -> ListTree { ListTree(tree: self) }

    /// The smallest number whose range holds a point.
    struct MinimumTree {
        fileprivate let tree: IntervalTree
        private var smallest: [Int]

        fileprivate init(tree: IntervalTree) {
            self.tree = tree
            smallest = [Int](repeating: Int.max, count: 2 * tree.leaves)
        }

        mutating func add(_ number: Int, from: UInt64, to: UInt64) {
            tree.nodes(from: from, to: to) { smallest[$0] = min(smallest[$0], number) }
        }

        func first(at point: UInt64) -> Int? {
            var node = tree.leaf(point) + tree.leaves
            var best = Int.max
            while node >= 1 {
                best = min(best, smallest[node])
                node /= 2
            }
            return best == Int.max ? nil : best
        }
    }

    /// The smallest number whose range holds a point among those still wanted: each node keeps
    /// its numbers in order, and a number found unwanted is passed over for good.
    struct ListTree {
        fileprivate let tree: IntervalTree
        private var numbers: [[Int]]
        private var passed: [Int]

        fileprivate init(tree: IntervalTree) {
            self.tree = tree
            numbers = [[Int]](repeating: [], count: 2 * tree.leaves)
            passed = [Int](repeating: 0, count: 2 * tree.leaves)
        }

        /// Numbers are added in increasing order, before any is asked for.
        mutating func add(_ number: Int, from: UInt64, to: UInt64) {
            tree.nodes(from: from, to: to) { numbers[$0].append(number) }
        }

        mutating func first(at point: UInt64, where wanted: (Int) -> Bool) -> Int? {
            var node = tree.leaf(point) + tree.leaves
            var best = Int.max
            while node >= 1 {
                while passed[node] < numbers[node].count && !wanted(numbers[node][passed[node]]) { passed[node] += 1 }
                if passed[node] < numbers[node].count { best = min(best, numbers[node][passed[node]]) }
                node /= 2
            }
            return best == Int.max ? nil : best
        }
    }
}
