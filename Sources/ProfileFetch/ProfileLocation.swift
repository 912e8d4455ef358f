import Foundation

/// Where a profile argument points: a file, standard input, or a live service over HTTP(S).
///
/// The rules are those of `go tool pprof` (cmd/pprof's `adjustURL` and its `Fetch`):
/// - `-` is standard input (proflens' own convention; pprof has none).
/// - An argument naming an existing file is that file, even if it looks like `host:port`.
/// - An argument with a scheme and `//` (`http://…`, `https://…`) is a URL. One with a
///   scheme-like prefix but no `//` (`localhost:6060`, `host:6060/debug/pprof/heap`), or one
///   whose first path segment holds a colon (`127.0.0.1:6060`, `[::1]:6060`), is a URL once
///   `http://` is put in front of it. A URL must have a host.
/// - A URL whose path is empty or `/` gets `/debug/pprof/profile`, the CPU profile.
/// - With `seconds` above 0, the query's `seconds` is set to it (on every URL, as pprof does:
///   Go serves delta profiles for heap, allocs, mutex, block, goroutine given `seconds`).
/// - Anything else is a file path. `file://` URLs are file paths too.
public enum ProfileLocation: Equatable, Sendable {
    case file(String)
    case standardInput
    case url(URL)

    /// pprof's CPU profile handler, for URLs that name no path.
    public static let defaultPath = "/debug/pprof/profile"

    /// Classifies a profile argument. A URL that cannot be used (bad syntax, no host, a scheme
    /// other than http and https) is a usage error.
    public static func parse(_ argument: String, seconds: Int? = nil,
                             fileExists: (String) -> Bool = ProfileLocation.isExistingFile)
        throws(ProfileLocationError) -> ProfileLocation {
        if argument == "-" { return .standardInput }
        if argument.isEmpty { throw ProfileLocationError(argument: argument, reason: "empty profile argument") }
        if fileExists(argument) { return .file(argument) }

        let urlText: String
        if let scheme = scheme(of: argument) {
            let rest = argument.dropFirst(scheme.count + 1)
            if scheme.lowercased() == "file" {
                return .file(filePath(fromFileURL: argument) ?? argument)
            }
            // "host:port…" parses as scheme "host" without an authority: pprof retries it
            // with http:// in front.
            urlText = rest.hasPrefix("//") ? argument : "http://" + argument
        } else if firstSegmentHasColon(argument) {
            urlText = "http://" + argument
        } else {
            return .file(argument)
        }
        return .url(try makeURL(urlText, argument: argument, seconds: seconds,
                                explicit: urlText == argument))
    }

    public static func isExistingFile(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// The scheme as Go's url.Parse finds it: a letter, then letters, digits, `+`, `-`, `.`,
    /// up to the first colon. Nil when there is none.
    static func scheme(of text: String) -> String? {
        var scheme = ""
        for (index, character) in text.unicodeScalars.enumerated() {
            switch character {
            case "a"..."z", "A"..."Z":
                scheme.unicodeScalars.append(character)
            case "0"..."9", "+", "-", ".":
                if index == 0 { return nil }
                scheme.unicodeScalars.append(character)
            case ":":
                return index == 0 ? nil : scheme
            default:
                return nil
            }
        }
        return nil
    }

    /// Go's url.Parse rejects a scheme-less reference whose first segment holds a colon;
    /// pprof then tries it as `http://` + argument.
    static func firstSegmentHasColon(_ text: String) -> Bool {
        let firstSegment = text.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return firstSegment.contains(":")
    }

    static func filePath(fromFileURL text: String) -> String? {
        guard let components = URLComponents(string: text),
              components.host == nil || components.host == "" || components.host == "localhost",
              !components.path.isEmpty else { return nil }
        return components.path
    }

    /// `explicit`: the argument was written as a URL (`scheme://…`); otherwise it was only
    /// taken for one (`host:port…`), and it may as well be a mistyped file name.
    static func makeURL(_ text: String, argument: String, seconds: Int?,
                        explicit: Bool = true) throws(ProfileLocationError) -> URL {
        func failure(_ reason: String) -> ProfileLocationError {
            ProfileLocationError(argument: argument, reason: explicit ? reason : "no such file, and " + reason)
        }
        guard let parsed = URLComponents(string: text) else { throw failure("not a valid URL") }
        var components = parsed
        let scheme = components.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            if scheme == "https+insecure" {
                throw failure("https+insecure is not supported: certificates are always verified")
            }
            throw failure("unsupported URL scheme \"\(scheme)\" (use http or https)")
        }
        components.scheme = scheme
        guard let host = components.host, !host.isEmpty else { throw failure("URL has no host") }
        if components.path.isEmpty || components.path == "/" {
            components.path = defaultPath
        }
        if let seconds, seconds > 0 {
            var items = (components.percentEncodedQueryItems ?? []).filter { $0.name != "seconds" }
            items.append(URLQueryItem(name: "seconds", value: String(seconds)))
            components.percentEncodedQueryItems = items
        }
        guard let url = components.url, url.host != nil else { throw failure("not a valid URL") }
        return url
    }
}

/// A profile argument that looks like a URL but cannot be fetched: a usage error (exit 64).
public struct ProfileLocationError: Error, CustomStringConvertible, Equatable, Sendable {
    public let argument: String
    public let reason: String

    public var description: String { "\(Escaping.oneLine(argument)): \(reason)" }
}
