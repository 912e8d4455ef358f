import Foundation
import TestSupport
import Testing

/// The Go toolchains the PGO tests run: Go 1.27 at `<repo>/.venv-go/bin/go` (PGO's reader,
/// `go tool preprofile`, `go build -pgo`), and Go 1.19 (Debian's), which has no PGO.
enum PGOToolchains {
    static let go127 = Paths.packageRoot.appendingPathComponent(".venv-go/bin/go").path
    static let hasGo127 = FileManager.default.isExecutableFile(atPath: go127)

    /// A Go 1.19: `go` on PATH or where Debian puts it, if `go version` says go1.19.
    static var go119: String? { Availability.go119 }

    /// Go's environment for a test: this toolchain only, no telemetry, no network, no module
    /// download (the samples module requires nothing), and with `folder`, a cache and GOPATH of
    /// its own in it.
    static func environment(in folder: URL?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GOTOOLCHAIN"] = "local"
        environment["GOTELEMETRY"] = "off"
        environment["GOFLAGS"] = "-mod=mod"
        environment["GOPROXY"] = "off"
        environment["GOENV"] = "off"
        environment["CGO_ENABLED"] = "0"
        if let folder {
            environment["GOCACHE"] = folder.appendingPathComponent("gocache").path
            environment["GOPATH"] = folder.appendingPathComponent("gopath").path
        }
        return environment
    }
}

/// `proflens merge --pgo` against Go's own reader of PGO profiles: the call edges Go reads, and
/// builds with the profile.
@Suite(.serialized) struct PGOBuildTests {
    /// Every committed Go 1.27 CPU profile of the samples: merged, a profile of many programs.
    static var cpuProfiles: [String] {
        Paths.files(in: Paths.samples.appendingPathComponent("profiles/go1.27"), suffix: "")
            .map { $0.appendingPathComponent("cpu.pb.gz").path }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func temporaryFolder(_ label: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `proflens merge` with `arguments` (inputs and options) into `output`; its stderr.
    @discardableResult
    static func merge(_ arguments: [String], to output: URL) throws -> String {
        let result = try CLI.run(["merge"] + arguments + ["-o", output.path])
        #expect(result.status == 0, "merge \(arguments): \(result.stderr)")
        return result.stderr
    }

    /// `go tool preprofile` of `profile`: the serialized edge list the compiler reads
    /// ("GO PREPROFILE V1", then caller, callee, "offset weight" per edge, heaviest first).
    static func preprofile(_ profile: URL, in folder: URL) throws -> String {
        let output = profile.appendingPathExtension("preprofile")
        let result = try Subprocess.run(PGOToolchains.go127, ["tool", "preprofile", "-i", profile.path, "-o", output.path],
                                        environment: PGOToolchains.environment(in: folder))
        #expect(result.status == 0, "preprofile \(profile.lastPathComponent): \(result.stderr)")
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// The edges of a preprofile output: "caller -> callee +offset" to weight.
    static func edges(_ serialized: String) throws -> [String: Int64] {
        let lines = serialized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.first == "GO PREPROFILE V1")
        var edges: [String: Int64] = [:]
        var index = 1
        while index + 2 < lines.count {
            let fields = lines[index + 2].split(separator: " ")
            try #require(fields.count == 2, "\(lines[index + 2])")
            let weight = try #require(Int64(fields[1]))
            edges["\(lines[index]) -> \(lines[index + 1]) +\(fields[0])"] = weight
            index += 3
        }
        return edges
    }

    /// With --node-fraction 0 Go reads of the trimmed profile exactly the edges and weights it
    /// reads of the whole merged profile (the serialized lists are the same bytes); with the
    /// default fraction, a part of them, each with the same weight, and the share of the
    /// weight kept is the one merge prints.
    @Test(.enabled(if: PGOToolchains.hasGo127, "needs Go 1.27 at <repo>/.venv-go/bin/go"))
    func preprofileReadsTheSameEdges() throws {
        let folder = try Self.temporaryFolder("preprofile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = Self.cpuProfiles
        try #require(inputs.count >= 10, "\(inputs)")
        let full = folder.appendingPathComponent("full.pb.gz")
        let exact = folder.appendingPathComponent("exact.pgo")
        let trimmed = folder.appendingPathComponent("trimmed.pgo")
        try Self.merge(inputs, to: full)
        // The default keeps every edge; pprof's -nodefraction default, 0.005, cuts some.
        try Self.merge(inputs + ["--pgo"], to: exact)
        let note = try Self.merge(inputs + ["--pgo", "--node-fraction", "0.005"], to: trimmed)

        let fullList = try Self.preprofile(full, in: folder)
        let exactList = try Self.preprofile(exact, in: folder)
        #expect(exactList == fullList)
        let fullEdges = try Self.edges(fullList)
        #expect(fullEdges.count > 500)

        let trimmedEdges = try Self.edges(try Self.preprofile(trimmed, in: folder))
        let changed = trimmedEdges.filter { fullEdges[$0.key] != $0.value }
        #expect(changed.isEmpty, "edges Go reads with another weight, or not at all, in the whole profile: \(changed.prefix(10))")
        #expect(trimmedEdges.count > 100 && trimmedEdges.count < fullEdges.count, "\(trimmedEdges.count) of \(fullEdges.count)")
        let share = Double(trimmedEdges.values.reduce(0, +)) * 100 / Double(fullEdges.values.reduce(0, +))
        let tenths = Int((share * 10).rounded())
        #expect(note.contains("; \(tenths / 10).\(tenths % 10)% of the call-edge weight kept;"), "\(share)%: \(note)")

        // The files are smaller: the exact one too.
        let sizes = try [full, exact, trimmed].map { try #require(try FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) }
        #expect(sizes[1] < sizes[0] && sizes[2] < sizes[1], "\(sizes)")
    }

    /// Go 1.19's profiles have no start lines: Go's PGO refuses them, and so does merge --pgo.
    @Test(.enabled(if: PGOToolchains.hasGo127, "needs Go 1.27 at <repo>/.venv-go/bin/go"))
    func profilesWithoutStartLinesAreRefusedAsGoRefusesThem() throws {
        let folder = try Self.temporaryFolder("preprofile-119")
        defer { try? FileManager.default.removeItem(at: folder) }
        let profile = Paths.samples.appendingPathComponent("profiles/go1.19/healthy/cpu.pb.gz")
        let go = try Subprocess.run(PGOToolchains.go127, ["tool", "preprofile", "-i", profile.path, "-o", folder.appendingPathComponent("out").path],
                                    environment: PGOToolchains.environment(in: folder))
        #expect(go.status != 0 && go.stderr.contains("missing Function.start_line"), "\(go.status): \(go.stderr)")
        let output = folder.appendingPathComponent("go119.pgo")
        let result = try CLI.run(["merge", "--pgo", profile.path, "-o", output.path])
        #expect(result.status == 64 && result.stderr.contains("no function has a start line"), "\(result.status): \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// A sample program built by Go 1.27 with merge's profiles: with the --pgo one, the build
    /// records `-pgo=<that file>` (go version -m); built with -trimpath from the whole merged
    /// profile and from the --node-fraction 0 one (same file name, other folders), the two
    /// binaries are the same bytes: the compiler read the same profile.
    @Test(.enabled(if: PGOToolchains.hasGo127, "needs Go 1.27 at <repo>/.venv-go/bin/go"), .timeLimit(.minutes(20)))
    func go127BuildsWithTheProfiles() throws {
        let folder = try Self.temporaryFolder("pgo-build")
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = PGOToolchains.environment(in: folder)
        let program = "ap2-lock-contention"
        let inputs = ["", "-moderate", "-fixed"].map { Samples.profile(program + $0) }
        for name in ["trimmed", "full", "exact"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let trimmed = folder.appendingPathComponent("trimmed/default.pgo")
        let full = folder.appendingPathComponent("full/profile.pgo")
        let exact = folder.appendingPathComponent("exact/profile.pgo")
        try Self.merge(inputs + ["--pgo"], to: trimmed)
        try Self.merge(inputs, to: full)
        try Self.merge(inputs + ["--pgo", "--node-fraction", "0"], to: exact)

        func build(_ arguments: [String], _ binary: URL) throws {
            let result = try Subprocess.run(PGOToolchains.go127, ["build"] + arguments + ["-o", binary.path, "./" + program],
                                            in: Paths.samples, environment: environment)
            try #require(result.status == 0, "go build \(arguments): \(result.stderr)")
        }
        func buildSettings(_ binary: URL) throws -> [String] {
            let result = try Subprocess.run(PGOToolchains.go127, ["version", "-m", binary.path], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("build\t") }
        }

        let withTrimmed = folder.appendingPathComponent("with-trimmed")
        try build(["-pgo=" + trimmed.path], withTrimmed)
        #expect(try buildSettings(withTrimmed).contains("build\t-pgo=" + trimmed.path))

        let withFull = folder.appendingPathComponent("with-full"), withExact = folder.appendingPathComponent("with-exact")
        try build(["-trimpath", "-pgo=" + full.path], withFull)
        try build(["-trimpath", "-pgo=" + exact.path], withExact)
        #expect(try buildSettings(withFull).contains("build\t-pgo=profile.pgo"))
        #expect(try buildSettings(withExact).contains("build\t-pgo=profile.pgo"))
        let same = try Data(contentsOf: withFull) == Data(contentsOf: withExact)
        #expect(same, "the binaries built with the whole and the --node-fraction 0 profiles differ")
    }

    /// Go 1.19 has no PGO (it came with Go 1.20, on by default from 1.21): `go build -pgo=FILE`
    /// is refused as an unknown flag. The profiles merge --pgo writes are for Go 1.21 and
    /// later; this documents it rather than pretend.
    @Test(.enabled(if: PGOToolchains.go119 != nil, "needs Go 1.19"))
    func go119RefusesThePGOFlag() throws {
        let go = try #require(PGOToolchains.go119)
        let folder = try Self.temporaryFolder("pgo-go119")
        defer { try? FileManager.default.removeItem(at: folder) }
        let profile = folder.appendingPathComponent("default.pgo")
        try Self.merge([Samples.profile("ap2-lock-contention"), "--pgo"], to: profile)
        let result = try Subprocess.run(go, ["build", "-pgo=" + profile.path, "-o", folder.appendingPathComponent("binary").path,
                                             "./ap2-lock-contention"], in: Paths.samples, environment: PGOToolchains.environment(in: folder))
        #expect(result.status != 0)
        #expect(result.stderr.contains("flag provided but not defined: -pgo"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("binary").path))
    }
}
