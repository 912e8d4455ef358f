import Findings
import Pipeline
import Reports

/// `proflens flame`: an interactive SVG flame graph, plain or (with a base) differential.
public enum FlameUseCase {
    public struct Options: Sendable {
        /// The profiles, and a base for a differential graph.
        public var input: ProfileInput
        /// One frame per source line instead of per function.
        public var lines = false
        /// How the graph is drawn.
        public var graph = FlameOptions()
        /// Colour the frames findings matched and their culprits.
        public var highlight = false
        /// With `highlight`: a rules file used instead of the built-in rules.
        public var rulesFile: String?
        /// With a base: scale the profile to the base's total first.
        public var normalize = false
        /// Where the graph goes (nil: standard output, or NAME.svg on a terminal).
        public var output: String?

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let rules = options.highlight ? try RuleSet.named(options.rulesFile) : nil
        var request = try options.input.request()
        request.granularity = options.lines ? .lines : .functions
        let svg: [UInt8]
        if options.input.baseArguments.isEmpty {
            let prepared = try Pipeline.prepare(request)
            svg = FlameReport.svg(prepared, options.graph, highlighting: rules.map { prepared.findings(rules: $0) })
        } else {
            request.normalize = options.normalize
            let comparison = try Pipeline.prepareComparison(request)
            svg = FlameReport.differentialSVG(comparison, options.graph, highlighting: rules.map { comparison.findingsOfBothSides(rules: $0) })
        }
        let terminalFile = SVGFileName.forProfile(options.input.arguments.first ?? "-")
        return CommandResult(outputs: [CommandOutput(.markup(options.output, terminalFile: terminalFile), .bytes(svg))])
    }
}
