/// A decoded pprof profile (google/pprof's profile.proto), with every reference resolved:
/// strings are strings, and samples, locations and lines refer to each other by array index.
/// Field names follow the .proto file.
public struct Profile: Sendable {
    public var sampleTypes: [ValueType] = []
    public var samples = SampleTable()
    public var mappings: [Mapping] = []
    public var locations: [Location] = []
    /// The lines of every location, stored back to back; `Location.lines` indexes this array.
    public var lines: [Line] = []
    public var functions: [Function] = []
    public var dropFrames = ""
    public var keepFrames = ""
    public var timeNanos: Int64 = 0
    public var durationNanos: Int64 = 0
    public var periodType = ValueType(type: "", unit: "")
    public var period: Int64 = 0
    public var comments: [String] = []
    public var defaultSampleType = ""
    public var docURL = ""

    public init() {}

    /// The lines of one location, innermost (inlined) frame first, as the .proto orders them.
    @inlinable
    public func lines(of location: Location) -> ArraySlice<Line> {
        lines[Int(location.lineStart)..<Int(location.lineStart + location.lineCount)]
    }
}

public struct ValueType: Sendable, Equatable, Hashable {
    public var type: String
    public var unit: String
    public init(type: String, unit: String) {
        self.type = type
        self.unit = unit
    }
}

public struct Mapping: Sendable, Equatable {
    public var id: UInt64 = 0
    public var memoryStart: UInt64 = 0
    public var memoryLimit: UInt64 = 0
    public var fileOffset: UInt64 = 0
    public var filename = ""
    public var buildID = ""
    public var hasFunctions = false
    public var hasFilenames = false
    public var hasLineNumbers = false
    public var hasInlineFrames = false
    public init() {}
}

public struct Location: Sendable, Equatable {
    public var id: UInt64 = 0
    /// Index into `Profile.mappings`, or -1 when the location has no (known) mapping.
    public var mappingIndex: Int32 = -1
    public var address: UInt64 = 0
    public var lineStart: Int32 = 0
    public var lineCount: Int32 = 0
    public var isFolded = false
    public init() {}
}

public struct Line: Sendable, Equatable {
    /// Index into `Profile.functions`.
    public var functionIndex: Int32 = 0
    public var line: Int64 = 0
    public var column: Int64 = 0
    public init() {}
}

public struct Function: Sendable, Equatable {
    public var id: UInt64 = 0
    public var name = ""
    public var systemName = ""
    public var filename = ""
    public var startLine: Int64 = 0
    public init() {}
}

/// A label on a sample: a string value, or a number with an optional unit.
public struct Label: Sendable, Equatable {
    public var key: String
    public var str: String
    public var num: Int64
    public var numUnit: String
    /// pprof treats a label as a string label when its str index is non-zero.
    public var isString: Bool
}

/// Samples stored column-wise: one flat array of location indices and one of values, so that
/// a million samples are a handful of allocations, not a million.
public struct SampleTable: Sendable {
    /// Sample i's locations are `locationIndices[locationStarts[i]..<locationStarts[i+1]]`,
    /// leaf first, as indices into `Profile.locations`.
    public var locationStarts: [Int] = [0]
    public var locationIndices: [UInt32] = []
    /// Sample i's values are `values[i*valueCount ..< (i+1)*valueCount]`.
    public var values: [Int64] = []
    public var valueCount = 0
    /// Sample i's labels are `labels[labelStarts[i]..<labelStarts[i+1]]`.
    public var labelStarts: [Int] = [0]
    public var labels: [Label] = []

    public init() {}

    public var count: Int { locationStarts.count - 1 }

    @inlinable
    public func locations(of sample: Int) -> ArraySlice<UInt32> {
        locationIndices[locationStarts[sample]..<locationStarts[sample + 1]]
    }

    @inlinable
    public func value(of sample: Int, index: Int) -> Int64 {
        values[sample * valueCount + index]
    }

    @inlinable
    public func labels(of sample: Int) -> ArraySlice<Label> {
        labels[labelStarts[sample]..<labelStarts[sample + 1]]
    }
}
