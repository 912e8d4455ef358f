import Analysis
import ArgumentParser
import Pprof

/// Options that choose which samples and frames a report shows, with pprof's meaning.
struct FilterOptions: ParsableArguments {
    @Option(help: "Keep only samples with a frame matching this regular expression.")
    var focus: String?

    @Option(help: "Drop samples with a frame matching this regular expression.")
    var ignore: String?

    @Option(help: "Remove frames matching this regular expression from stacks.")
    var hide: String?

    @Option(name: .customLong("tagfocus"), help: "Keep only samples with this label: KEY=REGEX[,REGEX...] (repeatable).")
    var tagFocus: [String] = []

    /// The filters, compiled; a bad pattern is a usage error.
    func filters() throws -> SampleFilters {
        var filters = SampleFilters()
        func compile(_ name: String, _ pattern: String?) throws -> GoRegex? {
            guard let pattern else { return nil }
            do { return try GoRegex(pattern) } catch {
                throw Failure.exit("--\(name): not a valid regular expression: \(pattern)", code: Failure.usage)
            }
        }
        filters.focus = try compile("focus", focus)
        filters.ignore = try compile("ignore", ignore)
        filters.hide = try compile("hide", hide)
        for text in tagFocus {
            do { filters.tagFocus.append(try SampleFilters.parseTagFocus(text)) } catch {
                throw Failure.exit("--tagfocus: \(error)", code: Failure.usage)
            }
        }
        return filters
    }

    /// The filters as pprof lists them under "Active filters:".
    var legend: [String] {
        var lines: [String] = []
        if let focus { lines.append("focus=\(focus)") }
        if let ignore { lines.append("ignore=\(ignore)") }
        if let hide { lines.append("hide=\(hide)") }
        for text in tagFocus { lines.append("tagfocus=\(text)") }
        return lines
    }
}

/// What `fold` and `flame` share: the sample type, the frame granularity, the output.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("sample-index"), help: "Sample type to use, by name or number.")
    var sampleIndex: String?

    @Flag(help: "One frame per source line (function:line) instead of per function.")
    var lines = false

    @Option(name: .shortAndLong, help: "Output file, or - for standard output.")
    var output: String = "-"

    var granularity: FrameTable.Granularity { lines ? .lines : .functions }

    /// The profile with drop_frames and the filters applied, and the chosen sample type.
    func load(_ file: String, _ input: InputOptions, _ filters: FilterOptions) throws -> (Profile, Int) {
        let loaded = try Loading.profile(file, input).applyingDropFrames()
        let index = try Loading.sampleIndex(sampleIndex, profile: loaded, file: file)
        return (loaded.filtered(by: try filters.filters()), index)
    }
}
