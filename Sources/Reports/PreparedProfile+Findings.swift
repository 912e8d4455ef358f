import Findings
import Pipeline

extension PreparedProfile {
    /// The rules on this profile alone.
    public func findings(rules: RuleSet) -> [Finding] {
        Classifier.findings([classifierInput], rules: rules)
    }
}

extension PreparedComparison {
    /// How each pattern fared: the rules on the base, and on the new side with the base as
    /// evidence (the earlier of two heap profiles, say), but not judged again.
    public func findingsDiff(rules: RuleSet) -> FindingsDiff {
        let baseInput = base.classifierInput
        return FindingsDiff(base: Classifier.findings([baseInput], rules: rules),
                            new: Classifier.findings([new.classifierInput], evidence: [baseInput], rules: rules))
    }

    /// The findings of both sides, the new side's first (a differential graph shows what was
    /// fixed too; where both name a frame, the new side's finding names it).
    public func findingsOfBothSides(rules: RuleSet) -> [Finding] {
        new.findings(rules: rules) + base.findings(rules: rules)
    }
}
