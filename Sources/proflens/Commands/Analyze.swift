import Analysis
import ArgumentParser
import Pprof

/// `proflens analyze FILE...`: a summary, the top table and (later) findings per profile.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a profile and print its top functions, as go tool pprof -top counts them.")

    @Argument(help: "One or more pprof profiles (gzip-compressed or raw protobuf).")
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var filters: FilterOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var classifier: ClassifierOptions

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal.")
    var noColor = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        let rules = try classifier.ruleSet()
        var inputs: [Classifier.Input] = []
        var text: [UInt8] = []
        var json = JSONWriter()
        if format == .json {
            json.beginObject()
            json.key("profiles")
            json.beginArray()
        }
        for (position, file) in files.enumerated() {
            let profile = try Loading.profile(file, input)
            // One frame table serves the table and the classifier.
            let prepared = profile.applyingDropFrames()
            let frames = FrameTable(profile: prepared)
            let top = try TopCommandSupport.report(profile: prepared, file: file, options: report, filters: filters, frames: frames)
            inputs.append(Classifier.Input(file: file, profile: prepared, frames: frames))
            let summary = ProfileSummary(file: file, profile: profile, sampleIndex: top.sampleIndex, total: top.total)
            switch format {
            case .text:
                if position > 0 { text.append(contentsOf: "\n".utf8) }
                for line in summary.textLines() { text.append(contentsOf: ProfileText.rawBytes(line + "\n")) }
                text.append(contentsOf: "\n".utf8)
                text.append(contentsOf: top.text())
            case .json:
                json.beginObject()
                summary.writeJSON(&json)
                top.writeJSON(&json)
                json.endObject()
            }
        }
        let findings = Classifier.findings(inputs, rules: rules)
        if format == .json {
            json.endArray()
            FindingsReport.writeJSON(findings, &json)
            json.endObject()
            text = json.bytes
        } else {
            text.append(contentsOf: "\n".utf8)
            text.append(contentsOf: ProfileText.rawBytes(FindingsReport.text(findings, color: !noColor && Output.isTerminal)))
        }
        try Output.write(text, to: "-")
        if let threshold = classifier.failOn, findings.contains(where: { $0.level >= threshold }) {
            throw ExitCode(Failure.findings)
        }
    }
}
