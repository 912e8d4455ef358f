import Analysis
import Pipeline
import Reports

/// `proflens list`: annotated source, exactly as `go tool pprof -list` prints it.
public enum ListUseCase {
    public struct Options: Sendable {
        /// A regular expression over function names.
        public var regex: String
        public var input: ProfileInput
        /// Where the source files are.
        public var source = SourceLocator()

        public init(regex: String, input: ProfileInput) {
            self.regex = regex
            self.input = input
        }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let pattern: GoRegex
        do { pattern = try GoRegex(options.regex) } catch {
            throw UsageError("not a valid regular expression: \(options.regex) (\(error))")
        }
        let prepared = try Pipeline.prepare(try options.input.request())
        let report = prepared.listReport(matching: pattern, locator: options.source)
        if report.routines.isEmpty { throw UsageError("no matches found for regexp: \(options.regex)") }
        return .standardOutput(report.text())
    }
}
