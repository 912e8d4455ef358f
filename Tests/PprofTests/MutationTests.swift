import TestSupport
import Foundation
import Testing

@testable import Pprof

/// Seeded, deterministic mutations of real profiles: each mutant must decode (to a consistent
/// profile) or throw a DecodeError; never crash (a trap ends the test run by itself), never hang.
@Suite struct MutationTests {
    static let seed: UInt64 = 0x9E37_79B9_2024_0601
    /// Files whose protobuf is larger than this are cut to their first top-level fields that fit.
    static let maxBaseSize = 64 << 10
    /// Mutants per base: up to 250, fewer for big bases (about 3 MB of protobuf decoded per
    /// base), at least 40; about 6,300 in all for the current corpus, plus the gzip-wrapped ones.
    static func mutantCount(baseSize: Int) -> Int {
        min(250, max(40, (3 << 20) / max(baseSize, 1)))
    }
    static let reader = ProfileReader(maxInflatedSize: 16 << 20)

    struct Tally: Sendable {
        var decoded = 0
        var rejected = 0
        var gzipWrapped = 0
        var slowest: Duration = .zero
        var errorKinds: [String: Int] = [:]
        var problems: [String] = []

        mutating func add(_ other: Tally) {
            decoded += other.decoded
            rejected += other.rejected
            gzipWrapped += other.gzipWrapped
            slowest = max(slowest, other.slowest)
            errorKinds.merge(other.errorKinds, uniquingKeysWith: +)
            problems += other.problems
        }
    }

    /// The outcome of one decode, comparable across the raw and gzip-wrapped forms.
    enum Outcome: Equatable {
        case decoded(samples: Int, locations: Int, values: [Int64])
        case rejected(DecodeError)
    }

    static func outcome(_ bytes: [UInt8], _ tally: inout Tally, _ name: String) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        defer { tally.slowest = max(tally.slowest, clock.now - start) }
        do {
            let profile = try reader.decode(bytes)
            let problems = invariantViolations(profile)
            if !problems.isEmpty { tally.problems.append("\(name): accepted an inconsistent profile: \(problems)") }
            return .decoded(samples: profile.samples.count, locations: profile.locations.count, values: profile.samples.values)
        } catch {
            return .rejected(error)
        }
    }

    static func kind(_ error: DecodeError) -> String {
        Mirror(reflecting: error).children.first?.label ?? "\(error)"
    }

    /// The protobuf used as a mutation base: the whole file, or its first whole top-level
    /// fields up to `maxBaseSize`.
    static func base(_ protobuf: [UInt8]) -> [UInt8] {
        guard protobuf.count > maxBaseSize else { return protobuf }
        var end = 0
        for range in topLevelFields(protobuf) {
            if range.upperBound > maxBaseSize { break }
            end = range.upperBound
        }
        return Array(protobuf[..<end])
    }

    /// Byte ranges of the top-level fields of well-formed protobuf (test-side scanner).
    static func topLevelFields(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        func varint() -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return result
        }
        while index < bytes.count {
            let start = index
            let key = varint()
            switch key & 7 {
            case 0: _ = varint()
            case 1: index += 8
            case 2: index += Int(varint())
            case 5: index += 4
            default: return ranges
            }
            guard index <= bytes.count else { return ranges }
            ranges.append(start..<index)
        }
        return ranges
    }

    static let interestingBytes: [UInt8] = [0xff, 0x00, 0x80, 0x7f, 0x01]
    static let hugeVarints: [[UInt8]] = [
        varintBytes(1 << 63),
        varintBytes(.max),
        varintBytes(UInt64(Int64.max)),
        varintBytes(UInt64(UInt32.max)),
        [UInt8](repeating: 0xff, count: 10) + [0x01],  // 11 bytes: overlong
        [UInt8](repeating: 0x80, count: 12),  // never ends
    ]

    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix64) {
        func position(_ extra: Int = 0) -> Int { Int(random.next(below: UInt64(bytes.count + extra))) }
        func span() -> Int { random.next(below: 4) == 0 ? random.next(in: 1...512) : random.next(in: 1...16) }
        if bytes.isEmpty {
            bytes = hugeVarints[Int(random.next(below: UInt64(hugeVarints.count)))]
            return
        }
        switch random.next(below: 9) {
        case 0:  // flip one bit
            bytes[position()] ^= 1 << random.next(below: 8)
        case 1:  // an interesting byte value
            bytes[position()] = interestingBytes[Int(random.next(below: UInt64(interestingBytes.count)))]
        case 2:  // truncate
            bytes.removeSubrange(position()...)
        case 3:  // duplicate a range
            let start = position()
            let copy = Array(bytes[start..<min(bytes.count, start + span())])
            bytes.insert(contentsOf: copy, at: position(1))
        case 4:  // delete a range
            let start = position()
            bytes.removeSubrange(start..<min(bytes.count, start + span()))
        case 5:  // splice in a huge varint, inserted or overwriting
            let varint = hugeVarints[Int(random.next(below: UInt64(hugeVarints.count)))]
            let at = position()
            if random.next(below: 2) == 0 {
                bytes.insert(contentsOf: varint, at: at)
            } else {
                bytes.replaceSubrange(at..<min(bytes.count, at + varint.count), with: varint)
            }
        case 6:  // change a byte's wire-type bits (keys are everywhere in protobuf)
            let at = position()
            bytes[at] = bytes[at] & ~7 | UInt8(random.next(below: 8))
        case 7:  // a random small varint (ids, indices, lengths)
            let at = position()
            let value = varintBytes(random.next(below: 4) == 0 ? random.next() >> random.next(below: 64) : random.next(below: 300))
            bytes.replaceSubrange(at..<min(bytes.count, at + value.count), with: value)
        default:  // swap two bytes
            bytes.swapAt(position(), position())
        }
    }

    static func runMutants(name: String, base: [UInt8], seed: UInt64) -> Tally {
        var tally = Tally()
        var random = SplitMix64(seed: seed)
        for index in 0..<mutantCount(baseSize: base.count) {
            var mutant = base
            for _ in 0..<random.next(in: 1...3) { mutate(&mutant, &random) }
            let label = "\(name) mutant \(index)"
            let raw = outcome(mutant, &tally, label)
            switch raw {
            case .decoded: tally.decoded += 1
            case .rejected(let error):
                tally.rejected += 1
                tally.errorKinds[kind(error), default: 0] += 1
            }
            // Every 8th mutant also goes in a gzip wrapper: the outcome, error offsets
            // included, must not change.
            if index % 8 == 0 && !mutant.starts(with: [0x1f, 0x8b]) {
                tally.gzipWrapped += 1
                let wrapped = outcome(storedGzip(mutant, blockSize: 4096), &tally, label + " (gzip)")
                if wrapped != raw {
                    tally.problems.append("\(label): raw \(raw) but gzip-wrapped \(wrapped)")
                }
            }
        }
        return tally
    }

    /// Mutations of the compressed bytes themselves (header, deflate data, trailer).
    static func runCompressedMutants(name: String, gz: [UInt8], seed: UInt64, count: Int) -> Tally {
        var tally = Tally()
        var random = SplitMix64(seed: seed)
        for index in 0..<count {
            var mutant = gz
            for _ in 0..<random.next(in: 1...2) { mutate(&mutant, &random) }
            switch outcome(mutant, &tally, "\(name) compressed mutant \(index)") {
            case .decoded: tally.decoded += 1
            case .rejected(let error):
                tally.rejected += 1
                tally.errorKinds[kind(error), default: 0] += 1
            }
        }
        return tally
    }

    @Test(.timeLimit(.minutes(2))) func seededMutantsDecodeOrThrow() async throws {
        // Without the corpus (notice printed), only the hand-built profiles are mutated.
        let files = Corpus.profileNames
        var bases: [(name: String, bytes: [UInt8])] = [
            ("minimal", encode(minimalProfileFields())),
            ("medium", mediumProfileBytes()),
        ]
        var compressed: [(name: String, bytes: [UInt8])] = []
        for name in files {
            let original = try Corpus.bytes(name)
            bases.append((name, Self.base(try Corpus.protobuf(name))))
            if original.starts(with: [0x1f, 0x8b]) && original.count <= 4096 { compressed.append((name, original)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let tally = await withTaskGroup(of: Tally.self) { group in
            for (index, base) in bases.enumerated() {
                group.addTask { Self.runMutants(name: base.name, base: base.bytes, seed: Self.seed &+ UInt64(index)) }
            }
            for (index, file) in compressed.enumerated() {
                group.addTask { Self.runCompressedMutants(name: file.name, gz: file.bytes, seed: Self.seed ^ UInt64(index + 1) << 32, count: 40) }
            }
            var total = Tally()
            for await part in group { total.add(part) }
            return total
        }
        let elapsed = clock.now - start
        let total = tally.decoded + tally.rejected
        print("mutation test: \(total) mutants of \(bases.count) protobuf bases and \(compressed.count) gzip files in \(elapsed): "
            + "\(tally.decoded) decoded, \(tally.rejected) rejected, \(tally.gzipWrapped) also checked gzip-wrapped; slowest \(tally.slowest)")
        print("mutation test: rejections by kind: \(tally.errorKinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
        #expect(total >= (files.isEmpty ? 450 : 5000))
        #expect(tally.decoded > 0 && tally.rejected > 0)
        #expect(tally.slowest < .seconds(5), "a single decode took \(tally.slowest)")
        for problem in tally.problems.prefix(20) { Issue.record(Comment(rawValue: problem)) }
        #expect(tally.problems.isEmpty)
    }

    @Test func mutatorIsDeterministic() {
        var a = SplitMix64(seed: Self.seed)
        var b = SplitMix64(seed: Self.seed)
        var x = encode(minimalProfileFields())
        var y = x
        for _ in 0..<200 {
            Self.mutate(&x, &a)
            Self.mutate(&y, &b)
        }
        #expect(x == y)
        var first = SplitMix64(seed: 1)
        #expect(first.next() == 0x910A_2DEC_8902_5CC1)  // splitmix64's published first output for seed 1
    }
}
