import Pipeline
import Reports

/// `proflens fold`: folded stacks for flamegraph.pl, inferno and speedscope.
public enum FoldUseCase {
    public struct Options: Sendable {
        public var input: ProfileInput
        /// One frame per source line instead of per function.
        public var lines = false
        /// A file, or "-" for standard output.
        public var output = "-"

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        var request = try options.input.request()
        request.granularity = options.lines ? .lines : .functions
        // The profile goes once its stacks are folded; the text is written as it is made, and
        // merges stacks with the same frames as it goes.
        let stacks = try Pipeline.prepare(request).foldedStacks(merging: false)
        return CommandResult(outputs: [CommandOutput(.file(options.output), .stream { try stacks.writeText(to: $0) })])
    }
}
