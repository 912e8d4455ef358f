import Pprof

/// The report `go tool pprof -top` prints: header lines, a legend, and one row per function
/// with flat and cumulative values, in pprof's order and with pprof's node dropping.
public struct TopReport: Sendable {
    public struct Options: Sendable {
        /// Rows to show at most; 0 shows every row (the `-top` default).
        public var nodeCount = 0
        /// Frames whose |cum| is below this share of the total are dropped (pprof's
        /// -nodefraction).
        public var nodeFraction = 0.005
        /// Call edges lighter than this share are trimmed (pprof's -edgefraction); it decides
        /// which frames count as inlined.
        public var edgeFraction = 0.001
        /// Filters in effect, as pprof lists them ("focus=regex"), for the legend.
        public var activeFilters: [String] = []
        /// Which pprof's header to reproduce.
        public var compatibility = PprofCompatibility.current
        /// Rows by |cum| rather than |flat| (pprof's -cum).
        public var sortByCum = false
        /// pprof's -unit: "minimum" picks one unit for the table from its values, "auto" one
        /// per value; any other name is used as given (a unit of another kind, or none pprof
        /// knows, falls back to the kind's base unit).
        public var unit = "minimum"
        public init() {}
    }

    public struct Row: Sendable, Equatable {
        public var name: String
        /// "", "(inline)" or "(partial-inline)".
        public var inlineLabel: String
        public var flat: Int64
        public var cum: Int64
    }

    public var sampleType: ValueType
    public var sampleIndex: Int
    /// Sum of |value| over all samples.
    public var total: Int64
    /// The unit values are printed in ("ms", "MB", the sample unit, or as asked with -unit).
    public var outputUnit: String
    public var header: [String]
    public var legend: [String]
    public var rows: [Row]
    /// Frames in the graph before `nodeCount` cut it, and frames dropped by `nodeFraction`.
    public var shownOutOf: Int
    public var droppedNodes: Int
    /// What a row is (pprof's -functions, -lines, -files, -filefunctions, -addresses).
    public var granularity: FrameTable.Granularity
    /// Rows by |cum| (-cum) rather than |flat|.
    public var sortByCum: Bool

    /// `totalOverride`: the total of the unfiltered profile, when `profile` was filtered
    /// (pprof's percentages stay relative to the whole profile).
    public init(profile: Profile, sampleIndex: Int, options: Options = Options(), totalOverride: Int64? = nil, frames: FrameTable? = nil) {
        let frames = frames ?? FrameTable(profile: profile)
        let graph = CallGraph(profile: profile, frames: frames, sampleIndex: sampleIndex, totalOverride: totalOverride)
        self.init(profile: profile, graph: graph, options: options)
    }

    public init(profile: Profile, graph: CallGraph, options: Options) {
        let frames = graph.frames
        granularity = frames.granularity
        sortByCum = options.sortByCum
        sampleIndex = graph.sampleIndex
        sampleType = profile.sampleTypes[sampleIndex]
        total = graph.total

        // Nodes of the full graph, and the cut-off on cum (relative to the sum of flat values).
        var present: [Int] = []
        var flatSum: Int64 = 0
        for frame in 0..<frames.count where graph.flat[frame] != 0 || graph.cum[frame] != 0 {
            present.append(frame)
            flatSum &+= graph.flat[frame]
        }
        let cutoff = abs(Int64(Double(flatSum) * options.nodeFraction))
        var kept = present
        if cutoff > 0 { kept = present.filter { abs(graph.cum[$0]) >= cutoff } }
        droppedNodes = present.count - kept.count
        shownOutOf = kept.count

        // pprof's order: |flat| descending, then name, then |cum| descending (with -cum, |cum|
        // then name then |flat|).
        let byCum = options.sortByCum
        kept.sort { a, b in
            let flatA = abs(graph.flat[a]), flatB = abs(graph.flat[b])
            let cumA = abs(graph.cum[a]), cumB = abs(graph.cum[b])
            if byCum ? cumA != cumB : flatA != flatB { return byCum ? cumA > cumB : flatA > flatB }
            let nameA = frames.names[a], nameB = frames.names[b]
            if nameA != nameB { return nameA.utf8.lexicographicallyPrecedes(nameB.utf8) }
            if byCum ? flatA != flatB : cumA != cumB { return byCum ? flatA > flatB : cumA > cumB }
            return frames.tieBreakKey(a).utf8.lexicographicallyPrecedes(frames.tieBreakKey(b).utf8)
        }
        if options.nodeCount > 0 && kept.count > options.nodeCount {
            kept.removeLast(kept.count - options.nodeCount)
        }

        var keptMask = [Bool](repeating: false, count: frames.count)
        for frame in kept { keptMask[frame] = true }
        let edgeCutoff = abs(Int64(Double(flatSum) * options.edgeFraction))
        let inlineLabels = graph.inlineLabels(profile: profile, kept: keptMask, edgeCutoff: edgeCutoff)
        rows = kept.map { Row(name: frames.names[$0], inlineLabel: inlineLabels[$0], flat: graph.flat[$0], cum: graph.cum[$0]) }

        // The unit: readable for the smallest row, and no coarser than the total needs (unless
        // -unit names one: pprof then skips the choice).
        var minValue: Int64 = 0
        for row in rows {
            var value = abs(row.flat)
            if value == 0 { value = abs(row.cum) }
            if value > 0 && (minValue == 0 || value < minValue) { minValue = value }
        }
        // With no row left (a filter matched nothing), pprof scales the total by itself.
        if rows.isEmpty { minValue = abs(total) }
        if options.unit != "minimum" {
            outputUnit = options.unit
        } else {
            outputUnit = minValue == 0
                ? sampleType.unit
                : Measurement.outputUnit(sampleUnit: sampleType.unit, minValue: minValue, maxValue: total)
        }

        header = []
        legend = []
        header = ReportHeader.lines(profile: profile, sampleType: sampleType, total: total, compatibility: options.compatibility, format: format)
        if !options.activeFilters.isEmpty {
            legend.append("Active filters:")
            for filter in options.activeFilters {
                legend.append("   " + (filter.unicodeScalars.count > 80 ? String(String.UnicodeScalarView(filter.unicodeScalars.prefix(80))) + "…" : filter))
            }
        }
        let shownFlat = rows.reduce(Int64(0)) { $0 &+ $1.flat }
        legend.append("Showing nodes accounting for \(format(shownFlat)), \(Measurement.percentage(shownFlat, of: total).trimmingSpaces) of \(format(total)) total")
        if total != 0 {
            if droppedNodes > 0 {
                let threshold = format(abs(Int64(Double(total) * options.nodeFraction)))
                legend.append("Dropped \(droppedNodes) \(droppedNodes > 1 ? "nodes" : "node") (cum <= \(threshold))")
            }
            if rows.count > 0 && rows.count < shownOutOf {
                legend.append("Showing top \(rows.count) nodes out of \(shownOutOf)")
            }
        }
    }

    /// A value in the report's unit, as pprof prints it.
    public func format(_ value: Int64) -> String {
        Measurement.scaledLabel(value, from: sampleType.unit, to: outputUnit)
    }

    /// The text `go tool pprof -top` prints, byte for byte.
    public func text() -> [UInt8] {
        var out: [UInt8] = []
        func line(_ text: String) {
            out.append(contentsOf: ProfileText.rawBytes(text))
            out.append(UInt8(ascii: "\n"))
        }
        for text in header + legend { line(text) }
        line("      flat  flat%   sum%        cum   cum%")
        var running: Int64 = 0
        for row in rows {
            running &+= row.flat
            let suffix = row.inlineLabel.isEmpty ? "" : " " + row.inlineLabel
            line(format(row.flat).leftPadded(to: 10) + " " + Measurement.percentage(row.flat, of: total) + " "
                 + Measurement.percentage(running, of: total) + " " + format(row.cum).leftPadded(to: 10) + " "
                 + Measurement.percentage(row.cum, of: total) + "  " + row.name + suffix)
        }
        return out
    }

}

extension String {
    /// Right-aligned in `width` columns (counting Unicode scalars, as Go's %10s counts runes).
    public func leftPadded(to width: Int) -> String {
        let count = unicodeScalars.count
        return count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
