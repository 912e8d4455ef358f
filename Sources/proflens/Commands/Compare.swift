import ArgumentParser
import Reports
import UseCases

/// `proflens compare BASE NEW`: what grew, what shrank, which findings were fixed or appeared.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two profiles: changed functions (as go tool pprof -top -diff_base), findings fixed or new, a differential flame graph.",
        discussion: "BASE NEW, or --base FILE (repeatable) followed by the new profiles; several files on a side are merged, as pprof merges its sources.")

    @Argument(help: ProfileArguments.help("BASE NEW, or only the new profiles when --base is given"), completion: ProfileArguments.completion)
    var files: [String]

    @Option(name: .customLong("base"), help: "A base profile (repeatable); then every argument is a new profile.", completion: ProfileArguments.completion)
    var bases: [String] = []

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var rows: NodeCountOption
    @OptionGroup var classifier: ClassifierOptions
    @OptionGroup var color: ColorOptions
    @OptionGroup var source: SourceOptions

    @Flag(name: [.customLong("normalize"), .customLong("normalize", withSingleDash: true)],
          help: "Scale the new profile to the base's total first, as pprof's -normalize does.")
    var normalize = false

    @OptionGroup var granularity: GranularityOptions

    @Option(name: [.customLong("unit"), .customLong("unit", withSingleDash: true)],
            help: "Print the table's values and the totals in this unit (ms, s, MB, ...), as go tool pprof -unit; auto: one per value (default), minimum: one unit for the table.")
    var unit = "auto"

    @Option(help: "Output format: text, json or sarif (SARIF 2.1.0: the findings that are new or worse than in the base).")
    var format: ReportFormat = .text

    @Option(help: "Also write a differential flame graph here.")
    var svg: String?

    @Option(help: "Also write an HTML report here: findings fixed, new and persisting, the differential flame graph, the changed functions.")
    var html: String?

    @OptionGroup var differential: DifferentialOptions

    func validate() throws {
        if bases.isEmpty && files.count != 2 { throw ValidationError("name BASE and NEW, or use --base") }
        if !bases.isEmpty && files.isEmpty { throw ValidationError("name at least one new profile") }
        if html == "-" { throw ValidationError("--html needs a file name: standard output has the comparison") }
        if svg == nil && html == nil && differential.isSet { throw ValidationError("--width-by and --colorblind-diff need --svg or --html") }
        if format != .text && (color.noColor || color.color != .auto) { throw ValidationError("--color and --no-color apply to text output only") }
        // The table options shape the table alone: refused where none is printed.
        if format == .sarif {
            try refuseTableOptions((unit != "auto" ? ["--unit"] : []) + [granularity.given].compactMap { $0 }, table: "table", which: "SARIF output does not have")
        }
    }

    var baseFiles: [String] { bases.isEmpty ? [files[0]] : bases }
    var newFiles: [String] { bases.isEmpty ? [files[1]] : files }

    func run() throws {
        var options = CompareUseCase.Options(input: input.profiles(newFiles, base: baseFiles, selection: selection))
        options.normalize = normalize
        options.format = format
        options.color = color.enabled
        if let nodeCount = rows.nodeCount { options.nodeCount = nodeCount }
        options.granularity = granularity.granularity
        options.unit = unit
        options.rulesFile = classifier.rules
        options.failOn = classifier.failOn
        options.source = source.locator
        options.svg = svg
        options.html = html
        differential.apply(to: &options.flame)
        try deliver(CompareUseCase.run(options))
    }
}

