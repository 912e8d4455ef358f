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
    @OptionGroup var filters: FilterOptions

    @Option(name: .customLong("diff-base"), help: "Print the difference against this base profile, as go tool pprof -diff_base.")
    var diffBase: String?

    @Flag(help: "With --diff-base: scale the profile to the base's total first, as pprof's -normalize.")
    var normalize = false

    func run() throws {
        if let diffBase {
            let diff = try Loading.diff(base: [diffBase], new: [file], input: input, normalize: normalize)
            let index = try Loading.sampleIndex(report.sampleIndex, profile: diff.combined, file: file)
            var options = TopReport.Options()
            options.nodeCount = report.nodeCount
            try Output.write(diff.topReport(sampleIndex: index, options: options).text(), to: "-")
            return
        }
        let profile = try Loading.profile(file, input)
        let top = try TopCommandSupport.report(profile: profile, file: file, options: report, filters: filters)
        try Output.write(top.text(), to: "-")
    }
}

enum TopCommandSupport {
    static func report(profile loaded: Profile, file: String, options: ReportOptions, filters filterOptions: FilterOptions, frames: FrameTable? = nil) throws -> TopReport {
        let index = try Loading.sampleIndex(options.sampleIndex, profile: loaded, file: file)
        var topOptions = TopReport.Options()
        topOptions.nodeCount = options.nodeCount
        topOptions.activeFilters = filterOptions.legend
        let profile = loaded.applyingDropFrames()
        let filters = try filterOptions.filters()
        if filters.isEmpty { return TopReport(profile: profile, sampleIndex: index, options: topOptions, frames: frames) }
        // Percentages stay relative to the whole profile, as in pprof.
        let total = profile.samples.stackSums(index: index).total
        return TopReport(profile: profile.filtered(by: filters), sampleIndex: index, options: topOptions, totalOverride: total)
    }
}
