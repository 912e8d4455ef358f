import ArgumentParser
import UseCases

/// `proflens fold FILE`: folded stacks for flamegraph.pl, inferno and speedscope.
struct Fold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the profile's stacks in the folded format (root;caller;leaf VALUE), one line per stack.",
        discussion: "A ';' inside a frame name is written as '；' (U+FF1B) and control characters as U+FFFD, so that neither can split a frame or a line.")

    @Argument(help: ProfileArguments.help("Pprof profiles, merged when several"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Flag(help: "One frame per source line (function:line) instead of per function.")
    var lines = false

    @Option(name: .shortAndLong, help: "Output file, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        var options = FoldUseCase.Options(input: input.profiles(files, selection: selection))
        options.lines = lines
        options.output = output
        try deliver(FoldUseCase.run(options))
    }
}
