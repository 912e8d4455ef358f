import Findings

/// What a command produced: its outputs, in the order they are written; what standard error
/// says once they are; and whether its findings fail the run (`--fail-on`). Nothing is written
/// until a use case has returned one: a run that fails before writes nothing.
public struct CommandResult {
    public var outputs: [CommandOutput]
    /// Lines for standard error after the outputs (`proflens: ` goes before each).
    public var notes: [String]
    public var verdict: Verdict

    public init(outputs: [CommandOutput], notes: [String] = [], verdict: Verdict = .pass) {
        self.outputs = outputs
        self.notes = notes
        self.verdict = verdict
    }

    /// One output to standard output, nothing else.
    public static func standardOutput(_ bytes: [UInt8]) -> CommandResult {
        CommandResult(outputs: [CommandOutput(.standardOutput, .bytes(bytes))])
    }

    /// The bytes that go to `destination` (a stream is made into memory), nil when none go
    /// there: what a test reads.
    public func bytes(for destination: CommandOutput.Destination) throws -> [UInt8]? {
        try outputs.first { $0.destination == destination }?.bytes()
    }
}

/// Whether a run's findings fail it: exit status 1 once everything is written.
public enum Verdict: Sendable, Equatable {
    case pass
    /// A finding at or above the `--fail-on` level (`compare`: a new or worse one).
    case findingsAtFailOn

    /// `levels`: the levels of the findings that count; `failOn`: the level that fails the run
    /// (nil: none does).
    public init(_ levels: some Sequence<Finding.Level>, failOn: Finding.Level?) {
        guard let failOn else { self = .pass; return }
        self = levels.contains { $0 >= failOn } ? .findingsAtFailOn : .pass
    }
}
