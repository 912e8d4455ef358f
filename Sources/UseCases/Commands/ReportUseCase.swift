import Analysis
import Findings
import Pipeline
import Reports

/// `proflens report`: what `analyze` shows, as one self-contained HTML page.
public enum ReportUseCase {
    public struct Options: Sendable {
        public var input: ProfileInput
        /// Rows of each table (0: all).
        public var nodeCount = 0
        /// A rules file used instead of the built-in rules.
        public var rulesFile: String?
        /// The level at which a finding fails the run.
        public var failOn: Finding.Level?
        /// Where the culprits' source is.
        public var source = SourceLocator()
        /// Where the page goes (nil: standard output, or report.html on a terminal).
        public var output: String?

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let rules = try RuleSet.named(options.rulesFile)
        let request = try options.input.request()
        let report = AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: rules, locator: options.source,
                                   nodeCount: options.nodeCount)
        return CommandResult(outputs: [CommandOutput(.markup(options.output, terminalFile: "report.html"), .bytes(HTMLReport.analyze(report)))],
                             verdict: Verdict(report.findings.map(\.level), failOn: options.failOn))
    }
}
