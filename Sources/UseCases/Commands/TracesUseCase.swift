import Analysis
import Pipeline
import Reports

/// `proflens traces`: every sample's stack, exactly as `go tool pprof -traces` prints them.
public enum TracesUseCase {
    public struct Options: Sendable {
        public var input: ProfileInput
        /// pprof's report granularity (-functions, -lines, -files, -filefunctions, -addresses).
        public var granularity = FrameTable.Granularity.functions
        /// pprof's -unit.
        public var unit = "minimum"

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        var request = try options.input.request()
        request.granularity = options.granularity
        // File names as the profile has them: pprof's -traces trims none (-trim_path is for
        // the reports that look sources up).
        let prepared = try Pipeline.prepare(request)
        let unit = options.unit
        // Hundreds of megabytes of text for a large profile: written as it is made.
        return CommandResult(outputs: [CommandOutput(.standardOutput, .stream { try prepared.writeTraces(unit: unit, to: $0) })])
    }
}
