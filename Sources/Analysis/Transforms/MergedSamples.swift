import Pprof

/// The samples as `go tool pprof` holds them after loading: pprof merges every profile it
/// reads (Profile.Merge), which drops samples whose values are all zero and merges samples
/// with the same stack and labels, in order of first appearance. Stacks are compared by
/// location identity as the merge sees it (mapping, address relative to the mapping, lines,
/// function identity), so two location records for the same place count as one.
public struct MergedSamples: Sendable {
    /// Index of a representative original sample for each merged sample.
    public private(set) var representative: [Int] = []
    /// Values of each merged sample: `values[i * valueCount ..< (i+1) * valueCount]`.
    public private(set) var values: [Int64] = []
    public let valueCount: Int

    public var count: Int { representative.count }

    public init(profile: Profile) {
        valueCount = profile.samples.valueCount
        let canonicalLocation = Self.canonicalLocations(profile)
        let samples = profile.samples
        var index: [SampleKey: Int] = [:]
        for sample in 0..<samples.count {
            let sampleValues = samples.storedValues[sample * valueCount..<(sample + 1) * valueCount]
            if sampleValues.allSatisfy({ $0 == 0 }) { continue }
            let key = SampleKey(
                locations: samples.locations(of: sample).map { canonicalLocation[Int($0)] },
                labels: Self.labelKey(profile.labels(of: sample)))
            if let merged = index[key] {
                for offset in 0..<valueCount { values[merged * valueCount + offset] &+= sampleValues[sampleValues.startIndex + offset] }
            } else {
                index[key] = representative.count
                representative.append(sample)
                values.append(contentsOf: sampleValues)
            }
        }
    }

    public func value(_ merged: Int, index: Int) -> Int64 { values[merged * valueCount + index] }

    struct SampleKey: Hashable {
        var locations: [Int32]
        var labels: [String]
    }

    /// String labels and numeric labels, each as a sorted list of "key=values" entries.
    static func labelKey(_ labels: [Label]) -> [String] {
        if labels.isEmpty { return [] }
        var strings: [String: [String]] = [:]
        var numbers: [String: [String]] = [:]
        for label in labels {
            if label.isString {
                strings[label.key, default: []].append(label.str)
            } else if label.isNumeric {
                numbers[label.key, default: []].append("\(label.num) \(label.numUnit)")
            }
        }
        let stringEntries = strings.map { "s\u{0}\($0.key)\u{0}\($0.value.joined(separator: "\u{0}"))" }.sorted()
        let numberEntries = numbers.map { "n\u{0}\($0.key)\u{0}\($0.value.joined(separator: "\u{0}"))" }.sorted()
        return stringEntries + numberEntries
    }

    /// For each location, the index of the first location the merge considers identical.
    static func canonicalLocations(_ profile: Profile) -> [Int32] {
        var functionIndex: [FunctionKey: Int32] = [:]
        let canonicalFunction: [Int32] = profile.functions.enumerated().map { index, function in
            let key = functionKey(function)
            if let existing = functionIndex[key] { return existing }
            functionIndex[key] = Int32(index)
            return Int32(index)
        }
        var mappingIndex: [MappingKey: Int32] = [:]
        let canonicalMapping: [Int32] = profile.mappings.enumerated().map { index, mapping in
            let key = mappingKey(mapping)
            if let existing = mappingIndex[key] { return existing }
            mappingIndex[key] = Int32(index)
            return Int32(index)
        }
        var locationIndex: [LocationKey: Int32] = [:]
        return profile.locations.enumerated().map { index, location in
            var key = LocationKey(address: location.address, mapping: -1, lines: [], isFolded: location.isFolded)
            if location.mappingIndex >= 0 {
                let mapping = profile.mappings[Int(location.mappingIndex)]
                key.address = location.address &- mapping.memoryStart
                key.mapping = canonicalMapping[Int(location.mappingIndex)]
            }
            key.lines = profile.lines(of: location).map { LineKey(function: canonicalFunction[Int($0.functionIndex)], line: $0.line) }
            if let existing = locationIndex[key] { return existing }
            locationIndex[key] = Int32(index)
            return Int32(index)
        }
    }

    /// Functions are identical when name, system name, file and start line are.
    static func functionKey(_ function: Function) -> FunctionKey {
        FunctionKey(name: function.name, systemName: function.systemName, filename: function.filename, startLine: function.startLine)
    }

    /// Mappings are identical when size (rounded up to 4 KiB), offset and build id (or file) are.
    static func mappingKey(_ mapping: Mapping) -> MappingKey {
        var size = mapping.memoryLimit &- mapping.memoryStart
        size = size &+ 0xFFF
        size -= size % 0x1000
        let identity = !mapping.buildID.isEmpty ? mapping.buildID : mapping.filename
        return MappingKey(size: size, offset: mapping.fileOffset, identity: identity)
    }

    struct FunctionKey: Hashable { var name, systemName, filename: String; var startLine: Int64 }
    struct MappingKey: Hashable { var size, offset: UInt64; var identity: String }
    struct LineKey: Hashable { var function: Int32; var line: Int64 }
    struct LocationKey: Hashable { var address: UInt64; var mapping: Int32; var lines: [LineKey]; var isFolded: Bool }
}
