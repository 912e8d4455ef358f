import Pprof

/// Builds small profiles in code, for cases no real file shows.
public struct ProfileBuilder {
    public var profile = Profile()
    private var functionIndex: [String: Int32] = [:]

    public init(sampleTypes: [(String, String)]) {
        profile.sampleTypes = sampleTypes.map { ValueType(type: $0.0, unit: $0.1) }
        profile.samples.valueCount = sampleTypes.count
    }

    public mutating func function(_ name: String) -> Int32 {
        if let index = functionIndex[name] { return index }
        var function = Function()
        function.id = UInt64(profile.functions.count + 1)
        function.name = name
        function.systemName = name
        profile.functions.append(function)
        functionIndex[name] = Int32(profile.functions.count - 1)
        return Int32(profile.functions.count - 1)
    }

    /// A location whose lines are `names`, innermost (inlined) first.
    public mutating func location(_ names: [String]) -> UInt32 {
        var location = Location()
        location.id = UInt64(profile.locations.count + 1)
        location.lineStart = Int32(profile.lines.count)
        for name in names {
            var line = Line()
            line.functionIndex = function(name)
            profile.lines.append(line)
        }
        location.lineCount = Int32(names.count)
        profile.locations.append(location)
        return UInt32(profile.locations.count - 1)
    }

    /// A sample whose stack is `locations`, leaf first.
    public mutating func sample(_ locations: [UInt32], _ values: [Int64]) {
        profile.samples.append(stack: locations, values: values, labels: [])
    }
}
