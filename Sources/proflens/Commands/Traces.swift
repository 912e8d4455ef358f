import Analysis
import ArgumentParser
import UseCases

/// Exactly what `go tool pprof -traces` prints.
struct Traces: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every sample's stack exactly as `go tool pprof -traces` does.")

    @Argument(help: ProfileArguments.help("Pprof profiles, merged when several"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var compatibility: CompatibilityOptions

    @OptionGroup var granularity: GranularityOptions

    @Option(name: [.customLong("unit"), .customLong("unit", withSingleDash: true)],
            help: "Print values in this unit (ms, s, MB, ...), as go tool pprof -unit; minimum (default) and auto: each value in its own unit.")
    var unit = "minimum"

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        var options = TracesUseCase.Options(input: input.profiles(files, selection: selection, compatibility: compatibility))
        options.granularity = granularity.granularity
        options.unit = unit
        try deliver(TracesUseCase.run(options))
    }
}
