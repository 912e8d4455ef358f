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

    @OptionGroup var stacks: StackOptions

    func run() throws {
        let (profile, index) = try stacks.load(file, input, filterOptions)
        let folded = StackFolder.fold(profile, sampleIndex: index, granularity: stacks.granularity)
        try Output.write(folded.text(), to: stacks.output)
    }
}
