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

    func run() throws {
        let profile = try Loading.profile(file, input)
        let top = try TopCommandSupport.report(profile: profile, file: file, options: report, filters: filters)
        try Output.write(top.text(), to: "-")
    }
}

enum TopCommandSupport {
    static func report(profile loaded: Profile, file: String, options: ReportOptions, filters filterOptions: FilterOptions) throws -> TopReport {
        let index = try Loading.sampleIndex(options.sampleIndex, profile: loaded, file: file)
        var topOptions = TopReport.Options()
        topOptions.nodeCount = options.nodeCount
        topOptions.activeFilters = filterOptions.legend
        let profile = loaded.applyingDropFrames()
        let filters = try filterOptions.filters()
        if filters.isEmpty { return TopReport(profile: profile, sampleIndex: index, options: topOptions) }
        // Percentages stay relative to the whole profile, as in pprof.
        let total = CallGraph(profile: profile, frames: FrameTable(profile: profile), sampleIndex: index).total
        return TopReport(profile: profile.filtered(by: filters), sampleIndex: index, options: topOptions, totalOverride: total)
    }
}
