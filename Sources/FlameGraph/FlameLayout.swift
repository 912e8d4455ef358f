import Analysis
import Pprof

/// Stacks merged into a tree and laid out: each frame gets a depth and a horizontal extent in
/// value units. A frame's extent always contains its children's, side by side, and the root's
/// extent is the whole width. Pure data, testable without SVG.
///
/// A frame's width is its value (`widthBy` new or base); for `max` it is, summed over the
/// frame and everything it calls, the larger of base and new of each frame's own (self)
/// value: never less than max(base, new), and always room for the children, so a frame that
/// vanished stays visible and nothing runs past its parent.
public struct FlameLayout: Sendable {
    public struct Frame: Sendable, Equatable {
        /// Index into the layout's `names`; -1 for the root ("all").
        public var name: Int32
        public var depth: Int32
        /// Start and width along the x axis, in value units.
        public var start: Int64
        public var width: Int64
        /// Value of the frame in the (new) profile.
        public var value: Int64
        /// Value of the same frame in the base profile, for differential graphs.
        public var baseValue: Int64
        /// Index of the parent frame in `frames`; -1 for the root.
        public var parent: Int32
    }

    public enum SiblingOrder: String, Sendable, CaseIterable {
        case name, size
    }

    public struct Options: Sendable {
        public var order: SiblingOrder = .name
        /// Merge stacks from the leaf: the root's children are the leaf functions.
        public var reverse = false
        /// Frames narrower than this many value units are left out with what they call.
        public var minValue: Int64 = 0
        /// Lay out by base values, new values, or the larger of the two (differential graphs).
        public var widthBy: WidthBy = .new
        public init() {}
    }

    public enum WidthBy: String, Sendable, CaseIterable {
        case base, new, max
    }

    public let names: [String]
    /// Which values the widths follow (differential graphs).
    public let widthBy: WidthBy
    /// Frames in depth-first order, parents before children, siblings in the chosen order.
    public private(set) var frames: [Frame] = []
    public private(set) var total: Int64 = 0
    public private(set) var baseTotal: Int64 = 0
    public private(set) var maxDepth: Int32 = 0
    /// Frames left out because they were narrower than `minValue`.
    public private(set) var omitted = 0
    /// Stacks left out because their value was negative (delta profiles).
    public private(set) var negativeStacks = 0

    public init(stacks: FoldedStacks, options: Options = Options()) {
        self.init(stacks: stacks, base: nil, options: options)
    }

    /// A differential layout: frames sized by `options.widthBy`, carrying both values.
    public init(stacks: FoldedStacks, base: FoldedStacks?, options: Options = Options()) {
        var names = stacks.names
        var tree = FrameTree()
        negativeStacks += tree.add(stacks, nameMap: nil, isBase: false, reverse: options.reverse)
        if let base {
            // Base frame names are mapped onto the new profile's names.
            var index = Dictionary(names.enumerated().map { ($0.element, UInt32($0.offset)) }, uniquingKeysWith: { first, _ in first })
            let map: [UInt32] = base.names.map { name in
                if let existing = index[name] { return existing }
                names.append(name)
                index[name] = UInt32(names.count - 1)
                return UInt32(names.count - 1)
            }
            negativeStacks += tree.add(base, nameMap: map, isBase: true, reverse: options.reverse)
        }
        self.names = names
        widthBy = options.widthBy
        total = tree.value[0]
        baseTotal = tree.baseValue[0]
        layOut(tree, options)
    }

    private mutating func layOut(_ tree: FrameTree, _ options: Options) {
        let widths = tree.widths(options.widthBy)
        let children = tree.children()
        // Iterative depth-first walk: (node, depth, start, parent frame).
        var stack: [(Int, Int32, Int64, Int32)] = [(0, 0, 0, -1)]
        while let (node, depth, start, parent) = stack.popLast() {
            let nodeWidth = widths[node]
            if node != 0 && (nodeWidth < max(options.minValue, 1)) {
                omitted += tree.subtreeSize(node, children)
                continue
            }
            frames.append(Frame(name: node == 0 ? -1 : Int32(tree.frame[node]), depth: depth, start: start, width: nodeWidth,
                                value: tree.value[node], baseValue: tree.baseValue[node], parent: parent))
            maxDepth = max(maxDepth, depth)
            let me = Int32(frames.count - 1)
            var kids = children[node]
            switch options.order {
            case .name:
                kids.sort { names[Int(tree.frame[$0])].utf8.lexicographicallyPrecedes(names[Int(tree.frame[$1])].utf8) }
            case .size:
                kids.sort { widths[$0] != widths[$1] ? widths[$0] > widths[$1] : names[Int(tree.frame[$0])].utf8.lexicographicallyPrecedes(names[Int(tree.frame[$1])].utf8) }
            }
            var offset = start
            var placed: [(Int, Int32, Int64, Int32)] = []
            for kid in kids {
                placed.append((kid, depth + 1, offset, me))
                offset += widths[kid]
            }
            // Pushed in reverse so that they come out in order.
            stack.append(contentsOf: placed.reversed())
        }
    }
}

/// The merged call tree: node 0 is the root; children found by (parent, frame) hashing.
private struct FrameTree {
    var frame: [UInt32] = [0]
    var parent: [Int32] = [-1]
    var value: [Int64] = [0]
    var baseValue: [Int64] = [0]
    /// Node i+1 is id i of the index (the root is not in it), keyed by (parent, frame).
    private var index = OpenAddressingIndex(minimumCapacity: 1 << 11)

    /// Adds stacks; returns how many were left out for a negative value.
    mutating func add(_ stacks: FoldedStacks, nameMap: [UInt32]?, isBase: Bool, reverse: Bool) -> Int {
        var negative = 0
        for stack in 0..<stacks.count {
            let amount = stacks.values[stack]
            if amount < 0 {
                negative += 1
                continue
            }
            var node = 0
            bump(node, amount, isBase)
            let frames = stacks.frames(of: stack)
            if reverse {
                for name in frames.reversed() {
                    node = child(of: node, frame: nameMap.map { $0[Int(name)] } ?? name)
                    bump(node, amount, isBase)
                }
            } else {
                for name in frames {
                    node = child(of: node, frame: nameMap.map { $0[Int(name)] } ?? name)
                    bump(node, amount, isBase)
                }
            }
        }
        return negative
    }

    @inline(__always)
    private mutating func bump(_ node: Int, _ amount: Int64, _ isBase: Bool) {
        if isBase { baseValue[node] &+= amount } else { value[node] &+= amount }
    }

    private mutating func child(of node: Int, frame name: UInt32) -> Int {
        let hash = OpenAddressingIndex.hash(UInt64(node) << 32 | UInt64(name))
        var index = OpenAddressingIndex.placeholder
        swap(&index, &self.index)
        let (id, inserted) = index.findOrInsert(hash: hash) { Int(parent[$0 + 1]) == node && frame[$0 + 1] == name }
        swap(&index, &self.index)
        if inserted {
            frame.append(name)
            parent.append(Int32(node))
            value.append(0)
            baseValue.append(0)
        }
        return id + 1
    }

    /// Each node's width for the measure: its value, its base value, or (max) the sum over
    /// its subtree of max(self base, self new). A child is always created after its parent,
    /// so one backward pass sees every node after all its children.
    func widths(_ measure: FlameLayout.WidthBy) -> [Int64] {
        switch measure {
        case .new: return value
        case .base: return baseValue
        case .max:
            var childValue = [Int64](repeating: 0, count: frame.count)
            var childBase = [Int64](repeating: 0, count: frame.count)
            var childWidth = [Int64](repeating: 0, count: frame.count)
            var width = [Int64](repeating: 0, count: frame.count)
            for node in stride(from: frame.count - 1, through: 0, by: -1) {
                let selfValue = max(value[node] - childValue[node], 0)
                let selfBase = max(baseValue[node] - childBase[node], 0)
                width[node] = max(selfValue, selfBase) + childWidth[node]
                if node > 0 {
                    let up = Int(parent[node])
                    childValue[up] += value[node]
                    childBase[up] += baseValue[node]
                    childWidth[up] += width[node]
                }
            }
            return width
        }
    }

    func children() -> [[Int]] {
        var children = [[Int]](repeating: [], count: frame.count)
        for node in 1..<frame.count { children[Int(parent[node])].append(node) }
        return children
    }

    func subtreeSize(_ node: Int, _ children: [[Int]]) -> Int {
        var count = 0
        var pending = [node]
        while let next = pending.popLast() {
            count += 1
            pending.append(contentsOf: children[next])
        }
        return count
    }
}
