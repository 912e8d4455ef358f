// The generator's command line: a shape name, then its parameters.

import Foundation

enum Shape: String, CaseIterable {
    case current, wide, wideHeap = "wide-heap", fleet
}

let usage = """
    usage: ProfileGenerator [SHAPE] [options] -o FILE

    Writes a synthetic Go profile (pprof profile.proto). Same arguments, same bytes.

    Shapes:
      current     CPU profile, 1.5M samples over ~24k distinct stacks (the default shape)
      wide        CPU profile, 2M samples over 400k distinct stacks, ~137k locations
                  (many with inlined frames), ~8k functions, two goroutine labels on
                  every sample
      wide-heap   the wide program as a heap profile: alloc_objects, alloc_space,
                  inuse_objects, inuse_space, a numeric `bytes` label on every sample
      fleet       --instances profiles of one side (a or b) of a fleet, each like a
                  30 s CPU profile of one instance of the wide program; -o must
                  contain {i} (01, 02, ...) unless --merged writes them as one profile

    Options:
      --samples N        current: samples (default 1500000); wide, wide-heap: Sample
                         messages (default 2000000); fleet: profiler ticks per profile
                         (default 48000)
      --stacks N         wide, wide-heap, fleet: distinct stacks of the program
                         (default samples / 5; fleet 200000)
      --locations N      current: approximate locations (default 50000); wide:
                         approximate locations (default 137k per 400k stacks)
      --seed S           seed of the samples (default 1); for `current` also of the program
      --program-seed S   wide, wide-heap, fleet: seed of the program (default 1)
      --instances N      fleet: profiles per side (default 20)
      --side a|b         fleet: which side (default a); b is a later version
      --merged           fleet: write the side's profiles merged into one
      -o, --output F     output file, "-" for standard output
      --gzip             gzip the output (through the system's gzip; default when F ends in .gz)
      --raw              write uncompressed protobuf (default otherwise)
      --gzip-level L     gzip level 1-9 (default 1, what Go's runtime/pprof uses)
      --meta F           also write the statistics as key=value lines to F
      -q, --quiet        no statistics on standard error

    """

struct Options {
    var shape = Shape.current
    var samples: Int?
    var stacks: Int?
    var locations: Int?
    var seed: UInt64 = 1
    var programSeed: UInt64 = 1
    var instances = 20
    var side = "a"
    var merged = false
    var output: String?
    var gzip: Bool?
    var gzipLevel = 1
    var meta: String?
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
    func unsigned(_ flag: String) -> UInt64 {
        let text = value(flag)
        guard let n = UInt64(text) else { fail("\(flag): expected an unsigned integer, got \(text)") }
        return n
    }
    if let first = arguments.first, !first.hasPrefix("-") {
        guard let shape = Shape(rawValue: first) else {
            fail("unknown shape \(first) (one of \(Shape.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        options.shape = shape
        i = 1
    }
    while i < arguments.count {
        let arg = arguments[i]
        switch arg {
        case "--samples", "-n": options.samples = integer(arg, 0...1_000_000_000)
        case "--stacks": options.stacks = integer(arg, 1...100_000_000)
        case "--locations": options.locations = integer(arg, 1_000...10_000_000)
        case "--seed", "-s": options.seed = unsigned(arg)
        case "--program-seed": options.programSeed = unsigned(arg)
        case "--instances": options.instances = integer(arg, 1...10_000)
        case "--side":
            options.side = value(arg)
            guard ["a", "b"].contains(options.side) else { fail("--side: a or b") }
        case "--merged": options.merged = true
        case "-o", "--output": options.output = value(arg)
        case "--gzip": options.gzip = true
        case "--raw": options.gzip = false
        case "--gzip-level": options.gzipLevel = integer(arg, 1...9)
        case "--meta": options.meta = value(arg)
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
