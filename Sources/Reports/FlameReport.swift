import Analysis
import FlameGraph
import Findings
import Pipeline

/// The options of a flame graph, plain or differential, as `flame` and `compare --svg` take them.
public struct FlameOptions: Sendable {
    public var title: String?
    public var width = FlameGraphSVG.Options.defaultWidth
    /// Frames narrower than this many pixels are left out.
    public var minWidth = FlameGraphSVG.Options.defaultMinWidth
    public var inverted = false
    public var reverse = false
    public var order = FlameLayout.SiblingOrder.name
    /// Plain graphs only: differential graphs colour by change.
    public var palette = Palette.hot
    public var dark = false
    /// Differential graphs only.
    public var widthBy = FlameLayout.WidthBy.differentialDefault
    public var colorblindDiff = false
    /// For a graph inline in an HTML page: the prefix of its ids (see `FlameGraphSVG.Options.inlineID`).
    public var inlineID: String?
    public init() {}
}

/// Flame graphs of prepared profiles: the plain one of a profile and the differential one of a
/// comparison, with the frames of findings highlighted when findings are given.
public enum FlameReport {
    public static func svg(_ prepared: PreparedProfile, _ options: FlameOptions, highlighting findings: [Finding]? = nil) -> [UInt8] {
        let stacks = prepared.foldedStacks(merging: false)
        var svg = svgOptions(options, findings: findings)
        svg.title = options.title ?? (options.reverse ? "Reverse Flame Graph" : options.inverted ? "Icicle Graph" : "Flame Graph")
        svg.subtitle = "\(prepared.name) · \(prepared.kind.title) · \(prepared.sampleType.type) · total \(Measurement.label(stacks.total, unit: prepared.sampleType.unit))"
        svg.unit = prepared.sampleType.unit
        return FlameGraph.svg(consume stacks, layout: layoutOptions(options), svg: svg)
    }

    /// Red where a frame grew, blue where it shrank; sized by `options.widthBy`.
    public static func differentialSVG(_ comparison: PreparedComparison, _ options: FlameOptions,
                                       highlighting findings: [Finding]? = nil) -> [UInt8] {
        differentialSVG(comparison, differentialStacks(comparison, options), options, highlighting: findings)
    }

    /// Each side's stacks folded and sorted (on both cores): what the differential graph is
    /// drawn from.
    public static func differentialStacks(_ comparison: PreparedComparison, _ options: FlameOptions) -> SortedStacks {
        // Each side's stacks are folded at once.
        let (new, base) = Concurrently.both({ comparison.new.foldedStacks(merging: false) },
                                            { [comparison] in comparison.base.foldedStacks(merging: false) })
        return SortedStacks(consume new, base: consume base, reverse: options.reverse)
    }

    /// The differential graph of stacks sorted by `differentialStacks` (on one core).
    public static func differentialSVG(_ comparison: PreparedComparison, _ stacks: SortedStacks, _ options: FlameOptions,
                                       highlighting findings: [Finding]? = nil) -> [UInt8] {
        var svg = svgOptions(options, findings: findings)
        svg.title = options.title ?? "Differential Flame Graph"
        svg.subtitle = "\(comparison.base.name) → \(comparison.new.name) · \(comparison.sampleType.type)"
            + " · red grew, blue shrank · width: \(options.widthBy.rawValue)"
        svg.differential = true
        svg.colorblindDiff = options.colorblindDiff
        svg.unit = comparison.sampleType.unit
        var layout = layoutOptions(options)
        layout.widthBy = options.widthBy
        return FlameGraph.svg(stacks, layout: layout, svg: svg)
    }

    static func layoutOptions(_ options: FlameOptions) -> FlameLayout.Options {
        var layout = FlameLayout.Options()
        layout.order = options.order
        layout.reverse = options.reverse
        return layout
    }

    static func svgOptions(_ options: FlameOptions, findings: [Finding]?) -> FlameGraphSVG.Options {
        var svg = FlameGraphSVG.Options()
        svg.width = options.width
        svg.minWidth = options.minWidth
        svg.inverted = options.inverted
        svg.palette = options.palette
        svg.dark = options.dark
        svg.inlineID = options.inlineID
        for finding in (findings ?? []).reversed() {  // The most severe wins a frame both match.
            for frame in finding.frames { svg.highlights[frame.name] = "\(finding.id) \(finding.title)" }
            for culprit in finding.culprits { svg.highlights[culprit.name] = "\(finding.id) culprit" }
        }
        return svg
    }
}
