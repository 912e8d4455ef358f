import Foundation

/// Runs the built `proflens` binary, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    /// The proflens binary built next to the test bundle.
    static let binary: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("proflens")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/proflens")
    }()

    static func run(_ arguments: [String], in directory: URL? = nil, stdin: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        if let directory { process.currentDirectoryURL = directory }
        // Output goes to files, so that a large output can never block the process.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// gzip(1)'s compression of `bytes`.
    static func gzip(_ bytes: Data) throws -> Data {
        let input = try temporaryFile(Array(bytes))
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-k", "-f", input.path]
        try process.run()
        process.waitUntilExit()
        let output = URL(fileURLWithPath: input.path + ".gz")
        defer { try? FileManager.default.removeItem(at: output) }
        return try Data(contentsOf: output)
    }

    static func temporaryFile(_ bytes: [UInt8], name: String = UUID().uuidString) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-test-\(name)")
        try Data(bytes).write(to: url)
        return url
    }

    static func corpusIfPresent() -> URL? {
        if FileManager.default.fileExists(atPath: corpus.appendingPathComponent("profiles").path) { return corpus }
        print("notice: corpus not found at \(corpus.path); skipping corpus checks")
        return nil
    }
}
