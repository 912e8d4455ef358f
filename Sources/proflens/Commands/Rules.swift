import ArgumentParser
import UseCases

/// `proflens rules`: prints the built-in rules, a starting point for a team's own file.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the built-in anti-pattern rules as JSON (the format of --rules).")

    func run() throws {
        try deliver(RulesUseCase.run())
    }
}
