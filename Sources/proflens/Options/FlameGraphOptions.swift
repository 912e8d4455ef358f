import ArgumentParser
import FlameGraph
import Reports

/// How a flame graph is drawn (`flame`).
struct FlameGraphOptions: ParsableArguments {
    @Option(help: "Title at the top of the graph.")
    var title: String?

    @Option(help: "Image width in pixels (100 to 100000).")
    var width: Int = FlameGraphSVG.Options.defaultWidth

    @Option(name: .customLong("min-width"), help: "Leave out frames narrower than this many pixels (0 to the width).")
    var minWidth: Double = FlameGraphSVG.Options.defaultMinWidth

    @Flag(help: "Icicle graph: the root at the top.")
    var inverted = false

    @Flag(help: "Merge stacks from the leaf: who calls the hot functions.")
    var reverse = false

    @Option(help: "Sibling order: name (stable between graphs) or size.")
    var sort: FlameLayout.SiblingOrder = .name

    @Option(help: "Colours of a plain graph: hot, package (runtime / sync / standard library / your code) or colorblind.")
    var palette: Palette?

    @Flag(help: "Dark background.")
    var dark = false

    func validate() throws {
        if width < 100 || width > 100_000 { throw ValidationError("--width must be between 100 and 100000") }
        if !(minWidth >= 0 && minWidth <= Double(width)) { throw ValidationError("--min-width must be between 0 and the width (\(width))") }
    }

    var options: FlameOptions {
        var options = FlameOptions()
        options.title = title
        options.width = width
        options.minWidth = minWidth
        options.inverted = inverted
        options.reverse = reverse
        options.order = sort
        options.palette = palette ?? .hot
        options.dark = dark
        return options
    }
}

/// How a differential graph is sized and coloured (`flame --base`, `compare --svg`).
struct DifferentialOptions: ParsableArguments {
    @Option(name: .customLong("width-by"), help: "Differential graphs: frame widths from base, new or max (max keeps vanished frames visible; default: \(FlameLayout.WidthBy.differentialDefault.rawValue)).")
    var widthBy: FlameLayout.WidthBy?

    @Flag(name: .customLong("colorblind-diff"), help: "Differential graphs: orange for growth instead of red.")
    var colorblindDiff = false

    var isSet: Bool { widthBy != nil || colorblindDiff }

    func apply(to options: inout FlameOptions) {
        options.widthBy = widthBy ?? FlameLayout.WidthBy.differentialDefault
        options.colorblindDiff = colorblindDiff
    }
}

extension FlameLayout.SiblingOrder: ExpressibleByArgument {}
extension FlameLayout.WidthBy: ExpressibleByArgument {}
extension Palette: ExpressibleByArgument {}
