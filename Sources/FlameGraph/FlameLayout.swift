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

        /// A differential graph's frames, unless told otherwise: the larger of the two values,
        /// so that what vanished stays visible. (A plain graph has only new values: `Options`
        /// lays out by `new`, which costs no extra pass.)
        public static let differentialDefault = WidthBy.max
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
    public init(stacks: consuming FoldedStacks, base: consuming FoldedStacks?, options: Options = Options()) {
        let tree = FlameTree(SortedStacks(consume stacks, base: consume base, reverse: options.reverse))
        self.init(tree: tree, widths: tree.widths(options.widthBy), options: options)
    }

    /// The layout of a tree built before, with its nodes' widths for `options.widthBy`.
    /// `options.reverse` is the tree's.
    init(tree: FlameTree, widths: [Int64], options: Options) {
        names = tree.names
        widthBy = options.widthBy
        negativeStacks = tree.negativeStacks
        total = tree.value[0]
        baseTotal = tree.baseValue(0)
        layOut(tree, widths: widths, options)
    }

    /// The widths of the frames a layout with `minValue` would have, in no particular order,
    /// without laying them out: the root, and every node at least that wide whose parent is in.
    static func frameWidths(_ tree: FlameTree, widths: [Int64], minValue: Int64) -> [Int64] {
        var included = [Bool](repeating: false, count: tree.count)
        included[0] = true
        var result = [widths[0]]
        // Parents come before their children.
        for node in 1..<tree.count where included[Int(tree.parent[node])] && isShown(width: widths[node], minValue: minValue) {
            included[node] = true
            result.append(widths[node])
        }
        return result
    }

    /// Whether a frame this wide is laid out (with its parent), not left out.
    private static func isShown(width: Int64, minValue: Int64) -> Bool { width >= max(minValue, 1) }

    private mutating func layOut(_ tree: FlameTree, widths: [Int64], _ options: Options) {
        // Iterative depth-first walk: (node, depth, start, parent frame).
        var stack: [(Int, Int32, Int64, Int32)] = [(0, 0, 0, -1)]
        var kids: [Int] = []
        var placed: [(Int, Int32, Int64, Int32)] = []
        while let (node, depth, start, parent) = stack.popLast() {
            let nodeWidth = widths[node]
            if node != 0 && !Self.isShown(width: nodeWidth, minValue: options.minValue) {
                omitted += Int(tree.subtreeSize[node])
                continue
            }
            frames.append(Frame(name: node == 0 ? -1 : Int32(tree.frame[node]), depth: depth, start: start, width: nodeWidth,
                                value: tree.value[node], baseValue: tree.baseValue(node), parent: parent))
            maxDepth = max(maxDepth, depth)
            let me = Int32(frames.count - 1)
            kids.removeAll(keepingCapacity: true)
            tree.forEachChild(of: node) { kids.append($0) }
            // By name (ties, frames of one name, in the order they were first met), or by
            // width first.
            switch options.order {
            case .name:
                kids.sort { tree.nameRank($0) != tree.nameRank($1) ? tree.nameRank($0) < tree.nameRank($1) : tree.firstMet($0) < tree.firstMet($1) }
            case .size:
                kids.sort {
                    if widths[$0] != widths[$1] { return widths[$0] > widths[$1] }
                    return tree.nameRank($0) != tree.nameRank($1) ? tree.nameRank($0) < tree.nameRank($1) : tree.firstMet($0) < tree.firstMet($1)
                }
            }
            var offset = start
            placed.removeAll(keepingCapacity: true)
            for kid in kids {
                placed.append((kid, depth + 1, offset, me))
                offset += widths[kid]
            }
            // Pushed in reverse so that they come out in order.
            stack.append(contentsOf: placed.reversed())
        }
    }
}
