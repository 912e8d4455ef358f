import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Obtains profile bytes from a live service over HTTP(S), as `go tool pprof` fetches them
/// (with libcurl: see `CurlTransfer`), or from standard input.
public struct Fetcher: Sendable {
    /// `--timeout`: seconds to wait for the whole answer. Nil or ≤ 0: pprof's default.
    public let timeout: Double?
    /// `--seconds`: the profile's duration, for the default timeout. Nil: the URL's own
    /// `seconds` query parameter, if any (as pprof reads it).
    public let seconds: Int?
    /// The size cap, in bytes, for a body or standard input (`--max-inflated-size`).
    public let maxBytes: Int
    /// Redirects followed before giving up.
    public let maxRedirects: Int
    public let userAgent: String

    /// pprof's timeout without a profile duration, in seconds.
    public static let defaultTimeout: Double = 60
    /// Longer timeouts are this long (about 24 days: libcurl takes milliseconds in a C long,
    /// kept within 32 bits).
    static let longestTimeout: Double = 2_000_000
    /// How much of a body that is not a profile (an error page, a text) is kept to describe it.
    static let excerptBytes = 4096

    public init(timeout: Double? = nil, seconds: Int? = nil, maxBytes: Int,
                maxRedirects: Int = 10, userAgent: String = "proflens") {
        self.timeout = timeout
        self.seconds = seconds
        self.maxBytes = min(max(0, maxBytes), Int.max - 1)
        self.maxRedirects = max(0, maxRedirects)
        self.userAgent = userAgent
    }

    /// The wait for `url`, in seconds: `timeout` when given; else, as pprof's adjustURL, one
    /// and a half times the profile duration (`seconds`, or the URL's `seconds` parameter),
    /// or 60 s when there is none.
    package func effectiveTimeout(for url: URL) -> Double {
        if let timeout, timeout > 0 { return min(timeout, Self.longestTimeout) }
        var duration = seconds ?? 0
        if duration <= 0, let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems,
           let value = query.first(where: { $0.name == "seconds" })?.value, let parsed = Int32(value) {
            duration = Int(parsed)
        }
        return duration > 0 ? min(Double(duration) * 1.5, Self.longestTimeout) : Self.defaultTimeout
    }

    /// Starts fetching `url`: the body of a 200 answer that may be a profile (gzip or
    /// protobuf) arrives on the returned body's descriptor as it downloads.
    public func open(_ url: URL) throws(FetchError) -> FetchedBody {
        let source = Self.displayName(url)
        let scheme = url.scheme?.lowercased()
        guard scheme == "http" || scheme == "https", url.host != nil else {
            throw FetchError(source: source, reason: .network(detail: "not an http or https URL"))
        }
        let transfer = try CurlTransfer(url: url, timeout: effectiveTimeout(for: url), maxBytes: maxBytes,
                                        maxRedirects: maxRedirects, userAgent: userAgent)
        return FetchedBody(source: source, transfer: transfer)
    }

    /// Stops every fetch still under way, waiting up to two seconds for each to let go of its
    /// connection; no fetch starts after it. For a process about to exit (after one input
    /// failed while other URLs were still downloading).
    public static func stopAll() {
        CurlTransfer.stopAll(waitingAtMost: 2)
    }

    /// The whole body at `url`, when it is a 200 answer that may be a profile.
    public func fetch(_ url: URL) throws(FetchError) -> [UInt8] {
        let body = try open(url)
        let bytes: [UInt8]
        do {
            bytes = try read(fileDescriptor: body.descriptor, name: body.source)
        } catch {
            body.closeReading()
            try body.finish()
            throw error
        }
        body.closeReading()
        try body.finish()
        return bytes
    }

    /// All of standard input, within the size cap, when it may be a profile.
    public func readStandardInput() throws(FetchError) -> [UInt8] {
        try read(fileDescriptor: 0, name: "standard input")
    }

    /// All bytes from an open file descriptor up to its end, within the size cap: reading
    /// stops as soon as the cap is exceeded. The descriptor is not closed.
    public func read(fileDescriptor: Int32, name: String) throws(FetchError) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = 1 << 16
        while true {
            // Never more than one byte past the cap.
            let remaining = maxBytes - bytes.count
            let want = remaining >= chunk ? chunk : remaining + 1
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: want))
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(fileDescriptor, buffer.baseAddress! + start, want)
            }
            if count < 0 {
                let code = errno
                bytes.removeLast(want)
                if code == EINTR { continue }
                throw FetchError(source: name, reason: .readFailed(detail: String(cString: strerror(code))))
            }
            bytes.removeLast(want - count)
            if bytes.count > maxBytes { throw FetchError(source: name, reason: .tooLarge(limit: maxBytes)) }
            if count == 0 { break }
        }
        if let problem = BodyCheck.problem(bytes[...], contentType: nil) {
            throw FetchError(source: name, reason: problem)
        }
        return bytes
    }

    /// The URL as messages show it: a password in it is masked, as Go's URL.Redacted does.
    public static func displayName(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              components.password != nil else { return url.absoluteString }
        components.password = "xxxxx"
        return components.url?.absoluteString ?? url.absoluteString
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
