import Analysis
import ArgumentParser
import FlameGraph
import Pprof

/// `proflens flame FILE -o out.svg`: an interactive SVG flame graph.
struct Flame: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an interactive SVG flame graph (click to zoom, Ctrl-F or / to search).")

    @Argument(help: "A pprof profile (gzip-compressed or raw protobuf).")
    var file: String

    @OptionGroup var input: InputOptions
    @OptionGroup var filterOptions: FilterOptions

    @OptionGroup var stacks: StackOptions

    @Option(help: "Title at the top of the graph.")
    var title: String?

    @Option(help: "Image width in pixels.")
    var width: Int = 1200

    @Option(name: .customLong("min-width"), help: "Leave out frames narrower than this many pixels.")
    var minWidth: Double = 0.1

    @Flag(help: "Icicle graph: the root at the top.")
    var inverted = false

    @Flag(help: "Merge stacks from the leaf: who calls the hot functions.")
    var reverse = false

    @Option(help: "Sibling order: name (stable between graphs) or size.")
    var sort: FlameLayout.SiblingOrder = .name

    @Option(help: "Colours: hot, package (runtime / sync / standard library / your code) or colorblind.")
    var palette: Palette = .hot

    @Flag(help: "Dark background.")
    var dark = false

    @Flag(help: "Colour the frames a finding matched and its culprits, with a legend naming the anti-pattern.")
    var highlight = false

    @OptionGroup var classifier: ClassifierOptions

    @Option(name: .customLong("base"), help: "Draw a differential flame graph against this base profile (repeatable: merged).")
    var bases: [String] = []

    @Option(name: .customLong("width-by"), help: "Differential graphs: frame widths from base, new or max (max keeps vanished frames visible).")
    var widthBy: FlameLayout.WidthBy = .max

    @Flag(name: .customLong("colorblind-diff"), help: "Differential graphs: orange for growth instead of red.")
    var colorblindDiff = false

    func validate() throws {
        if width < 100 || width > 100_000 { throw ValidationError("--width must be between 100 and 100000") }
        if !(minWidth >= 0) { throw ValidationError("--min-width must be 0 or more") }
    }

    func run() throws {
        if !bases.isEmpty {
            let diff = try Loading.diff(base: bases, new: [file], input: input, normalize: false)
            let index = try Loading.sampleIndex(stacks.sampleIndex, profile: diff.combined, file: file)
            let svg = DifferentialFlame.svg(diff, sampleIndex: index, title: title ?? "Differential Flame Graph",
                                            subtitle: "\(bases.joined(separator: "+")) → \(file)", colorblind: colorblindDiff, widthBy: widthBy)
            try Output.write(svg, to: stacks.output)
            return
        }
        let (profile, index) = try self.stacks.load(file, input, filterOptions)
        let stacks = StackFolder.fold(profile, sampleIndex: index, granularity: self.stacks.granularity)

        var layoutOptions = FlameLayout.Options()
        layoutOptions.order = sort
        layoutOptions.reverse = reverse
        var svgOptions = FlameGraphSVG.Options()
        let sampleType = profile.sampleTypes[index]
        svgOptions.title = title ?? (reverse ? "Reverse Flame Graph" : inverted ? "Icicle Graph" : "Flame Graph")
        svgOptions.subtitle = "\(file) · \(ProfileKind.of(profile).title) · \(sampleType.type) · total \(Measurement.label(stacks.total, unit: sampleType.unit))"
        svgOptions.width = width
        svgOptions.minWidth = minWidth
        svgOptions.inverted = inverted
        svgOptions.palette = palette
        svgOptions.dark = dark
        svgOptions.unit = sampleType.unit
        if highlight {
            let findings = Classifier.findings([Classifier.Input(file: file, profile: profile)], rules: try classifier.ruleSet())
            for finding in findings.reversed() {  // The most severe wins a frame both match.
                for frame in finding.frames { svgOptions.highlights[frame.name] = "\(finding.id) \(finding.title)" }
                for culprit in finding.culprits { svgOptions.highlights[culprit.name] = "\(finding.id) culprit" }
            }
        }
        try Output.write(FlameGraph.svg(stacks, layout: layoutOptions, svg: svgOptions), to: self.stacks.output)
    }
}

extension FlameLayout.SiblingOrder: ExpressibleByArgument {}
extension Palette: ExpressibleByArgument {}
