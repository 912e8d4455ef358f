import Pprof

extension Profile {
    /// The profile with the string label `key`=`value` on every sample, replacing any string
    /// label of that key, as pprof's SetLabel (pprof marks the base of -diff_base with pprof::base=true,
    /// which later reports read to find the base's total).
    public func settingLabel(key: String, value: String) -> Profile {
        var result = self
        func stringIndex(_ text: String) -> Int32 {
            if let index = result.stringTable.firstIndex(of: text) { return Int32(index) }
            result.stringTable.append(text)
            return Int32(result.stringTable.count - 1)
        }
        let keyIndex = stringIndex(key), valueIndex = stringIndex(value)
        var table = SampleTable()
        table.valueCount = samples.valueCount
        let newSets = (0..<samples.labelSets.count).map { set in
            samples.labelSets[set].filter { !($0.isString && result.stringTable[Int($0.key)] == key) }
                + [LabelReference(key: keyIndex, str: valueIndex, numUnit: 0, num: 0)]
        }
        var values: [Int64] = []
        for sample in 0..<samples.count {
            values.removeAll(keepingCapacity: true)
            for index in 0..<samples.valueCount { values.append(samples.value(of: sample, index: index)) }
            table.append(stack: samples.locations(of: sample), values: values, labels: newSets[Int(samples.sampleLabelSets[sample])])
        }
        result.samples = table
        return result
    }
}

extension Profile {
    /// Per sample type, the total pprof's percentages refer to (its computeTotal): the sum of
    /// |value| over the samples labelled pprof::base=true (the base of a -diff_base profile
    /// written by -proto), when that is not 0; else over every sample.
    public func pprofTotals() -> [Int64] {
        let all = samples.absoluteSums()
        let isBase = (0..<samples.labelSets.count).map { set in
            samples.labelSets[set].contains { label in
                label.isString && stringTable[Int(label.key)] == "pprof::base" && stringTable[Int(label.str)] == "true"
            }
        }
        guard isBase.contains(true) else { return all }
        var base = [Int64](repeating: 0, count: samples.valueCount)
        for sample in 0..<samples.count where isBase[Int(samples.sampleLabelSets[sample])] {
            for index in 0..<samples.valueCount {
                let value = samples.value(of: sample, index: index)
                base[index] &+= value < 0 ? 0 &- value : value
            }
        }
        return zip(base, all).map { $0 > 0 ? $0 : $1 }
    }
}
