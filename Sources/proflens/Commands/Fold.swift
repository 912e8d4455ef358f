import Analysis
import ArgumentParser
import Pprof

/// `proflens fold FILE`: folded stacks for flamegraph.pl, inferno and speedscope.
struct Fold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the profile's stacks in the folded format (root;caller;leaf VALUE), one line per stack.",
        discussion: "A ';' inside a frame name is written as '；' (U+FF1B) and control characters as U+FFFD, so that neither can split a frame or a line.")

    @Argument(help: "A pprof profile (gzip-compressed or raw protobuf).")
    var file: String

    @OptionGroup var input: InputOptions
    @OptionGroup var filterOptions: FilterOptions

    @Option(name: .customLong("sample-index"), help: "Sample type to fold, by name or number.")
    var sampleIndex: String?

    @Flag(help: "One frame per source line (function:line) instead of per function.")
    var lines = false

    @Option(name: .shortAndLong, help: "Output file, or - for standard output.")
    var output: String = "-"

    func run() throws {
        let loaded = try Loading.profile(file, input).applyingDropFrames()
        let index = try Loading.sampleIndex(sampleIndex, profile: loaded, file: file)
        let profile = loaded.filtered(by: try filterOptions.filters())
        let folded = StackFolder.fold(profile, sampleIndex: index, granularity: lines ? .lines : .functions)
        try Output.write(folded.text(), to: output)
    }
}
