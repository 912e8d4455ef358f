import ArgumentParser
import UseCases

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
        var options = ReportUseCase.Options(input: input.profiles(files, selection: selection, compatibility: compatibility))
        if let nodeCount = rows.nodeCount { options.nodeCount = nodeCount }
        options.rulesFile = classifier.rules
        options.failOn = classifier.failOn
        options.source = source.locator
        options.output = output
        try deliver(ReportUseCase.run(options))
    }
}
