import Analysis
import Foundation
import GoSource
import Pprof

/// Adds to each finding its heaviest culprit's source, line by line with cost (the numbers
/// `go tool pprof -list` prints), and what the code there says about the pattern: confirmed
/// (the statement with the pattern's shape: where the rule says the source can tell, it counts as
/// the discriminating signal), contradicted (every function on the path read, and no such shape: lowers
/// it to info where the rule says so) or unknown (changes nothing). Missing source is normal:
/// the files not found are listed once, and their findings stay as they were, with `unknown`.
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
            defer {
                // The source was given: it is not evidence to collect (and the level may have changed).
                finding.keepConfirmSteps(notIn: [.source])
                annotated.append(finding)
            }
            guard let input = inputs.first(where: { $0.file == finding.file }),
                  let typeIndex = input.profile.sampleTypes.firstIndex(where: { $0.type == finding.sampleType }) else { continue }
            let rule = rules.rule(of: finding)
            let checked = rule?.checksSource ?? true
            let pattern = checked ? MapPattern(rawValue: finding.id) : nil
            // The heaviest culprit's path down to the matched frame, then the next culprits
            // (where values are kept alive is not always where they were allocated).
            var readings: [Reading] = []
            var shown = false
            for (rank, function) in functionsToRead(finding).enumerated() {
                let culprit = Finding.Culprit(name: function.name, location: function.location, value: 0, share: 0)
                guard let (source, file) = listing(of: culprit, input: input, typeIndex: typeIndex, locator: locator) else {
                    readings.append(Reading(name: function.name, onPath: function.onPath, evidence: nil))
                    continue
                }
                guard let source else {
                    if !missing.contains(file) { missing.append(file) }
                    readings.append(Reading(name: function.name, onPath: function.onPath, evidence: nil))
                    continue
                }
                if !shown && (rank == 0 || function.name == finding.culprits.first?.name) {
                    finding.source = source
                    shown = true
                }
                let evidence = pattern.flatMap { shapeEvidence($0, source, finding) }
                readings.append(Reading(name: function.name, onPath: function.onPath, evidence: evidence))
            }
            guard pattern != nil, !finding.culprits.isEmpty else { continue }
            let verdict = verdict(readings)
            finding.sourceEvidence = verdict
            switch verdict.status {
            case .confirmed where rule?.sourceRaises == true:
                // The shape in the source tells the pattern from its look-alike: it counts as
                // the discriminating signal (the share's level, a confirming signal on top).
                let shape = Signal(name: "sourceShape", role: .discriminates, seen: true, detail: verdict.reason)
                // A rule that names the source as a signal gets it seen in its place.
                finding.signals.removeAll { $0.name == shape.name }
                finding.signals.append(shape)
                finding.level = max(finding.level, Classifier.level(share: finding.shareLevel, signals: finding.signals, hasCulprit: true))
            case .contradicted where rule?.sourceLowers == true:
                finding.level = .info
            case .contradicted:
                // A check that cannot rule the pattern out says what it saw, and changes nothing.
                finding.sourceEvidence = SourceEvidence(status: .unknown, file: verdict.file, line: verdict.line, statement: verdict.statement,
                                                        reason: verdict.reason + "; the profile's evidence stands")
            default:
                break
            }
            // Heap findings charge the allocator; the code to fix is where the values are kept
            // (AP3) or where the map is emptied and not re-made (AP4's held table).
            if verdict.status == .confirmed, pattern == .ap3 || (pattern == .ap4 && rule?.culprit == .allocator) {
                nameKeeper(verdict, in: &finding)
            }
        }
        return Result(findings: Classifier.ordered(Classifier.withoutYielded(annotated, rules: rules)), missingFiles: missing)
    }

    /// AP3's culprit is the code that keeps the values, not the code that allocates them (and a
    /// held AP4 table's, the code that empties the map without re-making it): when the
    /// confirming statement is in another function, that function leads the culprits, for what
    /// the first one allocates.
    static func nameKeeper(_ evidence: SourceEvidence, in finding: inout Finding) {
        guard let keeper = evidence.function, let first = finding.culprits.first, keeper != first.name else { return }
        // Named as the profile names the first culprit's file: a package is one directory.
        let file = evidence.file.map { file -> String in
            guard let sibling = first.location.map({ String($0.prefix { $0 != ":" }) }), sibling.contains("/") else { return file }
            return (sibling as NSString).deletingLastPathComponent + "/" + (file as NSString).lastPathComponent
        }
        let location = file.map { file in evidence.line.map { "\(file):\($0)" } ?? file }
        finding.culprits.removeAll { $0.name == keeper }
        finding.culprits.insert(Finding.Culprit(name: keeper, location: location, value: first.value, share: first.share, keeps: first.name), at: 0)
    }

    /// A function read for a finding: on the heaviest culprit's path (culprit down to the
    /// matched frame), or another culprit.
    struct FunctionToRead {
        var name: String
        var location: String?
        var onPath: Bool
    }

    struct Reading {
        var name: String? = nil
        var onPath: Bool
        /// nil: the source was not found.
        var evidence: SourceEvidence?
    }

    /// The heaviest culprit and the user functions below it on the example stack down to the
    /// first runtime or library frame (the path to the map operation), then the next culprits.
    static func functionsToRead(_ finding: Finding) -> [FunctionToRead] {
        guard let top = finding.culprits.first else { return [] }
        var functions = [FunctionToRead(name: top.name, location: top.location, onPath: true)]
        if let position = finding.exampleStack.lastIndex(of: top.name) {
            for name in finding.exampleStack[(position + 1)...] {
                guard FrameOrigin(functionName: name) == .user else { break }
                if !functions.contains(where: { $0.name == name }) { functions.append(FunctionToRead(name: name, location: nil, onPath: true)) }
            }
        }
        for culprit in finding.culprits.dropFirst().prefix(2) where !functions.contains(where: { $0.name == culprit.name }) {
            functions.append(FunctionToRead(name: culprit.name, location: culprit.location, onPath: false))
        }
        return functions
    }

    /// Confirmed when any function read has the shape; contradicted only when every function
    /// on the path was read and none can have it; unknown otherwise.
    static func verdict(_ readings: [Reading]) -> SourceEvidence {
        if let confirmed = readings.compactMap(\.evidence).first(where: { $0.status == .confirmed }) { return confirmed }
        let path = readings.filter(\.onPath)
        if path.contains(where: { $0.evidence == nil }) {
            let read = readings.compactMap(\.evidence).first
            let reason = read.map { "not every function on the path was found in the source; \($0.reason)" } ?? "the source was not found"
            return SourceEvidence(status: .unknown, file: read?.file, line: read?.line, statement: read?.statement, reason: reason)
        }
        if let unknown = readings.compactMap(\.evidence).first(where: { $0.status == .unknown }) { return unknown }
        let first = path.first!.evidence!
        guard path.count > 1 else { return first }
        // The checks follow one call, to a method of the culprit's own type.
        let names = readings.prefix(path.count).compactMap(\.name)
        guard path.count == 2, names.count == 2, let type = Classifier.receiverType(names[0]), Classifier.receiverType(names[1]) == type else {
            return SourceEvidence(status: .unknown, file: first.file, line: first.line, statement: first.statement,
                                  reason: "\(first.reason); but the map operation is reached through \(path.count - 1) more call\(path.count == 2 ? "" : "s"), which the check does not follow")
        }
        return SourceEvidence(status: .contradicted, file: first.file, line: first.line, statement: first.statement,
                              reason: first.reason + " (and the \(path.count - 1) function\(path.count == 2 ? "" : "s") it calls on the way)")
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
        let siblings = packageSiblings(of: source.path)
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
        return SourceEvidence(status: status, file: fileName, line: result.line, statement: result.statement, reason: result.reason,
                              function: result.holder ?? source.function)
    }

    /// The other Go files of the package of the file at `path` (its directory; tests left
    /// out, at most 200 files of at most 4 MB), for types, methods and callers.
    public static func packageSiblings(of path: String) -> [GoFile] {
        let directory = (path as NSString).deletingLastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            .filter { $0.hasSuffix(".go") && !$0.hasSuffix("_test.go") && directory + "/" + $0 != path }
            .prefix(200)
            .compactMap { name -> GoFile? in
                let sibling = directory + "/" + name
                guard let data = FileManager.default.contents(atPath: sibling), data.count <= 4 << 20 else { return nil }
                return GoFile(path: sibling, source: Array(data))
            }
    }

    /// Hot lines: those that carry at least a tenth of the function's cumulative cost.
    static func listing(_ routine: ListReport.Routine, path: String) -> SourceListing {
        let threshold = max(routine.cum / 10, 1)
        return SourceListing(
            function: routine.function, file: routine.file, path: path, startLine: routine.startLine,
            lines: routine.lines.map { SourceListing.Line(line: $0.number, text: $0.text, flat: $0.flat, cum: $0.cum, hot: $0.cum >= threshold) })
    }
}
