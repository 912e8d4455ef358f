import Analysis

/// What a rule found in a profile, with the evidence.
public struct Finding: Sendable, Equatable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case info = 1, warning, critical
        public var name: String { ["", "info", "warning", "critical"][rawValue] }
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name }) else { return nil }
            self = level
        }
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// A function in the user's code through which the matched frames are reached.
    public struct Culprit: Sendable, Equatable {
        public var name: String
        /// The call site in the culprit, "file:line", where the profile has it.
        public var location: String?
        public var value: Int64
        public var share: Double
        /// Set when the source shows this function keeping alive what the named culprit
        /// allocates (AP3): `value` and `share` are then that culprit's.
        public var keeps: String? = nil
    }

    /// A matched frame and the value under it.
    public struct MatchedFrame: Sendable, Equatable {
        public var name: String
        public var value: Int64
    }

    public var id: String
    public var title: String
    public var level: Level
    /// Share of the total of `sampleType` (0...1) in the matched samples.
    public var share: Double
    /// Value of the matched samples, in the sample type's unit.
    public var value: Int64
    public var sampleType: String
    public var unit: String
    /// The profile the finding was measured on.
    public var file: String
    public var frames: [MatchedFrame]
    /// Heaviest first.
    public var culprits: [Culprit]
    /// The heaviest matched stack, root first.
    public var exampleStack: [String]
    /// The signals the rule looked for, seen or not, with what was measured.
    public var signals: [Signal]
    /// What to collect to confirm the finding: the rule's steps whose evidence was not given.
    public var confirm: String?
    /// The steps `confirm` is made of (empty for a custom rule's plain `confirm`).
    public var confirmSteps: [Rule.ConfirmStep] = []
    /// The level the matched share alone reaches, before signals cap it (what a source check
    /// that confirms the pattern's shape lifts a finding to).
    public var shareLevel: Level = .info
    public var explanation: String
    public var fix: String
    /// The heaviest culprit's source with the cost of each line, when the file was found.
    public var source: SourceListing? = nil
    /// Whether the code at the culprit has the shape of the pattern.
    public var sourceEvidence: SourceEvidence? = nil

    /// What makes two findings the same one (across profiles of a run, and the two sides of a
    /// comparison): the rule (pattern and title) and the heaviest culprit.
    public var identity: String { id + "\u{0}" + title + "\u{0}" + (culprits.first?.name ?? "") }

    /// Sets `confirm` to the steps whose evidence is not in `given`; nothing for a critical
    /// finding, which needs no more.
    mutating func keepConfirmSteps(notIn given: Set<Rule.ConfirmStep.Evidence>) {
        guard !confirmSteps.isEmpty else { return }
        confirmSteps.removeAll { given.contains($0.evidence) }
        confirm = level == .critical || confirmSteps.isEmpty ? nil : confirmSteps.map(\.text).joined(separator: "; ")
    }
}

/// A culprit's lines with their flat and cumulative cost, as `go tool pprof -list` counts them.
public struct SourceListing: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var line: Int64
        public var text: String
        public var flat: Int64
        public var cum: Int64
        /// Among the costliest lines of the function.
        public var hot: Bool
    }

    public var function: String
    /// The file as the profile names it.
    public var file: String
    /// Where it was found.
    public var path: String
    public var startLine: Int64
    public var lines: [Line]
}

/// What the source says about a finding: `confirmed` (the statement that has the pattern's
/// shape), `contradicted` (the code at the culprit has no such shape: the finding is lowered
/// one level), or `unknown` (no source, or nothing to judge by).
public struct SourceEvidence: Sendable, Equatable {
    public enum Status: String, Sendable { case confirmed, contradicted, unknown }
    public var status: Status
    public var file: String?
    public var line: Int?
    public var statement: String?
    public var reason: String
    /// The function holding `line`, as the profile names functions.
    public var function: String?

    public init(status: Status, file: String? = nil, line: Int? = nil, statement: String? = nil, reason: String, function: String? = nil) {
        self.status = status
        self.file = file
        self.line = line
        self.statement = statement
        self.reason = reason
        self.function = function
    }
}
