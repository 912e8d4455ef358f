import Analysis
import ArgumentParser
import UseCases

/// `proflens merge FILE... -o OUT`: one pprof profile, as `go tool pprof -proto` writes it.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one pprof profile (gzip-compressed protobuf) merging the inputs, with the filters applied, as `go tool pprof -proto` does.",
        discussion: """
            Every sample type is kept; --sample-index is checked but, as in pprof's -proto, chooses nothing. \
            --pgo writes what Go's profile-guided optimisation reads (go build -pgo=FILE, or default.pgo in the main package): \
            one CPU sample type; of each sample, its two leaf-most locations (Go reads no other), with function names, start \
            lines and line numbers; and no call edge that touches a function under --node-fraction of the total.
            """)

    @Argument(help: ProfileArguments.help("Pprof profiles, merged into one"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions

    @Option(name: .shortAndLong, help: "Output file, or - for standard output (refused when it is a terminal).")
    var output: String = "-"

    @Option(name: [.customLong("diff-base"), .customLong("diff_base", withSingleDash: true)],
            help: "Write the difference against this base profile (repeatable: merged), as go tool pprof -diff_base -proto.", completion: ProfileArguments.completion)
    var diffBase: [String] = []

    @Flag(name: [.customLong("normalize"), .customLong("normalize", withSingleDash: true)],
          help: "With --diff-base: scale the profile to the base's total first, as pprof's -normalize.")
    var normalize = false

    @Flag(help: "Keep only what Go's profile-guided optimisation reads, and say how much smaller the file became.")
    var pgo = false

    @Option(name: [.customLong("node-fraction"), .customLong("nodefraction", withSingleDash: true)],
            help: "With --pgo: cut the call edges that touch a function whose cumulative share of the total is under this (0: keep every edge Go reads; pprof's -nodefraction default is 0.005).")
    var nodeFraction: Double = PGOTrim.defaultNodeFraction

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        if normalize && diffBase.isEmpty { throw ValidationError("--normalize needs --diff-base") }
        if !(nodeFraction >= 0 && nodeFraction < 1) { throw ValidationError("--node-fraction must be at least 0 and less than 1") }
        if nodeFraction != PGOTrim.defaultNodeFraction && !pgo { throw ValidationError("--node-fraction needs --pgo") }
        if pgo && !diffBase.isEmpty { throw ValidationError("--pgo does not apply to a difference (--diff-base): PGO needs positive weights") }
    }

    func run() throws {
        var options = MergeUseCase.Options(input: input.profiles(files, base: diffBase, selection: selection))
        options.normalize = normalize
        options.pgoNodeFraction = pgo ? nodeFraction : nil
        options.output = output
        try deliver(MergeUseCase.run(options))
    }
}
