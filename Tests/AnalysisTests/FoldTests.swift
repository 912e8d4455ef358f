@testable import Analysis
import Foundation
import TestSupport
import Pprof
import Testing

/// `proflens fold` must agree with `go tool pprof -traces`: the reference traces are parsed
/// here independently (stack text and printed value), summed per stack, and compared with the
/// folded stacks. pprof prints values rounded to two decimals in a readable unit, so each
/// trace allows half a unit of its last digit.
@Suite struct FoldTests {
    struct ReferenceStack {
        var value: Double = 0
        var tolerance: Double = 0
    }

    /// Parses "1.28s", "10ms", "2.50MB", "190" into the sample unit, with its rounding error.
    static func parseValue(_ text: String) -> (Double, Double)? {
        let units: [(String, Double)] = [
            ("hrs", 3600e9), ("ms", 1e6), ("us", 1e3), ("ns", 1), ("s", 1e9),
            ("kB", 1024), ("MB", 1_048_576), ("GB", 1_073_741_824), ("TB", 1_099_511_627_776), ("B", 1),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { continue }
            return (number * factor, 0.005 * factor)
        }
        guard let number = Double(text) else { return nil }
        return (number, 0)
    }

    /// Values parsed in base units (ns, B) scaled to the sample unit.
    static func referenceStacks(_ text: String, unit: String) -> [String: ReferenceStack]? {
        let time = Measurement.scale(1, from: unit, to: "nanoseconds")
        let factor = time.1 == "ns" ? time.0 : 1
        var stacks: [String: ReferenceStack] = [:]
        var frames: [String] = []
        var current: (Double, Double)?
        func finish() {
            if let (value, tolerance) = current, !frames.isEmpty {
                let key = frames.reversed().joined(separator: ";")
                stacks[key, default: ReferenceStack()].value += value / factor
                stacks[key, default: ReferenceStack()].tolerance += tolerance / factor
            }
            frames = []
            current = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----------+") { finish(); continue }
            let scalars = Array(line.unicodeScalars)
            guard scalars.count > 13, String(String.UnicodeScalarView(scalars[10..<13])) == "   " else { continue }
            let valueText = String(String.UnicodeScalarView(scalars[0..<10])).trimmingSpaces
            var name = String(String.UnicodeScalarView(scalars[13...]))
            if name.hasSuffix(" (inline)") { name.removeLast(" (inline)".count) }
            if !valueText.isEmpty {
                guard let parsed = parseValue(valueText) else { return nil }
                current = parsed
            }
            frames.append(name)
        }
        return stacks
    }

    static func completeReferenceTraces() -> [String] {
        guard Corpus.isPresent else { return [] }
        let summary = (try? String(contentsOf: Corpus.file("expected/SUMMARY.tsv"), encoding: .utf8)) ?? ""
        return summary.split(separator: "\n").dropFirst().compactMap { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 6, columns[1] == "ok", columns[4] == columns[5] else { return nil }
            // Names with line breaks cannot be parsed from the text.
            if columns[0] == "pyroscope-invalid-utf8.pb.gz" { return nil }
            return String(columns[0])
        }
    }

    @Test(.needsCorpus, arguments: completeReferenceTraces())
    func foldedValuesAgreeWithGoToolPprofTraces(_ file: String) throws {
        let text = try String(contentsOf: Corpus.file("expected/\(file).traces.txt"), encoding: .utf8)
        let profile = try ProfileReader().read(path: Corpus.profile(file).path).applyingDropFrames()
        let index = try SampleTypeSelection.index(nil, in: profile)
        let reference = try #require(Self.referenceStacks(text, unit: profile.sampleTypes[index].unit))
        let folded = StackFolder.fold(profile, sampleIndex: index)
        var ours: [String: Int64] = [:]
        for stack in 0..<folded.count {
            ours[folded.frames(of: stack).map { folded.names[Int($0)] }.joined(separator: ";"), default: 0] += folded.values[stack]
        }
        let nonZeroReference = reference.filter { abs($0.value.value) > $0.value.tolerance }
        #expect(Set(ours.keys).isSuperset(of: nonZeroReference.keys), "\(file): stacks pprof shows are missing")
        for (stack, value) in ours {
            let expected = try #require(reference[stack], "\(file): stack not in pprof's traces: \(stack)")
            #expect(abs(Double(value) - expected.value) <= expected.tolerance + 1e-6 * abs(expected.value),
                    "\(file): \(stack): proflens \(value), pprof \(expected.value)")
        }
    }

    static func sampleTraces() -> [String] {
        SampleProfiles.versions.flatMap { version in
            let expected = Paths.samples.appendingPathComponent("expected/\(version)")
            let runs = ((try? FileManager.default.contentsOfDirectory(atPath: expected.path)) ?? []).filter { $0 != "diff" }
            return runs.sorted().flatMap { run in
                Paths.files(in: expected.appendingPathComponent(run), suffix: ".traces.txt").map { "\(version)/\(run)/\($0.lastPathComponent)" }
            }
        }
    }

    /// The same check on the sample programs' profiles, for every sample type.
    @Test(arguments: sampleTraces())
    func foldedSampleValuesAgreeWithGoToolPprofTraces(_ golden: String) throws {
        let parts = golden.split(separator: "/").map(String.init)  // version/run/kind.type.traces.txt
        let components = parts[2].split(separator: ".").map(String.init)
        let text = try String(contentsOf: Paths.samples.appendingPathComponent("expected/\(golden)"), encoding: .utf8)
        let profile = try ProfileReader().read(path: SampleProfiles.path(parts[1], components[0], version: parts[0]))
        let index = try SampleTypeSelection.index(String(components[1]), in: profile)
        let reference = try #require(Self.referenceStacks(text, unit: profile.sampleTypes[index].unit))
        let folded = StackFolder.fold(profile, sampleIndex: index)
        var ours: [String: Int64] = [:]
        for stack in 0..<folded.count {
            ours[folded.frames(of: stack).map { folded.names[Int($0)] }.joined(separator: ";"), default: 0] += folded.values[stack]
        }
        #expect(Set(ours.keys).isSuperset(of: reference.filter { abs($0.value.value) > $0.value.tolerance }.keys))
        for (stack, value) in ours {
            let expected = try #require(reference[stack], "\(golden): stack not in pprof's traces: \(stack)")
            #expect(abs(Double(value) - expected.value) <= expected.tolerance + 1e-6 * abs(expected.value), "\(golden): \(stack)")
        }
    }

    @Test func mergesIdenticalStacksAndSortsLines() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let main = builder.location(["main.main"])
        let b = builder.location(["b"])
        let a = builder.location(["a;weird", "a.outer"])  // inlined: a;weird inside a.outer
        builder.sample([b, main], [2])
        builder.sample([a, main], [5])
        builder.sample([b, main], [3])
        builder.sample([main], [0])  // zero values are left out
        let text = String(decoding: StackFolder.fold(builder.profile, sampleIndex: 0).text(), as: UTF8.self)
        #expect(text == "main.main;a.outer;a\u{FF1B}weird 5\nmain.main;b 5\n")
    }

    /// `fold` writes stacks folded without merging: the text merges them (hand-computed).
    @Test func theTextMergesStacksThatWereNotMerged() {
        let type = ValueType(type: "samples", unit: "count")
        let stacks = FoldedStacks(names: ["a", "b", "c"], frames: [0, 1, 0, 0, 1, 1, 1, 0, 2], starts: [0, 2, 3, 5, 6, 7, 9],
                                  values: [1, 2, 3, 5, -5, 4], sampleType: type)
        // a;b 1+3; a 2; b 5-5, left out; a;c 4.
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "a 2\na;b 4\na;c 4\n")
    }

    /// Lines are sorted on the ranks of their names, in two bytes each while every rank fits
    /// and in four past 65,536 names: both give the byte order of the lines themselves.
    @Test(arguments: [300, 70_000])
    func linesComeInByteOrderWhateverTheNameCount(_ nameCount: Int) {
        var random = SplitMix64(seed: UInt64(nameCount))
        let names = (0..<nameCount).map { "pkg.f\(String($0, radix: 7))" }
        var frames: [UInt32] = [], starts = [0], values: [Int64] = []
        for _ in 0..<2000 {
            for _ in 0..<(1 + random.below(6)) { frames.append(UInt32(random.below(nameCount))) }
            starts.append(frames.count)
            values.append(Int64(1 + random.below(9)))
        }
        let stacks = FoldedStacks(names: names, frames: frames, starts: starts, values: values, sampleType: ValueType(type: "cpu", unit: "nanoseconds"))
        var sums: [String: Int64] = [:]
        for stack in 0..<stacks.count {
            sums[stacks.frames(of: stack).map { names[Int($0)] }.joined(separator: ";"), default: 0] += values[stack]
        }
        let expected = sums.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { "\($0) \(sums[$0]!)\n" }.joined()
        #expect(String(decoding: stacks.text(), as: UTF8.self) == expected)
    }

    /// The text is formatted in blocks, two at a time on two cores: many blocks of random
    /// stacks (few names, so that many stacks repeat and some sum to zero) give the lines of
    /// the stacks joined, summed and sorted one by one here.
    @Test func linesFormattedInBlocksComeInOrder() {
        var random = SplitMix64(seed: 11)
        let names = (0..<5).map { "pkg.f\($0)" }
        var frames: [UInt32] = [], starts = [0], values: [Int64] = []
        while frames.count < FoldedLineWriter.blockFrames * 5 {
            for _ in 0..<(1 + random.below(8)) { frames.append(UInt32(random.below(names.count))) }
            starts.append(frames.count)
            values.append(Int64(random.below(9)) - 2)
        }
        let stacks = FoldedStacks(names: names, frames: frames, starts: starts, values: values, sampleType: ValueType(type: "cpu", unit: "nanoseconds"))
        var sums: [String: Int64] = [:]
        for stack in 0..<stacks.count {
            sums[stacks.frames(of: stack).map { names[Int($0)] }.joined(separator: ";"), default: 0] += values[stack]
        }
        let expected = sums.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .filter { sums[$0] != 0 }.map { "\($0) \(sums[$0]!)\n" }.joined()
        #expect(String(decoding: stacks.text(), as: UTF8.self) == expected)
    }

    /// A block ends after about `blockFrames` frames, but never inside a run of stacks that
    /// make one line: more equal one-frame stacks than that still make a single line.
    @Test func equalStacksMakeOneLineAcrossABlockEnd() {
        let copies = FoldedLineWriter.blockFrames + 4464
        let stacks = FoldedStacks(names: ["main.main", "main.work"], frames: [0] + [UInt32](repeating: 1, count: copies),
                                  starts: Array(0...(copies + 1)), values: [7] + [Int64](repeating: 1, count: copies),
                                  sampleType: ValueType(type: "samples", unit: "count"))
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "main.main 7\nmain.work \(copies)\n")
    }

    /// Stacks without frames (the contract allows them) make lines of a value alone, merged as
    /// any equal stacks are, before the others (an empty key sorts first).
    @Test func stacksWithoutFrames() {
        let stacks = FoldedStacks(names: ["a"], frames: [0], starts: [0, 0, 0, 1], values: [2, 3, 4],
                                  sampleType: ValueType(type: "samples", unit: "count"))
        #expect(String(decoding: stacks.text(), as: UTF8.self) == " 5\na 4\n")
        let empty = FoldedStacks(names: [], frames: [], starts: [0, 0, 0], values: [2, 3], sampleType: ValueType(type: "samples", unit: "count"))
        #expect(String(decoding: empty.text(), as: UTF8.self) == " 5\n")
    }

    /// A line longer than the pieces text is gathered in at first (they grow to hold it).
    @Test func aLineLongerThanAPiece() {
        let name = "github.com/example/service.(*Handler).serve"
        let depth = 10_000
        let stacks = FoldedStacks(names: [name, "x"], frames: [UInt32](repeating: 0, count: depth) + [1], starts: [0, depth, depth + 1],
                                  values: [-3, 2], sampleType: ValueType(type: "samples", unit: "count"))
        let line = [String](repeating: name, count: depth).joined(separator: ";")
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "\(line) -3\nx 2\n")
    }

    /// A name longer than twice a piece: the piece doubles until the name fits.
    @Test func aNameLongerThanAPiece() {
        let huge = String(repeating: "x", count: 300_000)
        let stacks = FoldedStacks(names: ["main", huge], frames: [0, 1], starts: [0, 2], values: [5],
                                  sampleType: ValueType(type: "samples", unit: "count"))
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "main;\(huge) 5\n")
    }

    struct WriteFailed: Error {}

    /// A write that fails stops the text there, its error passed on, whether it fails while
    /// the other core formats a block (the first writes of a pair of pieces) or at the end.
    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func aFailedWriteIsPassedOn(_ failing: Int) {
        var random = SplitMix64(seed: 3)
        let names = (0..<50).map { "pkg.f\($0)" }
        // Six blocks at least (none holds more than `blockFrames` + 7 frames): three pairs.
        var frames: [UInt32] = [], starts = [0]
        while frames.count < FoldedLineWriter.blockFrames * 6 {
            for _ in 0..<(1 + random.below(8)) { frames.append(UInt32(random.below(names.count))) }
            starts.append(frames.count)
        }
        let stacks = FoldedStacks(names: names, frames: frames, starts: starts, values: [Int64](repeating: 1, count: starts.count - 1),
                                  sampleType: ValueType(type: "samples", unit: "count"))
        let text = stacks.text()
        var written: [UInt8] = [], calls = 0
        #expect(throws: WriteFailed.self) {
            try stacks.writeText { piece in
                calls += 1
                if calls == failing { throw WriteFailed() }
                written.append(contentsOf: piece)
            }
        }
        #expect(calls == failing)
        #expect(text.starts(with: written) && written.count < text.count)
    }

    /// Two names that read the same once escaped ("x;y" and "x；y"): their stacks stay apart,
    /// each merged with its own kind, in the order each first appears (hand-computed).
    @Test func namesThatReadTheSameAreMergedByFrame() {
        let type = ValueType(type: "samples", unit: "count")
        let stacks = FoldedStacks(names: ["m", "x;y", "x\u{FF1B}y"], frames: [0, 1, 0, 2, 0, 1], starts: [0, 2, 4, 6],
                                  values: [1, 2, 3], sampleType: type)
        #expect(String(decoding: stacks.text(), as: UTF8.self) == "m;x\u{FF1B}y 4\nm;x\u{FF1B}y 2\n")
    }

    @Test func linesGranularityNamesFunctionAndLine() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let location = builder.location(["main.work"])
        builder.profile.lines[Int(builder.profile.locations[Int(location)].lineStart)].line = 42
        builder.sample([location], [1])
        let folded = StackFolder.fold(builder.profile, sampleIndex: 0, granularity: .lines)
        #expect(String(decoding: folded.text(), as: UTF8.self) == "main.work:42 1\n")
    }
}
