@testable import Analysis
@testable import Findings
import Foundation
import TestSupport
import Pprof
import Testing

/// The classifier on the sample programs (each shows its own pattern; the healthy control and
/// the fixed versions show none above info) and on the real corpus (no finding unless the
/// profile shows the pattern).
@Suite struct ClassifierTests {
    static func inputs(_ sample: String) throws -> [Classifier.Input] {
        let folder = Paths.samples.appendingPathComponent("profiles/\(sample)")
        return try Paths.files(in: folder, suffix: ".pb.gz").map { url in
            Classifier.Input(file: url.lastPathComponent, profile: try ProfileReader().read(path: url.path).applyingDropFrames())
        }
    }

    @Test(arguments: [
        ("ap1-range-mutate", "AP1", "main.(*SessionCache).Expire"),
        ("ap2-lock-contention", "AP2", "main.(*RequestTracker).Start"),
        ("ap3-delete-keep-ref", "AP3", "main.readBody"),
        ("ap4-never-shrink", "AP4", "main.(*Registry).Broadcast"),
    ])
    func eachSampleShowsItsOwnPatternFirst(_ sample: String, _ id: String, _ culprit: String) throws {
        let findings = Classifier.findings(try Self.inputs(sample))
        let first = try #require(findings.first, "\(sample): no finding")
        #expect(first.id == id, "\(sample): most severe is \(first.id)")
        #expect(first.level >= .warning)
        #expect(first.culprits.first?.name == culprit)
        #expect(!first.frames.isEmpty && !first.exampleStack.isEmpty && !first.fix.isEmpty)
        // Evidence points into the user's code with a file and line.
        #expect(first.culprits.first?.location?.contains(".go:") == true)
    }

    @Test(arguments: ["healthy", "ap1-range-mutate-fixed", "ap2-lock-contention-fixed", "ap3-delete-keep-ref-fixed", "ap4-never-shrink-fixed"])
    func healthyAndFixedProgramsHaveNothingAboveInfo(_ sample: String) throws {
        let findings = Classifier.findings(try Self.inputs(sample))
        #expect(findings.allSatisfy { $0.level == .info }, "\(sample): \(findings.map { "\($0.id) \($0.level.name)" })")
    }

    @Test func anotherProfileOfTheProgramConfirmsAWarning() throws {
        // AP1 alone: a warning (27.6% of CPU in map growth). With the heap profile, where the
        // same type allocates 97.8% of alloc_space, it is critical and says why.
        let all = try Self.inputs("ap1-range-mutate")
        let cpuOnly = Classifier.findings(all.filter { $0.file == "cpu.pb.gz" })
        #expect(cpuOnly.first { $0.id == "AP1" }?.level == .warning)
        let combined = Classifier.findings(all)
        let ap1 = try #require(combined.first { $0.id == "AP1" })
        #expect(ap1.level == .critical)
        #expect(ap1.signals.contains { $0.seen && $0.detail.contains("heap.pb.gz: main.(*SessionCache) holds") })
    }

    /// What each corpus profile should yield. pprof's own sample.cpu spends 78% of its CPU in
    /// runtime.mapiternext under main.busyLoop: that is AP4's CPU signal in full. The mutex
    /// profile's contention is all under one function, which is worth an info.
    static let expectedCorpusFindings: [String: [String]] = [
        "pprof-go-sample-cpu.pb.gz": ["AP4 critical"],
        "pyroscope-go-mutex.pb.gz": ["AP2 info"],
    ]

    @Test func corpusProfilesYieldOnlyTheExpectedFindings() throws {
        guard let corpus = Paths.corpusIfPresent() else { return }
        for url in Paths.files(in: corpus.appendingPathComponent("profiles"), suffix: "") {
            guard let profile = try? ProfileReader().read(path: url.path) else { continue }
            let findings = Classifier.findings([Classifier.Input(file: url.lastPathComponent, profile: profile.applyingDropFrames())])
            let got = findings.map { "\($0.id) \($0.level.name)" }
            #expect(got == Self.expectedCorpusFindings[url.lastPathComponent] ?? [], "\(url.lastPathComponent)")
        }
    }

    @Test func findingsWithoutUserCodeAreAtMostInfo() throws {
        var builder = ProfileBuilder(sampleTypes: [("cpu", "nanoseconds")])
        let iter = builder.location(["runtime.mapiternext"])
        let gc = builder.location(["runtime.gcBgMarkWorker"])
        builder.sample([iter, gc], [90])  // map iteration reached only from the runtime
        builder.sample([builder.location(["main.main"])], [10])
        var rule = RuleSet.builtin.rules.first { $0.id == "AP4" }!
        rule.userCulpritsOnly = false
        let finding = try #require(Classifier.evaluate(rule, on: Classifier.Input(file: "t", profile: builder.profile)))
        #expect(finding.share == 0.9 && finding.level == .info && finding.culprits.isEmpty)
    }

    @Test func ordinaryMapWorkDoesNotFire() throws {
        // 8% of CPU in map iteration and growth under a user function: every Go program does this.
        var builder = ProfileBuilder(sampleTypes: [("cpu", "nanoseconds")])
        let main = builder.location(["main.main"])
        let work = builder.location(["main.(*Index).Refresh"])
        builder.sample([builder.location(["runtime.mapiternext"]), work, main], [4])
        builder.sample([builder.location(["runtime.hashGrow"]), builder.location(["runtime.mapassign_faststr"]), work, main], [4])
        builder.sample([builder.location(["encoding/json.Marshal"]), main], [92])
        #expect(Classifier.findings([Classifier.Input(file: "t", profile: builder.profile)]).isEmpty)
    }

    @Test func builtinRulesParseAndCustomRulesLoad() throws {
        #expect(Set(RuleSet.builtin.rules.map(\.id)) == ["AP1", "AP2", "AP3", "AP4"])
        let custom = #"{"rules": [{"id": "TEAM1", "title": "busy loop", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^main\\.busyLoop$"], "thresholds": {"info": 0.1, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "f"}]}"#
        let set = try RuleSet.load(json: Data(custom.utf8), source: "team.json")
        #expect(set.rules.count == 1 && set.rules[0].id == "TEAM1")
        #expect(throws: RuleSet.LoadError.self) { try RuleSet.load(json: Data(#"{"rules": [{"id": "X"}]}"#.utf8), source: "bad.json") }
        let badRegex = custom.replacingOccurrences(of: #"^main\\.busyLoop$"#, with: "(")
        #expect(throws: RuleSet.LoadError.self) { try RuleSet.load(json: Data(badRegex.utf8), source: "bad.json") }
    }
}

/// Go 1.24 replaced runtime/map*.go with Swiss tables in internal/runtime/maps: the entry
/// points keep their runtime.* names, the work below them does not. The rules match both.
@Suite struct SwissTableClassifierTests {
    func profile(_ stacks: [([String], Int64)]) -> Profile {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count"), ("cpu", "nanoseconds")])
        for (frames, value) in stacks {
            let locations = frames.reversed().map { builder.location([$0]) }  // given root first
            builder.sample(locations, [value / 10_000_000, value])
        }
        return builder.profile
    }

    @Test func iterationOverAShrunkMapInGo124() throws {
        let p = profile([
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "internal/runtime/maps.(*Iter).Next"], 600),
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "app.send"], 100),
            (["runtime.main", "main.main", "app.work"], 300),
        ])
        let finding = try #require(Classifier.findings([Classifier.Input(file: "t", profile: p)]).first)
        #expect(finding.id == "AP4" && finding.level == .critical && finding.share == 0.6)
        #expect(finding.culprits.first?.name == "app.(*Registry).Broadcast")
        #expect(finding.frames.first?.name == "internal/runtime/maps.(*Iter).Next")
    }

    @Test func growthWhileRangingInGo124() throws {
        let p = profile([
            (["main.main", "app.rebuild", "runtime.mapassign_faststr", "internal/runtime/maps.(*table).grow"], 300),
            (["main.main", "app.rebuild", "internal/runtime/maps.(*Iter).Next"], 50),
            (["main.main", "app.other"], 650),
        ])
        let findings = Classifier.findings([Classifier.Input(file: "t", profile: p)])
        let ap1 = try #require(findings.first { $0.id == "AP1" })
        #expect(ap1.level == .warning && ap1.share == 0.3 && ap1.culprits.first?.name == "app.rebuild")
    }

    @Test func concurrentMapWritesAreCriticalWhateverTheShare() throws {
        let p = profile([
            (["main.main", "app.handle", "runtime.mapassign_faststr", "runtime.fatal"], 10),
            (["main.main", "app.other"], 990),
        ])
        let ap2 = try #require(Classifier.findings([Classifier.Input(file: "t", profile: p)]).first { $0.id == "AP2" })
        #expect(ap2.level == .critical && ap2.culprits.first?.name == "app.handle")
        // runtime.fatal elsewhere (not under a map operation) is not this pattern.
        let other = profile([(["main.main", "app.parse", "runtime.fatal"], 10), (["main.main"], 990)])
        #expect(Classifier.findings([Classifier.Input(file: "t", profile: other)]).allSatisfy { $0.id != "AP2" })
    }
}

@Suite struct FrameOriginTests {
    @Test func originsByImportPath() {
        #expect(FrameOrigin(functionName: "runtime.mapassign_faststr") == .runtime)
        #expect(FrameOrigin(functionName: "internal/runtime/maps.(*Iter).Next") == .runtime)
        #expect(FrameOrigin(functionName: "sync.(*Map).Store") == .sync)
        #expect(FrameOrigin(functionName: "encoding/json.Marshal") == .standardLibrary)
        #expect(FrameOrigin(functionName: "net/http.(*conn).serve") == .standardLibrary)
        #expect(FrameOrigin(functionName: "main.main") == .user)
        #expect(FrameOrigin(functionName: "github.com/acme/shop.(*Cart).Add") == .user)
        // A module named without a dot is the user's too.
        #expect(FrameOrigin(functionName: "app.(*Registry).Broadcast") == .user)
        #expect(FrameOrigin(functionName: "myservice/internal/cache.(*LRU).Get") == .user)
        #expect(FrameOrigin(functionName: "std::vector<int>::push_back") == .native)
        #expect(FrameOrigin(functionName: "[libc.so.6]") == .native)
    }
}
