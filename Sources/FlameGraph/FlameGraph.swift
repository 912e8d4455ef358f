import Analysis

/// Folded stacks in, SVG out: the layout at the requested minimum width, made coarser when a
/// graph would have more frames than keep the file small (the subtitle says how many were
/// left out and at what width).
public enum FlameGraph {
    public static func svg(_ stacks: FoldedStacks, base: FoldedStacks? = nil,
                           layout layoutOptions: FlameLayout.Options = .init(),
                           svg svgOptions: FlameGraphSVG.Options = .init()) -> [UInt8] {
        var layoutOptions = layoutOptions
        var svgOptions = svgOptions
        let graphWidth = Double(svgOptions.width) - 2 * FlameGraphSVG.xpad
        // The stacks are merged once; each layout below walks that tree.
        let tree = FlameTree(stacks: stacks, base: base, reverse: layoutOptions.reverse)
        let total = Double(max(tree.widths(layoutOptions.widthBy)[0], 1))
        // Clamped: a huge (or infinite) minimum width leaves only the root, and never traps.
        let minValue = (max(svgOptions.minWidth, 0) * total / graphWidth).rounded(.up)
        layoutOptions.minValue = minValue.isFinite && minValue < 9.0e18 ? Int64(minValue) : Int64.max
        var layout = FlameLayout(tree: tree, options: layoutOptions)
        if layout.frames.count > svgOptions.maxFrames {
            var widths = layout.frames.map(\.width)
            widths.sort(by: >)
            layoutOptions.minValue = widths[svgOptions.maxFrames] + 1
            layout = FlameLayout(tree: tree, options: layoutOptions)
            svgOptions.minWidth = Double(layoutOptions.minValue) * graphWidth / total
        }
        return FlameGraphSVG.render(layout, options: svgOptions)
    }
}
