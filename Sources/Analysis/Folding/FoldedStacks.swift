import Pprof

/// Stacks with their values, root first, identical stacks merged: the contract between folding
/// and rendering (the "folded" format of flamegraph.pl and inferno, `a;b;c 12`). Renderers
/// see only this, never pprof types.
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
        let escaped = names.map(Self.escape)
        var lines: [(key: [UInt8], value: Int64)] = []
        lines.reserveCapacity(count)
        for stack in 0..<count {
            var key: [UInt8] = []
            for (position, frame) in frames(of: stack).enumerated() {
                if position > 0 { key.append(UInt8(ascii: ";")) }
                key.append(contentsOf: escaped[Int(frame)])
            }
            lines.append((key, values[stack]))
        }
        lines.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var out: [UInt8] = []
        for line in lines {
            out.append(contentsOf: line.key)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: String(line.value).utf8)
            out.append(UInt8(ascii: "\n"))
        }
        return out
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
