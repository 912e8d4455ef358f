import Foundation

/// Runs a program to its end, its output in files (so that no pipe can fill and block it).
/// Standard input is /dev/null: none of the programs the tests run reads it, and none may
/// wait on the terminal.
public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    environment: [String: String]? = nil) throws -> Result {
        let result = try runForData(executable, arguments, in: directory, environment: environment)
        return Result(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                      stderr: String(decoding: result.stderr, as: UTF8.self))
    }

    public static func runForData(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil) throws -> (status: Int32, stdout: Data, stderr: Data) {
        try capture(executable, arguments, in: directory, environment: environment, mergingStandardError: false)
    }

    /// Standard output and standard error in one text, interleaved as the program wrote them
    /// (as on a terminal): for tools such as xmllint and Python whose complaints may go to
    /// either and are only shown.
    public static func runMerged(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                          environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let result = try capture(executable, arguments, in: directory, environment: environment, mergingStandardError: true)
        return (result.status, String(decoding: result.stdout, as: UTF8.self))
    }

    /// With `mergingStandardError`, both streams go to the one file and `stderr` is empty.
    private static func capture(_ executable: String, _ arguments: [String], in directory: URL?,
                                environment: [String: String]?, mergingStandardError: Bool) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let temporary = FileManager.default.temporaryDirectory
        let outURL = temporary.appendingPathComponent("proflens-run-out-\(UUID().uuidString)")
        let errURL = temporary.appendingPathComponent("proflens-run-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        if !mergingStandardError { _ = FileManager.default.createFile(atPath: errURL.path, contents: nil) }
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = mergingStandardError ? out : try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            if !mergingStandardError { try? err.close() }
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try Data(contentsOf: outURL),
                mergingStandardError ? Data() : try Data(contentsOf: errURL))
    }
}
