import Pipeline

/// `proflens merge`: one pprof profile, as `go tool pprof -proto` writes it (or, for PGO, what
/// Go's profile-guided optimisation reads).
public enum MergeUseCase {
    public struct Options: Sendable {
        /// The profiles, and a base to write the difference against.
        public var input: ProfileInput
        /// With a base: scale the profile to the base's total first.
        public var normalize = false
        /// Trim for PGO with this node fraction; nil: write everything.
        public var pgoNodeFraction: Double?
        /// A file, or "-" for standard output (refused when it is a terminal).
        public var output = "-"

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        var request = try options.input.request()
        request.normalize = options.normalize
        let merged = try WrittenProfile(request, pgoNodeFraction: options.pgoNodeFraction)
        let output = CommandOutput(.binary(options.output, terminalRefusal: terminalRefusal), .stream { try merged.write(to: $0) }, noteAfterWriting: { size in
            // The profile is written: a size that cannot be compared does not fail the run.
            do { return try merged.pgoNote(writtenSize: size) } catch {
                return "PGO profile: \(size) bytes (the untrimmed profile could not be measured: \(error))"
            }
        })
        return CommandResult(outputs: [output])
    }

    /// Why standard output is not written to when it is a terminal.
    public static let terminalRefusal = "the merged profile is binary: name a file with -o (or redirect standard output)"
}
