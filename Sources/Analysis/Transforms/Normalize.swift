import Pprof

extension Profile {
    /// pprof's Normalize: each value times (base sum / this profile's sum) for its type,
    /// rounded half away from zero, sample by sample; samples whose scaled values are all zero
    /// go. (A side made of several sources is merged first, as pprof merges it.)
    public func normalized(to base: Profile) -> Profile {
        let count = sampleTypes.count
        let baseSums = base.samples.signedSums(), ownSums = samples.signedSums()
        let ratios = (0..<count).map { ownSums[$0] == 0 ? 0.0 : Double(baseSums[$0]) / Double(ownSums[$0]) }
        if ratios.allSatisfy({ $0 == 1 }) { return self }
        var table = SampleTable()
        table.valueCount = count
        var values: [Int64] = []
        for sample in 0..<samples.count {
            var keep = false
            values.removeAll(keepingCapacity: true)
            for index in 0..<count {
                let value = samples.value(of: sample, index: index)
                if ratios[index] == 1 {
                    values.append(value)
                } else {
                    let scaled = Int64((Double(value) * ratios[index]).rounded(.toNearestOrAwayFromZero))
                    keep = keep || scaled != 0
                    values.append(scaled)
                }
            }
            if keep { table.append(stack: samples.locations(of: sample), values: values, labels: samples.labels(of: sample)) }
        }
        var result = self
        result.samples = table
        return result
    }
}

extension SampleTable {
    /// Per sample type, the sum of the values (signed).
    public func signedSums() -> [Int64] {
        var sums = [Int64](repeating: 0, count: valueCount)
        func sum<Value: FixedWidthInteger>(_ values: UnsafeBufferPointer<Value>) {
            for sample in 0..<count {
                for index in 0..<valueCount { sums[index] &+= Int64(values[sample * valueCount + index]) }
            }
        }
        storedValues.withStorage(narrow: sum, wide: sum)
        return sums
    }

    /// Per sample type, the sum of |value|: the total pprof's percentages refer to.
    public func absoluteSums() -> [Int64] {
        var sums = [Int64](repeating: 0, count: valueCount)
        func sum<Value: FixedWidthInteger>(_ values: UnsafeBufferPointer<Value>) {
            for sample in 0..<count {
                for index in 0..<valueCount {
                    let value = Int64(values[sample * valueCount + index])
                    sums[index] &+= value < 0 ? 0 &- value : value
                }
            }
        }
        storedValues.withStorage(narrow: sum, wide: sum)
        return sums
    }
}
