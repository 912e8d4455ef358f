import Testing

@testable import GoSource

/// The shape checks on the sample programs of samples/: each anti-pattern program holds the
/// broken code and, behind `-fixed`, the fixed code in the same culprit function (AP4's fixed
/// registry is a program of its own). Given the
/// broken branch's hot lines the check confirms the pattern's statement; given the fixed
/// branch's lines it does not. Hot lines are found in the source by their statements (the lines
/// the committed profiles name for these functions), so they follow edits of the samples.
@Suite struct SampleShapeTests {
    static func check(_ sample: String, _ pattern: MapPattern, _ function: String, _ statements: [String], after marker: String? = nil) throws -> ShapeResult {
        let file = try Paths.sample(sample)
        let start = file.start(of: function)
        #expect(start > 0, "\(function) not found in \(sample)")
        let from = marker.map { file.lineOf($0, from: start) } ?? start
        let hot = file.hotLines(statements, from: from)
        #expect(hot.allSatisfy { $0.line > 0 }, "a hot statement of \(function) is no longer in \(sample): \(statements)")
        return ShapeChecker(file: file).check(pattern, function: function, hotLines: hot)
    }

    static func expectConfirmed(_ result: ShapeResult, _ statement: String, _ shape: ShapeKind, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status == .confirmed, "\(result)", sourceLocation: sourceLocation)
        #expect(result.statement == statement, "\(result)", sourceLocation: sourceLocation)
        #expect(result.shape == shape, "\(result)", sourceLocation: sourceLocation)
        let file = try Paths.sample(String(result.file.split(separator: "/").dropFirst().first ?? ""))
        #expect(result.line == file.lineOf(statement, prefix: true), "\(result)", sourceLocation: sourceLocation)
    }

    // MARK: AP1

    @Test func ap1BrokenExpireReassignsTheRangedMap() throws {
        // The profile's hot lines are the copy loop inside the outer range.
        let result = try Self.check("ap1-range-mutate", .ap1, "main.(*SessionCache).Expire",
                                    ["next[k] = v", "for k, v := range c.sessions {", "if k != id {"], after: "Anti-pattern")
        try Self.expectConfirmed(result, "c.sessions = next", .rangeReassign)
    }

    @Test func ap1FixedExpireIsNotConfirmed() throws {
        let result = try Self.check("ap1-range-mutate", .ap1, "main.(*SessionCache).Expire",
                                    ["if now-s.LastSeen > s.TTL {", "for id, s := range c.sessions {", "expired = append(expired, id)", "delete(c.sessions, id)"],
                                    after: "if c.fixed {")
        #expect(result.status == .contradicted, "\(result)")
    }

    @Test func ap1OtherFunctionsAreNotConfirmed() throws {
        let file = try Paths.sample("ap1-range-mutate")
        for name in ["main.(*SessionCache).Touch", "main.handleRequests", "main.signToken", "main.main"] {
            let result = ShapeChecker(file: file).check(.ap1, function: name, hotLines: [])
            #expect(result.status != .confirmed, "\(result)")
        }
    }

    // MARK: AP2

    @Test func ap2BrokenTrackerWritesSyncMapPerRequest() throws {
        let start = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Start", ["t.inflight.LoadOrStore(id, st)"])
        try Self.expectConfirmed(start, "v, _ := t.inflight.LoadOrStore(id, st)", .syncMapWriteHeavy)
        #expect(start.reason.contains("serveRequests"))
        let finish = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Finish", ["t.inflight.Delete(id)"])
        try Self.expectConfirmed(finish, "t.inflight.Delete(id)", .syncMapWriteHeavy)
        let poll = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Poll", ["t.inflight.Load(id)"])
        try Self.expectConfirmed(poll, "v, ok := t.inflight.Load(id)", .syncMapWriteHeavy)
    }

    @Test func ap2FixedTrackerIsNotConfirmed() throws {
        let start = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Start",
                                   ["sh.mu.Lock()", "sh.inflight[id] = st", "sh.mu.Unlock()"], after: "sh := t.shard(id)")
        #expect(start.status == .contradicted, "\(start)")
        let finish = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Finish",
                                    ["delete(sh.inflight, id)", "sh.mu.Unlock()"], after: "sh := t.shard(id)")
        #expect(finish.status == .contradicted, "\(finish)")
        let poll = try Self.check("ap2-lock-contention", .ap2, "main.(*RequestTracker).Poll",
                                  ["st, ok := sh.inflight[id]", "sh.mu.RUnlock()"], after: "sh := t.shard(id)")
        #expect(poll.status == .contradicted, "\(poll)")
    }

    @Test func ap2BrokenRegistryHoldsOneLockAcrossWork() throws {
        // CPU, block and mutex profiles: the Lock line, the series update, the Unlock line.
        let result = try Self.check("ap2-lock-contention", .ap2, "main.(*MetricsRegistry).Observe",
                                    ["r.mu.Lock()", "s.SumBits = math.Float64bits(", "r.mu.Unlock()"])
        try Self.expectConfirmed(result, "r.mu.Lock()", .lockHeldAcrossWork)
        #expect(result.reason.contains("seriesKey(name, labels)"))
    }

    @Test func ap2FixedRegistryIsNotConfirmed() throws {
        let observe = try Self.check("ap2-lock-contention", .ap2, "main.(*MetricsRegistry).Observe",
                                     ["r.observeSharded(seriesKey(name, labels), v)", "if r.fixed {"])
        #expect(observe.status == .contradicted, "\(observe)")
        let sharded = try Self.check("ap2-lock-contention", .ap2, "main.(*MetricsRegistry).observeSharded",
                                     ["sh.mu.RLock()", "s, ok := sh.series[key]", "sh.series[key] = s", "atomic.AddInt64(&s.Count, 1)"])
        #expect(sharded.status != .confirmed, "\(sharded)")
    }

    // MARK: AP3

    @Test func ap3BrokenFinishStoresNilInsteadOfDeleting() throws {
        let result = try Self.check("ap3-delete-keep-ref", .ap3, "main.(*UploadTracker).Finish",
                                    ["delete(t.inflight, id)", "t.progress[id] = nil"], after: "Anti-pattern")
        try Self.expectConfirmed(result, "t.progress[id] = nil", .zeroValueOverwrite)
    }

    @Test func ap3FixedFinishIsNotConfirmed() throws {
        let result = try Self.check("ap3-delete-keep-ref", .ap3, "main.(*UploadTracker).Finish",
                                    ["delete(t.inflight, id)", "delete(t.progress, id)", "n += int64(p.Size)", "t.ring[t.ringPos%len(t.ring)]"],
                                    after: "if t.fixed {")
        #expect(result.status != .confirmed, "\(result)")
        // The kept reference (t.recent) is appended only `if !t.fixed`: not decidable here.
        #expect(result.status == .unknown && result.reason.contains("t.recent"), "\(result)")
    }

    @Test func ap3HeapCulpritBeginFillsTheMapThatFinishNils() throws {
        // The heap profile's lines in Begin: the Upload, its headers map, the progress entry.
        let result = try Self.check("ap3-delete-keep-ref", .ap3, "main.(*UploadTracker).Begin",
                                    ["u.Headers[k] = v", "u := &Upload{", "t.progress[id] = &Progress{}", "Headers: make(map[string]string"])
        try Self.expectConfirmed(result, "t.progress[id] = nil", .zeroValueOverwrite)
    }

    @Test func ap3AllocationSitesWithoutMapWorkAreUnknown() throws {
        for (function, statement) in [("main.(*Upload).AddPart", "u.Parts = append(u.Parts, p)"), ("main.readBody", "body := make([]byte, len(payload))")] {
            let result = try Self.check("ap3-delete-keep-ref", .ap3, function, [statement])
            #expect(result.status == .unknown, "\(result)")
        }
    }

    // MARK: AP4

    /// AP4's broken program: the registry's map is pruned key by key and never re-made (its fix
    /// is another program, samples/ap4-never-shrink-fixed, so the source says only this).
    @Test func ap4BrokenRegistryIsConfirmed() throws {
        let prune = try Self.check("ap4-never-shrink", .ap4, "main.(*Registry).Prune",
                                   ["for id, c := range r.conns {", "if now-c.LastSeen > maxIdle {", "delete(r.conns, id)"])
        #expect(prune.status == .confirmed && prune.statement == "delete(r.conns, id)" && prune.shape == .prunedNeverShrunk, "\(prune)")
        let broadcast = try Self.check("ap4-never-shrink", .ap4, "main.(*Registry).Broadcast",
                                       ["for _, c := range r.conns {", "c.Outbox = gateway.AppendFrame("])
        #expect(broadcast.status == .confirmed && broadcast.statement == "for _, c := range r.conns {", "\(broadcast)")
        let register = try Self.check("ap4-never-shrink", .ap4, "main.(*Registry).Register", ["r.conns[c.ID] = c"])
        // Register only fills the map: the statement to show, and fix, is Prune's.
        #expect(register.status == .confirmed && register.statement == "delete(r.conns, id)", "\(register)")
        #expect(register.holder == "main.(*Registry).Prune", "\(register)")
    }

    /// The fixed program's Prune re-makes the map once it has shrunk: nothing is confirmed,
    /// whichever of its lines are hot.
    @Test func ap4FixedRegistryIsNotConfirmed() throws {
        for (function, hot) in [("main.(*Registry).Prune", ["for id, c := range r.conns {", "delete(r.conns, id)"]),
                                ("main.(*Registry).Prune", ["compact[id] = c", "r.conns = compact"]),
                                ("main.(*Registry).Broadcast", ["for _, c := range r.conns {"])] {
            let result = try Self.check("ap4-never-shrink-fixed", .ap4, function, hot)
            #expect(result.status != .confirmed, "\(result)")
        }
    }

    // MARK: Healthy

    /// Nothing in the control program has an anti-pattern's shape: no pattern is confirmed in any
    /// of its functions, with the whole function or any single line as the hot line.
    @Test func healthyHasNothingConfirmed() throws {
        let file = try Paths.sample("healthy")
        let checker = ShapeChecker(file: file)
        for function in file.functions {
            for pattern in MapPattern.allCases {
                var hotSets: [[HotLine]] = [[]]
                hotSets += function.lines.map { [HotLine(line: $0)] }
                for hot in hotSets {
                    let result = checker.check(pattern, function: function.runtimeName, hotLines: hot)
                    #expect(result.status != .confirmed, "\(result)")
                }
            }
        }
    }
}
