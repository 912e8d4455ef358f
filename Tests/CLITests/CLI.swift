import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `proflens` binary, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        /// Ended by a signal (a crash, or killed after `timeout`): `status` is the signal.
        var signalled = false
        /// Still running after the timeout given to `run`, and killed.
        var timedOut = false
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let packageRoot = Paths.packageRoot

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

    /// Where every run keeps the profiles it fetches (its PPROF_TMPDIR, unless a test gives
    /// another): a folder of this test process, so that no test writes into the real ~/pprof.
    /// It is this test process's own PPROF_TMPDIR, set once, which every run inherits: giving
    /// each Process an environment of its own made concurrent Process.run() calls crash in
    /// swift-corelibs-foundation (a memmove in Process.run, seen in RandomCommandLineTests).
    static let saveFolder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-cli-pprof-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        setenv("PPROF_TMPDIR", folder.path, 1)
        return folder
    }()

    /// This process's environment with PPROF_TMPDIR set to `saveFolder`, then `overrides`.
    static func environment(_ overrides: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PPROF_TMPDIR"] = saveFolder.path
        environment.merge(overrides) { $1 }
        return environment
    }

    /// Runs proflens with `arguments`; standard input is `stdin` (default: empty, as
    /// /dev/null); the environment is `environment(overrides)`. A run that lasts longer than
    /// `timeout` seconds is killed (`timedOut`).
    static func run(_ arguments: [String], in directory: URL? = nil, stdin: URL? = nil,
                    environment overrides: [String: String] = [:], timeout: TimeInterval = 300) throws -> Result {
        let launch = try Launch(arguments, in: directory, stdin: stdin, environment: overrides)
        let process = launch.process
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        var timedOut = false
        if ended.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        }
        return try launch.result(timedOut: timedOut)
    }

    /// `run`, without blocking a thread of the concurrency pool while proflens runs (other
    /// suites keep running), and at most `ProcessSlots.shared` runs at a time.
    static func runAsync(_ arguments: [String], in directory: URL? = nil, stdin: URL? = nil,
                         environment overrides: [String: String] = [:], timeout: TimeInterval = 300) async throws -> Result {
        await ProcessSlots.shared.acquire()
        defer { ProcessSlots.shared.release() }
        let launch = try Launch(arguments, in: directory, stdin: stdin, environment: overrides)
        let process = launch.process
        let timedOut = Flag()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning {
                    timedOut.set()
                    kill(pid, SIGKILL)
                }
            }
        }
        return try launch.result(timedOut: timedOut.isSet)
    }

    /// A proflens process ready to run, its output going to files, so that a large output can
    /// never block it; the files go with it.
    private final class Launch {
        let process = Process()
        private let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-out-\(UUID().uuidString)")
        private let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-err-\(UUID().uuidString)")

        init(_ arguments: [String], in directory: URL?, stdin: URL?, environment: [String: String]) throws {
            process.executableURL = binary
            process.arguments = arguments
            // Inherited (with PPROF_TMPDIR, set once) unless the test gives variables of its own.
            _ = CLI.saveFolder
            if !environment.isEmpty { process.environment = CLI.environment(environment) }
            if let directory { process.currentDirectoryURL = directory }
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        }

        deinit {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }

        /// Once the process has ended.
        func result(timedOut: Bool) throws -> Result {
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                          stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                          signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut)
        }
    }

    static func temporaryFile(_ bytes: [UInt8], name: String = UUID().uuidString) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-test-\(name)")
        try Data(bytes).write(to: url)
        return url
    }
}

/// How many proflens processes the async runs start at once: a few more than the cores, since
/// some runs only wait (on a network timeout).
final class ProcessSlots: @unchecked Sendable {
    static let shared = ProcessSlots(max(3, ProcessInfo.processInfo.activeProcessorCount + 1))

    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if free > 0 {
                free -= 1
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    func release() {
        lock.lock()
        if waiting.isEmpty {
            free += 1
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume()
        }
    }
}

/// A flag set from another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
