import Analysis

/// The stacks of a flame graph, and of its base for a differential one, sorted into the paths
/// its tree is built from (base frame names mapped onto the new profile's). This is the part
/// of drawing a graph that keeps both cores busy: a caller with other work does it first, then
/// draws the graph (on one core) beside that work.
public struct SortedStacks: Sendable {
    /// Frame names: the new profile's, then base names it lacks.
    let names: [String]
    let new: SortedPaths
    let base: SortedPaths?
    /// How many stacks the new profile has (base stacks are numbered after them).
    let newCount: Int
    /// Stacks left out because their value was negative (delta profiles).
    let negativeStacks: Int
    /// Merged from the leaf (a reverse graph).
    public let reverse: Bool

    /// The stacks are taken over (their frame arrays become the paths' storage).
    public init(_ stacks: consuming FoldedStacks, base: consuming FoldedStacks? = nil, reverse: Bool = false) {
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
        self.reverse = reverse
        newCount = stacks.count
        // Each side sorted at once. The unsorted paths, as large as the stacks, are gone when
        // this returns.
        let newPaths = FlamePaths(consume stacks, map: nil, reversed: reverse)
        var basePaths: FlamePaths?
        if let base = consume base { basePaths = FlamePaths(consume base, map: baseMap, reversed: reverse) }
        (new, self.base) = Concurrently.both({ newPaths.sorted() }, { [basePaths] in basePaths?.sorted() })
        negativeStacks = newPaths.negativeStacks + (basePaths?.negativeStacks ?? 0)
    }
}
