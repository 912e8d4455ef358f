// Deterministic randomness for the generator.
//
// Everything here uses only integer arithmetic and IEEE-exact double
// operations (no pow/log/exp), so the same arguments give byte-identical
// output on every platform, not just on the same machine.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to drive
/// a synthetic workload.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 output function; also used as a stateless hash of integers.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0), by the multiply-high method.
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in the closed range.
    mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Number of failures before the first success (mean (1-p)/p), capped.
    mutating func geometric(_ p: Double, cap: Int) -> Int {
        var n = 0
        while n < cap, !chance(p) { n += 1 }
        return n
    }

    /// Index into `weights` drawn proportionally to the weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }
}

/// FNV-1a over the UTF-8 bytes, then mixed: a stable string hash
/// (Swift's own `hashValue` is seeded per process, so it can't be used).
func stableHash(_ text: String, salt: UInt64 = 0) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ salt
    for byte in text.utf8 {
        h ^= UInt64(byte)
        h &*= 0x0000_0100_0000_01B3
    }
    return SplitMix64.mix(h)
}

/// A discrete distribution given by cumulative weights, sampled by binary search.
struct CumulativeDistribution {
    private var cumulative: [Double] = []

    init(weights: [Double]) {
        cumulative.reserveCapacity(weights.count)
        var sum = 0.0
        for w in weights {
            sum += w
            cumulative.append(sum)
        }
    }

    var count: Int { cumulative.count }

    /// Zipf-like weights 1/(rank + offset), rank = 0, 1, 2, ...
    static func zipf(count: Int, offset: Double) -> CumulativeDistribution {
        CumulativeDistribution(weights: (0..<count).map { 1.0 / (Double($0) + offset) })
    }

    func sample(_ rng: inout SplitMix64) -> Int {
        let x = rng.unit() * cumulative[cumulative.count - 1]
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
