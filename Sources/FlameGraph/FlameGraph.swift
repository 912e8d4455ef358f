import Analysis

/// Folded stacks in, SVG out: the layout at the requested minimum width, made coarser when a
/// graph would have more frames than keep the file small (the subtitle says how many were
/// left out and at what width).
public enum FlameGraph {
    public static func svg(_ stacks: consuming FoldedStacks, base: consuming FoldedStacks? = nil,
                           layout layoutOptions: FlameLayout.Options = .init(),
                           svg svgOptions: FlameGraphSVG.Options = .init()) -> [UInt8] {
        svg(SortedStacks(consume stacks, base: consume base, reverse: layoutOptions.reverse), layout: layoutOptions, svg: svgOptions)
    }

    /// The graph of stacks sorted before (`layoutOptions.reverse` is theirs).
    public static func svg(_ stacks: SortedStacks, layout layoutOptions: FlameLayout.Options = .init(),
                           svg svgOptions: FlameGraphSVG.Options = .init()) -> [UInt8] {
        var layoutOptions = layoutOptions
        layoutOptions.reverse = stacks.reverse
        var svgOptions = svgOptions
        let graphWidth = Double(svgOptions.width) - 2 * FlameCanvas.xpad
        // The stacks merged into a tree, laid out once its minimum frame width is known.
        let tree = FlameTree(stacks)
        let widths = tree.widths(layoutOptions.widthBy)
        let total = Double(max(widths[0], 1))
        // Clamped: a huge (or infinite) minimum width leaves only the root, and never traps.
        let minValue = (max(svgOptions.minWidth, 0) * total / graphWidth).rounded(.up)
        layoutOptions.minValue = minValue.isFinite && minValue < 9.0e18 ? Int64(minValue) : Int64.max
        // Too many frames: the widest `maxFrames` are kept (ties may keep fewer).
        var frameWidths = FlameLayout.frameWidths(tree, widths: widths, minValue: layoutOptions.minValue)
        if frameWidths.count > svgOptions.maxFrames {
            frameWidths.sort(by: >)
            layoutOptions.minValue = frameWidths[svgOptions.maxFrames] + 1
            svgOptions.minWidth = Double(layoutOptions.minValue) * graphWidth / total
        }
        let layout = FlameLayout(tree: tree, widths: widths, options: layoutOptions)
        return FlameGraphSVG.render(layout, options: svgOptions)
    }
}
