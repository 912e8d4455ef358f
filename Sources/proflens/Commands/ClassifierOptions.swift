import Analysis
import ArgumentParser
import Foundation

/// Options of the anti-pattern classifier.
struct ClassifierOptions: ParsableArguments {
    @Option(help: "A rules file (JSON, the format `proflens rules` prints) used instead of the built-in rules.")
    var rules: String?

    @Option(name: .customLong("fail-on"), help: "Exit with status 1 when a finding at or above this level is found: info, warning or critical.")
    var failOn: Finding.Level?

    func ruleSet() throws -> RuleSet {
        guard let rules else { return .builtin }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: rules))
        } catch {
            throw Failure.exit("\(rules): cannot read the rules file", code: Failure.unreadable)
        }
        do {
            return try RuleSet.load(json: data, source: rules)
        } catch {
            throw Failure.exit("\(error)", code: Failure.usage)
        }
    }
}

extension Finding.Level: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// `proflens rules`: prints the built-in rules, a starting point for a team's own file.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the built-in anti-pattern rules as JSON (the format of --rules).")

    func run() throws {
        try Output.write(Array(RuleSet.builtinJSON.utf8), to: "-")
    }
}
