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

    /// A function with a start line (Go 1.20 and later write them; Go's PGO needs them).
    public mutating func function(_ name: String, startLine: Int64) -> Int32 {
        let index = function(name)
        profile.functions[Int(index)].startLine = startLine
        return index
    }

    /// A location at `address` whose lines are `lines` (function name, line number),
    /// innermost (inlined) first; none: a location without lines.
    public mutating func location(_ lines: [(String, Int64)], address: UInt64) -> UInt32 {
        let index = location(lines.map(\.0))
        profile.locations[Int(index)].address = address
        let start = Int(profile.locations[Int(index)].lineStart)
        for (offset, line) in lines.enumerated() { profile.lines[start + offset].line = line.1 }
        return index
    }

    /// A sample whose stack is `locations`, leaf first.
    public mutating func sample(_ locations: [UInt32], _ values: [Int64]) {
        profile.samples.append(stack: locations, values: values, labels: [])
    }
}
