// Go CPU profiles of a WideProgram (the `wide` shape and the fleet): sample
// types samples/count and cpu/nanoseconds, a 10 ms period, goroutine labels on
// every sample. The header, samples, mapping and string table come in the
// order Go's profileBuilder.build writes them.

final class CPUProfileWriter {
    static let period: UInt64 = 10_000_000 // 10ms, as Go's 100 Hz CPU profiler

    private let program: WideProgram
    private let builder: ProfileBuilder
    private var labels: GoroutineLabels
    private(set) var stats = GeneratorStatistics()

    init(program: WideProgram, sink: OutputSink) {
        self.program = program
        builder = ProfileBuilder(
            functions: program.functions, locations: program.locations,
            stackSlots: program.stackCount, sink: sink)
        labels = GoroutineLabels(builder: builder)
    }

    func header(timeNanos: Int64, durationNanos: Int64) {
        let b = builder
        b.int64(Field.Profile.timeNanos, timeNanos)
        b.valueType(Field.Profile.sampleType, "samples", "count")
        b.valueType(Field.Profile.sampleType, "cpu", "nanoseconds")
        b.int64(Field.Profile.durationNanos, durationNanos)
        b.valueType(Field.Profile.periodType, "cpu", "nanoseconds")
        b.int64(Field.Profile.period, Int64(Self.period))
    }

    /// One Sample message: `count` ticks of the profiler in stack `stack`
    /// with label variant `variant`.
    func sample(stack: Int, variant: Int, count: UInt64) throws {
        let program = self.program
        let depth = builder.beginSample(stack: stack) { program.stack(stack, into: &$0) }
        builder.value(count)
        builder.value(count * Self.period)
        labels.write(kind: program.rootKind(stack), branch: Int(program.branch[stack]), stack: stack, variant: variant)
        stats.add(depth: depth, count: count)
        try builder.endSample()
    }

    func finish() throws -> GeneratorStatistics {
        // The binary is the program: its build ID comes from the program seed.
        builder.mapping(textEnd: program.code.textEnd, file: "/usr/local/bin/service", buildID: buildID(seed: program.parameters.seed))
        try stats.finish(builder)
        stats.programFunctions = program.functions.count
        stats.programLocations = program.locations.count
        return stats
    }

    /// The `wide` shape: the plan's samples, mostly 1 tick each, some more.
    static func wide(program: WideProgram, plan: SamplePlan, seed: UInt64, sink: OutputSink) throws -> GeneratorStatistics {
        let writer = CPUProfileWriter(program: program, sink: sink)
        var rng = SplitMix64(seed: seed ^ 0x00C0_FFEE_0000_0C90)
        // As if taken over this wall time on 16 busy cores (~2 ticks per sample).
        writer.header(
            timeNanos: 1_700_000_000_000_000_000 + Int64(seed % 1_000_000) * 1_000_000_000,
            durationNanos: Int64(plan.count) * 2 * Int64(period) / 16 + 1_000_000_000)
        for k in 0..<plan.count {
            let (stack, variant) = plan.message(k)
            let r = rng.unit()
            let count: UInt64 = r < 0.75 ? 1 : (r < 0.95 ? UInt64(2 + rng.below(3)) : UInt64(5 + rng.below(16)))
            try writer.sample(stack: stack, variant: variant, count: count)
        }
        return try writer.finish()
    }
}
