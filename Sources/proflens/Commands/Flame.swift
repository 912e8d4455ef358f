import ArgumentParser
import UseCases

/// `proflens flame FILE -o out.svg`: an interactive SVG flame graph, plain or differential.
struct Flame: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an interactive SVG flame graph (click to zoom, Ctrl-F or / to search); with --base, a differential one.")

    @Argument(help: ProfileArguments.help("Pprof profiles, merged when several"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var graph: FlameGraphOptions

    @Flag(help: "One frame per source line (function:line) instead of per function.")
    var lines = false

    @Option(name: .shortAndLong, help: "Output file, or - for standard output (default: standard output, or NAME.svg when it is a terminal).")
    var output: String?

    @Flag(help: "Colour the frames a finding matched and its culprits, with a legend naming the anti-pattern.")
    var highlight = false

    @Option(help: "With --highlight: a rules file used instead of the built-in rules.")
    var rules: String?

    @Option(name: .customLong("base"), help: "Draw a differential flame graph against this base profile (repeatable: merged).", completion: ProfileArguments.completion)
    var bases: [String] = []

    @Flag(name: [.customLong("normalize"), .customLong("normalize", withSingleDash: true)],
          help: "With --base: scale the profile to the base's total first, as pprof's -normalize.")
    var normalize = false

    @OptionGroup var differential: DifferentialOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        if rules != nil && !highlight { throw ValidationError("--rules needs --highlight") }
        if bases.isEmpty {
            if differential.isSet { throw ValidationError("--width-by and --colorblind-diff need --base (a differential graph)") }
            if normalize { throw ValidationError("--normalize needs --base") }
        } else if graph.palette != nil {
            throw ValidationError("--palette does not apply to a differential graph, which is coloured by change (see --colorblind-diff)")
        }
    }

    func run() throws {
        var options = FlameUseCase.Options(input: input.profiles(files, base: bases, selection: selection))
        options.lines = lines
        options.graph = graph.options
        // --width-by and --colorblind-diff: refused without --base (validate).
        differential.apply(to: &options.graph)
        options.highlight = highlight
        options.rulesFile = rules
        options.normalize = normalize
        options.output = output
        try deliver(FlameUseCase.run(options))
    }
}

