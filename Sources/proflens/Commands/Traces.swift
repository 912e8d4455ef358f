import ArgumentParser
import Pipeline
import Reports

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
        var request = try input.request(files)
        selection.apply(to: &request)
        request.compatibility = compatibility.compatibility
        let prepared = try Pipeline.prepare(request)
        try OutputFile.stream(to: "-") { try prepared.writeTraces(to: $0) }
    }
}
