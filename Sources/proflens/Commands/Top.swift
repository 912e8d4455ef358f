import Analysis
import ArgumentParser
import Pprof

/// Exactly what `go tool pprof -top` prints, for diffing against the reference tool.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the top table exactly as `go tool pprof -top` does.")

    @Argument(help: "A pprof profile (gzip-compressed or raw protobuf).")
    var file: String

    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions

    func run() throws {
        let profile = try Loading.profile(file, input)
        let top = try TopCommandSupport.report(profile: profile, file: file, options: report)
        try Output.write(top.text(), to: "-")
    }
}

enum TopCommandSupport {
    static func report(profile: Profile, file: String, options: ReportOptions) throws -> TopReport {
        let index = try Loading.sampleIndex(options.sampleIndex, profile: profile, file: file)
        var topOptions = TopReport.Options()
        topOptions.nodeCount = options.nodeCount
        return TopReport(profile: profile.applyingDropFrames(), sampleIndex: index, options: topOptions)
    }
}
