import Analysis
import Findings
import Pipeline
import Pprof

/// What `proflens analyze` prints: per profile a summary and the top table (exactly as
/// `go tool pprof -top`), then the findings across all the profiles.
public struct AnalyzeReport: Sendable {
    public let profiles: [PreparedProfile]
    public let findings: [Finding]
    /// Each profile's top table (built beside the rules, for the row count asked for).
    public let tables: [TopReport]
    /// Text output: the findings' status painted for a terminal.
    public let color: Bool
    /// Text output: the verdict and the findings only, without the profiles' summaries and
    /// tables (which are then not built).
    public let findingsOnly: Bool
    /// Source files the findings' culprits are in that were not found.
    public let missingSourceFiles: [String]
    /// The rules the findings come from (SARIF lists them).
    public let rules: RuleSet
    /// Where the culprits' source is (SARIF names files relative to its root).
    public let locator: SourceLocator?
    /// Runs the rules over the profiles (evidence combined across them) and, when a locator is
    /// given, shows and checks the culprits' source. Each table is `go tool pprof -top`'s with
    /// `-nodecount` (0: all rows), a row per what `granularity` says, `-cum` and `-unit`: options of
    /// the tables alone, the findings read the profiles' functions.
    public init(profiles: [PreparedProfile], rules: RuleSet, locator: SourceLocator?, nodeCount: Int = 0,
                granularity: RowGranularity = RowGranularity(), sortByCum: Bool = false, unit: String = "minimum",
                findingsOnly: Bool = false, color: Bool = false) {
        // The tables are built on the other core while the rules run.
        let ((inputs, findings), tables) = Concurrently.both({
            let inputs = profiles.map(\.classifierInput)
            return (inputs, Classifier.findings(inputs, rules: rules))
        }, {
            findingsOnly ? [] : profiles.map { $0.topReport(nodeCount: nodeCount, sortByCum: sortByCum, unit: unit, frames: granularity.frames(of: $0)) }
        })
        self.findingsOnly = findingsOnly
        self.color = color
        self.profiles = profiles
        self.tables = tables
        self.rules = rules
        self.locator = locator
        if let locator {
            let annotated = SourceAnnotator.annotate(findings, inputs: inputs, locator: locator, rules: rules)
            self.findings = annotated.findings
            missingSourceFiles = annotated.missingFiles
        } else {
            self.findings = findings
            missingSourceFiles = []
        }
    }

    public func render(_ format: ReportFormat) -> [UInt8] {
        switch format {
        case .text: return text()
        case .json: return json()
        case .sarif: return sarif.render()
        }
    }

    /// The findings for code scanning.
    public var sarif: SARIFReport { SARIFReport(findings: findings, rules: rules, paths: SARIFPaths(locator: locator)) }

    /// The first line of the text output: the most severe finding, or that none reached warning.
    func verdict() -> String {
        let counts = Finding.Level.allCases.reversed().map { level in "\(findings.filter { $0.level == level }.count) \(level.name)" }
        guard let first = findings.first, first.level >= .warning else {
            let info = findings.isEmpty ? "no finding" : "\(findings.count) info finding\(findings.count == 1 ? "" : "s"), \(findingsOnly ? "below" : "at the end")"
            return "Verdict: no map anti-pattern at warning or above (\(info))"
        }
        let culprit = first.culprits.first.map { " in \($0.name)" } ?? ""
        return "Verdict: \(first.level.name.uppercased()) \(first.id) \(first.title)\(culprit) (findings: \(counts.joined(separator: ", ")); details \(findingsOnly ? "below" : "at the end"))"
    }

    func text() -> [UInt8] {
        var out: [UInt8] = Array((TerminalText.clean(verdict()) + "\n\n").utf8)
        for (position, prepared) in profiles.enumerated() where !findingsOnly {
            if position > 0 { out.append(contentsOf: "\n".utf8) }
            for line in summary(prepared).textLines() { out.append(contentsOf: (TerminalText.clean(line) + "\n").utf8) }
            out.append(contentsOf: "\n".utf8)
            // The table is pprof's, byte for byte (names as the profile has them).
            out.append(contentsOf: tables[position].text())
        }
        if !findingsOnly {
            if let growth = HeapGrowthReport(among: profiles) {
                out.append(contentsOf: "\n".utf8)
                out.append(contentsOf: growth.text().utf8)
            }
            out.append(contentsOf: "\n".utf8)
        }
        out.append(contentsOf: FindingsReport.text(findings, color: color).utf8)
        if !missingSourceFiles.isEmpty {
            let files = missingSourceFiles.map(TerminalText.clean).joined(separator: ", ")
            out.append(contentsOf: "\nSource not found (--source-path, --trim-path): \(files)\n".utf8)
        }
        return out
    }

    func json() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.objects("profiles", Array(profiles.indices)) { json, position in
            summary(profiles[position]).writeJSON(&json)
            tables[position].writeJSON(&json)
        }
        HeapGrowthReport(among: profiles)?.writeJSON(&json)
        json.strings("sourceNotFound", missingSourceFiles)
        FindingsReport.writeJSON(findings, &json)
        json.endObject()
        return json.bytes
    }

    func summary(_ prepared: PreparedProfile) -> ProfileSummary {
        ProfileSummary(file: prepared.name, profile: prepared.loaded, sampleIndex: prepared.sampleIndex, total: prepared.total)
    }
}
