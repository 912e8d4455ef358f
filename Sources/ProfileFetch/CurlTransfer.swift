import CCurl
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP(S) GET with libcurl on a thread of its own. The body of a 200 answer that may be a
/// profile is written, as it arrives, into one end of a socket pair; the caller reads the
/// other end (`descriptor`) as it reads standard input, so that the profile is inflated and
/// decoded while it downloads and never held whole. libcurl waits in poll(2): a transfer that
/// waits for a 30-second CPU profile costs no CPU. Its timeout covers the whole transfer
/// (connect, answer, body), whatever the server does.
final class CurlTransfer: @unchecked Sendable {
    /// The end the body is read from; the caller closes it with `closeReading()`.
    let descriptor: Int32
    private let writeDescriptor: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var readingClosed = false
    /// Set by `stopAll` when the process is about to exit.
    private var stopping = false
    /// Set by the transfer's thread before `finished` is signalled.
    private var failure: FetchError.Reason?

    private let url: URL
    private let timeout: Double
    private let maxBytes: Int
    private let maxRedirects: Int
    private let userAgent: String

    // The transfer's own state (its thread only).
    private var handle: UnsafeMutableRawPointer?
    private enum Body { case undecided, profile, notAProfile }
    private var body = Body.undecided
    private var status = 0
    private var contentType: String?
    /// The first bytes: what decides whether the body is a profile, or what describes it.
    private var head: [UInt8] = []
    private var received = 0
    private var reason: FetchError.Reason?
    private var peerClosed = false
    /// When the timeout runs out (DispatchTime's nanoseconds). libcurl checks its timeout
    /// between its turns of reading, but while the socket has data waiting it reads on,
    /// handing piece after piece to `received`, each of which waits for the reader: with a
    /// reader slower than the network (a decoder busy with an endless body) a 4 s timeout
    /// fired after some 2 MB more, 37 s late. So `received` and `send` keep the deadline too.
    private var deadline: UInt64 = .max

    /// Transfers alive now (tests check that none outlives its fetch).
    nonisolated(unsafe) private static var live = 0
    private static let liveLock = NSLock()
    static var liveCount: Int { liveLock.withLock { live } }
    /// Transfers whose thread is still inside libcurl, and whether the process is ending
    /// (then no transfer starts). Guarded by `liveLock`.
    nonisolated(unsafe) private static var running: [ObjectIdentifier: CurlTransfer] = [:]
    nonisolated(unsafe) private static var ending = false

    /// Stops every transfer under way and waits (at most `seconds`) for their threads to leave
    /// libcurl. Called before the process exits: a transfer left running when one input fails
    /// early is inside OpenSSL while exit handlers tear its libraries down, and crashes there.
    static func stopAll(waitingAtMost seconds: Double) {
        let transfers: [CurlTransfer] = liveLock.withLock {
            ending = true
            return Array(running.values)
        }
        for transfer in transfers { transfer.lock.withLock { transfer.stopping = true } }
        let deadline = DispatchTime.now() + seconds
        for transfer in transfers where transfer.finished.wait(timeout: deadline) == .success {
            transfer.finished.signal()
        }
    }

    /// Counted in `live` (a transfer refused at its start is not).
    private var registered = false

    deinit {
        if registered { Self.liveLock.withLock { Self.live -= 1 } }
    }

    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    /// Starts the transfer.
    init(url: URL, timeout: Double, maxBytes: Int, maxRedirects: Int, userAgent: String) throws(FetchError) {
        self.url = url
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw FetchError(source: Fetcher.displayName(url), reason: .network(detail: "cannot start a transfer: \(String(cString: strerror(errno)))"))
        }
        descriptor = ends[0]
        writeDescriptor = ends[1]
        // libcurl's (and OpenSSL's) one-time set-up runs under the lock `stopAll` takes, so
        // that the process never exits in the middle of it.
        let refusal: String? = Self.liveLock.withLock {
            if Self.ending { return "not started: the program is ending" }
            if !Self.initialised { return "libcurl could not be initialised" }
            Self.live += 1
            Self.running[ObjectIdentifier(self)] = self
            registered = true
            return nil
        }
        if let refusal {
            Glibc.close(ends[0])
            Glibc.close(ends[1])
            throw FetchError(source: Fetcher.displayName(url), reason: .network(detail: refusal))
        }
        let thread = Thread { [self] in
            run()
            Glibc.close(writeDescriptor)
            Self.liveLock.withLock { _ = Self.running.removeValue(forKey: ObjectIdentifier(self)) }
            finished.signal()
        }
        thread.name = "proflens.fetch"
        thread.start()
    }

    /// Stops reading: a transfer still under way ends at its next write, or within a second
    /// of waiting (libcurl asks its progress callback at least once a second).
    func closeReading() {
        lock.withLock {
            if readingClosed { return }
            readingClosed = true
            Glibc.close(descriptor)
        }
    }

    /// Waits for the transfer to end: nil when it delivered a body that may be a profile (or
    /// was stopped by `closeReading`), else why it failed.
    func finish() -> FetchError.Reason? {
        finished.wait()
        finished.signal()
        return failure
    }

    private var isReadingClosed: Bool { lock.withLock { readingClosed } }
    private var isStopping: Bool { lock.withLock { stopping } }

    /// Milliseconds left before the deadline (0 once it has passed).
    private var millisecondsLeft: Int {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= deadline ? 0 : Int(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max)))
    }

    /// The timeout's reason, in the body.
    private func timedOutReceiving() -> Bool {
        reason = .timedOut(seconds: timeout, phase: .receivingBody(bytes: received))
        return false
    }

    // MARK: The transfer's thread

    private func run() {
        guard let easy = curl_easy_init() else {
            failure = .network(detail: "libcurl could not start a transfer")
            return
        }
        handle = easy
        defer { curl_easy_cleanup(easy) }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        let code: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            _ = proflens_curl_setopt_string(easy, CURLOPT_URL, url.absoluteString)
            _ = proflens_curl_setopt_string(easy, CURLOPT_USERAGENT, userAgent)
            _ = proflens_curl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
            _ = proflens_curl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            _ = proflens_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
            _ = proflens_curl_setopt_long(easy, CURLOPT_MAXREDIRS, maxRedirects)
            _ = proflens_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(min(timeout * 1000, Double(Int32.max))))
            // No signals (SIGALRM for DNS timeouts): this is one thread of several.
            _ = proflens_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
            _ = proflens_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer.baseAddress)
            _ = proflens_curl_setopt_write_function(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                let length = size * count
                return transfer.received(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            }
            _ = proflens_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
            _ = proflens_curl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
            _ = proflens_curl_setopt_progress_function(easy) { context, _, _, _, _ in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.isReadingClosed || transfer.isStopping ? 1 : 0
            }
            _ = proflens_curl_setopt_pointer(easy, CURLOPT_XFERINFODATA, context)
            if let caFile = ProcessInfo.processInfo.environment["SSL_CERT_FILE"], !caFile.isEmpty {
                _ = proflens_curl_setopt_string(easy, CURLOPT_CAINFO, caFile)
            }
            return curl_easy_perform(easy)
        }
        let detail = Escaping.oneLine(String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        failure = outcome(of: code, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }

    /// Takes one piece of the body; false stops the transfer (`reason` says why, if anything
    /// went wrong).
    private func received(_ piece: UnsafeRawBufferPointer) -> Bool {
        if body == .undecided && head.isEmpty { readAnswer() }
        if reason != nil || isStopping { return false }
        if millisecondsLeft == 0 { return timedOutReceiving() }
        received += piece.count
        if received > maxBytes && body != .notAProfile {
            reason = .tooLarge(limit: maxBytes)
            return false
        }
        switch body {
        case .profile:
            return send(piece)
        case .notAProfile:
            // Enough of it to describe it.
            let room = Fetcher.excerptBytes - head.count
            head += piece.prefix(max(room, 0))
            return head.count < Fetcher.excerptBytes
        case .undecided:
            head += piece
            if head.count >= BodyCheck.sniffLength { decide() }
            if body == .profile {
                let bytes = head
                head = []
                return bytes.withUnsafeBytes { send($0) }
            }
            return true
        }
    }

    /// The status and content type of the answer.
    private func readStatus() {
        var code = 0
        _ = proflens_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        status = code
        var type: UnsafeMutablePointer<CChar>?
        if proflens_curl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK, let type {
            contentType = String(cString: type)
        }
    }

    /// The status and headers, read when the first byte of the body arrives.
    private func readAnswer() {
        readStatus()
        if status != 200 {
            body = .notAProfile
            return
        }
        var length: curl_off_t = -1
        _ = proflens_curl_getinfo_offset(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
        if length > Int64(maxBytes) && !Self.isTextual(contentType) {
            // Content-Length says it all: no byte of the body is kept.
            reason = .tooLarge(limit: maxBytes)
        }
    }

    /// Whether what came so far (at least the sniffed length, or the whole body) may be a profile.
    private func decide() {
        body = BodyCheck.problem(head[...], contentType: contentType) == nil ? .profile : .notAProfile
    }

    /// Writes to the reading end, waiting for room no later than the deadline; false when the
    /// reader has gone, or the time is up (then `reason` says so).
    private func send(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(writeDescriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if n >= 0 {
                offset += n
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                let left = millisecondsLeft
                if left == 0 { return timedOutReceiving() }
                if isStopping { return false }
                var room = pollfd(fd: writeDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&room, 1, Int32(min(left, 1000)))
            default:
                peerClosed = true
                return false
            }
        }
        return true
    }

    /// The transfer's result once libcurl returned.
    private func outcome(of code: CURLcode, detail: String) -> FetchError.Reason? {
        if let reason { return reason }
        if peerClosed || (code == CURLE_ABORTED_BY_CALLBACK && isReadingClosed) { return nil }
        if code != CURLE_OK && code != CURLE_WRITE_ERROR {
            var length: curl_off_t = -1
            _ = proflens_curl_getinfo_offset(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
            return Self.reason(for: code, detail: detail, timeout: timeout, phase: code == CURLE_OPERATION_TIMEDOUT ? phase() : .connecting,
                               maxRedirects: maxRedirects, received: received, lengthDeclared: length >= 0)
        }
        // The whole answer came (an empty body never reached `received`).
        if status == 0 { readStatus() }
        if body == .undecided {
            if status != 200 {
                body = .notAProfile
            } else {
                decide()
            }
        }
        if status != 200 {
            var firstLine: String?
            if case .text(_, let line)? = BodyCheck.problem(head[...], contentType: contentType) { firstLine = line }
            return .httpStatus(code: status, firstLine: firstLine)
        }
        if body == .notAProfile || head.isEmpty && received == 0 {
            return BodyCheck.problem(head[...], contentType: contentType)
        }
        // A short body decided only now.
        if !head.isEmpty {
            let bytes = head
            head = []
            if !bytes.withUnsafeBytes({ send($0) }) { return reason }
        }
        return nil
    }

    /// libcurl's failures in the terms of FetchError (`detail`: libcurl's message;
    /// `lengthDeclared`: the answer had a Content-Length, else it was chunked).
    static func reason(for code: CURLcode, detail: String, timeout: Double, phase: FetchError.TimeoutPhase,
                       maxRedirects: Int, received: Int, lengthDeclared: Bool) -> FetchError.Reason {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(seconds: timeout, phase: phase)
        case CURLE_COULDNT_CONNECT:
            return .cannotConnect(detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return .hostNotFound
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(limit: maxRedirects)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return .tls(detail: detail)
        case CURLE_PARTIAL_FILE:
            return .network(detail: "the connection closed in the middle of the body (\(received) bytes received, "
                             + (lengthDeclared ? "fewer than its Content-Length)" : "before its end)"))
        case CURLE_GOT_NOTHING:
            return .network(detail: "the server closed the connection without answering")
        default:
            return .network(detail: detail)
        }
    }

    /// Where a timed-out transfer was.
    private func phase() -> FetchError.TimeoutPhase {
        if received > 0 { return .receivingBody(bytes: received) }
        var code = 0
        _ = proflens_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        if code != 0 { return .receivingBody(bytes: 0) }
        var connected: curl_off_t = 0
        _ = proflens_curl_getinfo_offset(handle, CURLINFO_CONNECT_TIME_T, &connected)
        return connected > 0 ? .waitingForAnswer : .connecting
    }

    /// Content types that never hold a profile.
    static func isTextual(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = BodyCheck.mediaType(contentType)
        return type.hasPrefix("text/") || type == "application/json" || type.hasSuffix("+json")
            || type == "application/xhtml+xml"
    }
}
