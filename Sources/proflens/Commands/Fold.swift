import ArgumentParser
import Pipeline
import Reports

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
        var request = try input.request(files)
        selection.apply(to: &request)
        request.granularity = lines ? .lines : .functions
        // The profile goes once its stacks are folded; the text is written as it is made, and
        // merges stacks with the same frames as it goes.
        let stacks = try Pipeline.prepare(request).foldedStacks(merging: false)
        try OutputFile.stream(to: output) { try stacks.writeText(to: $0) }
    }
}
