// ProfileGenerator: writes large, deterministic, Go-like pprof CPU profiles
// for benchmarking (`make bench`, scripts/bench.sh).
//
//   ProfileGenerator --samples N --seed S -o FILE [--gzip|--raw] [--gzip-level L]
//
// Same arguments, same bytes. See World.swift for the synthetic program and
// Generator.swift for the encoding.

import Foundation

let usage = """
    usage: ProfileGenerator [--samples N] [--seed S] -o FILE [--gzip | --raw] [--gzip-level L]

    Writes a synthetic Go CPU profile (pprof profile.proto) with N samples.

      --samples N      number of samples (default 1500000)
      --seed S         seed of the synthetic program and the samples (default 1)
      -o, --output F   output file, "-" for standard output
      --gzip           gzip the output (through the system's gzip; default when F ends in .gz)
      --raw            write uncompressed protobuf (default otherwise)
      --gzip-level L   gzip level 1-9 (default 1, what Go's runtime/pprof uses)
      --locations N    approximate number of locations in the program (default 50000)
      -q, --quiet      no statistics on standard error

    """

struct Options {
    var samples = 1_500_000
    var seed: UInt64 = 1
    var output: String?
    var gzip: Bool?
    var gzipLevel = 1
    var locations = 50_000
    var quiet = false
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ProfileGenerator: \(message)\n".utf8))
    exit(2)
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var i = 0
    func value(_ flag: String) -> String {
        i += 1
        guard i < arguments.count else { fail("\(flag) needs a value") }
        return arguments[i]
    }
    func integer(_ flag: String, _ range: ClosedRange<Int>) -> Int {
        let text = value(flag)
        guard let n = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(n) else {
            fail("\(flag): expected an integer in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return n
    }
    while i < arguments.count {
        let arg = arguments[i]
        switch arg {
        case "--samples", "-n": options.samples = integer(arg, 0...1_000_000_000)
        case "--seed", "-s":
            let text = value(arg)
            guard let seed = UInt64(text) else { fail("\(arg): expected an unsigned integer, got \(text)") }
            options.seed = seed
        case "-o", "--output": options.output = value(arg)
        case "--gzip": options.gzip = true
        case "--raw": options.gzip = false
        case "--gzip-level": options.gzipLevel = integer(arg, 1...9)
        case "--locations": options.locations = integer(arg, 1_000...10_000_000)
        case "-q", "--quiet": options.quiet = true
        case "-h", "--help":
            print(usage, terminator: "")
            exit(0)
        default: fail("unknown argument \(arg)\n\(usage)")
        }
        i += 1
    }
    return options
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
guard let output = options.output else { fail("missing -o FILE\n\(usage)") }
let gzip = options.gzip ?? output.hasSuffix(".gz")

let clock = ContinuousClock()
let start = clock.now
do {
    var parameters = WorldParameters(seed: options.seed)
    parameters.locations = options.locations
    let world = World(parameters)
    let built = clock.now
    let sink = try OutputSink(path: output, gzipLevel: gzip ? options.gzipLevel : nil)
    let encoder = ProfileEncoder(world: world, sink: sink)
    let stats = try encoder.encode(samples: options.samples, seed: options.seed)
    try sink.finish()
    let end = clock.now

    if !options.quiet {
        func seconds(_ d: Duration) -> String {
            let c = d.components
            return String(format: "%.2fs", Double(c.seconds) + Double(c.attoseconds) * 1e-18)
        }
        let depth = stats.samples == 0 ? "-" : String(
            format: "mean %.1f, min %d, max %d",
            Double(stats.totalFrames) / Double(stats.samples), stats.minDepth, stats.maxDepth)
        let report = """
            ProfileGenerator: \(output)\(gzip ? " (gzip -\(options.gzipLevel))" : "")
              samples        \(stats.samples) (total count \(stats.totalCount))
              locations      \(stats.locations) of \(world.locations.count) in the program
              functions      \(stats.functions) of \(world.functions.count)
              strings        \(stats.strings)
              stacks         \(stats.stacks) distinct (\(world.appStackCount) application stacks)
              depth          \(depth)
              protobuf bytes \(stats.bytes)
              time           \(seconds(end - start)) (program \(seconds(built - start)))

            """
        FileHandle.standardError.write(Data(report.utf8))
    }
} catch {
    fail("\(error)")
}
