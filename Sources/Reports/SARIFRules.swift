import Findings

/// The reporting descriptors of a SARIF log: one per kind of finding, so that a code-scanning
/// alert is headed by its own kind ("Write-heavy sync.Map"), not by every title of its pattern.
///
/// A rule's SARIF id is `id/variant` when it has a variant (`AP2/sync-map`), else its id
/// (`AP1`). Rules of a `--rules` file that share an id without variants take their title,
/// made a slug, as the variant (`AP9/slow-path`), so that ids stay unique. The first rule of
/// an id keeps it for itself when the others get a variant, as would a rule whose slug is
/// taken already.
public struct SARIFRules: Sendable {
    public struct Descriptor: Sendable, Equatable {
        public var id: String
        /// The rule's pattern id and title: how a finding names its rule.
        public var pattern: String
        public var title: String
        public var fullDescription: String
        public var helpText: String
        public var helpMarkdown: String
        /// The highest level the rule can reach.
        public var level: Finding.Level
    }

    public private(set) var descriptors: [Descriptor] = []

    /// The rules' descriptors in the rule set's order, then one for each finding whose rule
    /// is not in the set (named by its own id and title).
    public init(_ rules: RuleSet, findings: [Finding] = []) {
        let counts = Dictionary(rules.rules.map { ($0.id, 1) }, uniquingKeysWith: +)
        for rule in rules.rules where index(pattern: rule.id, title: rule.title) == nil {
            var id = rule.id
            if let variant = rule.variant {
                id += "/" + variant
            } else if counts[rule.id, default: 0] > 1 && descriptors.contains(where: { $0.id == rule.id }) {
                id += "/" + Self.slug(rule.title)
            }
            if descriptors.contains(where: { $0.id == id }) { id += "-\(descriptors.count + 1)" }
            descriptors.append(Descriptor(id: id, pattern: rule.id, title: rule.title, fullDescription: rule.explanation,
                                          helpText: rule.fix, helpMarkdown: Self.markdownEscaped(rule.fix),
                                          level: rule.thresholds.level(of: 1) ?? .info))
        }
        for finding in findings where index(pattern: finding.id, title: finding.title) == nil {
            let id = descriptors.contains { $0.id == finding.id } ? finding.id + "/" + Self.slug(finding.title) : finding.id
            descriptors.append(Descriptor(id: id, pattern: finding.id, title: finding.title, fullDescription: finding.explanation,
                                          helpText: finding.fix, helpMarkdown: Self.markdownEscaped(finding.fix), level: .critical))
        }
    }

    /// The descriptor of the rule with this pattern id and title.
    public func index(pattern: String, title: String) -> Int? {
        descriptors.firstIndex { $0.pattern == pattern && $0.title == title }
    }

    public func index(of finding: Finding) -> Int { index(pattern: finding.id, title: finding.title) ?? 0 }

    /// Lowercase letters and digits, every other run of characters one hyphen.
    static func slug(_ title: String) -> String {
        var out = ""
        for scalar in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "rule" : out
    }

    static func markdownEscaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>#|".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
