import Analysis
import ArgumentParser
import Pipeline
import Reports

/// `proflens list REGEX FILE`: annotated source, exactly as `go tool pprof -list` prints it.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the source of the functions matching REGEX with each line's flat and cum cost, as go tool pprof -list does.")

    @Argument(help: "A regular expression over function names.")
    var regex: String

    @Argument(help: ProfileArguments.help("Pprof profiles, merged when several"), completion: ProfileArguments.completion)
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var source: SourceOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one profile") }
        do { _ = try GoRegex(regex) } catch { throw ValidationError("not a valid regular expression: \(regex) (\(error))") }
    }

    func run() throws {
        var request = try input.request(files)
        selection.apply(to: &request)
        let prepared = try Pipeline.prepare(request)
        let report = prepared.listReport(matching: try GoRegex(regex), locator: source.locator)
        if report.routines.isEmpty { throw UsageError("no matches found for regexp: \(regex)") }
        try OutputFile.write(report.text(), to: "-")
    }
}
