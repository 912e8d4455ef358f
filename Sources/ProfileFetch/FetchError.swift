/// Why no profile bytes came from a URL or from standard input. Its description is one line
/// that names the source and the reason; `kind` says which exit code class it belongs to.
public struct FetchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The exit code classes of the command-line tool.
    public enum Kind: Equatable, Sendable {
        /// The profile could not be obtained: connection refused, DNS, timeout, TLS, an HTTP
        /// error status, too many redirects, a read error (exit code 66).
        case unreachable
        /// Something came, but it is not a profile: an HTML or text page, an empty body, a
        /// body over the size cap (exit code 65).
        case notAProfile
    }

    public enum Reason: Equatable, Sendable {
        /// The TCP connection was refused or the host could not be reached.
        case cannotConnect(detail: String)
        /// The host name did not resolve.
        case hostNotFound
        /// No complete answer within the timeout, in seconds, and where the transfer was.
        case timedOut(seconds: Double, phase: TimeoutPhase)
        /// The TLS handshake failed: untrusted or invalid certificate, protocol error.
        case tls(detail: String)
        /// The server answered with a status other than 200; `firstLine` is the first line
        /// of its body when that is short text.
        case httpStatus(code: Int, firstLine: String?)
        /// More redirects than the fetcher follows.
        case tooManyRedirects(limit: Int)
        /// Another network failure (connection lost mid-transfer, …).
        case network(detail: String)
        /// Standard input could not be read.
        case readFailed(detail: String)
        /// A page instead of a profile: `contentType` as the server declared it, if it did.
        case htmlPage(contentType: String?)
        /// Text instead of a profile; `firstLine` is its first line.
        case text(contentType: String?, firstLine: String?)
        /// Nothing at all.
        case empty
        /// More than `limit` bytes: reading stopped there.
        case tooLarge(limit: Int)
    }

    /// Where a transfer was when its time ran out.
    public enum TimeoutPhase: Equatable, Sendable {
        /// No connection yet (a host that does not answer).
        case connecting
        /// Connected, no answer yet (a server that stalls, or collects a long profile).
        case waitingForAnswer
        /// The answer began; this many bytes of its body came (a server that drips, or never ends).
        case receivingBody(bytes: Int)
    }

    /// The URL (its password, if any, masked) or "standard input".
    public let source: String
    public let reason: Reason

    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    public var kind: Kind {
        switch reason {
        case .cannotConnect, .hostNotFound, .timedOut, .tls, .httpStatus, .tooManyRedirects,
             .network, .readFailed:
            return .unreachable
        case .htmlPage, .text, .empty, .tooLarge:
            return .notAProfile
        }
    }

    public var description: String { "\(source): \(reasonText)" }

    public var reasonText: String {
        switch reason {
        case .cannotConnect(let detail):
            return "cannot connect: \(detail)"
        case .hostNotFound:
            return "cannot connect: host not found (DNS lookup failed)"
        case .timedOut(let seconds, let phase):
            let position: String
            switch phase {
            case .connecting: position = "while connecting"
            case .waitingForAnswer: position = "connected, waiting for the answer"
            case .receivingBody(let bytes): position = "receiving the body, \(bytes) bytes so far"
            }
            return "timed out after \(Self.format(seconds: seconds)), \(position) (see --timeout)"
        case .tls(let detail):
            return "TLS failed: \(detail)"
        case .httpStatus(let code, let firstLine):
            var text = "server answered HTTP \(code)"
            if let phrase = Self.statusPhrases[code] { text += " \(phrase)" }
            if let firstLine { text += ": \(firstLine)" }
            return text
        case .tooManyRedirects(let limit):
            return "too many redirects (more than \(limit))"
        case .network(let detail):
            return "network error: \(detail)"
        case .readFailed(let detail):
            return "cannot read: \(detail)"
        case .htmlPage(let contentType):
            return "not a profile: got an HTML page" + Self.declared(contentType)
        case .text(let contentType, let firstLine):
            var text = "not a profile: got text" + Self.declared(contentType)
            if let firstLine { text += ": \(firstLine)" }
            return text
        case .empty:
            return "not a profile: empty body"
        case .tooLarge(let limit):
            return "not a profile: larger than the limit of \(limit) bytes, reading stopped there (see --max-inflated-size)"
        }
    }

    private static func declared(_ contentType: String?) -> String {
        guard let contentType, !contentType.isEmpty else { return "" }
        return " (\(Escaping.oneLine(contentType)))"
    }

    static func format(seconds: Double) -> String {
        if seconds == seconds.rounded() && abs(seconds) < 1e15 { return "\(Int(seconds)) s" }
        return "\(seconds) s"
    }

    /// Reason phrases as in RFC 9110.
    static let statusPhrases: [Int: String] = [
        201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
        204: "No Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
        304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
        408: "Request Timeout", 409: "Conflict", 410: "Gone", 413: "Content Too Large",
        429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
        502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}
