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
    /// What each corpus profile should yield: nothing reaches warning, because no corpus
    /// profile shows a discriminating signal. pprof's own sample.cpu spends 78% of its CPU in
    /// runtime.mapiternext under main.busyLoop, over a dense map: info, not AP4; busyLoop also
    /// spends 7.4% in runtime.mapassign_fast64 while it ranges, and only the source could say
    /// whether into the ranged map: info, not AP1. The heap
    /// profiles hold much in large blocks under one owner, which a heap profile alone cannot
    /// tell from a full map (AP4) or from values kept alive (AP3) without a second heap profile; the contention profiles have no duration to weigh their delay by.
    static let expectedCorpusFindings: [String: [String]] = [
        "pprof-go-sample-cpu.pb.gz": ["AP4 info", "AP1 info"],
        "pyroscope-go-mutex.pb.gz": ["AP2 info"],
        "pyroscope-go-block.pb.gz": ["AP2 info"],
        "parca-go-heap-zero-samples.pb.gz": ["AP3 info", "AP4 info"],
        "pyroscope-go-heap.pb.gz": ["AP3 info", "AP4 info"],
        "pyroscope-go-cpu-truncated-stacks.pb.gz": ["AP3 info"],
        "pyroscope-go-cpu-uncompressed.pb": ["AP3 info"],
    ]

    @Test(.needsCorpus) func corpusProfilesYieldOnlyTheExpectedFindings() throws {
        for url in Corpus.profileNames.map(Corpus.profile) {
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

    /// Matched stacks are summed as they are scanned, yet a finding reads them as one by one:
    /// a culprit's location is the call site of its heaviest stack that has one (the first of
    /// equal ones, whatever frames each matched), and the example is the heaviest stack.
    @Test func culpritSiteAndExampleAreThoseOfTheHeaviestStack() throws {
        func finding(_ values: [Int64]) throws -> Finding {
            var builder = ProfileBuilder(sampleTypes: [("cpu", "nanoseconds")])
            let main = builder.location(["main.main"])
            // main.work at lines 10, 20, 30, over map iteration (lines 20 and 30 match other frames).
            let sites = [10, 20, 30].map { line -> UInt32 in
                let location = builder.location(["main.work"])
                builder.profile.lines[Int(builder.profile.locations[Int(location)].lineStart)].line = Int64(line)
                return location
            }
            let leaves = ["runtime.mapiternext", "runtime.mapiternext", "runtime.mapiterinit"].map { builder.location([$0]) }
            for (index, value) in values.enumerated() { builder.sample([leaves[index], sites[index], main], [value]) }
            builder.sample([builder.location(["main.idle"]), main], [10])
            for index in builder.profile.functions.indices { builder.profile.functions[index].filename = "main.go" }
            let rules = #"{"rules": [{"id": "T", "title": "t", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^runtime\\.mapiter"], "thresholds": {"info": 0.01, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "f"}]}"#
            let rule = try RuleSet.load(json: Data(rules.utf8), source: "t.json").rules[0]
            return try #require(Classifier.evaluate(rule, on: Classifier.Input(file: "t", profile: builder.profile)))
        }
        let tie = try finding([5, 7, 7])
        #expect(tie.culprits.map(\.location) == ["main.go:20"])
        #expect(tie.exampleStack == ["main.main", "main.work", "runtime.mapiternext"])
        #expect(tie.value == 19)
        let later = try finding([5, 7, 8])
        #expect(later.culprits.map(\.location) == ["main.go:30"])
        #expect(later.exampleStack == ["main.main", "main.work", "runtime.mapiterinit"])
        #expect(Set(later.frames.map(\.name)) == ["runtime.mapiternext", "runtime.mapiterinit"])
    }

    @Test func builtinRulesParseAndCustomRulesLoad() throws {
        #expect(Set(RuleSet.builtin.rules.map(\.id)) == ["AP1", "AP2", "AP3", "AP4"])
        let custom = #"{"rules": [{"id": "TEAM1", "title": "busy loop", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^main\\.busyLoop$"], "thresholds": {"info": 0.1, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "f"}]}"#
        let set = try RuleSet.load(json: Data(custom.utf8), source: "team.json")
        #expect(set.rules.count == 1 && set.rules[0].id == "TEAM1")
        #expect(throws: UsageError.self) { try RuleSet.load(json: Data(#"{"rules": [{"id": "X"}]}"#.utf8), source: "bad.json") }
        let badRegex = custom.replacingOccurrences(of: #"^main\\.busyLoop$"#, with: "(")
        #expect(throws: UsageError.self) { try RuleSet.load(json: Data(badRegex.utf8), source: "bad.json") }
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
        // The iterator's time in matchFull (scanning groups for full slots): a sparse table.
        let sparse = profile([
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "internal/runtime/maps.(*Iter).Next", "internal/runtime/maps.ctrlGroup.matchFull"], 400),
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "internal/runtime/maps.(*Iter).Next"], 200),
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "app.send"], 100),
            (["runtime.main", "main.main", "app.work"], 300),
        ])
        let finding = try #require(Classifier.findings([Classifier.Input(file: "t", profile: sparse)]).first)
        #expect(finding.id == "AP4" && finding.level == .critical && finding.share == 0.6)
        #expect(finding.culprits.first?.name == "app.(*Registry).Broadcast")
        #expect(finding.signals.first { $0.name == "emptySlotScan" }?.seen == true)
        // The same share over a dense table (the iterator returns entries): info.
        let dense = profile([
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "internal/runtime/maps.(*Iter).Next", "internal/runtime/maps.ctrlGroup.matchFull"], 100),
            (["runtime.main", "main.main", "app.(*Registry).Broadcast", "internal/runtime/maps.(*Iter).Next"], 500),
            (["runtime.main", "main.main", "app.work"], 400),
        ])
        let denseFinding = try #require(Classifier.findings([Classifier.Input(file: "t", profile: dense)]).first)
        #expect(denseFinding.id == "AP4" && denseFinding.level == .info)
        #expect(denseFinding.signals.first { $0.name == "emptySlotScan" }?.seen == false)
    }

    @Test func growthWhileRangingInGo124() throws {
        // The ranged map grows under its iterator: the iterator looks its keys up again in the
        // grown table ((*Iter).grownKeyElem). A warning, on the function that ranges.
        let grown = profile([
            (["main.main", "app.rebuild", "runtime.mapassign_faststr", "internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).split"], 300),
            (["main.main", "app.rebuild", "internal/runtime/maps.(*Iter).Next"], 40),
            (["main.main", "app.rebuild", "internal/runtime/maps.(*Iter).Next", "internal/runtime/maps.(*Iter).grownKeyElem", "internal/runtime/maps.(*table).getWithKey"], 10),
            (["main.main", "app.other"], 650),
        ])
        let ap1 = try #require(Classifier.findings([Classifier.Input(file: "t", profile: grown)]).first { $0.id == "AP1" })
        #expect(ap1.level == .warning && ap1.share == 0.3 && ap1.culprits.first?.name == "app.rebuild")
        // A large map rebuilt while ranging over another (copy-on-write: range the old map,
        // fill a new one): growth as large, no re-lookup. Info.
        let copyOnWrite = profile([
            (["main.main", "app.rebuild", "runtime.mapassign_faststr", "internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).split"], 300),
            (["main.main", "app.rebuild", "internal/runtime/maps.(*Iter).Next"], 50),
            (["main.main", "app.other"], 650),
        ])
        let info = try #require(Classifier.findings([Classifier.Input(file: "t", profile: copyOnWrite)]).first { $0.id == "AP1" })
        #expect(info.level == .info)
    }

    @Test func theRangeLoopMayBeCallsAboveTheInsert() throws {
        // app.(*Graph).expand ranges and calls app.(*Graph).link, which inserts into the ranged
        // map: the culprit is the function that ranges, two frames above the growth.
        let p = profile([
            (["main.main", "app.(*Graph).expand", "app.(*Graph).link", "runtime.mapassign_faststr", "runtime.hashGrow"], 200),
            (["main.main", "app.(*Graph).expand", "app.(*Graph).link", "runtime.mapassign_faststr", "runtime.growWork_faststr", "runtime.evacuate_faststr"], 100),
            (["main.main", "app.(*Graph).expand", "runtime.mapiternext"], 40),
            (["main.main", "app.(*Graph).expand", "runtime.mapiternext", "runtime.mapaccessK"], 10),
            (["main.main", "app.other"], 650),
        ])
        let ap1 = try #require(Classifier.findings([Classifier.Input(file: "t", profile: p)]).first { $0.id == "AP1" })
        #expect(ap1.culprits.first?.name == "app.(*Graph).expand" && ap1.level == .warning && ap1.share == 0.3)
    }

    @Test func aCompilerMadeWrapperIsItsFunction() throws {
        // Go 1.22+ runs `defer mu.Unlock()` and `go f()` in wrappers named f.deferwrap1 and
        // f.gowrap1: the culprit is the function the user wrote, with both frames' time.
        let p = profile([
            (["main.main", "app.(*Ledger).Transfer.deferwrap1", "runtime.mapassign_faststr", "runtime.fatal"], 30),
            (["main.main", "app.(*Ledger).Transfer", "runtime.mapassign_faststr", "runtime.fatal"], 20),
            (["main.main", "app.other"], 950),
        ])
        let ap2 = try #require(Classifier.findings([Classifier.Input(file: "t", profile: p)]).first { $0.id == "AP2" })
        #expect(ap2.culprits.map(\.name) == ["app.(*Ledger).Transfer"] && ap2.culprits.first?.value == 50)
    }

    @Test func culpritsBelowHalfAPercentAreNotNamed() throws {
        // 0.4% of the CPU under the one culprit: no culprit is named, and the finding is info.
        let p = profile([
            (["main.main", "app.handle", "runtime.mapassign_faststr", "runtime.fatal"], 4),
            (["main.main", "app.other"], 996),
        ])
        let ap2 = try #require(Classifier.findings([Classifier.Input(file: "t", profile: p)]).first { $0.id == "AP2" })
        #expect(ap2.culprits.isEmpty && ap2.level == .info)
    }

    @Test func concurrentMapWritesAreCriticalWhateverTheShare() throws {
        let p = profile([
            (["main.main", "app.handle", "runtime.mapassign_faststr", "runtime.fatal"], 10),
            (["main.main", "app.other"], 990),
        ])
        // 1% of the samples: above the half a percent a culprit needs.
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

/// A goroutine profile is one moment of the lock's queue: by Little's law, one draw of the
/// number that a mutex profile's delay per second averages. Eight parked at once (the
/// average's critical level) makes a warning; fewer, or a small share of the goroutines, info.
@Suite struct GoroutineSnapshotTests {
    func goroutines(parked: Int64, elsewhere: Int64) -> Classifier.Input {
        var builder = ProfileBuilder(sampleTypes: [("goroutine", "count")])
        let lockWait = ["runtime.gopark", "runtime.goparkunlock", "runtime.semacquire1", "sync.runtime_SemacquireMutex",
                        "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock", "app.(*Store).Put", "app.serve"]
        builder.sample(lockWait.map { builder.location([$0]) }, [parked])
        builder.sample(["runtime.gopark", "runtime.chanrecv", "app.worker"].map { builder.location([$0]) }, [elsewhere])
        return Classifier.Input(file: "goroutine.pb.gz", profile: builder.profile)
    }

    func snapshot(_ input: Classifier.Input) -> Finding? {
        Classifier.findings([input]).first { $0.title == "Goroutines queued on one lock" }
    }

    @Test func eightParkedOnOneLockIsAWarning() throws {
        let finding = try #require(snapshot(goroutines(parked: 8, elsewhere: 4)))
        #expect(finding.level == .warning && finding.culprits.first?.name == "app.(*Store).Put")
        let queued = try #require(finding.signals.first { $0.name == "goroutinesQueued" })
        #expect(queued.seen && queued.measured == 8 && queued.needed == 8)
    }

    @Test func fewerParkedIsInfo() throws {
        let finding = try #require(snapshot(goroutines(parked: 7, elsewhere: 2)))
        #expect(finding.level == .info)
        #expect(finding.signals.first { $0.name == "goroutinesQueued" }?.seen == false)
    }

    @Test func aSmallShareOfManyGoroutinesIsNoFinding() {
        // 8 of 100 goroutines: under the rule's 10% floor.
        #expect(snapshot(goroutines(parked: 8, elsewhere: 92)) == nil)
    }
}
