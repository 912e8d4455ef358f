import TestSupport
import Foundation
import Testing
@testable import ProfileFetch

/// `Fetcher.read(fileDescriptor:name:)`, which `readStandardInput()` calls with descriptor 0,
/// on pipes fed by another process.
struct StandardInputTests {
    /// Reads what `writer` (a shell command) writes into a pipe, then reports how the writer
    /// ended: its status, and whether a signal (SIGPIPE: the reader stopped early) ended it.
    func readPipe(from writer: String, maxBytes: Int) throws -> (Result<[UInt8], FetchError>, Int32, Process.TerminationReason) {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", writer]
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try pipe.fileHandleForWriting.close()
        let result: Result<[UInt8], FetchError>
        do {
            result = .success(try Fetcher(maxBytes: maxBytes)
                .read(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "standard input"))
        } catch {
            result = .failure(error)
        }
        try pipe.fileHandleForReading.close()
        process.waitUntilExit()
        return (result, process.terminationStatus, process.terminationReason)
    }

    @Test func readsAllOfAGzipStream() throws {
        let (result, status, _) = try readPipe(from: "head -c 300000 /dev/urandom | gzip -c", maxBytes: 1 << 20)
        let bytes = try result.get()
        #expect(status == 0)
        #expect(bytes.starts(with: [0x1f, 0x8b]))
        #expect(bytes.count > 300000)
    }

    @Test func stopsAtTheCap() throws {
        let cap = 100_000
        let (result, _, reason) = try readPipe(from: "printf '\\037\\213'; exec head -c 100000000 /dev/zero", maxBytes: cap)
        #expect(throws: FetchError(source: "standard input", reason: .tooLarge(limit: cap))) { try result.get() }
        // The writer could not write its 100 MB: the reader had stopped and closed the pipe.
        #expect(reason == .uncaughtSignal)
    }

    @Test func exactlyTheCapIsFine() throws {
        let (result, _, _) = try readPipe(from: "printf '\\037\\213'; head -c 99998 /dev/zero", maxBytes: 100_000)
        #expect(try result.get().count == 100_000)
    }

    @Test func noCapAtAll() throws {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data([0x1f, 0x8b, 1, 2, 3]))
        try pipe.fileHandleForWriting.close()
        defer { try? pipe.fileHandleForReading.close() }
        #expect(try Fetcher(maxBytes: .max).read(fileDescriptor: pipe.fileHandleForReading.fileDescriptor, name: "-") == [0x1f, 0x8b, 1, 2, 3])
    }

    @Test func emptyAndHTMLAreNotProfiles() throws {
        let (empty, _, _) = try readPipe(from: "true", maxBytes: 1000)
        #expect(throws: FetchError(source: "standard input", reason: .empty)) { try empty.get() }
        let (html, _, _) = try readPipe(from: "printf '<html>login</html>\\n'", maxBytes: 1000)
        #expect(throws: FetchError(source: "standard input", reason: .htmlPage(contentType: nil))) { try html.get() }
        let error = FetchError(source: "standard input", reason: .htmlPage(contentType: nil))
        #expect(error.description == "standard input: not a profile: got an HTML page")
    }

    @Test func readErrorIsReported() {
        #expect(throws: FetchError(source: "fd 999", reason: .readFailed(detail: String(cString: strerror(EBADF))))) {
            try Fetcher(maxBytes: 10).read(fileDescriptor: 999, name: "fd 999")
        }
    }
}
