import Analysis
import FlameGraph
import Findings
import Pipeline
import Pprof

/// What `proflens compare` prints: each side's total and the change, the functions (or lines,
/// files, ... at pprof's other granularities) that changed most (the deltas
/// `go tool pprof -top -diff_base` prints), and how each finding fared.
public struct CompareReport: Sendable {
    public let comparison: ProfileComparison
    public let findings: FindingsDiff
    public let baseNames: [String]
    public let newNames: [String]
    /// Rows shown (0: every function with a change).
    public let nodeCount: Int
    /// The unit the table and the totals print values in: one pprof knows ("ms", "MB", ...,
    /// as -unit takes them), or "auto", each value in its own.
    public let unit: String
    /// Text output: the findings' status painted for a terminal.
    public let color: Bool
    /// For heap profiles: in-use growth per owner.
    public let heapGrowth: HeapGrowthReport?
    /// The rules the findings come from (SARIF lists them).
    public let rules: RuleSet
    /// Where the culprits' source is (SARIF names files relative to its root).
    public let locator: SourceLocator?
    /// Source files the findings' culprits are in that were not found.
    public let missingSourceFiles: [String]

    /// `findings`: how each finding fared, from `rules` (see `PreparedComparison.findingsDiff`).
    /// The table's rows are what `granularity` says, its values in `unit` (pprof's -unit:
    /// "auto", the default, gives each value its own unit; "minimum" one for the table, chosen
    /// as pprof chooses it); the findings and heap growth read functions whatever they say.
    /// How many changed rows `compare` shows unless told (`--nodecount`): the largest changes.
    public static let defaultNodeCount = 20

    public init(_ prepared: PreparedComparison, findings: FindingsDiff, baseNames: [String], newNames: [String],
                nodeCount: Int = defaultNodeCount, granularity: RowGranularity = RowGranularity(), unit: String = "auto", color: Bool = false,
                rules: RuleSet = .builtin, locator: SourceLocator? = nil, missingSourceFiles: [String] = []) {
        comparison = ProfileComparison(base: prepared.base.profile, baseFrames: granularity.frames(of: prepared.base),
                                       new: prepared.new.profile, newFrames: granularity.frames(of: prepared.new), sampleIndex: prepared.sampleIndex,
                                       baseTotal: prepared.base.total, newTotal: prepared.new.total)
        self.unit = unit == "minimum" ? Self.tableUnit(comparison, Self.shownRows(comparison, nodeCount)) : unit
        self.findings = findings
        heapGrowth = HeapGrowthReport(earlier: prepared.base, later: prepared.new)
        self.baseNames = baseNames
        self.newNames = newNames
        self.nodeCount = nodeCount
        self.color = color
        self.rules = rules
        self.locator = locator
        self.missingSourceFiles = missingSourceFiles
    }

    var rows: [ProfileComparison.Row] { Self.shownRows(comparison, nodeCount) }

    /// The rows a table of `nodeCount` rows shows (0: all).
    static func shownRows(_ comparison: ProfileComparison, _ nodeCount: Int) -> [ProfileComparison.Row] {
        nodeCount == 0 ? comparison.rows : Array(comparison.rows.prefix(nodeCount))
    }

    /// pprof's -unit=minimum for this table: readable for its smallest value, no coarser than
    /// the larger total needs (report.selectOutputUnit, over every value shown).
    static func tableUnit(_ comparison: ProfileComparison, _ shown: [ProfileComparison.Row]) -> String {
        let values = shown.flatMap { [$0.flat.base, $0.flat.new, $0.flat.delta, $0.cum.base, $0.cum.new, $0.cum.delta] }
        let smallest = values.lazy.filter { $0 != 0 }.map { $0.magnitude }.min().map { Int64(clamping: $0) } ?? 0
        let largest = max(Int64(clamping: comparison.baseTotal.magnitude), Int64(clamping: comparison.newTotal.magnitude))
        return Measurement.outputUnit(sampleUnit: comparison.sampleType.unit, minValue: smallest, maxValue: largest)
    }

    /// A value in the table's unit ("1.76s", "482.80MB", "190").
    func label(_ value: Int64) -> String {
        Measurement.scaledLabel(value, from: comparison.sampleType.unit, to: unit)
    }

    /// A change in the table's unit, with its sign ("+670ms").
    func signedLabel(_ value: Int64) -> String {
        value > 0 ? "+" + label(value) : label(value)
    }

    public func render(_ format: ReportFormat) -> [UInt8] {
        switch format {
        case .text: return Array(text().utf8)
        case .json: return json()
        case .sarif: return sarif.render()
        }
    }

    /// The new and worse findings for code scanning.
    public var sarif: SARIFReport { SARIFReport(diff: findings, rules: rules, paths: SARIFPaths(locator: locator)) }

    func text() -> String {
        func value(_ v: Int64) -> String { label(v) }
        func signed(_ v: Int64) -> String { signedLabel(v) }
        func relative(_ r: Double?) -> String {
            guard let r else { return "new" }
            return (r > 0 ? "+" : "") + String((r * 1000).rounded() / 10) + "%"
        }
        // Nothing on either side (a function whose cum alone changed has no flat) is no
        // change, not a new function.
        func relativeChange(_ values: ProfileComparison.Values) -> String {
            values.base == 0 && values.new == 0 ? "-" : relative(values.relative)
        }
        // Every column starts with a space, so a wide value never runs into its neighbour.
        func pad(_ text: String, _ width: Int) -> String { " " + text.leftPadded(to: width - 1) }
        func names(_ list: [String]) -> String { TerminalText.clean(list.joined(separator: " + ")) }
        var out = "Base: \(names(baseNames)): \(value(comparison.baseTotal)) \(TerminalText.clean(comparison.sampleType.type))\n"
        let change = comparison.newTotal - comparison.baseTotal
        let changeRelative: Double? = comparison.baseTotal == 0 ? nil : Double(change) / Double(comparison.baseTotal)
        out += "New:  \(names(newNames)): \(value(comparison.newTotal)) (\(signed(change)), \(relative(changeRelative)))\n\n"
        out += pad("flat base", 11) + pad("new", 11) + pad("delta", 11) + pad("delta%", 9) + "  "
            + pad("cum base", 11) + pad("new", 11) + pad("delta", 11) + pad("delta%", 9) + "  name\n"
        let shown = rows
        for row in shown {
            out += pad(value(row.flat.base), 11) + pad(value(row.flat.new), 11) + pad(signed(row.flat.delta), 11) + pad(relativeChange(row.flat), 9) + "  "
                + pad(value(row.cum.base), 11) + pad(value(row.cum.new), 11) + pad(signed(row.cum.delta), 11) + pad(relativeChange(row.cum), 9)
                + "  " + TerminalText.clean(row.name) + "\n"
        }
        if shown.count < comparison.rows.count {
            out += "(\(comparison.rows.count - shown.count) more changed \(comparison.granularity.rowNoun); --nodecount 0 shows all)\n"
        }
        if let heapGrowth { out += "\n" + heapGrowth.text() }
        out += "\nFindings:\n"
        if findings.entries.isEmpty { out += "  none in either profile\n" }
        for entry in findings.entries {
            func describe(_ f: Finding?) -> String { f.map { "\($0.level.name) \(FindingsReport.percent($0.share))" } ?? "none" }
            let status = entry.status.rawValue.uppercased()
            let title = (entry.new ?? entry.base)?.title ?? ""
            let painted = color ? "\u{1B}[1;\(entry.status == .fixed ? "32" : entry.worsened ? "31" : "33")m\(status)\u{1B}[0m" : status
            out += "  \(painted) \(TerminalText.clean(entry.id)) \(TerminalText.clean(title)): \(describe(entry.base)) -> \(describe(entry.new))"
                + "\(entry.worsened && entry.status == .persisting ? " (worse)" : "")\n"
        }
        if !missingSourceFiles.isEmpty {
            let files = missingSourceFiles.map(TerminalText.clean).joined(separator: ", ")
            out += "\nSource not found (--source-path, --trim-path): \(files)\n"
        }
        return out
    }

    func json() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.strings("base", baseNames)
        json.strings("new", newNames)
        json.object("sampleType") { json in
            json.field("type", comparison.sampleType.type)
            json.field("unit", comparison.sampleType.unit)
        }
        // The values are raw, in the sample type's unit, whatever unit the text prints.
        json.field("granularity", comparison.granularity.optionName)
        json.field("textUnit", unit)
        writeValues(&json, "total", .init(base: comparison.baseTotal, new: comparison.newTotal))
        json.objects("rows", rows) { json, row in
            json.field("name", row.name)
            writeValues(&json, "flat", row.flat)
            writeValues(&json, "cum", row.cum)
        }
        heapGrowth?.writeJSON(&json)
        json.objects("findings", findings.entries) { json, entry in
            json.field("id", entry.id)
            json.field("status", entry.status.rawValue)
            json.field("worsened", entry.worsened)
            for (key, finding) in [("before", entry.base), ("after", entry.new)] {
                guard let finding else {
                    json.key(key)
                    json.null()
                    continue
                }
                json.object(key) { json in
                    json.field("level", finding.level.name)
                    json.field("share", finding.share)
                    json.field("value", finding.value)
                }
            }
        }
        json.strings("sourceNotFound", missingSourceFiles)
        json.endObject()
        return json.bytes
    }

    func writeValues(_ json: inout JSONWriter, _ name: String, _ values: ProfileComparison.Values) {
        json.object(name) { json in
            json.field("base", values.base)
            json.field("new", values.new)
            json.field("delta", values.delta)
        }
    }
}

extension CompareReport {
    /// The comparison with its findings (their culprits' source checked, as `analyze` checks
    /// it, when `locator` is given) and, when `flame` is given, its differential flame graph,
    /// and with `keepingStacks` the sorted stacks it was drawn from (for another drawing of the
    /// graph, the HTML report's; otherwise they go as soon as the graph is drawn). The graph's
    /// stacks are sorted first, on both cores; the graph is then drawn on one core while the
    /// findings and changed functions are worked out on the other.
    public static func withDifferentialGraph(_ prepared: PreparedComparison, rules: RuleSet, baseNames: [String],
                                             newNames: [String], nodeCount: Int = defaultNodeCount, granularity: RowGranularity = RowGranularity(),
                                             unit: String = "auto", color: Bool = false, locator: SourceLocator? = nil,
                                             flame: FlameOptions?, keepingStacks: Bool = false)
        -> (report: CompareReport, svg: [UInt8]?, stacks: SortedStacks?) {
        let stacks = flame.map { FlameReport.differentialStacks(prepared, $0) }
        let (report, svg) = Concurrently.both({
            let (findings, missing) = prepared.findingsDiffReportingMissingSources(rules: rules, locator: locator)
            return CompareReport(prepared, findings: findings, baseNames: baseNames, newNames: newNames, nodeCount: nodeCount,
                                 granularity: granularity, unit: unit, color: color, rules: rules, locator: locator, missingSourceFiles: missing)
        }, {
            flame.map { FlameReport.differentialSVG(prepared, stacks!, $0) }
        })
        return (report, svg, keepingStacks ? stacks : nil)
    }
}
