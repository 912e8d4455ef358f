// The `current` shape: a CPU profile of World, 1.5M samples over ~24k
// distinct stacks by default. The regression guard of `make bench`: its bytes
// for a given sample count and seed must not change.

final class CurrentProfile {
    static let period: UInt64 = 10_000_000 // 10ms, as Go's 100 Hz CPU profiler
    /// Share of samples in GC / scheduler goroutines.
    static let systemShare = 0.06
    /// Application stacks are drawn with weight 1/(rank + hotStackOffset):
    /// skewed, with a long tail.
    static let hotStackOffset = 300.0

    private let world: World
    private let builder: ProfileBuilder
    private let tailSlots: Int
    private var stackScratch: [Int] = []

    init(world: World, sink: OutputSink) {
        self.world = world
        tailSlots = world.parameters.maxTailsPerStack
        // Stack slots: one per (application stack, tail option), then the system stacks.
        builder = ProfileBuilder(
            functions: world.functions, locations: world.locations,
            stackSlots: world.appStackCount * tailSlots + world.systemStacks.count, sink: sink)
    }

    func encode(samples: Int, seed: UInt64) throws -> GeneratorStatistics {
        var rng = SplitMix64(seed: seed ^ 0x00C0_FFEE_5A3B_1E55)
        var stats = GeneratorStatistics()
        let appDistribution = CumulativeDistribution.zipf(count: world.appStackCount, offset: Self.hotStackOffset)
        let b = builder

        // Header, in the order Go's profileBuilder.build writes it.
        b.int64(Field.Profile.timeNanos, 1_700_000_000_000_000_000 + Int64(seed % 1_000_000) * 1_000_000_000)
        b.valueType(Field.Profile.sampleType, "samples", "count")
        b.valueType(Field.Profile.sampleType, "cpu", "nanoseconds")
        // As if the samples were taken over this wall time on ~4 busy cores.
        b.int64(Field.Profile.durationNanos, Int64(samples) * Int64(Self.period) / 4 + 1_000_000_000)
        b.valueType(Field.Profile.periodType, "cpu", "nanoseconds")
        b.int64(Field.Profile.period, Int64(Self.period))

        // Label strings, interned on first use: keys, then the values of each.
        let keys = ["handler", "method", "worker", "job", "tenant", "request_bytes", "bytes", "retries"]
        var keyIDs = Array(repeating: UInt64(0), count: keys.count)
        func keyID(_ k: Int) -> UInt64 { b.intern(&keyIDs, k) { keys[k] } }
        let methods = ["GET", "POST", "PUT", "DELETE"], jobs = ["compact", "reindex", "export", "sweep"]
        var endpointIDs = Array(repeating: UInt64(0), count: Catalog.endpoints.count)
        var methodIDs = Array(repeating: UInt64(0), count: methods.count)
        var workerIDs = Array(repeating: UInt64(0), count: 4)
        var jobIDs = Array(repeating: UInt64(0), count: jobs.count)
        var tenantIDs = Array(repeating: UInt64(0), count: 16)
        func stringLabel(_ key: Int, _ value: UInt64) { b.stringLabel(key: keyID(key), value: value) }
        func numberLabel(_ key: Int, _ value: UInt64, unit: Int?) {
            let k = keyID(key)
            b.numberLabel(key: k, value: Int64(value), unit: unit.map(keyID) ?? 0)
        }

        for _ in 0..<samples {
            // Which stack: a system stack, or an application stack with one of its tails.
            let slot: Int
            var app = -1
            if rng.unit() < Self.systemShare {
                slot = world.appStackCount * tailSlots + rng.below(world.systemStacks.count)
            } else {
                app = appDistribution.sample(&rng)
                let options = world.appTails[app]
                let r = rng.unit()
                let option = min(r < 0.6 ? 0 : (r < 0.9 ? 1 : 2), options.count - 1)
                slot = app * tailSlots + option
            }
            let depth = b.beginSample(stack: slot) { locations in
                if app >= 0 {
                    world.stack(app: app, tail: world.appTails[app][slot - app * tailSlots], into: &locations)
                } else {
                    locations = world.systemStacks[slot - world.appStackCount * tailSlots]
                }
            }

            // Values: count and CPU time.
            let r = rng.unit()
            let count: UInt64 = r < 0.8 ? 1 : (r < 0.97 ? UInt64(2 + rng.below(3)) : UInt64(5 + rng.below(16)))
            b.value(count)
            b.value(count * Self.period)
            stats.add(depth: depth, count: count)

            // Labels: string labels as pprof.Do would set them (sorted by key,
            // as Go writes them), and a few numeric ones.
            if app >= 0 {
                let branch = Int(world.appBranch[app])
                switch world.rootKinds[Int(world.appRoot[app])] {
                case .http:
                    let e = Int(SplitMix64.mix(UInt64(branch)) % UInt64(Catalog.endpoints.count))
                    let r = rng.unit()
                    let m = r < 0.6 ? 0 : (r < 0.9 ? 1 : (r < 0.95 ? 2 : 3))
                    stringLabel(0, b.intern(&endpointIDs, e) { Catalog.endpoints[e] })
                    stringLabel(1, b.intern(&methodIDs, m) { methods[m] })
                case .worker:
                    let w = branch % workerIDs.count
                    let j = rng.below(jobs.count)
                    stringLabel(3, b.intern(&jobIDs, j) { jobs[j] })
                    stringLabel(2, b.intern(&workerIDs, w) { "pool-\(w)" })
                case .main:
                    if rng.chance(0.4) {
                        let t = rng.below(tenantIDs.count)
                        stringLabel(4, b.intern(&tenantIDs, t) { "tenant-\(pad2(t))" })
                    }
                }
            }
            let n = rng.unit()
            if n < 0.05 {
                numberLabel(5, UInt64(1 + rng.below(64)) << UInt64(rng.below(14)), unit: 6)
            } else if n < 0.07 {
                numberLabel(7, UInt64(1 + rng.below(4)), unit: nil)
            }
            try b.endSample()
        }

        b.mapping(textEnd: world.textEnd, file: "/usr/local/bin/service", buildID: buildID(seed: seed))
        try stats.finish(b)
        stats.programFunctions = world.functions.count
        stats.programLocations = world.locations.count
        return stats
    }
}
