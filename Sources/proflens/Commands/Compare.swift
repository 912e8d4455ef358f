import Analysis
import ArgumentParser
import FlameGraph
import Pprof

/// `proflens compare BASE NEW`: what grew, what shrank, which findings were fixed or appeared.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two profiles: changed functions (as go tool pprof -top -diff_base), findings fixed or new, a differential flame graph.",
        discussion: "BASE NEW, or --base FILE (repeatable) followed by the new profiles; several files on a side are merged, as pprof merges its sources.")

    @Argument(help: "BASE NEW, or only the new profiles when --base is given.")
    var files: [String]

    @Option(name: .customLong("base"), help: "A base profile (repeatable); then every argument is a new profile.")
    var bases: [String] = []

    @OptionGroup var input: InputOptions
    @OptionGroup var classifier: ClassifierOptions
    @OptionGroup var filterOptions: FilterOptions

    @Option(name: .customLong("sample-index"), help: "Sample type to compare, by name or number.")
    var sampleIndex: String?

    @Option(name: .customLong("nodecount"), help: "Rows to show (0: every function with a change).")
    var nodeCount: Int = 20

    @Flag(help: "Scale the new profile to the base's total first, as pprof's -normalize does.")
    var normalize = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "Also write a differential flame graph here.")
    var svg: String?

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal.")
    var noColor = false

    func validate() throws {
        if bases.isEmpty && files.count != 2 { throw ValidationError("name BASE and NEW, or use --base") }
        if !bases.isEmpty && files.isEmpty { throw ValidationError("name at least one new profile") }
        if nodeCount < 0 { throw ValidationError("--nodecount must be 0 or more") }
    }

    func run() throws {
        let baseFiles = bases.isEmpty ? [files[0]] : bases
        let newFiles = bases.isEmpty ? [files[1]] : files
        let diff = try Loading.diff(base: baseFiles, new: newFiles, input: input, normalize: normalize, filters: try filterOptions.filters())
        let index = try Loading.sampleIndex(sampleIndex, profile: diff.combined, file: newFiles.joined(separator: ", "))
        let comparison = ProfileComparison(diff, sampleIndex: index)
        let rules = try classifier.ruleSet()
        let findings = FindingsDiff(
            base: Classifier.findings([Classifier.Input(file: baseFiles.joined(separator: "+"), profile: diff.base)], rules: rules),
            new: Classifier.findings([Classifier.Input(file: newFiles.joined(separator: "+"), profile: diff.new)], rules: rules))
        let rows = nodeCount == 0 ? comparison.rows : Array(comparison.rows.prefix(nodeCount))

        if let svg {
            try Output.write(DifferentialFlame.svg(diff, sampleIndex: index, title: "Differential Flame Graph", subtitle: "\(baseFiles.joined(separator: "+")) → \(newFiles.joined(separator: "+"))"), to: svg)
        }
        switch format {
        case .text:
            try Output.write(Array(CompareReport.text(comparison, rows: rows, findings: findings, base: baseFiles, new: newFiles, color: !noColor && Output.isTerminal).utf8), to: "-")
        case .json:
            try Output.write(CompareReport.json(comparison, rows: rows, findings: findings, base: baseFiles, new: newFiles), to: "-")
        }
        if let threshold = classifier.failOn,
           findings.entries.contains(where: { $0.worsened && ($0.new?.level ?? .info) >= threshold }) {
            throw ExitCode(Failure.findings)
        }
    }
}

/// Differential flame graphs: frames sized by the larger of base and new, so vanished frames
/// stay visible; red where a frame grew, blue where it shrank.
enum DifferentialFlame {
    static func svg(_ diff: ProfileDiff, sampleIndex: Int, title: String, subtitle: String, colorblind: Bool = false, widthBy: FlameLayout.WidthBy = .max) -> [UInt8] {
        let base = StackFolder.fold(diff.base, sampleIndex: sampleIndex)
        let new = StackFolder.fold(diff.new, sampleIndex: sampleIndex)
        var layout = FlameLayout.Options()
        layout.widthBy = widthBy
        var options = FlameGraphSVG.Options()
        options.title = title
        options.subtitle = subtitle + " · red grew, blue shrank · width: \(widthBy.rawValue)"
        options.differential = true
        options.colorblindDiff = colorblind
        options.unit = diff.combined.sampleTypes[sampleIndex].unit
        return FlameGraph.svg(new, base: base, layout: layout, svg: options)
    }
}

extension FlameLayout.WidthBy: ExpressibleByArgument {}

enum CompareReport {
    static func text(_ comparison: ProfileComparison, rows: [ProfileComparison.Row], findings: FindingsDiff,
                     base: [String], new: [String], color: Bool) -> String {
        let unit = comparison.sampleType.unit
        func value(_ v: Int64) -> String { Measurement.label(v, unit: unit) }
        func signed(_ v: Int64) -> String { v > 0 ? "+" + value(v) : value(v) }
        func relative(_ r: Double?) -> String {
            guard let r else { return "new" }
            return (r > 0 ? "+" : "") + String((r * 1000).rounded() / 10) + "%"
        }
        func pad(_ text: String, _ width: Int) -> String { text.leftPadded(to: width) }
        var out = "Base: \(base.joined(separator: " + ")): \(value(comparison.baseTotal)) \(comparison.sampleType.type)\n"
        let change = comparison.newTotal - comparison.baseTotal
        let changeRelative: Double? = comparison.baseTotal == 0 ? nil : Double(change) / Double(comparison.baseTotal)
        out += "New:  \(new.joined(separator: " + ")): \(value(comparison.newTotal)) (\(signed(change)), \(relative(changeRelative)))\n\n"
        out += pad("flat base", 11) + pad("new", 11) + pad("delta", 11) + pad("delta%", 9) + "  "
            + pad("cum base", 11) + pad("new", 11) + pad("delta", 11) + pad("delta%", 9) + "  name\n"
        for row in rows {
            out += pad(value(row.flat.base), 11) + pad(value(row.flat.new), 11) + pad(signed(row.flat.delta), 11) + pad(relative(row.flat.relative), 9) + "  "
                + pad(value(row.cum.base), 11) + pad(value(row.cum.new), 11) + pad(signed(row.cum.delta), 11) + pad(relative(row.cum.relative), 9) + "  " + row.name + "\n"
        }
        if rows.count < comparison.rows.count { out += "(\(comparison.rows.count - rows.count) more changed functions; --nodecount 0 shows all)\n" }
        out += "\nFindings:\n"
        if findings.entries.isEmpty { out += "  none in either profile\n" }
        for entry in findings.entries {
            func describe(_ f: Finding?) -> String { f.map { "\($0.level.name) \(FindingsReport.percent($0.share))" } ?? "none" }
            let status = entry.status.rawValue.uppercased()
            let title = (entry.new ?? entry.base)?.title ?? ""
            let painted = color ? "\u{1B}[1;\(entry.status == .fixed ? "32" : entry.worsened ? "31" : "33")m\(status)\u{1B}[0m" : status
            out += "  \(painted) \(entry.id) \(title): \(describe(entry.base)) -> \(describe(entry.new))\(entry.worsened && entry.status == .persisting ? " (worse)" : "")\n"
        }
        return out
    }

    static func json(_ comparison: ProfileComparison, rows: [ProfileComparison.Row], findings: FindingsDiff, base: [String], new: [String]) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.strings("base", base)
        json.strings("new", new)
        json.object("sampleType") { json in
            json.field("type", comparison.sampleType.type)
            json.field("unit", comparison.sampleType.unit)
        }
        writeValues(&json, "total", .init(base: comparison.baseTotal, new: comparison.newTotal))
        json.objects("rows", rows) { json, row in
            json.field("name", row.name)
            writeValues(&json, "flat", row.flat)
            writeValues(&json, "cum", row.cum)
        }
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
        json.endObject()
        return json.bytes
    }

    static func writeValues(_ json: inout JSONWriter, _ name: String, _ values: ProfileComparison.Values) {
        json.object(name) { json in
            json.field("base", values.base)
            json.field("new", values.new)
            json.field("delta", values.delta)
        }
    }
}
