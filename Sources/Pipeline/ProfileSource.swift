import Foundation
import ProfileFetch

/// Where a profile comes from: a file, standard input, or a live service over HTTP(S).
public enum ProfileSource: Sendable, Equatable {
    case file(String)
    case standardInput
    case url(URL)

    /// A command-line argument as `go tool pprof` reads it: `-` is standard input, an existing
    /// file is that file, `http(s)://…` and `host:port[/path]` are URLs (a URL without a path
    /// gets /debug/pprof/profile; `seconds` sets its `seconds` parameter), anything else a
    /// path. A URL that cannot be used is a usage error.
    public init(argument: String, seconds: Int? = nil) throws(PipelineError) {
        do {
            switch try ProfileLocation.parse(argument, seconds: seconds) {
            case .file(let path): self = .file(path)
            case .standardInput: self = .standardInput
            case .url(let url): self = .url(url)
            }
        } catch {
            throw .usage(error.description)
        }
    }

    /// How reports name the source (a URL's password masked).
    public var name: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "-"
        case .url(let url): return Fetcher.displayName(url)
        }
    }

    public var isURL: Bool {
        if case .url = self { return true }
        return false
    }
}
