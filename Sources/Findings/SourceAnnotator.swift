import Analysis
import Pprof

/// Adds to each finding its heaviest culprit's source, line by line with cost (the numbers
/// `go tool pprof -list` prints), when the source is found. Missing source is normal: the
/// files not found are listed once.
public enum SourceAnnotator {
    public struct Result: Sendable {
        public var findings: [Finding]
        /// Files the profiles name that were not found (each once).
        public var missingFiles: [String]
    }

    public static func annotate(_ findings: [Finding], inputs: [Classifier.Input], locator: SourceLocator) -> Result {
        var missing: [String] = []
        var annotated: [Finding] = []
        for var finding in findings {
            defer { annotated.append(finding) }
            guard let culprit = finding.culprits.first,
                  let input = inputs.first(where: { $0.file == finding.file }),
                  let typeIndex = input.profile.sampleTypes.firstIndex(where: { $0.type == finding.sampleType }) else { continue }
            let report = ListReport(profile: input.profile, sampleIndex: typeIndex, matching: { $0 == culprit.name },
                                    total: input.totals[typeIndex], locator: locator)
            // The file the culprit's heaviest call site is in, else its first.
            let siteFile = culprit.location.map { String($0.prefix { $0 != ":" }) }
            guard let routine = report.routines.first(where: { siteFile == nil || $0.file == locator.displayName(siteFile!) })
                    ?? report.routines.first else { continue }
            guard routine.sourceFound, let path = locator.locate(routine.file) else {
                if !missing.contains(routine.file) { missing.append(routine.file) }
                continue
            }
            finding.source = listing(routine, path: path)
        }
        return Result(findings: annotated, missingFiles: missing)
    }

    /// Hot lines: those that carry at least a tenth of the function's cumulative cost.
    static func listing(_ routine: ListReport.Routine, path: String) -> SourceListing {
        let threshold = max(routine.cum / 10, 1)
        return SourceListing(
            function: routine.function, file: routine.file, path: path, startLine: routine.startLine,
            lines: routine.lines.map { SourceListing.Line(line: $0.number, text: $0.text, flat: $0.flat, cum: $0.cum, hot: $0.cum >= threshold) })
    }
}
