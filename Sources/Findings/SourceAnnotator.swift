import Analysis
import Foundation
import GoSource
import Pprof

/// Adds to each finding its heaviest culprit's source, line by line with cost (the numbers
/// `go tool pprof -list` prints), and what the code there says about the pattern: confirmed
/// (the statement with the pattern's shape), contradicted (no such shape: the finding is
/// lowered one level) or unknown. Missing source is normal: the files not found are listed
/// once, and their findings stay as they were, with `unknown`.
public enum SourceAnnotator {
    public struct Result: Sendable {
        public var findings: [Finding]
        /// Files the profiles name that were not found (each once).
        public var missingFiles: [String]
    }

    public static func annotate(_ findings: [Finding], inputs: [Classifier.Input], locator: SourceLocator, rules: RuleSet = .builtin) -> Result {
        var missing: [String] = []
        var annotated: [Finding] = []
        for var finding in findings {
            defer { annotated.append(finding) }
            guard let input = inputs.first(where: { $0.file == finding.file }),
                  let typeIndex = input.profile.sampleTypes.firstIndex(where: { $0.type == finding.sampleType }) else { continue }
            let checked = rules.rules.filter { $0.id == finding.id && $0.title == finding.title }.allSatisfy { $0.checksSource ?? true }
            let pattern = checked ? MapPattern(rawValue: finding.id) : nil
            // The heaviest culprits' sources: the first is shown; the pattern is looked for in
            // each (where values are kept alive is not always where they were allocated).
            var evidence: [SourceEvidence] = []
            for (rank, culprit) in finding.culprits.prefix(3).enumerated() {
                guard let (source, file) = listing(of: culprit, input: input, typeIndex: typeIndex, locator: locator) else { continue }
                guard let source else {
                    if !missing.contains(file) { missing.append(file) }
                    continue
                }
                if rank == 0 { finding.source = source }
                if let pattern, let result = shapeEvidence(pattern, source, finding) { evidence.append(result) }
            }
            if let chosen = evidence.first(where: { $0.status == .confirmed }) ?? evidence.first {
                finding.sourceEvidence = chosen
                if chosen.status == .contradicted, let lower = Finding.Level(rawValue: finding.level.rawValue - 1) {
                    finding.level = lower
                }
            } else if pattern != nil && finding.source == nil && !finding.culprits.isEmpty {
                finding.sourceEvidence = SourceEvidence(status: .unknown, reason: "the source was not found")
            }
        }
        return Result(findings: annotated, missingFiles: missing)
    }

    /// A culprit's listing: nil when the profile has no source line for it; (nil, file) when
    /// its file was not found.
    static func listing(of culprit: Finding.Culprit, input: Classifier.Input, typeIndex: Int, locator: SourceLocator) -> (SourceListing?, String)? {
        let report = ListReport(profile: input.profile, sampleIndex: typeIndex, matching: { $0 == culprit.name },
                                total: input.totals[typeIndex], locator: locator)
        // The file the culprit's heaviest call site is in, else its first.
        let siteFile = culprit.location.map { String($0.prefix { $0 != ":" }) }
        guard let routine = report.routines.first(where: { siteFile == nil || $0.file == locator.displayName(siteFile!) })
                ?? report.routines.first else { return nil }
        guard routine.sourceFound, let path = locator.locate(routine.file) else { return (nil, routine.file) }
        return (listing(routine, path: path), routine.file)
    }

    /// The shape check of `pattern` at the culprit, over the lines that cost, with the other Go
    /// files of its package (its directory) for types, methods and callers.
    static func shapeEvidence(_ pattern: MapPattern, _ source: SourceListing, _ finding: Finding) -> SourceEvidence? {
        guard let bytes = FileManager.default.contents(atPath: source.path) else { return nil }
        let file = GoFile(path: source.path, source: Array(bytes))
        let directory = (source.path as NSString).deletingLastPathComponent
        let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            .filter { $0.hasSuffix(".go") && !$0.hasSuffix("_test.go") && directory + "/" + $0 != source.path }
            .prefix(200)
            .compactMap { name -> GoFile? in
                let path = directory + "/" + name
                guard let data = FileManager.default.contents(atPath: path), data.count <= 4 << 20 else { return nil }
                return GoFile(path: path, source: Array(data))
            }
        let hot = source.lines.filter { $0.cum > 0 }.map { HotLine(line: Int($0.line), cost: $0.cum) }
        let result = ShapeChecker(file: file, package: Array(siblings)).check(pattern, function: source.function, hotLines: hot)
        let status: SourceEvidence.Status
        switch result.status {
        case .confirmed: status = .confirmed
        case .contradicted: status = .contradicted
        case .unknown: status = .unknown
        }
        // The file as the profile names it, the line in it.
        let fileName = result.file == source.path ? source.file : result.file
        return SourceEvidence(status: status, file: fileName, line: result.line, statement: result.statement, reason: result.reason)
    }

    /// Hot lines: those that carry at least a tenth of the function's cumulative cost.
    static func listing(_ routine: ListReport.Routine, path: String) -> SourceListing {
        let threshold = max(routine.cum / 10, 1)
        return SourceListing(
            function: routine.function, file: routine.file, path: path, startLine: routine.startLine,
            lines: routine.lines.map { SourceListing.Line(line: $0.number, text: $0.text, flat: $0.flat, cum: $0.cum, hot: $0.cum >= threshold) })
    }
}
