// Which samples a `wide` profile holds, in which order. A Go profile has one
// Sample message per distinct (stack, labels): here every stack gets at least
// one, hot stacks (the early ones) more, each with a different label variant
// (0, 1, 2, ... below `variants`), and the messages come in a random order,
// as Go's hash-map order is.

struct SamplePlan {
    /// stack * variants + variant, in output order.
    private(set) var messages: [UInt64]
    let variants: Int

    /// `samples` messages over `stacks` stacks (samples >= stacks), at most
    /// `variants` per stack; the extra messages go to stacks drawn with
    /// weight 1/(index + hotOffset).
    init(samples: Int, stacks: Int, variants: Int, hotOffset: Double = 300, seed: UInt64) {
        precondition(stacks > 0 && variants < 256 && samples >= stacks && samples <= stacks * variants)
        self.variants = variants
        var rng = SplitMix64(seed: seed ^ 0x5A3B_1E55_0D15_7A11)
        var perStack = [UInt8](repeating: 1, count: stacks)
        let hot = CumulativeDistribution.zipf(count: stacks, offset: hotOffset)
        for _ in 0..<(samples - stacks) {
            var s = hot.sample(&rng)
            if Int(perStack[s]) >= variants {
                // Full: the next stack (from a random one) that still has room.
                s = rng.below(stacks)
                while Int(perStack[s]) >= variants { s = s + 1 == stacks ? 0 : s + 1 }
            }
            perStack[s] += 1
        }
        messages = []
        messages.reserveCapacity(samples)
        for s in 0..<stacks {
            for v in 0..<Int(perStack[s]) { messages.append(UInt64(s * variants + v)) }
        }
        // Fisher-Yates.
        var i = messages.count - 1
        while i > 0 {
            messages.swapAt(i, rng.below(i + 1))
            i -= 1
        }
    }

    var count: Int { messages.count }

    @inline(__always)
    func message(_ k: Int) -> (stack: Int, variant: Int) {
        let m = Int(messages[k])
        return (m / variants, m % variants)
    }
}
