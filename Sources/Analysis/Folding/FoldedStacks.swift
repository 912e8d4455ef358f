#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch
import Pprof

/// Stacks with their values, root first, identical stacks merged (those folded for a flame
/// graph may repeat: its tree merges them): the contract between folding and rendering (the
/// "folded" format of flamegraph.pl and inferno, `a;b;c 12`). Renderers see only this, never
/// pprof types.
public struct FoldedStacks: Sendable {
    /// Frame names; stacks refer to them by index.
    public var names: [String]
    /// Stack i's frames, root first: `frames[starts[i]..<starts[i+1]]`.
    public var frames: [UInt32]
    public var starts: [Int]
    public var values: [Int64]
    /// What the values measure.
    public var sampleType: ValueType

    public init(names: [String], frames: [UInt32], starts: [Int], values: [Int64], sampleType: ValueType) {
        self.names = names
        self.frames = frames
        self.starts = starts
        self.values = values
        self.sampleType = sampleType
    }

    public var count: Int { values.count }

    public func frames(of stack: Int) -> ArraySlice<UInt32> { frames[starts[stack]..<starts[stack + 1]] }

    /// Sum of the stacks' values.
    public var total: Int64 { values.reduce(0, &+) }

    /// The folded text: one `root;caller;leaf VALUE` line per stack, sorted by stack. A `;` in a
    /// frame name is written as `；` (U+FF1B, a look-alike) so that it cannot split the frame,
    /// and line breaks and other control characters as U+FFFD, so that a name cannot split the
    /// line; flamegraph.pl, inferno and speedscope read the result as it is.
    public func text() -> [UInt8] {
        var out: [UInt8] = []
        writeText { out.append(contentsOf: $0) }
        return out
    }

    /// The folded text, handed to `write` a piece at a time (a wide profile's runs to hundreds
    /// of megabytes, which need not be held at once). Stacks with the same frames make one
    /// line with their summed value (none when it is zero), so the stacks need not be merged
    /// first: sorted, identical stacks are next to each other.
    public func writeText(to write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let escaped = EscapedNames(names.map(Self.escape))
        let ranks = escaped.tokenRanks()
        // Two names that read the same once escaped give lines that read the same from
        // different frames, which sorting need not put side by side: merged by frames first.
        let stacks = ranks.distinct ? self : merged()
        try stacks.writeLines(escaped, ranks, to: write)
    }

    private func writeLines(_ escaped: EscapedNames, _ ranks: EscapedNames.TokenRanks,
                            to write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let order = lineOrder(ranks)
        var piece = TextPiece(size: 1 << 20)
        var next = 0
        try frames.withUnsafeBufferPointer { frameList in
            try starts.withUnsafeBufferPointer { starts in
                // The stacks are read in line order, scattered over tens of megabytes: those a
                // few lines ahead are asked for before their turn, so that their cache misses
                // overlap.
                func prefetch(_ next: Int) {
                    if next + 8 < order.count { proflens_prefetch(frameList.baseAddress! + starts[order[next + 8]]) }
                    if next + 16 < order.count { proflens_prefetch(starts.baseAddress! + order[next + 16]) }
                }
                while next < order.count {
                    let stack = order[next]
                    var value = values[stack]
                    next += 1
                    prefetch(next)
                    while next < order.count && frames(of: order[next]) == frames(of: stack) {
                        value &+= values[order[next]]
                        next += 1
                        prefetch(next)
                    }
                    if value == 0 { continue }
                    // The longest a line can be: its names, separators, a value of at most 20
                    // digits and a sign, a space and a newline.
                    var longest = 23
                    for frame in frames(of: stack) { longest += escaped.length(Int(frame)) + 1 }
                    if !piece.hasRoom(longest) { try piece.flush(write) }
                    if !piece.hasRoom(longest) { piece = TextPiece(size: max(longest, 1 << 20)) }
                    for (position, frame) in frames(of: stack).enumerated() {
                        if position > 0 { piece.append(UInt8(ascii: ";")) }
                        escaped.withBytes(Int(frame)) { piece.append($0) }
                    }
                    piece.append(UInt8(ascii: " "))
                    piece.appendDecimal(value)
                    piece.append(UInt8(ascii: "\n"))
                }
            }
        }
        try piece.flush(write)
    }

    /// The same stacks with those of the same frames merged (in the order each first appears)
    /// and their values summed; those that sum to zero left out.
    func merged() -> FoldedStacks {
        var interner = StackInterner<UInt32>()
        var sums: [Int64] = []
        frames.withUnsafeBufferPointer { frames in
            for stack in 0..<count {
                let id = interner.intern(buffer: UnsafeBufferPointer(rebasing: frames[starts[stack]..<starts[stack + 1]]))
                if id == sums.count { sums.append(0) }
                sums[id] &+= values[stack]
            }
        }
        var result = FoldedStacks(names: names, frames: [], starts: [0], values: [], sampleType: sampleType)
        for id in 0..<sums.count where sums[id] != 0 {
            result.frames.append(contentsOf: interner.sequence(id))
            result.starts.append(result.frames.count)
            result.values.append(sums[id])
        }
        return result
    }

    /// The stacks in the byte order of their lines, without building the lines. A frame name
    /// with what follows it in a line (";", or the end of the line's stack) is a token; no
    /// token is the prefix of another, so lines compare as their sequences of tokens, and
    /// tokens as their ranks. Each stack becomes its ranks as big-endian bytes, which memcmp
    /// compares in that order. The sort is stable, as the sort of whole lines was: each half
    /// sorted at once, on two cores, then the two merged.
    func lineOrder(_ ranks: EscapedNames.TokenRanks) -> [Int] {
        let (midRank, lastRank) = (ranks.mid, ranks.last)
        // Two bytes a rank when every rank fits (tens of thousands of names at most, as a rule):
        // half the keys to sort through.
        let width = max(midRank.max() ?? 0, lastRank.max() ?? 0) < 1 << 16 ? 2 : 4
        var keys = [UInt8](repeating: 0, count: frames.count * width)
        keys.withUnsafeMutableBytes { keys in
            for stack in 0..<count {
                let stackFrames = frames(of: stack)
                for position in stackFrames.indices {
                    let frame = Int(stackFrames[position])
                    let rank = position == stackFrames.endIndex - 1 ? lastRank[frame] : midRank[frame]
                    if width == 2 {
                        keys.storeBytes(of: UInt16(rank).bigEndian, toByteOffset: position * 2, as: UInt16.self)
                    } else {
                        keys.storeBytes(of: rank.bigEndian, toByteOffset: position * 4, as: UInt32.self)
                    }
                }
            }
        }
        let starts = self.starts
        let sortedKeys = keys
        @Sendable func precedes(_ keys: UnsafeRawBufferPointer, _ a: Int, _ b: Int) -> Bool {
            let aStart = starts[a] * width, aLength = starts[a + 1] * width - aStart
            let bStart = starts[b] * width, bLength = starts[b + 1] * width - bStart
            let common = min(aLength, bLength)
            if common > 0 {
                let result = memcmp(keys.baseAddress! + aStart, keys.baseAddress! + bStart, common)
                if result != 0 { return result < 0 }
            }
            return aLength < bLength
        }
        @Sendable func sortedOrder(_ stacks: Range<Int>) -> [Int] {
            var order = Array(stacks)
            sortedKeys.withUnsafeBytes { keys in order.sort { precedes(keys, $0, $1) } }
            return order
        }
        let half = count / 2
        let (first, second) = Concurrently.both({ sortedOrder(0..<half) }, { sortedOrder(half..<count) })
        // Of two equal lines, the one of the first half (it came first).
        return sortedKeys.withUnsafeBytes { keys in mergedInOrder(first, second) { precedes(keys, $0, $1) } }
    }

    static func escape(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in name.unicodeScalars {
            if scalar == ";" {
                out.append(contentsOf: "\u{FF1B}".utf8)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out.append(contentsOf: "\u{FFFD}".utf8)
            } else if ProfileText.isEscapedByte(scalar) {
                out.append(UInt8(scalar.value - 0x10FF00))
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }
}
