// Encodes a CPU profile of the synthetic program the way Go's runtime/pprof
// does: header fields, then samples with each Location (and the Functions it
// introduces) written just before the first sample that uses it, then the
// mapping, and the string table last.

/// profile.proto field numbers.
enum Field {
    enum Profile {
        static let sampleType = 1, sample = 2, mapping = 3, location = 4, function = 5
        static let stringTable = 6, timeNanos = 9, durationNanos = 10
        static let periodType = 11, period = 12
    }
    enum ValueType { static let type = 1, unit = 2 }
    enum Sample { static let locationID = 1, value = 2, label = 3 }
    enum Label { static let key = 1, str = 2, num = 3, numUnit = 4 }
    enum Mapping {
        static let id = 1, memoryStart = 2, memoryLimit = 3, fileOffset = 4, filename = 5, buildID = 6
        static let hasFunctions = 7, hasFilenames = 8, hasLineNumbers = 9, hasInlineFrames = 10
    }
    enum Location { static let id = 1, mappingID = 2, address = 3, line = 4 }
    enum Line { static let functionID = 1, line = 2 }
    enum Function { static let id = 1, name = 2, systemName = 3, filename = 4, startLine = 5 }
}

struct GeneratorStatistics {
    var samples = 0
    var locations = 0
    var functions = 0
    var strings = 0
    var bytes = 0
    var totalCount: UInt64 = 0
    /// Sum of the stack depths of all samples.
    var totalFrames = 0
    var minDepth = Int.max
    var maxDepth = 0
    /// Distinct stacks (application stack + tail combinations) used.
    var stacks = 0
}

final class ProfileEncoder {
    static let period: UInt64 = 10_000_000 // 10ms, as Go's 100 Hz CPU profiler
    static let flushThreshold = 1 << 20
    /// Share of samples in GC / scheduler goroutines.
    static let systemShare = 0.06
    /// Application stacks are drawn with weight 1/(rank + hotStackOffset):
    /// skewed, with a long tail.
    static let hotStackOffset = 300.0

    private let world: World
    private let sink: OutputSink
    private var out = ProtoBuffer(capacity: ProfileEncoder.flushThreshold + (64 << 10))
    private var scratch = ProtoBuffer(capacity: 4096)
    private var lineScratch = ProtoBuffer(capacity: 64)

    private var strings: [String] = [""]
    private var stringIndex: [String: Int] = ["": 0]
    private var locationIDs: [UInt32]
    private var functionIDs: [UInt32]
    private var nextLocationID: UInt32 = 1
    private var nextFunctionID: UInt32 = 1

    /// Encoded `location_id` field of each stack variant, built on first use.
    private let tailSlots: Int
    private var stackOffset: [Int32]
    private var stackLength: [Int32]
    private var stackArena: [UInt8] = []
    private var stackDepth: [Int32]

    init(world: World, sink: OutputSink) {
        self.world = world
        self.sink = sink
        locationIDs = Array(repeating: 0, count: world.locations.count)
        functionIDs = Array(repeating: 0, count: world.functions.count)
        tailSlots = world.parameters.maxTailsPerStack
        let variants = world.appStackCount * tailSlots + world.systemStacks.count
        stackOffset = Array(repeating: -1, count: variants)
        stackLength = Array(repeating: 0, count: variants)
        stackDepth = Array(repeating: 0, count: variants)
    }

    // MARK: Strings

    private func intern(_ text: String) -> UInt64 {
        if let index = stringIndex[text] { return UInt64(index) }
        strings.append(text)
        stringIndex[text] = strings.count - 1
        return UInt64(strings.count - 1)
    }

    /// Interns through a per-value cache (0 = not yet interned), avoiding a
    /// string hash per sample.
    private func intern(_ cache: inout [UInt64], _ slot: Int, _ make: () -> String) -> UInt64 {
        if cache[slot] == 0 { cache[slot] = intern(make()) }
        return cache[slot]
    }

    // MARK: Output

    private func flushIfNeeded() throws {
        if out.count >= Self.flushThreshold {
            try sink.write(out.bytes)
            out.removeAll()
        }
    }

    private func valueType(_ field: Int, _ type: String, _ unit: String) {
        scratch.removeAll()
        scratch.uint64Opt(Field.ValueType.type, intern(type))
        scratch.uint64Opt(Field.ValueType.unit, intern(unit))
        out.message(field, scratch)
    }

    /// The ID of a location, writing it (and any functions it introduces) first if new.
    private func locationID(_ location: Int) -> UInt64 {
        if locationIDs[location] != 0 { return UInt64(locationIDs[location]) }
        let id = nextLocationID
        nextLocationID += 1
        locationIDs[location] = id

        let info = world.locations[location]
        var newFunctions: [Int] = []
        scratch.removeAll()
        scratch.uint64Opt(Field.Location.id, UInt64(id))
        scratch.uint64Opt(Field.Location.address, info.address)
        for line in info.lines {
            let f = Int(line.function)
            if functionIDs[f] == 0 {
                functionIDs[f] = nextFunctionID
                nextFunctionID += 1
                newFunctions.append(f)
            }
            lineScratch.removeAll()
            lineScratch.uint64Opt(Field.Line.functionID, UInt64(functionIDs[f]))
            lineScratch.int64Opt(Field.Line.line, Int64(line.line))
            scratch.message(Field.Location.line, lineScratch)
        }
        scratch.uint64Opt(Field.Location.mappingID, 1)
        out.message(Field.Profile.location, scratch)

        for f in newFunctions {
            let function = world.functions[f]
            let name = intern(function.name)
            scratch.removeAll()
            scratch.uint64Opt(Field.Function.id, UInt64(functionIDs[f]))
            scratch.uint64Opt(Field.Function.name, name)
            scratch.uint64Opt(Field.Function.systemName, name)
            scratch.uint64Opt(Field.Function.filename, intern(function.file))
            scratch.int64Opt(Field.Function.startLine, Int64(function.startLine))
            out.message(Field.Profile.function, scratch)
        }
        return UInt64(id)
    }

    private var stackScratch: [Int] = []
    private var idScratch: [UInt64] = []

    /// The encoded location_id field of a stack variant (writing new locations first).
    private func encodedStack(_ variant: Int, app: Int, tail: Int32) -> (offset: Int, length: Int) {
        if stackOffset[variant] >= 0 {
            return (Int(stackOffset[variant]), Int(stackLength[variant]))
        }
        if app >= 0 {
            world.stack(app: app, tail: tail, into: &stackScratch)
        } else {
            stackScratch = world.systemStacks[variant - world.appStackCount * tailSlots]
        }
        idScratch.removeAll(keepingCapacity: true)
        for location in stackScratch { idScratch.append(locationID(location)) }
        var field = ProtoBuffer(capacity: idScratch.count * 3 + 4)
        field.repeatedUInt64(Field.Sample.locationID, idScratch)
        stackOffset[variant] = Int32(stackArena.count)
        stackDepth[variant] = Int32(idScratch.count)
        stackLength[variant] = Int32(field.count)
        stackArena.append(contentsOf: field.bytes)
        return (stackArena.count - field.count, field.count)
    }

    // MARK: The profile

    func encode(samples: Int, seed: UInt64) throws -> GeneratorStatistics {
        var rng = SplitMix64(seed: seed ^ 0x00C0_FFEE_5A3B_1E55)
        var stats = GeneratorStatistics()
        let appDistribution = CumulativeDistribution.zipf(count: world.appStackCount, offset: Self.hotStackOffset)

        // Header, in the order Go's profileBuilder.build writes it.
        let timeNanos = 1_700_000_000_000_000_000 + Int64(seed % 1_000_000) * 1_000_000_000
        out.int64Opt(Field.Profile.timeNanos, timeNanos)
        valueType(Field.Profile.sampleType, "samples", "count")
        valueType(Field.Profile.sampleType, "cpu", "nanoseconds")
        // As if the samples were taken over this wall time on ~4 busy cores.
        out.int64Opt(Field.Profile.durationNanos, Int64(samples) * Int64(Self.period) / 4 + 1_000_000_000)
        valueType(Field.Profile.periodType, "cpu", "nanoseconds")
        out.int64Opt(Field.Profile.period, Int64(Self.period))

        // Label strings, interned on first use: keys, then the values of each.
        let keys = ["handler", "method", "worker", "job", "tenant", "request_bytes", "bytes", "retries"]
        var keyIDs = Array(repeating: UInt64(0), count: keys.count)
        func keyID(_ k: Int) -> UInt64 { intern(&keyIDs, k) { keys[k] } }
        let methods = ["GET", "POST", "PUT", "DELETE"], jobs = ["compact", "reindex", "export", "sweep"]
        var endpointIDs = Array(repeating: UInt64(0), count: Catalog.endpoints.count)
        var methodIDs = Array(repeating: UInt64(0), count: methods.count)
        var workerIDs = Array(repeating: UInt64(0), count: 4)
        var jobIDs = Array(repeating: UInt64(0), count: jobs.count)
        var tenantIDs = Array(repeating: UInt64(0), count: 16)
        var label = ProtoBuffer(capacity: 32)
        func stringLabel(_ key: Int, _ value: UInt64) {
            label.removeAll()
            label.uint64(Field.Label.key, keyID(key))
            label.uint64(Field.Label.str, value)
            scratch.message(Field.Sample.label, label)
        }
        func numberLabel(_ key: Int, _ value: UInt64, unit: Int?) {
            label.removeAll()
            label.uint64(Field.Label.key, keyID(key))
            label.uint64(Field.Label.num, value)
            if let unit { label.uint64(Field.Label.numUnit, keyID(unit)) }
            scratch.message(Field.Sample.label, label)
        }

        for _ in 0..<samples {
            // Which stack.
            let variant: Int
            var app = -1
            if rng.unit() < Self.systemShare {
                variant = world.appStackCount * tailSlots + rng.below(world.systemStacks.count)
            } else {
                app = appDistribution.sample(&rng)
                let options = world.appTails[app]
                let r = rng.unit()
                let option = min(r < 0.6 ? 0 : (r < 0.9 ? 1 : 2), options.count - 1)
                variant = app * tailSlots + option
            }
            let tail = app >= 0 ? world.appTails[app][variant - app * tailSlots] : -1
            let (offset, length) = encodedStack(variant, app: app, tail: tail)
            let depth = Int(stackDepth[variant])
            stats.totalFrames += depth
            stats.minDepth = min(stats.minDepth, depth)
            stats.maxDepth = max(stats.maxDepth, depth)

            // Values: count and CPU time.
            let r = rng.unit()
            let count: UInt64 = r < 0.8 ? 1 : (r < 0.97 ? UInt64(2 + rng.below(3)) : UInt64(5 + rng.below(16)))
            stats.totalCount += count

            scratch.removeAll()
            scratch.bytes.append(contentsOf: stackArena[offset..<offset + length])
            scratch.uint64(Field.Sample.value, count)
            scratch.uint64(Field.Sample.value, count * Self.period)

            // Labels: string labels as pprof.Do would set them (sorted by key,
            // as Go writes them), and a few numeric ones.
            if app >= 0 {
                let branch = Int(world.appBranch[app])
                switch world.rootKinds[Int(world.appRoot[app])] {
                case .http:
                    let e = Int(SplitMix64.mix(UInt64(branch)) % UInt64(Catalog.endpoints.count))
                    let r = rng.unit()
                    let m = r < 0.6 ? 0 : (r < 0.9 ? 1 : (r < 0.95 ? 2 : 3))
                    stringLabel(0, intern(&endpointIDs, e) { Catalog.endpoints[e] })
                    stringLabel(1, intern(&methodIDs, m) { methods[m] })
                case .worker:
                    let w = branch % workerIDs.count
                    let j = rng.below(jobs.count)
                    stringLabel(3, intern(&jobIDs, j) { jobs[j] })
                    stringLabel(2, intern(&workerIDs, w) { "pool-\(w)" })
                case .main:
                    if rng.chance(0.4) {
                        let t = rng.below(tenantIDs.count)
                        stringLabel(4, intern(&tenantIDs, t) { "tenant-\(pad2(t))" })
                    }
                }
            }
            let n = rng.unit()
            if n < 0.05 {
                numberLabel(5, UInt64(1 + rng.below(64)) << UInt64(rng.below(14)), unit: 6)
            } else if n < 0.07 {
                numberLabel(7, UInt64(1 + rng.below(4)), unit: nil)
            }

            out.message(Field.Profile.sample, scratch)
            stats.samples += 1
            try flushIfNeeded()
        }

        // The executable's mapping.
        scratch.removeAll()
        scratch.uint64Opt(Field.Mapping.id, 1)
        scratch.uint64Opt(Field.Mapping.memoryStart, 0x40_0000)
        scratch.uint64Opt(Field.Mapping.memoryLimit, (world.textEnd + 0xFFFF) & ~0xFFFF)
        scratch.uint64Opt(Field.Mapping.fileOffset, 0)
        scratch.uint64Opt(Field.Mapping.filename, intern("/usr/local/bin/service"))
        scratch.uint64Opt(Field.Mapping.buildID, intern(buildID(seed: seed)))
        scratch.boolOpt(Field.Mapping.hasFunctions, true)
        scratch.boolOpt(Field.Mapping.hasFilenames, true)
        scratch.boolOpt(Field.Mapping.hasLineNumbers, true)
        scratch.boolOpt(Field.Mapping.hasInlineFrames, true)
        out.message(Field.Profile.mapping, scratch)

        // String table last (index 0 is "").
        for text in strings {
            out.string(Field.Profile.stringTable, text)
            try flushIfNeeded()
        }
        try sink.write(out.bytes)
        out.removeAll()

        stats.locations = Int(nextLocationID) - 1
        stats.functions = Int(nextFunctionID) - 1
        stats.strings = strings.count
        stats.stacks = stackOffset.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        stats.bytes = sink.bytesWritten
        return stats
    }

    /// A GNU-style build ID: 20 bytes as hex.
    private func buildID(seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed ^ 0xB011_D1D0)
        let digits = Array("0123456789abcdef")
        var text = ""
        for _ in 0..<20 {
            let b = Int(rng.next() & 0xFF)
            text.append(digits[b >> 4])
            text.append(digits[b & 0xF])
        }
        return text
    }
}
