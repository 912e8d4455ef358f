import CCurl
import TestSupport
import Foundation
import Testing
@testable import ProfileFetch

struct BodyCheckTests {
    func problem(_ text: String, _ contentType: String? = nil) -> FetchError.Reason? {
        BodyCheck.problem(Array(text.utf8)[...], contentType: contentType)
    }

    @Test func gzipAndProtobufMayBeProfiles() {
        #expect(BodyCheck.problem([0x1f, 0x8b, 0x08, 0x00][...], contentType: "application/octet-stream") == nil)
        // A raw profile: field 1 (sample_type), a ValueType of two varints.
        #expect(BodyCheck.problem([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02][...], contentType: nil) == nil)
        // gzip wins over a wrong content type.
        #expect(BodyCheck.problem([0x1f, 0x8b, 0x08][...], contentType: "text/html") == nil)
    }

    @Test func htmlByTypeOrByFirstByte() {
        #expect(problem("<!DOCTYPE html><html></html>", "text/html; charset=utf-8") == .htmlPage(contentType: "text/html; charset=utf-8"))
        #expect(problem("<html><body>hi</body></html>") == .htmlPage(contentType: nil))
        #expect(problem("\u{FEFF}\n  <html>", "application/octet-stream") == .htmlPage(contentType: "application/octet-stream"))
        #expect(BodyCheck.problem([0x3c, 0x00, 0x01][...], contentType: nil) == .htmlPage(contentType: nil))
    }

    @Test func textByTypeOrByBytes() {
        #expect(problem("404 page not found\n", "text/plain; charset=utf-8")
            == .text(contentType: "text/plain; charset=utf-8", firstLine: "404 page not found"))
        #expect(problem("{\"error\": \"nope\"}", "application/json")
            == .text(contentType: "application/json", firstLine: "{\"error\": \"nope\"}"))
        #expect(problem("\n\nUnknown profile: foo\nmore\n") == .text(contentType: nil, firstLine: "Unknown profile: foo"))
    }

    @Test func emptyIsNotAProfile() {
        #expect(problem("", "application/octet-stream") == .empty)
    }

    @Test func excerptsAreEscapedAndCut() {
        #expect(Escaping.firstLine(Array("a\tb\u{1b}[31mc\r\nnext".utf8)[...]) == "a\\tb\\x1b[31mc")
        #expect(Escaping.oneLine("x\u{85}y\u{7f}") == "x\\u{85}y\\x7f")
        let long = String(repeating: "é", count: 500)
        let excerpt = Escaping.firstLine(Array(long.utf8)[...])!
        #expect(excerpt.count == Escaping.excerptLength + 1 && excerpt.hasSuffix("…"))
        // Invalid UTF-8 does not trap and shows as U+FFFD.
        #expect(Escaping.firstLine([0x41, 0xff, 0x42][...]) == "A\u{FFFD}B")
    }

    @Test func textDetectionToleratesACutMultibyteSequence() {
        let text = Array(String(repeating: "a", count: BodyCheck.sniffLength - 1).utf8) + Array("é and more".utf8)
        #expect(BodyCheck.looksLikeText(text[...]))
    }

    @Test func messagesAndKinds() {
        let source = "http://127.0.0.1:1/debug/pprof/heap"
        func error(_ reason: FetchError.Reason) -> FetchError { FetchError(source: source, reason: reason) }
        #expect(error(.cannotConnect(detail: "Could not connect to the server.")).description
            == "\(source): cannot connect: Could not connect to the server.")
        #expect(error(.timedOut(seconds: 1.5, phase: .connecting)).description
            == "\(source): timed out after 1.5 s, while connecting (see --timeout)")
        #expect(error(.timedOut(seconds: 4, phase: .waitingForAnswer)).description
            == "\(source): timed out after 4 s, connected, waiting for the answer (see --timeout)")
        #expect(error(.timedOut(seconds: 4, phase: .receivingBody(bytes: 12))).description
            == "\(source): timed out after 4 s, receiving the body, 12 bytes so far (see --timeout)")
        #expect(error(.httpStatus(code: 500, firstLine: "boom")).description
            == "\(source): server answered HTTP 500 Internal Server Error: boom")
        #expect(error(.httpStatus(code: 599, firstLine: nil)).description == "\(source): server answered HTTP 599")
        #expect(error(.tooLarge(limit: 1024)).description
            == "\(source): not a profile: larger than the limit of 1024 bytes, reading stopped there (see --max-inflated-size)")
        for reason: FetchError.Reason in [.cannotConnect(detail: ""), .hostNotFound, .timedOut(seconds: 1, phase: .connecting), .tls(detail: ""),
                                          .httpStatus(code: 404, firstLine: nil), .tooManyRedirects(limit: 1),
                                          .network(detail: ""), .readFailed(detail: "")] {
            #expect(error(reason).kind == .unreachable)
        }
        for reason: FetchError.Reason in [.htmlPage(contentType: nil), .text(contentType: nil, firstLine: nil), .empty,
                                          .tooLarge(limit: 1)] {
            #expect(error(reason).kind == .notAProfile)
        }
    }
}

/// libcurl's errors as FetchError reasons (those that the live tests cannot provoke here:
/// DNS would leave the machine).
struct ErrorMappingTests {
    func reason(_ code: CURLcode, _ message: String = "x", lengthDeclared: Bool = true) -> FetchError.Reason {
        CurlTransfer.reason(for: code, detail: message, timeout: 2, phase: .waitingForAnswer, maxRedirects: 10, received: 7,
                            lengthDeclared: lengthDeclared)
    }

    @Test func codes() {
        #expect(reason(CURLE_COULDNT_RESOLVE_HOST) == .hostNotFound)
        #expect(reason(CURLE_OPERATION_TIMEDOUT) == .timedOut(seconds: 2, phase: .waitingForAnswer))
        #expect(reason(CURLE_COULDNT_CONNECT, "Couldn't connect") == .cannotConnect(detail: "Couldn't connect"))
        #expect(reason(CURLE_TOO_MANY_REDIRECTS) == .tooManyRedirects(limit: 10))
        #expect(reason(CURLE_PEER_FAILED_VERIFICATION, "bad cert") == .tls(detail: "bad cert"))
        #expect(reason(CURLE_SSL_CONNECT_ERROR, "handshake") == .tls(detail: "handshake"))
        #expect(reason(CURLE_RECV_ERROR, "Recv failure: Connection reset by peer") == .network(detail: "Recv failure: Connection reset by peer"))
        #expect(reason(CURLE_PARTIAL_FILE)
            == .network(detail: "the connection closed in the middle of the body (7 bytes received, fewer than its Content-Length)"))
        // A chunked body has no Content-Length to fall short of.
        #expect(reason(CURLE_PARTIAL_FILE, lengthDeclared: false)
            == .network(detail: "the connection closed in the middle of the body (7 bytes received, before its end)"))
        #expect(reason(CURLE_GOT_NOTHING) == .network(detail: "the server closed the connection without answering"))
    }

    @Test func hostNotFoundMessage() {
        let error = FetchError(source: "http://nosuchhost.invalid:6060/debug/pprof/profile", reason: .hostNotFound)
        #expect(error.description == "http://nosuchhost.invalid:6060/debug/pprof/profile: cannot connect: host not found (DNS lookup failed)")
        #expect(error.kind == .unreachable)
    }
}
