import Pprof

/// Profiles that cannot be merged or compared.
public struct IncompatibleProfiles: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// What merging and comparing profiles share: the compatibility check, and two profiles as one
/// (the base of a -diff_base comparison, negated). Merging many is ProfileMerger's.
public enum ProfileMerge {
    /// Sample and period types must be the same for two profiles to be merged or compared.
    public static func checkCompatible(_ a: Profile, _ b: Profile, first: String, second: String) throws(IncompatibleProfiles) {
        guard a.sampleTypes == b.sampleTypes else {
            throw IncompatibleProfiles(description: "incompatible sample types: \(first) has \(describe(a.sampleTypes)), \(second) has \(describe(b.sampleTypes))")
        }
        guard a.periodType == b.periodType else {
            throw IncompatibleProfiles(description: "incompatible period types: \(first) \(a.periodType.type)/\(a.periodType.unit), \(second) \(b.periodType.type)/\(b.periodType.unit)")
        }
    }

    static func describe(_ types: [ValueType]) -> String {
        "[" + types.map { "\($0.type)/\($0.unit)" }.joined(separator: " ") + "]"
    }

    /// One profile holding the samples of `first` and those of `second` times `sign`; the
    /// header as pprof's merge makes it.
    static func combine(_ first: Profile, _ second: Profile, sign: Int64) -> Profile {
        var result = first
        let mappingOffset = Int32(first.mappings.count)
        let functionOffset = Int32(first.functions.count)
        let locationOffset = UInt32(first.locations.count)
        let lineOffset = Int32(first.lines.count)
        let stringOffset = Int32(first.stringTable.count)
        result.mappings += second.mappings
        result.functions += second.functions
        result.lines += second.lines.map { line in
            var line = line
            line.functionIndex += functionOffset
            return line
        }
        result.locations += second.locations.map { location in
            var location = location
            if location.mappingIndex >= 0 { location.mappingIndex += mappingOffset }
            location.lineStart += lineOffset
            return location
        }
        result.stringTable += second.stringTable
        var stack: [UInt32] = []
        var values: [Int64] = []
        var labels: [LabelReference] = []
        for sample in 0..<second.samples.count {
            stack.removeAll(keepingCapacity: true)
            for location in second.samples.locations(of: sample) { stack.append(location + locationOffset) }
            values.removeAll(keepingCapacity: true)
            for index in 0..<second.samples.valueCount { values.append(sign &* second.samples.value(of: sample, index: index)) }
            labels.removeAll(keepingCapacity: true)
            for label in second.samples.labels(of: sample) {
                labels.append(LabelReference(key: label.key + stringOffset, str: label.str == 0 ? 0 : label.str + stringOffset,
                                             numUnit: label.numUnit == 0 ? 0 : label.numUnit + stringOffset, num: label.num))
            }
            result.samples.append(stack: stack, values: values, labels: labels)
        }
        if result.timeNanos == 0 || (second.timeNanos != 0 && second.timeNanos < result.timeNanos) { result.timeNanos = second.timeNanos }
        result.durationNanos = first.durationNanos &+ second.durationNanos
        result.period = max(first.period, second.period)
        for comment in second.comments where !result.comments.contains(comment) { result.comments.append(comment) }
        return result
    }
}

extension Profile {
    /// The profile as pprof's merge leaves it: samples with the same stack and labels summed
    /// (in order of first appearance), samples whose values are all zero dropped.
    public func mergingIdenticalSamples() -> Profile {
        let merged = MergedSamples(profile: self)
        var table = SampleTable()
        table.valueCount = samples.valueCount
        for sample in 0..<merged.count {
            let original = merged.representative[sample]
            let start = sample * merged.valueCount
            table.append(stack: samples.locations(of: original), values: merged.values[start..<start + merged.valueCount],
                         labels: samples.labels(of: original))
        }
        var result = self
        result.samples = table
        return result
    }
}
