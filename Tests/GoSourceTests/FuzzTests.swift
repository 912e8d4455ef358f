import Foundation
import Testing
import TestSupport

@testable import GoSource

/// Seeded random mutations of real Go source (the sample programs and the test snippets):
/// truncations, byte flips, inserted braces, quotes, backticks and comment openers, deleted and
/// duplicated spans; plus hand-made worst cases (100,000 nested braces, parentheses, ifs, func
/// literals; unterminated everything). Each input is lexed, read, and checked for all four
/// patterns on one of its functions: nothing may crash (a trap ends the run by itself) and no
/// input may take longer than a time bound.
///
/// The default is a few thousand inputs, which runs in seconds. To run longer, with another
/// seed:
///
///     GOSOURCE_FUZZ_ITERATIONS=200000 GOSOURCE_FUZZ_SEED=7 swift test --filter GoSourceTests.FuzzTests
@Suite struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations = Int(environment["GOSOURCE_FUZZ_ITERATIONS"] ?? "") ?? 2500
    static let seed = UInt64(environment["GOSOURCE_FUZZ_SEED"] ?? "") ?? 0x5EED_2026_0601
    /// CPU seconds per input; generous for a debug build.
    static let timeBound = 3.0

    static func bases() throws -> [[UInt8]] {
        var bases = try ["ap1-range-mutate", "ap2-lock-contention", "ap3-delete-keep-ref", "ap4-never-shrink", "healthy"]
            .map { Array(try Paths.sampleText($0).utf8) }
        bases += [HardNegativeTests.rangeSnippets, HardNegativeTests.goroutineSnippets, HardNegativeTests.deleteSnippets,
                  HardNegativeTests.shrinkSnippets, BlockReaderTests.source].map { Array($0.utf8) }
        return bases
    }

    static let insertions: [[UInt8]] = ["{", "}", "(", ")", "[", "]", "\"", "'", "`", "/*", "//", "\n", ";", "\u{0}", ":=",
                                        "func ", "func() {", "for range m {", "go ", "if x {", "} else {", "case ", "delete(m, k)",
                                        "m[k] = nil", ".Lock()", "\\", "\u{FF}"].map { Array($0.utf8) }

    static func mutate(_ base: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = base
        for _ in 0..<(1 + random.below(4)) {
            guard !bytes.isEmpty else { break }
            let at = random.below(bytes.count)
            switch random.below(6) {
            case 0: bytes.removeSubrange(at...) // truncation
            case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next()) // byte flip
            case 2: bytes.insert(contentsOf: insertions[random.below(insertions.count)], at: at)
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(200)))
            case 4: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + random.below(300))], at: random.below(bytes.count))
            default: bytes.insert(contentsOf: Array(repeating: insertions[random.below(6)][0], count: 1 + random.below(300)), at: at)
            }
        }
        return bytes
    }

    static let worstCases: [(String, [UInt8])] = [
        ("100k {", Array(repeating: 0x7B, count: 100_000)),
        ("100k }", Array(repeating: 0x7D, count: 100_000)),
        ("100k (", Array(repeating: 0x28, count: 100_000)),
        ("100k [", Array(repeating: 0x5B, count: 100_000)),
        ("func + 100k {", Array("package p\nfunc f() ".utf8) + Array(repeating: 0x7B, count: 100_000)),
        ("func + 50k nested ifs", Array(("package p\nfunc f() {\n" + String(repeating: "if x {\n", count: 50_000)).utf8)),
        ("50k else-if", Array(("package p\nfunc f() {\nif a {\n" + String(repeating: "} else if b {\n", count: 50_000) + "}\n}\n").utf8)),
        ("20k nested func literals", Array(("package p\nfunc f() {\n" + String(repeating: "g(func() {\n", count: 20_000)).utf8)),
        ("20k nested ranges", Array(("package p\nfunc f() {\n" + String(repeating: "for k := range m { m = nil\n", count: 20_000)).utf8)),
        ("100k quotes", Array(repeating: 0x22, count: 100_000)),
        ("100k backticks", Array(repeating: 0x60, count: 100_000)),
        ("unterminated comment", Array("package p\nfunc f() { /* ".utf8) + Array(repeating: 0x2A, count: 50_000)),
        ("100k case labels", Array(("package p\nfunc f() {\nswitch {\n" + String(repeating: "case x:\n", count: 100_000)).utf8)),
        ("100k labels", Array(("package p\nfunc f() {\n" + String(repeating: "L: ", count: 100_000)).utf8)),
        ("200k dots", Array(repeating: 0x2E, count: 200_000)),
        ("all bytes", (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
    ]

    /// Reads `bytes` and runs the checks on one function; returns the CPU seconds this thread
    /// took (not wall time: the bound is about the work done, which other load on the machine
    /// does not change; the tests run in parallel on a 2-core machine).
    static func exercise(_ bytes: [UInt8], pick: Int) -> Double {
        let started = threadCPUSeconds()
        let file = GoFile(path: "fuzz.go", source: bytes)
        if !file.functions.isEmpty {
            let function = file.functions[pick % file.functions.count]
            let hot = [HotLine(line: function.lines.lowerBound + pick % max(1, function.lines.count), cost: 1)]
            let checker = ShapeChecker(file: file)
            for pattern in MapPattern.allCases { _ = checker.check(pattern, function: function.runtimeName, hotLines: hot) }
        }
        return threadCPUSeconds() - started
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    @Test func mutatedSourcesNeitherCrashNorHang() throws {
        let bases = try Self.bases()
        var random = SplitMix64(seed: Self.seed)
        var slowest = 0.0
        var slow: [String] = []
        for iteration in 0..<Self.iterations {
            let input = Self.mutate(bases[iteration % bases.count], &random)
            let seconds = Self.exercise(input, pick: iteration)
            slowest = max(slowest, seconds)
            if seconds > Self.timeBound { slow.append("input \(iteration) (seed \(Self.seed)): \(seconds) s") }
        }
        print("fuzz: \(Self.iterations) mutated inputs, seed \(Self.seed), slowest \(String(format: "%.3f", slowest)) s")
        #expect(slow.isEmpty, "\(slow.prefix(5))")
    }

    @Test(arguments: worstCases.map(\.0))
    func worstCasesAreLinear(_ name: String) throws {
        let bytes = try #require(Self.worstCases.first { $0.0 == name }?.1)
        let seconds = Self.exercise(bytes, pick: 0)
        #expect(seconds < Self.timeBound, "\(name): \(seconds) s")
    }
}
