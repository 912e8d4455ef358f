import Analysis
import Pprof
import ProfileFetch

/// Why the pipeline could not read the profiles, one case per kind of failure; `ExitStatus`
/// maps each to its exit code (malformed 65, unreadable 66). A request that cannot be honoured
/// as given (an unknown sample type, a bad pattern) is a `UsageError` (64).
public enum PipelineError: Error, CustomStringConvertible, Sendable {
    /// A source could not be read (missing file, unreadable, unreachable service).
    case unreadable(source: String, reason: String)
    /// A source's bytes are not a valid profile.
    case malformed(source: String, reason: String)
    /// Profiles that cannot be merged or compared (different sample or period types).
    case incompatible(String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return "\(source): \(reason)"
        case .malformed(let source, let reason):
            // "not a pprof profile: it is an HTML page" says it better than "malformed".
            return reason.hasPrefix("not a ") ? "\(source): \(reason)" : "\(source): malformed profile: \(reason)"
        case .incompatible(let message): return message
        }
    }

    /// A failed fetch: unreachable (66) or not a profile (65).
    init(_ error: FetchError, name: String) {
        switch error.kind {
        case .unreachable: self = .unreadable(source: name, reason: error.reasonText)
        case .notAProfile: self = .malformed(source: name, reason: error.reasonText)
        }
    }

    init(_ error: ProfileReadError) {
        switch error {
        case .unreadable(let path, let reason): self = .unreadable(source: path, reason: reason)
        case .malformed(let path, let decodeError): self = .malformed(source: path, reason: decodeError.description)
        }
    }
}
