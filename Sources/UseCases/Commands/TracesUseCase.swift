import Pipeline
import Reports

/// `proflens traces`: every sample's stack, exactly as `go tool pprof -traces` prints them.
public enum TracesUseCase {
    public struct Options: Sendable {
        public var input: ProfileInput

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        let prepared = try Pipeline.prepare(try options.input.request())
        // Hundreds of megabytes of text for a large profile: written as it is made.
        return CommandResult(outputs: [CommandOutput(.standardOutput, .stream { try prepared.writeTraces(to: $0) })])
    }
}
