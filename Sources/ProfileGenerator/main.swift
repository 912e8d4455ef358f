// ProfileGenerator: writes large, deterministic, Go-like pprof profiles for
// benchmarking (`make bench`, scripts/bench.sh). See Options.swift for the
// command line, World/WideProgram for the synthetic programs and
// CurrentProfile, CPUProfileWriter, HeapProfileWriter and Fleet for the
// profiles written of them.

import Foundation

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
guard let output = options.output else { fail("missing -o FILE\n\(usage)") }
let gzip = options.gzip ?? output.hasSuffix(".gz")
let clock = ContinuousClock()
let start = clock.now

func seconds(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.2fs", Double(c.seconds) + Double(c.attoseconds) * 1e-18)
}

/// Writes one profile to `path` through `body`, and reports it.
func write(_ path: String, _ body: (OutputSink) throws -> GeneratorStatistics) -> GeneratorStatistics {
    let began = clock.now
    do {
        let sink = try OutputSink(path: path, gzipLevel: gzip ? options.gzipLevel : nil)
        let stats = try body(sink)
        try sink.finish()
        if !options.quiet {
            let depth = stats.samples == 0 ? "-" : String(
                format: "mean %.1f locations, %.1f frames (inlined ones included); locations min %d, max %d",
                stats.meanLocations, stats.meanFrames, stats.minDepth, stats.maxDepth)
            let report = """
                ProfileGenerator: \(path)\(gzip ? " (gzip -\(options.gzipLevel))" : "")
                  samples        \(stats.samples) (total of the first value \(stats.totalCount))
                  stacks         \(stats.stacks) distinct
                  locations      \(stats.locations) of \(stats.programLocations) in the program
                  functions      \(stats.functions) of \(stats.programFunctions)
                  strings        \(stats.strings)
                  depth          \(depth)
                  protobuf bytes \(stats.bytes)
                  time           \(seconds(clock.now - began))

                """
            FileHandle.standardError.write(Data(report.utf8))
        }
        return stats
    } catch {
        fail("\(path): \(error)")
    }
}

func note(_ text: String) {
    if !options.quiet { FileHandle.standardError.write(Data("ProfileGenerator: \(text)\n".utf8)) }
}

/// The program of the wide shapes and the fleet.
func wideProgram(stacks: Int) -> WideProgram {
    var parameters = WideParameters.scaled(stacks: stacks, seed: options.programSeed)
    if let locations = options.locations { parameters.locations = locations }
    let began = clock.now
    let program = WideProgram(parameters)
    note("program: \(program.stackCount) stacks, \(program.locations.count) locations, \(program.functions.count) functions (\(seconds(clock.now - began)))")
    return program
}

var stats: GeneratorStatistics
switch options.shape {
case .current:
    var parameters = WorldParameters(seed: options.seed)
    parameters.locations = options.locations ?? parameters.locations
    let world = World(parameters)
    stats = write(output) { sink in
        try CurrentProfile(world: world, sink: sink).encode(samples: options.samples ?? 1_500_000, seed: options.seed)
    }

case .wide, .wideHeap:
    let samples = options.samples ?? 2_000_000
    let stacks = options.stacks ?? max(1, samples / 5)
    guard samples >= stacks, samples <= stacks * GoroutineLabels.variants else {
        fail("--samples must be between --stacks and \(GoroutineLabels.variants) x --stacks")
    }
    let program = wideProgram(stacks: stacks)
    let plan = SamplePlan(samples: samples, stacks: stacks, variants: GoroutineLabels.variants, seed: options.seed)
    stats = write(output) { sink in
        options.shape == .wide
            ? try CPUProfileWriter.wide(program: program, plan: plan, seed: options.seed, sink: sink)
            : try HeapProfileWriter.wide(program: program, plan: plan, seed: options.seed, sink: sink)
    }

case .fleet:
    var fleet = FleetParameters()
    fleet.instances = options.instances
    fleet.ticks = options.samples ?? fleet.ticks
    fleet.side = options.side
    let program = wideProgram(stacks: options.stacks ?? 200_000)
    let hot = Fleet.hotness(stacks: program.stackCount, side: fleet.side)
    if options.merged {
        var merged = FleetProfile()
        for k in 0..<fleet.instances {
            let one = Fleet.instance(k, of: fleet, program: program, hot: hot, seed: options.seed)
            for (m, count) in zip(one.messages, one.counts) { merged.add(m, ticks: count) }
        }
        stats = write(output) { sink in
            try Fleet.write(merged, index: 0, instances: fleet.instances, p: fleet, program: program, sink: sink)
        }
    } else {
        guard output.contains("{i}") || fleet.instances == 1 else { fail("fleet: -o needs {i} for the instance number") }
        stats = GeneratorStatistics()
        for k in 0..<fleet.instances {
            let one = Fleet.instance(k, of: fleet, program: program, hot: hot, seed: options.seed)
            let path = output.replacingOccurrences(of: "{i}", with: pad2(k + 1))
            stats.accumulate(write(path) { sink in
                try Fleet.write(one, index: k, instances: 1, p: fleet, program: program, sink: sink)
            })
        }
    }
}

if let meta = options.meta {
    let text = "shape=\(options.shape.rawValue)\nfiles=\(options.shape == .fleet && !options.merged ? options.instances : 1)\n" + stats.keyValues
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: meta))
    } catch {
        fail("cannot write \(meta): \(error)")
    }
}
note("done in \(seconds(clock.now - start))")
