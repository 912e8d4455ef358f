import ArgumentParser
import Findings
import Pipeline
import Reports

/// `proflens report FILE... -o report.html`: what `analyze` shows, as one self-contained HTML
/// page with the flame graphs, sortable tables and findings linked to the graphs.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report: summaries, findings with their evidence, sortable top tables and interactive flame graphs.")

    @Argument(help: ProfileArguments.help("One or more pprof profiles of one program"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var compatibility: CompatibilityOptions
    @OptionGroup var rows: NodeCountOption
    @OptionGroup var classifier: ClassifierOptions
    @OptionGroup var source: SourceOptions

    @Option(name: .shortAndLong, help: "Output file, or - for standard output (default: standard output, or report.html when it is a terminal).")
    var output: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        let rules = try classifier.ruleSet()
        var request = try input.request(files)
        selection.apply(to: &request)
        request.compatibility = compatibility.compatibility
        let report = AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: rules, locator: source.locator,
                                   nodeCount: rows.nodeCount ?? 0)
        try OutputFile.writeMarkup(HTMLReport.analyze(report), to: output, terminalFile: "report.html")
        if let threshold = classifier.failOn, report.findings.contains(where: { $0.level >= threshold }) {
            throw ExitCode(ExitStatus.findings)
        }
    }
}
