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
        // different frames: merged by frames first, and such lines are then left apart.
        let stacks = ranks.distinct ? self : merged()
        let writer = FoldedLineWriter(order: stacks.lineOrder(ranks), values: stacks.values,
                                      tokens: escaped.texts(of: ranks), mergesEqualLines: ranks.distinct)
        try writer.write(to: write)
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
