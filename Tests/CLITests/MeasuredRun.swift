import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A proflens run measured from outside the process. It runs under GNU time (/usr/bin/time,
/// Debian's `time`), which forks it, reaps it with wait4(2) and writes its rusage: the child's
/// own CPU time (user and system) and peak resident set (ru_maxrss). The wall time runs from
/// before the spawn to the reaping. Without GNU time the child is reaped here with wait4, for
/// its CPU time only: a child spawned from this (large, multithreaded) test process (glibc's
/// posix_spawn shares its memory until the exec, as vfork does) starts its ru_maxrss at this
/// process's peak, which Linux carries across the exec; a child forked from a small process,
/// as GNU time forks, does not. (Foundation's Process reaps its own children by their pids,
/// never this one.)
struct MeasuredRun {
    var status: Int32
    /// Ended by a signal (`status` is the signal), or killed after the timeout (`timedOut`).
    var signalled = false
    var timedOut = false
    var stdout: Data
    var stderr: String
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    /// Nil without GNU time.
    var peakRSSBytes: Int?

    var text: String { String(decoding: stdout, as: UTF8.self) }
    var cpuSeconds: Double { userSeconds + systemSeconds }
    /// The lines proflens wrote about what went wrong (or what the user should know).
    var messageLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("proflens:") } }

    /// The figures, for the test log.
    var figures: String {
        String(format: "exit %d, wall %.2f s, CPU %.2f s (user %.2f, sys %.2f), ", status, wallSeconds, cpuSeconds, userSeconds, systemSeconds)
            + (peakRSSBytes.map { String(format: "peak RSS %.1f MB", Double($0) / 1_000_000) } ?? "peak RSS not measured")
    }
}

extension CLI {
    /// Whether the proflens under test is a debug build (`swift test`'s default), whose decoder
    /// is some thirty times slower than a release build's: time bounds that depend on how fast
    /// it decodes are wider for it.
    static let isDebugBuild = binary.path.contains("/debug/")

    /// GNU time, if installed (nil, with a notice, if not): the condition of HostileServerTests.
    static let timeTool: String? = {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/time") { return "/usr/bin/time" }
        FileHandle.standardError.write(Data("notice: GNU time is not installed (apt-get install time): HostileServerTests are skipped\n".utf8))
        return nil
    }()

    /// Runs proflens with `arguments`, standard input /dev/null, the environment
    /// `environment(overrides)`, and measures it (see `MeasuredRun`). Killed, with GNU time, after
    /// `timeout` seconds.
    static func runMeasured(_ arguments: [String], environment overrides: [String: String] = [:],
                            timeout: TimeInterval = 300) throws -> MeasuredRun {
        let folder = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let outPath = folder.appendingPathComponent("proflens-measured-out-\(id)").path
        let errPath = folder.appendingPathComponent("proflens-measured-err-\(id)").path
        let statsPath = folder.appendingPathComponent("proflens-measured-rusage-\(id)").path
        defer {
            unlink(outPath)
            unlink(errPath)
            unlink(statsPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // Signals as a fresh process has them (the test runner may ignore SIGPIPE); a process
        // group of its own, so that GNU time and proflens are killed together.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var command = [binary.path] + arguments
        if let timeTool { command = [timeTool, "-f", "%U %S %M", "-o", statsPath] + command }
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment(overrides).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        let reaping = Reaping()
        let started = DispatchTime.now()
        var spawnedPID: pid_t = 0
        let spawned = posix_spawn(&spawnedPID, command[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw FixtureError("posix_spawn \(command[0]): \(String(cString: strerror(spawned)))") }
        let pid = spawnedPID
        let thread = Thread {
            var status: Int32 = 0
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            reaping.finish(status: status, usage: usage)
        }
        thread.start()
        var timedOut = false
        if reaping.done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(-pid, SIGKILL)
            reaping.done.wait()
        }

        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        var status = reaping.status & 0x7f == 0 ? (reaping.status >> 8) & 0xff : reaping.status & 0x7f
        var signalled = reaping.status & 0x7f != 0
        var user = seconds(reaping.usage.ru_utime), system = seconds(reaping.usage.ru_stime)
        var peakRSS: Int?
        if timeTool != nil {
            // "Command exited with non-zero status N" or "Command terminated by signal N", then
            // "user system maxrss-in-KB".
            let lines = ((try? String(contentsOfFile: statsPath, encoding: .utf8)) ?? "").split(separator: "\n")
            if let signal = lines.first(where: { $0.hasPrefix("Command terminated by signal ") })?.split(separator: " ").last.flatMap({ Int32($0) }) {
                status = signal
                signalled = true
            }
            let figures = lines.last?.split(separator: " ") ?? []
            if !timedOut {
                guard figures.count == 3, let u = Double(figures[0]), let s = Double(figures[1]), let kb = Int(figures[2]) else {
                    throw FixtureError("GNU time wrote no figures: \(lines)")
                }
                (user, system, peakRSS) = (u, s, kb * 1024)
            }
        }
        return MeasuredRun(
            status: status, signalled: signalled, timedOut: timedOut,
            stdout: try Data(contentsOf: URL(fileURLWithPath: outPath)),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
            wallSeconds: Double(reaping.ended.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9,
            userSeconds: user, systemSeconds: system, peakRSSBytes: peakRSS)
    }
}

/// What the reaping thread found, read once `done` is signalled.
private final class Reaping: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    private(set) var status: Int32 = 0
    private(set) var usage = rusage()
    private(set) var ended = DispatchTime.now()

    func finish(status: Int32, usage: rusage) {
        ended = DispatchTime.now()
        self.status = status
        self.usage = usage
        done.signal()
    }
}
