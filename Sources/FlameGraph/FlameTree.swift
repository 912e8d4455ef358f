#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Analysis

/// The stacks of a flame graph merged into a call tree (node 0 is the root), once, for every
/// layout made of it. Stacks are sorted first, so that each one shares its path with the one
/// before as far as they agree and nodes come in depth-first order: a node's subtree is the
/// run of nodes after it, and no hash table is needed (a wide profile's tree has millions of
/// nodes).
struct FlameTree {
    /// Frame names: the new profile's, then base names it lacks.
    let names: [String]
    /// Per node: its frame (index into `names`), parent, value in the new profile and in the
    /// base (empty without a base), and the number of nodes in its subtree, itself included.
    private(set) var frame: [UInt32] = [0]
    private(set) var parent: [Int32] = [-1]
    private(set) var value: [Int64] = [0]
    private var baseValues: [Int64]
    private(set) var subtreeSize: [Int32] = []
    /// Per node, when two frames share a name: the first stack (new ones, then base ones) that
    /// reaches it, which orders siblings of one name as a tree built stack by stack would.
    private var firstStack: [Int32] = []
    /// Each name's rank in byte order (equal names, equal ranks).
    private let nameRanks: [Int32]
    private(set) var negativeStacks = 0

    init(stacks: FoldedStacks, base: FoldedStacks?, reverse: Bool) {
        var names = stacks.names
        var baseMap: [UInt32] = []
        if let base {
            // Base frame names are mapped onto the new profile's names.
            var index = Dictionary(names.enumerated().map { ($0.element, UInt32($0.offset)) }, uniquingKeysWith: { first, _ in first })
            baseMap = base.names.map { name in
                if let existing = index[name] { return existing }
                names.append(name)
                index[name] = UInt32(names.count - 1)
                return UInt32(names.count - 1)
            }
        }
        self.names = names
        nameRanks = Self.ranks(names)
        baseValues = base == nil ? [] : [0]
        let sharedNames = Set(names).count < names.count
        if sharedNames { firstStack = [0] }

        // Every path (new stacks, then base ones) as big-endian frame ids, root end first; each
        // side sorted (the two at once), then the two merged.
        var newPaths = Paths(), basePaths = Paths()
        for (side, map) in [(stacks, nil as [UInt32]?), (base, baseMap)] {
            guard let side else { continue }
            for stack in 0..<side.count {
                let amount = side.values[stack]
                if amount < 0 {
                    negativeStacks += 1
                    continue
                }
                if map == nil {
                    newPaths.add(side.frames(of: stack), reversed: reverse, map: nil, value: amount)
                } else {
                    basePaths.add(side.frames(of: stack), reversed: reverse, map: map, value: amount)
                }
            }
        }
        // Sorted, and laid out in that order: the walk below then reads them one after the other.
        (newPaths, basePaths) = Concurrently.both({ newPaths.sorted() }, { [basePaths] in basePaths.sorted() })
        let newOrder = Array(0..<newPaths.count), baseOrder = Array(0..<basePaths.count)

        // Each path shares the nodes of the one before as far as they agree. A path's value goes
        // to the node it ends at; a backward pass then sums each subtree into its root.
        var path: [Int32] = [0]  // Nodes from the root to the previous path's end.
        var previous: (paths: Paths, index: Int)?
        var nextNew = 0, nextBase = 0
        while nextNew < newOrder.count || nextBase < baseOrder.count {
            // The next path in order; of two equal ones, the new one (a stable sort of both).
            let takeNew = nextBase == baseOrder.count
                || (nextNew < newOrder.count && Paths.compare(newPaths, newOrder[nextNew], basePaths, baseOrder[nextBase]) <= 0)
            let (paths, item) = takeNew ? (newPaths, newOrder[nextNew]) : (basePaths, baseOrder[nextBase])
            // Stacks in the order given: new ones, then base ones.
            let given = takeNew ? paths.given(item) : newPaths.count + paths.given(item)
            if takeNew { nextNew += 1 } else { nextBase += 1 }
            let length = paths.length(item)
            let common = previous.map { Paths.commonPrefix(paths, item, $0.paths, $0.index) } ?? 0
            path.removeLast(path.count - 1 - common)
            for position in common..<length {
                frame.append(paths.frame(item, position))
                parent.append(path[path.count - 1])
                value.append(0)
                if base != nil { baseValues.append(0) }
                if sharedNames { firstStack.append(Int32.max) }
                path.append(Int32(frame.count - 1))
            }
            let end = Int(path[path.count - 1])
            if takeNew { value[end] &+= paths.value(item) } else { baseValues[end] &+= paths.value(item) }
            if sharedNames { firstStack[end] = min(firstStack[end], Int32(given)) }
            previous = (paths, item)
        }
        // Children come after their parent: one backward pass sums values and subtree sizes,
        // and finds each subtree's first stack.
        subtreeSize = [Int32](repeating: 1, count: frame.count)
        for node in stride(from: frame.count - 1, to: 0, by: -1) {
            let up = Int(parent[node])
            subtreeSize[up] += subtreeSize[node]
            value[up] &+= value[node]
            if base != nil { baseValues[up] &+= baseValues[node] }
            if sharedNames { firstStack[up] = min(firstStack[up], firstStack[node]) }
        }
    }

    var count: Int { frame.count }

    func baseValue(_ node: Int) -> Int64 { baseValues.isEmpty ? 0 : baseValues[node] }

    func nameRank(_ node: Int) -> Int32 { nameRanks[Int(frame[node])] }

    /// When the node was first met, in the order stacks were given (meaningful between
    /// siblings of one name).
    func firstMet(_ node: Int) -> Int32 { firstStack.isEmpty ? 0 : firstStack[node] }

    /// The node's children: the subtrees that follow it, one after the other.
    func forEachChild(of node: Int, _ body: (Int) -> Void) {
        var child = node + 1
        let end = node + Int(subtreeSize[node])
        while child < end {
            body(child)
            child += Int(subtreeSize[child])
        }
    }

    /// Each node's width for the measure: its value, its base value, or (max) the sum over
    /// its subtree of max(self base, self new). A child always comes after its parent, so one
    /// backward pass sees every node after all its children.
    func widths(_ measure: FlameLayout.WidthBy) -> [Int64] {
        switch measure {
        case .new: return value
        case .base: return baseValues.isEmpty ? [Int64](repeating: 0, count: count) : baseValues
        case .max:
            var childValue = [Int64](repeating: 0, count: count)
            var childBase = [Int64](repeating: 0, count: count)
            var childWidth = [Int64](repeating: 0, count: count)
            var width = [Int64](repeating: 0, count: count)
            for node in stride(from: count - 1, through: 0, by: -1) {
                let selfValue = max(value[node] - childValue[node], 0)
                let selfBase = max(baseValue(node) - childBase[node], 0)
                width[node] = max(selfValue, selfBase) + childWidth[node]
                if node > 0 {
                    let up = Int(parent[node])
                    childValue[up] += value[node]
                    childBase[up] += baseValue(node)
                    childWidth[up] += width[node]
                }
            }
            return width
        }
    }

    /// Dense ranks of names in the byte order of their UTF-8.
    static func ranks(_ names: [String]) -> [Int32] {
        let bytes = names.map { Array($0.utf8) }
        func compare(_ a: Int, _ b: Int) -> Int {
            let common = min(bytes[a].count, bytes[b].count)
            let result = bytes[a].withUnsafeBytes { x in bytes[b].withUnsafeBytes { y in common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common) } }
            return result != 0 ? Int(result) : bytes[a].count - bytes[b].count
        }
        let order = names.indices.sorted { compare($0, $1) < 0 }
        var ranks = [Int32](repeating: 0, count: names.count)
        var rank: Int32 = 0
        for (position, name) in order.enumerated() {
            if position > 0 && compare(order[position - 1], name) != 0 { rank += 1 }
            ranks[name] = rank
        }
        return ranks
    }
}

/// Frame sequences stored back to back as big-endian bytes, so that memcmp orders them as
/// sequences of ids (any order that keeps equal prefixes together does), with their values.
private struct Paths: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var values: [Int64] = []
    /// Where each path was added (after `sorted()`; empty before, when it is the position).
    private var positions: [Int32] = []

    /// The position path `path` was added at.
    func given(_ path: Int) -> Int { positions.isEmpty ? path : Int(positions[path]) }

    var count: Int { values.count }

    mutating func add(_ frames: ArraySlice<UInt32>, reversed: Bool, map: [UInt32]?, value: Int64) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: frames.count * 4))
        bytes.withUnsafeMutableBytes { bytes in
            for (position, frame) in frames.enumerated() {
                let id = map.map { $0[Int(frame)] } ?? frame
                let slot = reversed ? frames.count - 1 - position : position
                bytes.storeBytes(of: id.bigEndian, toByteOffset: start + slot * 4, as: UInt32.self)
            }
        }
        starts.append(bytes.count)
        values.append(value)
    }

    func length(_ path: Int) -> Int { (starts[path + 1] - starts[path]) / 4 }

    func value(_ path: Int) -> Int64 { values[path] }

    func frame(_ path: Int, _ position: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: starts[path] + position * 4, as: UInt32.self)) }
    }

    /// memcmp order of path `a` of `first` and path `b` of `second` (negative: a first).
    static func compare(_ first: Paths, _ a: Int, _ second: Paths, _ b: Int) -> Int {
        first.bytes.withUnsafeBytes { aBytes in
            second.bytes.withUnsafeBytes { bBytes in
                compare(aBytes, first.starts[a], first.starts[a + 1], bBytes, second.starts[b], second.starts[b + 1])
            }
        }
    }

    private static func compare(_ aBytes: UnsafeRawBufferPointer, _ aStart: Int, _ aEnd: Int,
                                _ bBytes: UnsafeRawBufferPointer, _ bStart: Int, _ bEnd: Int) -> Int {
        let common = min(aEnd - aStart, bEnd - bStart)
        if common > 0 {
            let result = memcmp(aBytes.baseAddress! + aStart, bBytes.baseAddress! + bStart, common)
            if result != 0 { return Int(result) }
        }
        return (aEnd - aStart) - (bEnd - bStart)
    }

    /// How many frames two paths share from their start.
    static func commonPrefix(_ first: Paths, _ a: Int, _ second: Paths, _ b: Int) -> Int {
        let limit = min(first.length(a), second.length(b))
        var position = 0
        first.bytes.withUnsafeBytes { aBytes in
            second.bytes.withUnsafeBytes { bBytes in
                let aStart = first.starts[a], bStart = second.starts[b]
                // Eight bytes (two frames) at a time, then the last one.
                while position + 2 <= limit
                    && aBytes.loadUnaligned(fromByteOffset: aStart + position * 4, as: UInt64.self)
                        == bBytes.loadUnaligned(fromByteOffset: bStart + position * 4, as: UInt64.self) {
                    position += 2
                }
                while position < limit
                    && aBytes.loadUnaligned(fromByteOffset: aStart + position * 4, as: UInt32.self)
                        == bBytes.loadUnaligned(fromByteOffset: bStart + position * 4, as: UInt32.self) {
                    position += 1
                }
            }
        }
        return position
    }

    /// The same paths in memcmp order (stable: equal paths keep their order), stored in that
    /// order.
    func sorted() -> Paths {
        let order = sortedOrder()
        var result = Paths()
        result.bytes.reserveCapacity(bytes.count)
        result.starts.reserveCapacity(starts.count)
        result.values.reserveCapacity(values.count)
        result.positions.reserveCapacity(values.count)
        for path in order {
            result.bytes.append(contentsOf: bytes[starts[path]..<starts[path + 1]])
            result.starts.append(result.bytes.count)
            result.values.append(values[path])
            result.positions.append(Int32(given(path)))
        }
        return result
    }

    /// Paths in memcmp order (stable: equal paths keep their order): each half sorted at
    /// once, on two cores, then the two merged.
    func sortedOrder() -> [Int] {
        let half = count / 2
        let (first, second) = Concurrently.both({ sortedOrder(0..<half) }, { [self] in sortedOrder(half..<count) })
        // Of two equal paths, the one of the first half (it was added first).
        return bytes.withUnsafeBytes { bytes in
            mergedInOrder(first, second) { a, b in Self.compare(bytes, starts[a], starts[a + 1], bytes, starts[b], starts[b + 1]) < 0 }
        }
    }

    private func sortedOrder(_ paths: Range<Int>) -> [Int] {
        var order = Array(paths)
        bytes.withUnsafeBytes { bytes in
            order.sort { a, b in Self.compare(bytes, starts[a], starts[a + 1], bytes, starts[b], starts[b + 1]) < 0 }
        }
        return order
    }
}
