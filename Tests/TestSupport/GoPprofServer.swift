import Foundation

/// The Go toolchain and the fixture server built with it.
public enum GoFixture {
    public static let sourceFolder = Paths.packageRoot.appendingPathComponent("Tests/ProfileFetchTests/Fixtures/pprofserver")

    /// `$PROFLENS_TEST_GO` if set (empty: as if Go were absent), else `go` on PATH, else where
    /// Debian and the official tarball put it. Nil (with a notice on stderr) when there is
    /// none: the live-server tests are then skipped.
    public static let goPath: String? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates = (environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/go" }
        candidates += ["/usr/bin/go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go"]
        if let chosen = environment["PROFLENS_TEST_GO"] { candidates = chosen.isEmpty ? [] : [chosen] }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        FileHandle.standardError.write(Data(
            "notice: Go is not installed (apt-get install golang-go): the live pprof server tests are SKIPPED\n".utf8))
        return nil
    }()

    public static var isAvailable: Bool { goPath != nil }

    /// Builds the server into `folder`; returns the binary's path.
    public static func build(into folder: URL) throws -> URL {
        guard let goPath else { throw FixtureError("Go is not installed") }
        let binary = folder.appendingPathComponent("pprofserver")
        var environment = ProcessInfo.processInfo.environment
        environment["GOTOOLCHAIN"] = "local"
        environment["GOTELEMETRY"] = "off"
        if environment["HOME"] == nil {
            environment["GOCACHE"] = environment["GOCACHE"] ?? folder.appendingPathComponent("gocache").path
            environment["GOPATH"] = environment["GOPATH"] ?? folder.appendingPathComponent("gopath").path
        }
        let result = try Subprocess.run(goPath, ["build", "-o", binary.path, "."],
                                        in: sourceFolder, environment: environment)
        guard result.status == 0 else {
            throw FixtureError("go build failed (\(result.status)): \(result.stderr)")
        }
        return binary
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One running pprofserver. It is stopped by `stop()`; should the test process die first, the
/// server sees its standard input close and exits by itself.
public final class PprofServer: @unchecked Sendable {
    public let process: Process
    public let port: Int
    private let input: Pipe
    private let scheme: String

    public var base: String { "\(scheme)://127.0.0.1:\(port)" }
    public func url(_ path: String) -> URL { URL(string: base + path)! }

    public init(binary: URL, tls: Bool = false, caPath: String? = nil) throws {
        process = Process()
        process.executableURL = binary
        // Long enough for a whole `make test` on a loaded machine (the tests end it sooner by
        // closing its standard input).
        var arguments = ["-lifetime", "3600s"]
        if tls { arguments += ["-tls", "-ca", caPath ?? ""] }
        process.arguments = arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        scheme = tls ? "https" : "http"
        try process.run()
        // The first line is the port; end of file first means the server died.
        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8)?.split(separator: "\n").first,
              let port = Int(text) else {
            process.terminate()
            process.waitUntilExit()
            throw FixtureError("pprofserver did not print its port: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }
}
