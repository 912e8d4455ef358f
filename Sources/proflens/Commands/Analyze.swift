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

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
    }

    func run() throws {
        var text: [UInt8] = []
        var json = JSONWriter()
        if format == .json {
            json.beginObject()
            json.key("profiles")
            json.beginArray()
        }
        for (position, file) in files.enumerated() {
            let profile = try Loading.profile(file, input)
            let top = try TopCommandSupport.report(profile: profile, file: file, options: report, filters: filters)
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
        if format == .json {
            json.endArray()
            json.endObject()
            text = json.bytes
        }
        try Output.write(text, to: "-")
    }
}
