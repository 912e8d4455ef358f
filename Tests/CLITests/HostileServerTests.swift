import Foundation
import TestSupport
import Testing

/// Live profiles from servers that misbehave, through the proflens binary as a user runs it,
/// measured from outside the process (`CLI.runMeasured`: the rusage that GNU time takes with
/// wait4, for CPU time and peak RSS). Each failure exits with its code, says on one line why, ends in time, holds no more
/// memory than the size cap calls for, and writes nothing: no output file, no saved copy.
/// Then what a fetch costs and leaves when it works: no CPU while the server collects a CPU
/// profile, several URLs at once, the copy pprof would save, heap snapshots apart.
///
/// The server is Tests/ProfileFetchTests/Fixtures/pprofserver (hostile.go has the hostile
/// endpoints), one for this suite so that its CPU profile is not busy with another suite's.
/// Reported as skipped without Go or GNU time (which measures the peak RSS every test bounds);
/// with Go, a server that cannot be built or started fails each test. The figures of every run
/// are printed, for the record.
@Suite(.serialized, .enabled(if: GoFixture.isAvailable, "needs Go (Debian's golang-go) to build the pprof test server"),
       .enabled(if: CLI.timeTool != nil, "needs GNU time (Debian's time) to measure peak RSS"))
struct HostileServerTests {
    /// How much longer than its --timeout (or its profile's seconds) a run may take on a
    /// loaded two-core machine: the issue asks for 4.5 s with --timeout 4; 4.1 to 4.2 s were
    /// measured with a load average of 12.
    static let timeoutSlack: Double = 2

    /// The issue's bound, 300 MB with --max-inflated-size 100M: the process itself (some tens
    /// of MB) and the samples decoded from at most the cap.
    static func peakRSSBound(cap: Int) -> Int { 60_000_000 + cap * 12 / 5 }

    func url(_ path: String) throws -> String {
        try HostileServer.server.get().base + path
    }

    /// A folder for saved profiles (the run's PPROF_TMPDIR), and the files in it afterwards.
    struct SaveFolder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-hostile-saved-\(UUID().uuidString)")
        var environment: [String: String] { ["PPROF_TMPDIR": url.path] }
        var files: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
    }

    /// Runs `merge arguments -o OUT` and checks the failure: exit `code`, one message line that
    /// contains `cause` (and matches `pattern`, if given), at most `wall` seconds, at most
    /// `peakRSS` bytes, at most `cpu` seconds of CPU, no OUT, nothing saved.
    @discardableResult
    func expectFailure(_ name: String, _ arguments: [String], code: Int32, cause: String, pattern: String? = nil,
                       wall: ClosedRange<Double>, peakRSS: Int, cpu: Double? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> MeasuredRun {
        let saved = SaveFolder()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-hostile-\(UUID().uuidString).pb.gz")
        let run = try CLI.runMeasured(["merge"] + arguments + ["-o", output.path], environment: saved.environment,
                                      timeout: wall.upperBound + 60)
        print("HostileServerTests: \(name): \(run.figures); \(run.messageLines.joined(separator: " | "))")
        #expect(!run.signalled && !run.timedOut, "\(name): \(run.figures)", sourceLocation: sourceLocation)
        #expect(run.status == code, "\(name): \(run.figures)\n\(run.stderr)", sourceLocation: sourceLocation)
        let messages = run.messageLines
        #expect(messages.count == 1 && messages[0].contains(cause), "\(name): \(run.stderr)", sourceLocation: sourceLocation)
        if let pattern, let message = messages.first {
            #expect(message.contains(try Regex(pattern)), "\(name): \(message) does not match \(pattern)", sourceLocation: sourceLocation)
        }
        // Nothing but the fetch and that one line.
        let others = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("proflens:") && !$0.hasPrefix("Fetching profile over HTTP from ") }
        #expect(others.isEmpty, "\(name): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(wall.contains(run.wallSeconds), "\(name): wall \(run.wallSeconds) s, not in \(wall)", sourceLocation: sourceLocation)
        // GNU time (the suite's condition) measures it, unless the run was killed.
        if !run.timedOut {
            let measured = try #require(run.peakRSSBytes, "\(name): no peak RSS measured", sourceLocation: sourceLocation)
            #expect(measured <= peakRSS, "\(name): peak RSS \(measured) > \(peakRSS)", sourceLocation: sourceLocation)
        }
        if let cpu {
            #expect(run.cpuSeconds <= cpu, "\(name): CPU \(run.cpuSeconds) s > \(cpu) s", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path), "\(name): an output file was written", sourceLocation: sourceLocation)
        #expect(saved.files.isEmpty, "\(name): saved \(saved.files)", sourceLocation: sourceLocation)
        try? FileManager.default.removeItem(at: output)
        try? FileManager.default.removeItem(at: saved.url)
        return run
    }

    // MARK: Timeouts: --timeout 4 ends the run at about 4 s, wherever the transfer is

    @Test func stallingServerTimesOutWaitingForTheAnswer() throws {
        try expectFailure("stall", [url("/stall"), "--timeout", "4"], code: 66,
                          cause: "timed out after 4 s, connected, waiting for the answer (see --timeout)",
                          wall: 4...(4 + Self.timeoutSlack), peakRSS: 100_000_000, cpu: 0.5)
    }

    /// One byte every 200 ms of a gzip profile that never ends: about 20 bytes in 4 s.
    @Test func drippingServerTimesOutReceivingTheBody() throws {
        let run = try expectFailure("drip", [url("/drip?every=200ms"), "--timeout", "4"], code: 66,
                                    cause: "timed out after 4 s, receiving the body, ",
                                    pattern: #"receiving the body, \d+ bytes so far \(see --timeout\)$"#,
                                    wall: 4...(4 + Self.timeoutSlack), peakRSS: 100_000_000, cpu: 0.5)
        let bytes = run.messageLines.first.flatMap { $0.firstMatch(of: #/body, (\d+) bytes/#) }.flatMap { Int($0.1) }
        #expect((5...30).contains(bytes ?? -1), "\(bytes ?? -1) bytes in 4 s at one every 200 ms")
    }

    /// A well-formed gzip profile that never ends, at loopback speed, with the default cap
    /// (4 GiB inflated): the decoder is busy the whole time, and the timeout must still end
    /// the transfer, and the run, at 4 s.
    @Test func endlessServerTimesOutReceivingTheBody() throws {
        try expectFailure("endless, --timeout 4", [url("/endless"), "--timeout", "4"], code: 66,
                          cause: "timed out after 4 s, receiving the body, ",
                          pattern: #"receiving the body, \d+ bytes so far \(see --timeout\)$"#,
                          wall: 4...(4 + Self.timeoutSlack), peakRSS: 2_000_000_000)
    }

    // MARK: Size caps: --max-inflated-size bounds what is received and inflated, and so memory

    /// A well-formed gzip profile that never ends (a profile prefix, then six-byte samples of a
    /// defined location for ever): every byte is one the decoder accepts, so only the cap stops
    /// it; the samples decoded from 100 MB must fit in 300 MB.
    @Test func endlessGzipProfileStopsAtTheSizeCap() throws {
        let cap = 100 << 20
        try expectFailure("endless gzip, --max-inflated-size 100M", [url("/endless"), "--max-inflated-size", "100M", "--timeout", "600"],
                          code: 65, cause: "inflated size exceeds the limit of \(cap) bytes (see --max-inflated-size)",
                          wall: 0...(CLI.isDebugBuild ? 480 : 60), peakRSS: Self.peakRSSBound(cap: cap))
    }

    /// The same as raw protobuf: the transfer counts the bytes received.
    @Test func endlessRawProfileStopsAtTheSizeCap() throws {
        let cap = 32 << 20
        let run = try expectFailure("endless raw, --max-inflated-size 32M", [url("/endless?raw=1"), "--max-inflated-size", "32M", "--timeout", "600"],
                                    code: 65, cause: "\(cap) bytes",
                                    wall: 0...(CLI.isDebugBuild ? 240 : 30), peakRSS: Self.peakRSSBound(cap: cap))
        #expect(run.messageLines.first?.contains("(see --max-inflated-size)") == true)
    }

    /// 4 GiB of samples in a 29 MB body with its Content-Length (under the cap, so not refused
    /// up front): stopped once the cap is inflated, long before the body is all there.
    @Test func gzipBombOfSamplesStopsAtTheSizeCap() throws {
        let cap = 32 << 20
        try expectFailure("bomb of samples, --max-inflated-size 32M", [url("/bomb?size=4G"), "--max-inflated-size", "32M", "--timeout", "600"],
                          code: 65, cause: "inflated size exceeds the limit of \(cap) bytes (see --max-inflated-size)",
                          wall: 0...(CLI.isDebugBuild ? 240 : 30), peakRSS: Self.peakRSSBound(cap: cap))
    }

    /// 4 GiB of zeros (as pprof reads protobuf, a zero byte is an empty field 0, which it
    /// skips: nothing is kept, and only the cap ends it).
    @Test func gzipBombOfZerosStopsAtTheSizeCap() throws {
        let cap = 32 << 20
        try expectFailure("bomb of zeros, --max-inflated-size 32M", [url("/bomb?size=4G&zeros=1"), "--max-inflated-size", "32M", "--timeout", "600"],
                          code: 65, cause: "inflated size exceeds the limit of \(cap) bytes (see --max-inflated-size)",
                          wall: 0...(CLI.isDebugBuild ? 240 : 30), peakRSS: 100_000_000)
    }

    // MARK: Broken transfers and answers that are not profiles

    /// A complete profile under a Content-Length 1000 bytes longer: the decoder would accept
    /// what came, the transfer knows it is short, and the transfer's reason wins.
    @Test func shortContentLengthIsANetworkError() throws {
        try expectFailure("short Content-Length", [url("/shortlength")], code: 66,
                          cause: "network error: the connection closed in the middle of the body",
                          pattern: #"\(\d+ bytes received, fewer than its Content-Length\)$"#,
                          wall: 0...10, peakRSS: 100_000_000, cpu: 1)
    }

    /// Half a profile in a chunked answer, then the connection closes without the last chunk.
    @Test func connectionClosedMidBodyIsANetworkError() throws {
        try expectFailure("closed mid-body", [url("/cutoff")], code: 66,
                          cause: "network error: the connection closed in the middle of the body",
                          pattern: #"\(\d+ bytes received, before its end\)$"#,
                          wall: 0...10, peakRSS: 100_000_000, cpu: 1)
    }

    @Test func redirectLoopIsTooManyRedirects() throws {
        try expectFailure("redirect loop", [url("/loop")], code: 66, cause: "too many redirects (more than 10)",
                          wall: 0...10, peakRSS: 100_000_000, cpu: 1)
    }

    @Test(arguments: [("/500", Int32(66), "server answered HTTP 500 Internal Server Error: profiling failed:"),
                      ("/no/such/page", 66, "server answered HTTP 404 Not Found"),
                      ("/html", 65, "not a profile: got an HTML page (text/html; charset=utf-8)")])
    func answersThatAreNotProfiles(_ path: String, _ code: Int32, _ cause: String) throws {
        try expectFailure(path, [url(path)], code: code, cause: cause, wall: 0...10, peakRSS: 100_000_000, cpu: 1)
    }

    /// A missing file beside a URL still downloading at full speed: the run ends with the
    /// file's error, after stopping the download (a process that exits while libcurl's thread
    /// is inside OpenSSL or libldap crashed in their exit handlers about one run in three on a
    /// loaded machine; two of five here). Ten runs, each must end with 66, unsignalled, in a few seconds.
    @Test func aFailedFileEndsADownloadUnderWay() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-missing-\(UUID().uuidString).pb.gz").path
        for round in 1...10 {
            try expectFailure("missing file beside /endless, round \(round)", [missing, try url("/endless"), "--timeout", "30"], code: 66,
                              cause: "\(missing): No such file or directory", wall: 0...8, peakRSS: 200_000_000)
        }
    }

    // MARK: What a fetch costs when it works

    /// While Go collects a 5 s CPU profile, proflens waits in poll(2).
    @Test func waitingForACPUProfileCostsNoCPU() throws {
        let saved = SaveFolder()
        let run = try CLI.runMeasured(["top", "--seconds", "5", "--nodecount", "3", try url("/debug/pprof/profile")],
                                      environment: saved.environment, timeout: 60)
        print("HostileServerTests: 5 s CPU profile: \(run.figures)")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("Type: cpu\n"))
        #expect(run.wallSeconds >= 5 && run.wallSeconds <= 5 + Self.timeoutSlack, "wall \(run.wallSeconds) s")
        #expect(run.cpuSeconds <= 0.5, "CPU \(run.cpuSeconds) s while waiting for a 5 s profile")
        try? FileManager.default.removeItem(at: saved.url)
    }

    /// A real 3 s CPU profile and a profile that takes 3 s to come: together about 3 s, not 6.
    @Test func urlsOfOneCommandAreFetchedAtOnce() throws {
        let saved = SaveFolder()
        let run = try CLI.runMeasured(["analyze", "--seconds", "3", "--nodecount", "3",
                                       try url("/debug/pprof/profile"), try url("/sleepy")],
                                      environment: saved.environment, timeout: 60)
        print("HostileServerTests: two 3 s URLs: \(run.figures)")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("Type: cpu\n") && run.text.contains("Type: samples\n"), "\(run.text)")
        #expect(run.wallSeconds >= 3 && run.wallSeconds < 5.5, "wall \(run.wallSeconds) s: the sum would be 6 s")
        #expect(saved.files.count == 2, "\(saved.files)")
        try? FileManager.default.removeItem(at: saved.url)
    }

    // MARK: Saved copies, as go tool pprof keeps them

    /// The copy is named as pprof names it and reads back as the fetched profile: `top` of the
    /// file prints what `top` of the URL printed. A second fetch takes the next number.
    @Test(arguments: [("/sleepy?seconds=0.1", #"pprof\.endless\.samples\.(\d{3})\.pb\.gz"#),
                      ("/debug/pprof/heap", #"pprof\.pprofserver\.alloc_objects\.alloc_space\.inuse_objects\.inuse_space\.(\d{3})\.pb\.gz"#),
                      ("/debug/pprof/profile?seconds=1", #"pprof\.pprofserver\.samples\.cpu\.(\d{3})\.pb\.gz"#)])
    func fetchedProfileIsSavedAsPprofSavesIt(_ path: String, _ name: String) throws {
        let saved = SaveFolder()
        defer { try? FileManager.default.removeItem(at: saved.url) }
        for number in ["001", "002"] {
            let fetched = try CLI.run(["top", "--nodecount", "10", try url(path)], environment: saved.environment, timeout: 60)
            #expect(fetched.status == 0, "\(fetched.stderr)")
            let notes = fetched.stderr.split(separator: "\n").filter { $0.hasPrefix("proflens:") }
            let prefix = "proflens: Saved profile in \(saved.url.path)/"
            #expect(notes.count == 1 && notes[0].hasPrefix(prefix), "\(fetched.stderr)")
            guard let note = notes.first, note.hasPrefix(prefix) else { continue }
            let file = String(note.dropFirst(prefix.count))
            let match = file.wholeMatch(of: try Regex(name))
            #expect(match?.output[1].substring.map(String.init) == number, "\(file) is not \(name) numbered \(number)")
            let reread = try CLI.run(["top", "--nodecount", "10", saved.url.appendingPathComponent(file).path], environment: saved.environment)
            #expect(reread.status == 0, "\(reread.stderr)")
            #expect(reread.text == fetched.text, "top of \(file):\n\(reread.text)\ntop of the URL:\n\(fetched.text)")
            #expect(reread.stderr.isEmpty, "a file is not saved again: \(reread.stderr)")
        }
        #expect(saved.files.count == 2, "\(saved.files)")
    }

    @Test func noSaveSavesNothing() throws {
        let saved = SaveFolder()
        let run = try CLI.run(["top", "--no-save", try url("/sleepy?seconds=0.1")], environment: saved.environment, timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("Type: samples\n"))
        #expect(!run.stderr.contains("Saved profile"), "\(run.stderr)")
        #expect(saved.files.isEmpty, "\(saved.files)")
        try? FileManager.default.removeItem(at: saved.url)
    }

    /// A folder that cannot be made (its parent is a file): a warning, and the report as usual.
    @Test func unwritableSaveFolderIsAWarning() throws {
        let file = try CLI.temporaryFile([1, 2, 3])
        defer { try? FileManager.default.removeItem(at: file) }
        let folder = file.appendingPathComponent("pprof").path
        let source = try url("/sleepy?seconds=0.1")
        let run = try CLI.run(["top", source], environment: ["PPROF_TMPDIR": folder], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("Showing nodes accounting for 1000, 100% of 1000 total"), "\(run.text)")
        let notes = run.stderr.split(separator: "\n").filter { $0.hasPrefix("proflens:") }
        #expect(notes.count == 1 && notes[0].hasPrefix("proflens: warning: could not save the profile fetched from \(source) in \(folder): "),
                "\(run.stderr)")
    }

    // MARK: Heap snapshots apart, and the same snapshot twice

    /// The heap URL taken at the start and 2 s later, each an in-use snapshot: the in-use
    /// growth between them is reported.
    @Test func heapIntervalTakesTheHeapTwice() throws {
        let saved = SaveFolder()
        defer { try? FileManager.default.removeItem(at: saved.url) }
        let heap = try url("/debug/pprof/heap")
        let run = try CLI.runMeasured(["analyze", "--heap-interval", "2s", heap], environment: saved.environment, timeout: 60)
        print("HostileServerTests: --heap-interval 2s: \(run.figures)")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("In-use heap growth, \(heap) → \(heap) (+2s):"), "\(run.text)")
        let fetches = run.stderr.split(separator: "\n").filter { $0.hasPrefix("Fetching profile over HTTP from ") }
        #expect(fetches == ["Fetching profile over HTTP from \(heap)", "Fetching profile over HTTP from \(heap) (+2s)"], "\(run.stderr)")
        #expect(run.wallSeconds >= 2 && run.wallSeconds < 2 + Self.timeoutSlack + 2, "wall \(run.wallSeconds) s")
        #expect(saved.files.count == 2, "\(saved.files)")
    }

    @Test func heapIntervalWithoutAHeapURLIsAUsageError() throws {
        let saved = SaveFolder()
        let run = try CLI.runMeasured(["analyze", "--heap-interval", "2s", try url("/debug/pprof/profile")], environment: saved.environment, timeout: 60)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--heap-interval takes a heap profile's URL twice"), "\(run.stderr)")
        #expect(!run.stderr.contains("Fetching profile"), "nothing is fetched: \(run.stderr)")
        #expect(run.wallSeconds < 2, "wall \(run.wallSeconds) s")
        #expect(saved.files.isEmpty)
    }

    /// Both sides one heap URL, fetched at one moment: the same snapshot twice, which the user
    /// is told on standard error.
    @Test func sameURLOnBothSidesOfACompareIsNoted() throws {
        let heap = try url("/debug/pprof/heap")
        let run = try CLI.run(["compare", heap, heap], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let notes = run.stderr.split(separator: "\n").filter { $0.hasPrefix("proflens: both sides are") }
        #expect(notes.count == 1 && notes[0].contains("fetched at the same moment: the same snapshot twice"), "\(run.stderr)")
    }
}

/// The suite's server, built and started on first use; it exits when this process does.
enum HostileServer {
    static let server: Result<PprofServer, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-hostile-pprofserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try PprofServer(binary: try GoFixture.build(into: folder))
    }
}
