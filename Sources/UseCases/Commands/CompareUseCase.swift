import Analysis
import Findings
import Pipeline
import Reports

/// `proflens compare`: what grew, what shrank, which findings were fixed or appeared (their
/// culprits' source checked, as `analyze` checks it); with a differential flame graph and an
/// HTML page when asked.
public enum CompareUseCase {
    public struct Options: Sendable {
        /// The new profiles (`arguments`) and the base (`baseArguments`).
        public var input: ProfileInput
        /// Scale the new profile to the base's total first (pprof's -normalize).
        public var normalize = false
        public var format = ReportFormat.text
        /// Text output: colour for a terminal.
        public var color = false
        /// Rows of changed functions (0: all).
        public var nodeCount = CompareReport.defaultNodeCount
        /// pprof's report granularity of the table's rows (-functions, -lines, -files,
        /// -filefunctions, -addresses); the findings and graphs read functions whatever it is.
        public var granularity = FrameTable.Granularity.functions
        /// pprof's -unit for the table and totals; "auto" (the default): each value in its own.
        public var unit = "auto"
        /// A rules file used instead of the built-in rules.
        public var rulesFile: String?
        /// The level at which a new or worse finding fails the run.
        public var failOn: Finding.Level?
        /// Where the culprits' source is.
        public var source = SourceLocator()
        /// Also write the differential flame graph here.
        public var svg: String?
        /// Also write the HTML report here.
        public var html: String?
        /// How the differential graph is drawn (for the SVG and the HTML report's).
        public var flame = FlameOptions()

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let rules = try RuleSet.named(options.rulesFile)
        var request = try options.input.request()
        request.normalize = options.normalize
        let comparison = try Pipeline.prepareComparison(request)
        let compared = CompareReport.withDifferentialGraph(
            comparison, rules: rules, baseNames: options.input.baseArguments, newNames: options.input.arguments,
            nodeCount: options.nodeCount, granularity: RowGranularity(options.granularity, fileNames: options.source), unit: options.unit,
            color: options.color, locator: options.source,
            flame: options.svg == nil ? nil : options.flame, keepingStacks: options.html != nil)
        let report = compared.report
        var outputs: [CommandOutput] = []
        if let svg = options.svg, let graph = compared.svg { outputs.append(CommandOutput(.file(svg), .bytes(graph))) }
        // The graph's stacks, sorted for the SVG, serve the HTML report's graph too.
        if let html = options.html {
            outputs.append(CommandOutput(.file(html), .bytes(HTMLReport.compare(report, comparison, flame: options.flame, stacks: compared.stacks))))
        }
        // SARIF: one log, whose note on the sources not found is said on stderr too.
        let sarif = options.format == .sarif ? report.sarif : nil
        outputs.append(CommandOutput(.standardOutput, .bytes(sarif?.render() ?? report.render(options.format))))
        let worse = report.findings.entries.filter(\.worsened).map { $0.new?.level ?? .info }
        return CommandResult(outputs: outputs, notes: sarif?.sourceNote.map { [$0] } ?? [], verdict: Verdict(worse, failOn: options.failOn))
    }
}
