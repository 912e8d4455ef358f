import ArgumentParser
import Findings
import Reports

/// Colour on a terminal: auto (when standard output is one), always, never.
struct ColorOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @Option(help: "Colour: auto (on a terminal), always or never.")
    var color: Choice = .auto

    @Flag(name: .customLong("no-color"), help: "No colour (the same as --color never).")
    var noColor = false

    var enabled: Bool {
        if noColor { return false }
        switch color {
        case .auto: return OutputFile.standardOutputIsTerminal
        case .always: return true
        case .never: return false
        }
    }
}

/// The anti-pattern rules and the CI gate.
struct ClassifierOptions: ParsableArguments {
    @Option(help: "A rules file (JSON, the format `proflens rules` prints) used instead of the built-in rules.")
    var rules: String?

    @Option(name: .customLong("fail-on"), help: "Exit with status 1 when a finding at or above this level is found: info, warning or critical.")
    var failOn: Finding.Level?
}

extension Finding.Level: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
