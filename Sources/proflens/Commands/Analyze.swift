import ArgumentParser
import Reports
import UseCases

/// `proflens analyze FILE...`: per profile a summary and the top table, then the findings.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize profiles, print their top functions as go tool pprof -top counts them, and the map anti-patterns they show.")

    @Argument(help: ProfileArguments.help("One or more pprof profiles of one program"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var compatibility: CompatibilityOptions
    @OptionGroup var rows: NodeCountOption
    @OptionGroup var classifier: ClassifierOptions
    @OptionGroup var color: ColorOptions
    @OptionGroup var source: SourceOptions

    @Flag(name: [.customLong("cum"), .customLong("cum", withSingleDash: true)],
          help: "Sort each table's rows by cumulative value, as go tool pprof -top -cum (the findings do not change).")
    var cum = false

    @OptionGroup var granularity: GranularityOptions

    @Option(name: [.customLong("unit"), .customLong("unit", withSingleDash: true)],
            help: "Print each table's values in this unit (ms, s, MB, ...), as go tool pprof -unit; minimum: one unit for the table (default), auto: one per value.")
    var unit = "minimum"

    @Option(help: "Output format: text, json or sarif (SARIF 2.1.0, for code scanning: one result per finding).")
    var format: ReportFormat = .text

    @Flag(name: .customLong("findings-only"), help: "Print the verdict and the findings only, without each profile's summary and table (text output).")
    var findingsOnly = false

    @Option(name: .customLong("heap-interval"),
            help: "Take each heap profile URL twice, this long apart (e.g. 30s, 2m), for in-use growth from a running service.")
    var heapInterval: Duration?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        if format != .text && (color.noColor || color.color != .auto) { throw ValidationError("--color and --no-color apply to text output only") }
        if format != .text && findingsOnly { throw ValidationError("--findings-only applies to text output only") }
        // The table options shape the tables alone: refused where none is printed.
        if findingsOnly || format == .sarif {
            let given = (cum ? ["--cum"] : []) + (unit != "minimum" ? ["--unit"] : []) + [granularity.given].compactMap { $0 }
            try refuseTableOptions(given, table: "tables", which: findingsOnly ? "--findings-only leaves out" : "SARIF output does not have")
        }
        if let heapInterval, !(heapInterval.seconds > 0 && heapInterval.seconds <= 86_400) {
            throw ValidationError("--heap-interval must be more than 0 and at most 24 hours")
        }
    }

    func run() throws {
        var options = AnalyzeUseCase.Options(input: input.profiles(files, selection: selection, compatibility: compatibility))
        options.format = format
        options.findingsOnly = findingsOnly
        options.color = color.enabled
        if let nodeCount = rows.nodeCount { options.nodeCount = nodeCount }
        options.sortByCum = cum
        options.granularity = granularity.granularity
        options.unit = unit
        options.rulesFile = classifier.rules
        options.failOn = classifier.failOn
        options.source = source.locator
        options.heapInterval = heapInterval?.seconds
        try deliver(AnalyzeUseCase.run(options))
    }
}
