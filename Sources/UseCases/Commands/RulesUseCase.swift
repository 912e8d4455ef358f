import Findings

/// `proflens rules`: the built-in rules as JSON, a starting point for a team's own file. It
/// takes no options.
public enum RulesUseCase {
    public static func run() -> CommandResult {
        .standardOutput(Array(RuleSet.builtinJSON.utf8))
    }
}
