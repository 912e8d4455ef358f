/// Vigna's SplitMix64: a small, fast, seeded generator, so that a seeded test makes the same
/// inputs on every run (and a failing seed can be run again).
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough below `bound` for tests; 0 when `bound` is not positive.
    public mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    /// Uniform enough below `bound` (> 0) for tests.
    public mutating func next(below bound: UInt64) -> UInt64 { next() % bound }

    public mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next(below: UInt64(range.count)))
    }
}
