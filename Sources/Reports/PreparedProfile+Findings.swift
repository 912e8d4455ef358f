import Analysis
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
    /// evidence (the earlier of two heap profiles, say), but not judged again. With a locator,
    /// each side's findings are checked against their culprits' source, as `analyze` checks
    /// its findings (`SourceAnnotator`): a confirmed shape can raise a finding, a contradicted
    /// one lower it.
    package func findingsDiff(rules: RuleSet, locator: SourceLocator? = nil) -> FindingsDiff {
        findingsDiffReportingMissingSources(rules: rules, locator: locator).findings
    }

    /// `findingsDiff`, and the source files of the culprits that were not found (none
    /// without `locator`).
    public func findingsDiffReportingMissingSources(rules: RuleSet, locator: SourceLocator?) -> (findings: FindingsDiff, missingFiles: [String]) {
        let baseInput = base.classifierInput, newInput = new.classifierInput
        var missing: [String] = []
        func checked(_ findings: [Finding], _ input: Classifier.Input) -> [Finding] {
            guard let locator else { return findings }
            let annotated = SourceAnnotator.annotate(findings, inputs: [input], locator: locator, rules: rules)
            for file in annotated.missingFiles where !missing.contains(file) { missing.append(file) }
            return annotated.findings
        }
        let diff = FindingsDiff(base: checked(Classifier.findings([baseInput], rules: rules), baseInput),
                                new: checked(Classifier.findings([newInput], evidence: [baseInput], rules: rules), newInput))
        return (diff, missing)
    }

    /// The findings of both sides, the new side's first (a differential graph shows what was
    /// fixed too; where both name a frame, the new side's finding names it).
    public func findingsOfBothSides(rules: RuleSet) -> [Finding] {
        new.findings(rules: rules) + base.findings(rules: rules)
    }
}
