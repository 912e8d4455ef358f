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

    init(_ sorted: SortedStacks) {
        names = sorted.names
        nameRanks = Self.ranks(names)
        let hasBase = sorted.base != nil
        baseValues = hasBase ? [0] : []
        let sharedNames = Set(names).count < names.count
        if sharedNames { firstStack = [0] }
        negativeStacks = sorted.negativeStacks
        let newCount = sorted.newCount
        var new = PathCursor(sorted.new), old = PathCursor(sorted.base ?? SortedPaths())
        // At most one node per frame a path does not share with the path before on its side.
        let most = 1 + sorted.new.frameCount + (sorted.base?.frameCount ?? 0)
        frame.reserveCapacity(most)
        parent.reserveCapacity(most)
        value.reserveCapacity(most)
        if hasBase { baseValues.reserveCapacity(most) }
        if sharedNames { firstStack.reserveCapacity(most) }

        // Each path shares the nodes of the one before as far as they agree. A path's value goes
        // to the node it ends at; a backward pass then sums each subtree into its root.
        var path: [Int32] = [0]  // Nodes from the root to the previous path's end,
        var pathFrames: [UInt32] = []  // and their frames.
        while !new.isDone || !old.isDone {
            // The next path in order; of two equal ones, the new one (a stable sort of both).
            let takeNew = old.isDone || (!new.isDone && PathOrder.compare(new.frames, old.frames) <= 0)
            let frames = takeNew ? new.frames : old.frames
            let common = PathOrder.sharedLength(pathFrames, frames)
            path.removeLast(path.count - 1 - common)
            pathFrames.removeLast(pathFrames.count - common)
            for position in common..<frames.count {
                frame.append(UInt32(bigEndian: frames[position]))
                parent.append(path[path.count - 1])
                value.append(0)
                if hasBase { baseValues.append(0) }
                if sharedNames { firstStack.append(Int32.max) }
                path.append(Int32(frame.count - 1))
                pathFrames.append(frames[position])
            }
            let end = Int(path[path.count - 1])
            // Stacks in the order given: new ones, then base ones.
            let given = takeNew ? new.given : newCount + old.given
            if takeNew { value[end] &+= new.value } else { baseValues[end] &+= old.value }
            if sharedNames { firstStack[end] = min(firstStack[end], Int32(given)) }
            if takeNew { new.advance() } else { old.advance() }
        }
        // Children come after their parent: one backward pass sums values and subtree sizes,
        // and finds each subtree's first stack.
        subtreeSize = [Int32](repeating: 1, count: frame.count)
        for node in stride(from: frame.count - 1, to: 0, by: -1) {
            let up = Int(parent[node])
            subtreeSize[up] += subtreeSize[node]
            value[up] &+= value[node]
            if hasBase { baseValues[up] &+= baseValues[node] }
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
            // Each node's own new and base value (what its children leave), the larger of the
            // two; then summed into each parent, children first (they come after it).
            var width = (0..<count).map { node in
                var childValue: Int64 = 0, childBase: Int64 = 0
                forEachChild(of: node) { child in
                    childValue += value[child]
                    childBase += baseValue(child)
                }
                return max(max(value[node] - childValue, 0), max(baseValue(node) - childBase, 0))
            }
            for node in stride(from: count - 1, to: 0, by: -1) { width[Int(parent[node])] += width[node] }
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
