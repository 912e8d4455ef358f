import Analysis
import Findings
import Pipeline
import Reports

/// `proflens analyze`: per profile a summary and the top table, then the findings, their
/// culprits' source checked.
public enum AnalyzeUseCase {
    public struct Options: Sendable {
        public var input: ProfileInput
        public var format = ReportFormat.text
        /// Text output: the verdict and the findings only.
        public var findingsOnly = false
        /// Text output: colour for a terminal.
        public var color = false
        /// Rows of each table (0: all).
        public var nodeCount = 0
        /// pprof's report granularity of each table (-functions, -lines, -files,
        /// -filefunctions, -addresses); the findings read functions whatever it is.
        public var granularity = FrameTable.Granularity.functions
        /// Each table's rows by cumulative value (-cum).
        public var sortByCum = false
        /// pprof's -unit for each table.
        public var unit = "minimum"
        /// A rules file used instead of the built-in rules.
        public var rulesFile: String?
        /// The level at which a finding fails the run.
        public var failOn: Finding.Level?
        /// Where the culprits' source is.
        public var source = SourceLocator()
        /// Take each heap profile URL twice, this many seconds apart (heap growth).
        public var heapInterval: Double?

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let rules = try RuleSet.named(options.rulesFile)
        var request = try options.input.request()
        if let interval = options.heapInterval { try request.takeHeapURLsTwice(interval: interval) }
        // The granularity is the tables' alone (the request's stays per function, for the
        // rules); their file names are trimmed as the source options say, as top's are.
        let report = AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: rules, locator: options.source,
                                   nodeCount: options.nodeCount, granularity: RowGranularity(options.granularity, fileNames: options.source),
                                   sortByCum: options.sortByCum, unit: options.unit, findingsOnly: options.findingsOnly, color: options.color)
        // SARIF: one log, whose note on the sources not found is said on stderr too.
        let sarif = options.format == .sarif ? report.sarif : nil
        return CommandResult(outputs: [CommandOutput(.standardOutput, .bytes(sarif?.render() ?? report.render(options.format)))],
                             notes: sarif?.sourceNote.map { [$0] } ?? [],
                             verdict: Verdict(report.findings.map(\.level), failOn: options.failOn))
    }
}
