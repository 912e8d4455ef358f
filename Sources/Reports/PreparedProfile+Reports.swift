import Analysis
import Findings
import Pipeline
import Pprof

/// The pprof-exact reports and the classifier's input, read off a prepared profile.
extension PreparedProfile {
    /// `go tool pprof -top` (with `-nodecount`, `-cum`, `-unit`), percentages of the whole
    /// profile; a row per frame of `frames` (default: the prepared ones).
    public func topReport(nodeCount: Int = 0, sortByCum: Bool = false, unit: String = "minimum", frames: FrameTable? = nil) -> TopReport {
        var options = TopReport.Options()
        options.nodeCount = nodeCount
        options.sortByCum = sortByCum
        options.unit = unit
        options.activeFilters = filterLegend
        options.compatibility = compatibility
        return TopReport(profile: profile, sampleIndex: sampleIndex, options: options, totalOverride: total, frames: frames ?? self.frames)
    }

    /// `go tool pprof -traces`.
    package func tracesText() -> [UInt8] {
        TracesReport.text(profile: profile, sampleIndex: sampleIndex, total: total, compatibility: compatibility, frames: frames)
    }

    /// `go tool pprof -traces`, handed to `write` a piece at a time.
    public func writeTraces(unit: String = "minimum", to write: (UnsafeRawBufferPointer) throws -> Void) throws {
        try TracesReport.write(profile: profile, sampleIndex: sampleIndex, total: total, compatibility: compatibility, frames: frames,
                               unit: unit, to: write)
    }

    /// The folded stacks of the chosen sample type (for a flame graph, not `merging` those
    /// with the same frames where that changes nothing: its tree merges them).
    public func foldedStacks(merging: Bool = true) -> FoldedStacks {
        StackFolder.fold(profile, sampleIndex: sampleIndex, frames: frames, merging: merging)
    }

    /// What the rules read: the same samples the reports show, shares of the whole profile.
    public var classifierInput: Classifier.Input {
        Classifier.Input(file: name, profile: profile, frames: frames, totals: totals)
    }
}

extension PreparedProfile {
    /// `go tool pprof -list REGEX`: annotated source of the functions whose names match.
    public func listReport(matching pattern: GoRegex, locator: SourceLocator) -> ListReport {
        ListReport(profile: profile, sampleIndex: sampleIndex, matching: pattern.matches, total: total, locator: locator)
    }
}
