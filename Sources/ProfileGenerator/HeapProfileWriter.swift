// The `wide-heap` shape: a Go heap profile of a WideProgram, written as
// runtime/pprof's writeHeapProto does: period type space/bytes with the
// sampling rate (512 KiB), the four sample types alloc_objects/count,
// alloc_space/bytes, inuse_objects/count, inuse_space/bytes (no explicit
// default: pprof then shows inuse_space, the last), one sample per (stack,
// object size) with a numeric `bytes` label holding the size, values scaled
// up from the sampled counts as scaleHeapSample does; then time, mapping and
// string table.

enum HeapProfileWriter {
    static let rate: Int64 = 512 * 1024

    /// Go's size classes (runtime/sizeclasses.go) and a few large sizes: the
    /// object sizes a sample's `bytes` label takes. At least
    /// GoroutineLabels.variants of them, so a stack's samples can all differ.
    static let sizes: [Int64] = [
        8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
        352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
        2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
        9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
        28672, 32768, 40960, 49152, 65536, 81920, 131072, 262144, 1048576,
    ]

    static func wide(program: WideProgram, plan: SamplePlan, seed: UInt64, sink: OutputSink) throws -> GeneratorStatistics {
        precondition(sizes.count >= plan.variants)
        let b = ProfileBuilder(
            functions: program.functions, locations: program.locations,
            stackSlots: program.stackCount, sink: sink)
        var stats = GeneratorStatistics()
        var rng = SplitMix64(seed: seed ^ 0x00C0_FFEE_0000_4EA9)

        b.valueType(Field.Profile.periodType, "space", "bytes")
        b.int64(Field.Profile.period, rate)
        b.valueType(Field.Profile.sampleType, "alloc_objects", "count")
        b.valueType(Field.Profile.sampleType, "alloc_space", "bytes")
        b.valueType(Field.Profile.sampleType, "inuse_objects", "count")
        b.valueType(Field.Profile.sampleType, "inuse_space", "bytes")
        let bytesKey = b.intern("bytes")

        for k in 0..<plan.count {
            let (stack, variant) = plan.message(k)
            // Small objects are allocated far more often than large ones.
            let shift = Int(SplitMix64.mix(UInt64(stack) &+ 0x51E) % UInt64(sizes.count))
            let size = sizes[(variant + shift) % sizes.count]
            let r = rng.unit()
            let allocated = Int64(r < 0.7 ? 1 : (r < 0.95 ? 2 + rng.below(4) : 6 + rng.below(40)))
            // Most sampled objects are garbage by now.
            let live = rng.chance(0.08) ? 1 + Int64(rng.below(Int(allocated))) : 0
            let alloc = scale(count: allocated, size: allocated * size)
            let inuse = scale(count: live, size: live * size)

            let depth = b.beginSample(stack: stack) { program.stack(stack, into: &$0) }
            b.value(UInt64(alloc.count))
            b.value(UInt64(alloc.size))
            b.value(UInt64(inuse.count))
            b.value(UInt64(inuse.size))
            b.numberLabel(key: bytesKey, value: size)
            stats.add(depth: depth, count: UInt64(alloc.count))
            try b.endSample()
        }

        b.int64(Field.Profile.timeNanos, 1_700_000_000_000_000_000 + Int64(seed % 1_000_000) * 1_000_000_000)
        b.mapping(textEnd: program.code.textEnd, file: "/usr/local/bin/service", buildID: buildID(seed: program.parameters.seed))
        try stats.finish(b)
        stats.programFunctions = program.functions.count
        stats.programLocations = program.locations.count
        return stats
    }

    /// runtime/pprof's scaleHeapSample: the sampled count and size, scaled
    /// by 1 / (1 - e^(-average size / rate)).
    static func scale(count: Int64, size: Int64) -> (count: Int64, size: Int64) {
        if count == 0 || size == 0 { return (0, 0) }
        let average = Double(size) / Double(count)
        let factor = 1 / (1 - exactExp(-average / Double(rate)))
        return (Int64(Double(count) * factor), Int64(Double(size) * factor))
    }

    /// e^x for x <= 0 from + - * / alone (halving, a Taylor series, squaring),
    /// so the result is the same on every platform (libm's exp need not be).
    static func exactExp(_ x: Double) -> Double {
        var y = x
        var halvings = 0
        while y < -0.5 {
            y /= 2
            halvings += 1
        }
        var term = 1.0, sum = 1.0
        for n in 1...20 {
            term = term * y / Double(n)
            sum += term
        }
        for _ in 0..<halvings { sum *= sum }
        return sum
    }
}
