import Analysis
import Pipeline
import Reports

/// `proflens top`: exactly what `go tool pprof -top` prints (with a base, `-diff_base`).
public enum TopUseCase {
    public struct Options: Sendable {
        /// The profiles, and a base to print the difference against.
        public var input: ProfileInput
        /// With a base: scale the profile to the base's total first.
        public var normalize = false
        /// Rows (0: all).
        public var nodeCount = 0
        /// Sort by cumulative value (-cum).
        public var sortByCum = false
        /// pprof's report granularity (-functions, -lines, -files, -filefunctions, -addresses).
        public var granularity = FrameTable.Granularity.functions
        /// pprof's -unit.
        public var unit = "minimum"
        /// How the file names `lines` prints are trimmed.
        public var source = SourceLocator()

        public init(input: ProfileInput) { self.input = input }
    }

    public static func run(_ options: Options) throws -> CommandResult {
        var request = try options.input.request()
        request.granularity = options.granularity
        request.fileNames = options.source
        let prepared: PreparedProfile
        if options.input.baseArguments.isEmpty {
            prepared = try Pipeline.prepare(request)
        } else {
            request.normalize = options.normalize
            prepared = try Pipeline.prepareComparison(request).combined
        }
        return .standardOutput(prepared.topReport(nodeCount: options.nodeCount, sortByCum: options.sortByCum, unit: options.unit).text())
    }
}
