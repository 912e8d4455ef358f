import Findings

extension RuleSet {
    /// The rules of `file` (`--rules`), or the built-in ones when none is named.
    static func named(_ file: String?) throws -> RuleSet {
        guard let file else { return .builtin }
        return try load(path: file)
    }
}
