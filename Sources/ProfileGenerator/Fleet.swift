// The fleet: N profiles per side, each like a 30 s CPU profile of one
// instance of the same service (one WideProgram: same functions, overlapping
// stacks, different samples). Each profile is the aggregate of its profiler
// ticks: a tick falls in a stack drawn by hotness (weight 1/(index + 300))
// with a random label variant, and each distinct (stack, variant) becomes a
// Sample message, in order of first occurrence as Go emits them. Side "b" is
// a new version: 1 stack in 40 takes 3x the time it did on side "a".
// `merged` writes the side's instances as one profile (what merging them with
// pprof gives: each (stack, variant) once, counts summed).

struct FleetParameters {
    var instances = 20
    /// Profiler ticks per profile: 30 s at 100 Hz on 16 busy cores.
    var ticks = 48_000
    var side = "a"
    var seconds: Int64 = 30
}

struct FleetProfile {
    /// stack * variants + variant of each Sample message, and its tick count.
    var messages: [UInt64] = []
    var counts: [UInt64] = []
    private var index: [UInt64: Int] = [:]

    mutating func add(_ message: UInt64, ticks: UInt64) {
        if let i = index[message] {
            counts[i] += ticks
        } else {
            index[message] = messages.count
            messages.append(message)
            counts.append(ticks)
        }
    }
}

enum Fleet {
    static let variants = GoroutineLabels.variants

    /// The ticks of instance `instance` (0-based) of a side, aggregated.
    static func instance(_ instance: Int, of p: FleetParameters, program: WideProgram,
                         hot: CumulativeDistribution, seed: UInt64) -> FleetProfile {
        let side: UInt64 = p.side == "b" ? 0xB : 0xA
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ (side << 56) ^ UInt64(instance)))
        var profile = FleetProfile()
        for _ in 0..<p.ticks {
            let stack = hot.sample(&rng)
            profile.add(UInt64(stack * variants + rng.below(variants)), ticks: 1)
        }
        return profile
    }

    /// Stack weights of a side: hot early stacks; on side b some take 3x as long.
    static func hotness(stacks: Int, side: String) -> CumulativeDistribution {
        CumulativeDistribution(weights: (0..<stacks).map { s in
            let grew = side == "b" && SplitMix64.mix(UInt64(s) &+ 0xF1EE7) % 40 == 0
            return (grew ? 3.0 : 1.0) / (Double(s) + 300)
        })
    }

    /// Writes one profile; `index` numbers the instance (its start time).
    static func write(_ profile: FleetProfile, index: Int, instances: Int, p: FleetParameters,
                      program: WideProgram, sink: OutputSink) throws -> GeneratorStatistics {
        let writer = CPUProfileWriter(program: program, sink: sink)
        writer.header(
            timeNanos: 1_700_000_000_000_000_000 + Int64(p.side == "b" ? 86_400 : 0) * 1_000_000_000 + Int64(index) * 1_000_000,
            durationNanos: p.seconds * Int64(instances) * 1_000_000_000)
        for (k, m) in profile.messages.enumerated() {
            try writer.sample(stack: Int(m) / variants, variant: Int(m) % variants, count: profile.counts[k])
        }
        return try writer.finish()
    }
}
