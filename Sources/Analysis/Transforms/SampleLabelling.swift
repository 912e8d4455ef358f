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
