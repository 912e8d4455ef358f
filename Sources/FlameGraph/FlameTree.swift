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

        // Every path (new stacks, then base ones) as big-endian frame ids, root end first.
        var paths = Paths()
        var pathValues: [Int64] = []
        var pathIsBase: [Bool] = []
        for (side, map) in [(stacks, nil as [UInt32]?), (base, baseMap)] {
            guard let side else { continue }
            for stack in 0..<side.count {
                let amount = side.values[stack]
                if amount < 0 {
                    negativeStacks += 1
                    continue
                }
                let frames = side.frames(of: stack)
                if reverse { paths.add(frames.reversed(), map: map) } else { paths.add(frames, map: map) }
                pathValues.append(amount)
                pathIsBase.append(map != nil)
            }
        }
        let order = paths.sortedOrder()

        // Each path shares the nodes of the one before as far as they agree.
        var path: [Int32] = [0]  // Nodes from the root to the previous path's end.
        var previous = -1
        for item in order {
            let length = paths.length(item)
            let common = previous < 0 ? 0 : paths.commonPrefix(item, previous)
            path.removeLast(path.count - 1 - common)
            for position in common..<length {
                frame.append(paths.frame(item, position))
                parent.append(path[path.count - 1])
                value.append(0)
                if base != nil { baseValues.append(0) }
                if sharedNames { firstStack.append(Int32.max) }
                path.append(Int32(frame.count - 1))
            }
            for node in path {
                if pathIsBase[item] { baseValues[Int(node)] &+= pathValues[item] } else { value[Int(node)] &+= pathValues[item] }
                if sharedNames { firstStack[Int(node)] = min(firstStack[Int(node)], Int32(item)) }
            }
            previous = item
        }
        // Children come after their parent: one backward pass sums subtree sizes.
        subtreeSize = [Int32](repeating: 1, count: frame.count)
        for node in stride(from: frame.count - 1, to: 0, by: -1) { subtreeSize[Int(parent[node])] += subtreeSize[node] }
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
        let order = names.indices.sorted { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) }
        var ranks = [Int32](repeating: 0, count: names.count)
        var rank: Int32 = 0
        for (position, name) in order.enumerated() {
            if position > 0 && !names[order[position - 1]].utf8.elementsEqual(names[name].utf8) { rank += 1 }
            ranks[name] = rank
        }
        return ranks
    }
}

/// Frame sequences stored back to back as big-endian bytes, so that memcmp orders them as
/// sequences of ids (any order that keeps equal prefixes together does).
private struct Paths {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]

    mutating func add<C: Collection>(_ frames: C, map: [UInt32]?) where C.Element == UInt32 {
        for frame in frames {
            let id = map.map { $0[Int(frame)] } ?? frame
            withUnsafeBytes(of: id.bigEndian) { bytes.append(contentsOf: $0) }
        }
        starts.append(bytes.count)
    }

    func length(_ path: Int) -> Int { (starts[path + 1] - starts[path]) / 4 }

    func frame(_ path: Int, _ position: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: starts[path] + position * 4, as: UInt32.self)) }
    }

    /// How many frames two paths share from their start.
    func commonPrefix(_ a: Int, _ b: Int) -> Int {
        let limit = min(length(a), length(b))
        var position = 0
        bytes.withUnsafeBytes { bytes in
            while position < limit
                && bytes.loadUnaligned(fromByteOffset: starts[a] + position * 4, as: UInt32.self)
                    == bytes.loadUnaligned(fromByteOffset: starts[b] + position * 4, as: UInt32.self) {
                position += 1
            }
        }
        return position
    }

    /// Paths in memcmp order (stable: equal paths keep their order).
    func sortedOrder() -> [Int] {
        var order = Array(0..<(starts.count - 1))
        bytes.withUnsafeBytes { bytes in
            order.sort { a, b in
                let aStart = starts[a], aLength = starts[a + 1] - aStart
                let bStart = starts[b], bLength = starts[b + 1] - bStart
                let common = min(aLength, bLength)
                if common > 0 {
                    let result = memcmp(bytes.baseAddress! + aStart, bytes.baseAddress! + bStart, common)
                    if result != 0 { return result < 0 }
                }
                return aLength < bLength
            }
        }
        return order
    }
}
