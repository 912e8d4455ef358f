import Pprof

extension SampleTable {
    /// The same samples, in order, with each stack (leaf first) replaced by `transform`'s
    /// result, or dropped where it returns nil. Values and labels follow. `transform` runs
    /// once per distinct stack.
    /// `keepSample`, when given, can drop samples one by one (by their labels, say).
    func mapStacks(keepSample: ((Int) -> Bool)? = nil, _ transform: (ArraySlice<UInt32>) -> ArraySlice<UInt32>?) -> SampleTable {
        let mapped = (0..<stackCount).map { transform(stack($0)) }
        var result = SampleTable()
        result.valueCount = valueCount
        for sample in 0..<count {
            guard let stack = mapped[Int(sampleStacks[sample])], keepSample?(sample) ?? true else { continue }
            result.append(stack: stack, values: storedValues[sample * valueCount..<(sample + 1) * valueCount], labels: labels(of: sample))
        }
        return result
    }
}
