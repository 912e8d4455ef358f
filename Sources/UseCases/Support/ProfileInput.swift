import Analysis
import Pipeline
import Pprof

/// Where a command's profiles come from and which of their samples it shows: what every
/// command that reads profiles takes, made into the pipeline's request.
public struct ProfileInput: Sendable {
    /// The profiles: files, `-` for standard input, URLs (see `ProfileSource(argument:)`).
    public var arguments: [String]
    /// The base of a comparison, named the same way; empty when nothing is compared.
    public var baseArguments: [String]
    /// Inflated gzip input, standard input and downloads larger than this are refused.
    public var maxInflatedSize = Gzip.defaultMaxInflatedSize
    /// URL sources: the profile's duration (pprof's -seconds) and the longest wait for it.
    public var seconds: Int?
    public var timeout: Double?
    /// Where fetched profiles are kept (`FetchedProfileArchive.defaultDirectory()` is pprof's
    /// choice); nil: not kept.
    public var saveDirectory: String?
    /// Sample type by name or number; nil: the profile's default, else its last type.
    public var sampleIndex: String?
    public var filters = FilterSpec()
    /// Which go tool pprof the pprof-exact reports reproduce.
    public var compatibility = PprofCompatibility.current
    /// Told each URL fetched and each note (a profile saved, a filter that matched nothing).
    public var messages = Messages.standardError

    public init(_ arguments: [String], base: [String] = []) {
        self.arguments = arguments
        baseArguments = base
    }

    /// The pipeline's request; a usage error for an argument that is no usable source, and for
    /// URL options when no profile is a URL.
    public func request() throws -> ProfileRequest {
        var request = ProfileRequest(sources: try arguments.map { try ProfileSource(argument: $0, seconds: seconds) })
        request.baseSources = try baseArguments.map { try ProfileSource(argument: $0, seconds: seconds) }
        if (seconds != nil || timeout != nil) && !(request.sources + request.baseSources).contains(where: \.isURL) {
            throw UsageError("--seconds and --timeout apply to URL sources, and no profile is a URL")
        }
        request.maxInflatedSize = maxInflatedSize
        request.seconds = seconds
        request.timeout = timeout
        request.saveDirectory = saveDirectory
        request.sampleIndex = sampleIndex
        request.filters = filters
        request.compatibility = compatibility
        let messages = messages
        request.onFetch = { messages.fetching($0) }
        request.onNote = { messages.note($0) }
        return request
    }
}
