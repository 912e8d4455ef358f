import Analysis
import Foundation
import ProfileFetch

/// Where a profile comes from: a file, standard input, or a live service over HTTP(S).
public enum ProfileSource: Sendable, Equatable {
    case file(String)
    case standardInput
    /// A URL, fetched `delay` seconds after the command starts (a later heap snapshot).
    case url(URL, delay: Double = 0)

    /// A command-line argument as `go tool pprof` reads it: `-` is standard input, an existing
    /// file is that file, `http(s)://…` and `host:port[/path]` are URLs (a URL without a path
    /// gets /debug/pprof/profile; `seconds` sets its `seconds` parameter), anything else a
    /// path. A URL that cannot be used is a usage error.
    public init(argument: String, seconds: Int? = nil) throws(UsageError) {
        do {
            switch try ProfileLocation.parse(argument, seconds: seconds) {
            case .file(let path): self = .file(path)
            case .standardInput: self = .standardInput
            case .url(let url): self = .url(url, delay: 0)
            }
        } catch {
            throw UsageError(error.description)
        }
    }

    /// How reports name the source (a URL's password masked).
    public var name: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "-"
        case .url(let url, let delay):
            return Fetcher.displayName(url) + (delay > 0 ? " (+\(Self.format(seconds: delay)))" : "")
        }
    }

    static func format(seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? "\(Int(seconds))s" : "\(seconds)s"
    }

    /// A heap profile's URL (its path ends in /heap or /allocs).
    public var isHeapURL: Bool {
        guard case .url(let url, _) = self else { return false }
        return url.path.hasSuffix("/heap") || url.path.hasSuffix("/allocs")
    }

    public var isURL: Bool {
        if case .url = self { return true }
        return false
    }
}
