import Analysis
import ArgumentParser
import UseCases

/// Exactly what `go tool pprof -top` prints, for diffing against the reference tool.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the top table exactly as `go tool pprof -top` does (several profiles are merged, as pprof merges them).")

    @Argument(help: ProfileArguments.help("Pprof profiles"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var compatibility: CompatibilityOptions
    @OptionGroup var rows: NodeCountOption
    @OptionGroup var source: SourceOptions

    @Option(name: [.customLong("diff-base"), .customLong("diff_base", withSingleDash: true)],
            help: "Print the difference against this base profile (repeatable: merged), as go tool pprof -diff_base.", completion: ProfileArguments.completion)
    var diffBase: [String] = []

    @Flag(name: [.customLong("normalize"), .customLong("normalize", withSingleDash: true)],
          help: "With --diff-base: scale the profile to the base's total first, as pprof's -normalize.")
    var normalize = false

    @Flag(name: [.customLong("cum"), .customLong("cum", withSingleDash: true)],
          help: "Sort the rows by cumulative value, as go tool pprof -top -cum.")
    var cum = false

    @OptionGroup var granularity: GranularityOptions

    @Option(name: [.customLong("unit"), .customLong("unit", withSingleDash: true)],
            help: "Print values in this unit (ms, s, MB, ...), as go tool pprof -unit; minimum: one unit for the table (default), auto: one per value.")
    var unit = "minimum"

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        if normalize && diffBase.isEmpty { throw ValidationError("--normalize needs --diff-base") }
    }

    func run() throws {
        var options = TopUseCase.Options(input: input.profiles(files, base: diffBase, selection: selection, compatibility: compatibility))
        options.normalize = normalize
        if let nodeCount = rows.nodeCount { options.nodeCount = nodeCount }
        options.sortByCum = cum
        options.granularity = granularity.granularity
        options.unit = unit
        options.source = source.locator
        try deliver(TopUseCase.run(options))
    }
}
