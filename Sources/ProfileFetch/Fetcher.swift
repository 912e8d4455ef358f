import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Obtains profile bytes from a live service over HTTP(S), as `go tool pprof` fetches them,
/// or from standard input. Synchronous: each call waits for its answer, and leaves no session,
/// task or thread of its own behind, whatever the outcome.
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
    /// Longer timeouts are this long (about 115 days): dispatch deadlines are nanoseconds.
    static let longestTimeout: Double = 10_000_000
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
    public func effectiveTimeout(for url: URL) -> Double {
        if let timeout, timeout > 0 { return min(timeout, Self.longestTimeout) }
        var duration = seconds ?? 0
        if duration <= 0, let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems,
           let value = query.first(where: { $0.name == "seconds" })?.value, let parsed = Int32(value) {
            duration = Int(parsed)
        }
        return duration > 0 ? min(Double(duration) * 1.5, Self.longestTimeout) : Self.defaultTimeout
    }

    /// The body at `url`, when it is a 200 answer that may be a profile (gzip or protobuf).
    public func fetch(_ url: URL) throws(FetchError) -> [UInt8] {
        let source = Self.displayName(url)
        let scheme = url.scheme?.lowercased()
        guard scheme == "http" || scheme == "https", url.host != nil else {
            throw FetchError(source: source, reason: .network(detail: "not an http or https URL"))
        }
        let limit = effectiveTimeout(for: url)
        let transfer = Transfer(maxBytes: maxBytes, maxRedirects: maxRedirects)

        let configuration = URLSessionConfiguration.ephemeral
        // URLSession's own timers are a second later than ours: the deadline below decides.
        configuration.timeoutIntervalForRequest = limit + 1
        configuration.timeoutIntervalForResource = limit + 1
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        configuration.httpAdditionalHeaders = ["User-Agent": userAgent]
        let delegateQueue = OperationQueue()
        delegateQueue.maxConcurrentOperationCount = 1
        delegateQueue.name = "proflens.fetch"
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: delegateQueue)
        // The session holds its delegate until it is invalidated: always invalidate, then
        // wait for it to let go, so that neither outlives this call.
        defer {
            session.invalidateAndCancel()
            _ = transfer.invalidated.wait(timeout: .now() + 5)
        }

        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: limit + 1)
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        let task = session.dataTask(with: request)
        task.resume()
        if transfer.finished.wait(timeout: .now() + limit) == .timedOut {
            transfer.markTimedOut()
            task.cancel()
            // The cancelled task reports its completion promptly; wait for it so that its
            // callbacks are over before the result is read.
            _ = transfer.finished.wait(timeout: .now() + 5)
        }
        if let reason = transfer.outcome(timeout: limit) {
            throw FetchError(source: source, reason: reason)
        }
        return transfer.takeBody()
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

/// One transfer's state, fed by URLSession's delegate callbacks on the session's serial
/// delegate queue and read by the waiting thread; the lock orders the two.
final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let finished = DispatchSemaphore(value: 0)
    let invalidated = DispatchSemaphore(value: 0)

    private let lock = NSLock()
    private let maxBytes: Int
    private let maxRedirects: Int
    private var response: HTTPURLResponse?
    private var body: [UInt8] = []
    /// What is kept of the body: up to the cap for what may be a profile (a 200 answer), the
    /// first `excerptBytes` of anything else (an error status, a page).
    private enum Keeping { case profile, undecided, excerpt }
    private var keeping = Keeping.excerpt
    private var error: Error?
    private var redirects = 0
    private var redirectLimitReached = false
    private var timedOut = false
    private var overCap = false
    /// The transfer was cancelled on purpose once enough of a non-profile body was kept.
    private var haveExcerpt = false
    private var completed = false

    /// Live transfers, for the tests' leak check.
    nonisolated(unsafe) static var live = 0
    private static let liveLock = NSLock()
    static var liveCount: Int { liveLock.withLock { live } }

    init(maxBytes: Int, maxRedirects: Int) {
        self.maxBytes = min(max(0, maxBytes), Int.max - 1)
        self.maxRedirects = max(0, maxRedirects)
        Self.liveLock.withLock { Self.live += 1 }
    }

    deinit {
        Self.liveLock.withLock { Self.live -= 1 }
    }

    func markTimedOut() {
        lock.withLock { if !completed { timedOut = true } }
    }

    // MARK: URLSession callbacks

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @Sendable @escaping (URLSession.ResponseDisposition) -> Void) {
        let disposition: URLSession.ResponseDisposition = lock.withLock {
            guard let http = response as? HTTPURLResponse else { return .cancel }
            self.response = http
            body = []
            if http.statusCode != 200 {
                keeping = .excerpt
            } else if Self.isTextual(http.value(forHTTPHeaderField: "Content-Type")) {
                keeping = .undecided
            } else {
                keeping = .profile
                if http.expectedContentLength > Int64(maxBytes) {
                    // Content-Length says it all: no byte of the body is read.
                    overCap = true
                    return .cancel
                }
                if http.expectedContentLength > 0 { body.reserveCapacity(Int(http.expectedContentLength)) }
            }
            return .allow
        }
        completionHandler(disposition)
        // swift-corelibs-foundation ignores the disposition: cancel the task itself.
        if disposition == .cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let stop: Bool = lock.withLock {
            if timedOut || overCap || haveExcerpt { return false }
            if keeping == .undecided, body.count + data.count >= 2 {
                // A text content type over gzip bytes: the bytes decide.
                let head = Array((body + data.prefix(2)).prefix(2))
                keeping = BodyCheck.isGzip(head[...]) ? .profile : .excerpt
            }
            let limit = keeping == .excerpt ? min(Fetcher.excerptBytes, maxBytes) : maxBytes
            let room = limit - body.count
            if data.count <= room {
                body.append(contentsOf: data)
                return false
            }
            body.append(contentsOf: data.prefix(room))
            if keeping == .excerpt {
                haveExcerpt = true
            } else {
                overCap = true
            }
            return true
        }
        if stop { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @Sendable @escaping (URLRequest?) -> Void) {
        let follow: Bool = lock.withLock {
            redirects += 1
            if redirects > maxRedirects {
                redirectLimitReached = true
                return false
            }
            return true
        }
        completionHandler(follow ? request : nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.withLock {
            self.error = error
            completed = true
        }
        finished.signal()
    }

    func urlSession(_ session: URLSession, didBecomeInvalidWithError error: Error?) {
        invalidated.signal()
    }

    // MARK: The result

    /// Nil when the body may be a profile; otherwise why not.
    func outcome(timeout: Double) -> FetchError.Reason? {
        lock.withLock {
            if timedOut { return .timedOut(seconds: timeout) }
            if overCap { return .tooLarge(limit: maxBytes) }
            if redirectLimitReached { return .tooManyRedirects(limit: maxRedirects) }
            if let error, !haveExcerpt {
                return Self.reason(for: error, timeout: timeout, maxRedirects: maxRedirects)
            }
            guard let response else { return .network(detail: "no response") }
            let contentType = response.value(forHTTPHeaderField: "Content-Type")
            if response.statusCode != 200 {
                var firstLine: String?
                if case .text(_, let line)? = BodyCheck.problem(body[...], contentType: contentType) { firstLine = line }
                return .httpStatus(code: response.statusCode, firstLine: firstLine)
            }
            return BodyCheck.problem(body[...], contentType: contentType)
        }
    }

    func takeBody() -> [UInt8] {
        lock.withLock {
            defer { body = [] }
            return body
        }
    }

    /// Content types that never hold a profile.
    static func isTextual(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = BodyCheck.mediaType(contentType)
        return type.hasPrefix("text/") || type == "application/json" || type.hasSuffix("+json")
            || type == "application/xhtml+xml"
    }

    /// URLSession's errors (NSURLErrorDomain codes) in the terms of FetchError.
    static func reason(for error: Error, timeout: Double, maxRedirects: Int) -> FetchError.Reason {
        let error = error as NSError
        let detail = Self.detail(error)
        guard error.domain == NSURLErrorDomain else { return .network(detail: detail) }
        switch error.code {
        case NSURLErrorCannotConnectToHost:
            return .cannotConnect(detail: detail)
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed:
            return .hostNotFound
        case NSURLErrorTimedOut:
            return .timedOut(seconds: timeout)
        case NSURLErrorHTTPTooManyRedirects:
            return .tooManyRedirects(limit: maxRedirects)
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateHasBadDate,
             NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasUnknownRoot,
             NSURLErrorServerCertificateNotYetValid, NSURLErrorClientCertificateRejected,
             NSURLErrorClientCertificateRequired, NSURLErrorCannotLoadFromNetwork:
            return .tls(detail: detail)
        case NSURLErrorNotConnectedToInternet, NSURLErrorNetworkConnectionLost,
             NSURLErrorInternationalRoamingOff, NSURLErrorDataNotAllowed:
            return .cannotConnect(detail: detail)
        default:
            // swift-corelibs-foundation reports libcurl's TLS errors (untrusted certificate,
            // handshake failure) as NSURLErrorUnknown with libcurl's message.
            let lowercased = detail.lowercased()
            if lowercased.contains("ssl") || lowercased.contains("tls") || lowercased.contains("certificate") {
                return .tls(detail: detail)
            }
            return .network(detail: detail)
        }
    }

    /// The most specific text the error carries: libcurl's message when URLSession kept it.
    static func detail(_ error: NSError) -> String {
        var text = error.localizedDescription
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            let inner = underlying.localizedDescription
            if !inner.isEmpty, !text.contains(inner) { text += " (\(inner))" }
        }
        return Escaping.oneLine(text)
    }
}
