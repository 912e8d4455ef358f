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

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        let options = TracesUseCase.Options(input: input.profiles(files, selection: selection, compatibility: compatibility))
        try deliver(TracesUseCase.run(options))
    }
}
