import Pprof

/// Two profiles of one program, compared as `go tool pprof -diff_base` compares them: the base
/// is merged in with its values negated, so every flat and cum is new minus base, and
/// percentages are of the base's total. With `normalize`, the new profile is first scaled so
/// that its sum equals the base's (pprof's -normalize). Both profiles are expected with their
/// drop_frames already applied (`Profile.applyingDropFrames`), as pprof prunes on load.
public struct ProfileDiff: Sendable {
    public let combined: Profile
    /// Sum of |value| of the base per sample type: the total percentages refer to.
    public let baseTotals: [Int64]
    /// The new profile as compared (normalized when asked).
    public let new: Profile
    public let base: Profile

    public struct Incompatible: Error, CustomStringConvertible {
        public let description: String
    }

    public init(base: Profile, new newProfile: Profile, normalize: Bool) throws {
        guard base.sampleTypes == newProfile.sampleTypes else {
            throw Incompatible(description: "incompatible sample types: base has \(Self.describe(base.sampleTypes)), new has \(Self.describe(newProfile.sampleTypes))")
        }
        guard base.periodType == newProfile.periodType else {
            throw Incompatible(description: "incompatible period types: base \(base.periodType.type)/\(base.periodType.unit), new \(newProfile.periodType.type)/\(newProfile.periodType.unit)")
        }
        var new = newProfile
        if normalize { new = Self.normalized(new, to: base) }
        self.new = new
        self.base = base
        baseTotals = base.sampleTypes.indices.map { base.samples.stackSums(index: $0).total }
        combined = Self.combine(new, base)
    }

    static func describe(_ types: [ValueType]) -> String {
        "[" + types.map { "\($0.type)/\($0.unit)" }.joined(separator: " ") + "]"
    }

    /// pprof's Normalize: each value times base sum / new sum for its type, rounded; samples
    /// whose scaled values are all zero go.
    static func normalized(_ profile: Profile, to base: Profile) -> Profile {
        let count = profile.sampleTypes.count
        func sums(_ p: Profile) -> [Int64] {
            var totals = [Int64](repeating: 0, count: count)
            for sample in 0..<p.samples.count {
                for index in 0..<count { totals[index] &+= p.samples.value(of: sample, index: index) }
            }
            return totals
        }
        let baseSums = sums(base), newSums = sums(profile)
        let ratios = (0..<count).map { newSums[$0] == 0 ? 0.0 : Double(baseSums[$0]) / Double(newSums[$0]) }
        if ratios.allSatisfy({ $0 == 1 }) { return profile }
        var result = profile
        var table = SampleTable()
        table.valueCount = count
        // pprof rounds each sample as its loading merge left it: identical samples summed first.
        let merged = MergedSamples(profile: profile)
        for sample in 0..<merged.count {
            var keep = false
            let original = merged.representative[sample]
            let values = (0..<count).map { index -> Int64 in
                let value = merged.value(sample, index: index)
                guard ratios[index] != 1 else { return value }
                let scaled = Int64((Double(value) * ratios[index]).rounded(.toNearestOrAwayFromZero))
                keep = keep || scaled != 0
                return scaled
            }
            if keep { table.append(stack: profile.samples.locations(of: original), values: values, labels: profile.samples.labels(of: original)) }
        }
        result.samples = table
        return result
    }

    /// Two profiles as one, values added (pprof's merge of several sources).
    public static func merge(_ first: Profile, _ second: Profile) -> Profile {
        combine(first, second, sign: 1)
    }

    /// One profile holding the new samples and the base samples negated; the header as
    /// pprof's merge makes it (earliest time, summed durations, largest period).
    static func combine(_ new: Profile, _ base: Profile, sign: Int64 = -1) -> Profile {
        var result = new
        let mappingOffset = Int32(new.mappings.count)
        let functionOffset = Int32(new.functions.count)
        let locationOffset = UInt32(new.locations.count)
        let lineOffset = Int32(new.lines.count)
        let stringOffset = Int32(new.stringTable.count)
        result.mappings += base.mappings
        result.functions += base.functions
        result.lines += base.lines.map { line in
            var line = line
            line.functionIndex += functionOffset
            return line
        }
        result.locations += base.locations.map { location in
            var location = location
            if location.mappingIndex >= 0 { location.mappingIndex += mappingOffset }
            location.lineStart += lineOffset
            return location
        }
        result.stringTable += base.stringTable
        for sample in 0..<base.samples.count {
            let stack = base.samples.locations(of: sample).map { $0 + locationOffset }
            let values = (0..<base.samples.valueCount).map { sign &* base.samples.value(of: sample, index: $0) }
            let labels = base.samples.labels(of: sample).map { label in
                LabelReference(key: label.key + stringOffset, str: label.str == 0 ? 0 : label.str + stringOffset,
                               numUnit: label.numUnit == 0 ? 0 : label.numUnit + stringOffset, num: label.num)
            }
            result.samples.append(stack: stack, values: values, labels: labels)
        }
        if result.timeNanos == 0 || (base.timeNanos < result.timeNanos) { result.timeNanos = base.timeNanos }
        result.durationNanos = new.durationNanos &+ base.durationNanos
        result.period = max(new.period, base.period)
        for comment in base.comments where !result.comments.contains(comment) { result.comments.append(comment) }
        return result
    }

    /// The top report of the difference, exactly as `go tool pprof -top -diff_base`.
    public func topReport(sampleIndex: Int, options: TopReport.Options = .init()) -> TopReport {
        let total = baseTotals[sampleIndex] > 0 ? baseTotals[sampleIndex] : nil
        return TopReport(profile: combined, sampleIndex: sampleIndex, options: options, totalOverride: total)
    }
}
