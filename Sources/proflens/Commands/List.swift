import Analysis
import ArgumentParser
import UseCases

/// `proflens list REGEX FILE`: annotated source, exactly as `go tool pprof -list` prints it.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the source of the functions matching REGEX with each line's flat and cum cost, as go tool pprof -list does.")

    @Argument(help: "A regular expression over function names.")
    var regex: String

    @Argument(help: ProfileArguments.help("Pprof profiles, merged when several"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var source: SourceOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        do { _ = try GoRegex(regex) } catch { throw ValidationError("not a valid regular expression: \(regex) (\(error))") }
    }

    func run() throws {
        var options = ListUseCase.Options(regex: regex, input: input.profiles(files, selection: selection))
        options.source = source.locator
        try deliver(ListUseCase.run(options))
    }
}
