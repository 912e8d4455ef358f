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
    /// The string table, for what refers to it by index (labels).
    public var stringTable: [String] = [""]

    public init() {}

    /// Sample i's labels with their strings.
    public func labels(of sample: Int) -> [Label] {
        samples.labels(of: sample).map { label(for: $0) }
    }

    public func label(for reference: LabelReference) -> Label {
        Label(key: stringTable[Int(reference.key)], str: stringTable[Int(reference.str)], num: reference.num,
              numUnit: stringTable[Int(reference.numUnit)], isString: reference.isString, isNumeric: reference.isNumeric)
    }

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

/// A label as stored: string-table indices (checked to be in range) and the number. Compact,
/// because a profile can carry millions of labels.
public struct LabelReference: Sendable, Equatable, Hashable {
    public var key: Int32
    public var str: Int32
    public var numUnit: Int32
    public var num: Int64
    /// pprof treats a label as a string label when its str index is non-zero.
    public var isString: Bool { str != 0 }
    /// pprof treats a label as numeric when it is not a string label and has a number or unit.
    public var isNumeric: Bool { str == 0 && (num != 0 || numUnit != 0) }

    public init(key: Int32, str: Int32, numUnit: Int32, num: Int64) {
        self.key = key
        self.str = str
        self.numUnit = numUnit
        self.num = num
    }
}

/// A label on a sample: a string value, or a number with an optional unit.
public struct Label: Sendable, Equatable {
    public init(key: String, str: String, num: Int64, numUnit: String, isString: Bool, isNumeric: Bool? = nil) {
        self.key = key
        self.str = str
        self.num = num
        self.numUnit = numUnit
        self.isString = isString
        self.isNumeric = isNumeric ?? (!isString && (num != 0 || !numUnit.isEmpty))
    }

    public var key: String
    public var str: String
    public var num: Int64
    public var numUnit: String
    /// pprof treats a label as a string label when its str index is non-zero.
    public var isString: Bool
    /// pprof treats a label as numeric when it is not a string label and its num or num_unit
    /// index is non-zero; other labels are ignored.
    public var isNumeric: Bool
}

/// Samples stored column-wise, their stacks and label sets interned: a sample refers to a
/// distinct stack and a distinct label set by id, so a million samples over a few thousand
/// stacks cost a few thousand stacks, and every pass can work once per distinct stack.
public struct SampleTable: Sendable {
    /// Stack s is `stackLocations[stackStarts[s]..<stackStarts[s+1]]`: indices into
    /// `Profile.locations`, leaf first.
    public private(set) var stackStarts: [Int] = [0]
    public private(set) var stackLocations: [UInt32] = []
    /// The stack of each sample.
    public private(set) var sampleStacks: [UInt32] = []
    /// Sample i's values are `storedValues[i*valueCount ..< (i+1)*valueCount]`.
    public var storedValues = SampleValues()
    /// Every value as one array (tests; on a large profile, read `storedValues`).
    public var values: [Int64] { Array(storedValues) }
    public var valueCount = 0
    /// The label sets samples carry (not necessarily distinct), and each sample's set.
    public private(set) var labelSets = LabelSets()
    public private(set) var sampleLabelSets = CompactIDs()
    /// Made by the first `append` (the decoder's tables never need one). Not a default value
    /// that the decoder's init sets to nil: Swift 6.3 -O leaked that interner, 8 KB a profile.
    private var interner: StackInterner<UInt32>?

    public init() {}

    /// A table over stacks and label sets already interned (each stack distinct), as the
    /// decoder and the merge of several profiles build it.
    public init(stackLocations: [UInt32], stackStarts: [Int], sampleStacks: [UInt32], labelSets: LabelSets, sampleLabelSets: CompactIDs) {
        self.stackLocations = stackLocations
        self.stackStarts = stackStarts
        self.sampleStacks = sampleStacks
        self.labelSets = labelSets
        self.sampleLabelSets = sampleLabelSets
    }

    public var count: Int { sampleStacks.count }
    public var stackCount: Int { stackStarts.count - 1 }

    @inlinable
    public func locations(of sample: Int) -> ArraySlice<UInt32> {
        stack(Int(sampleStacks[sample]))
    }

    @inlinable
    public func stack(_ id: Int) -> ArraySlice<UInt32> {
        stackLocations[stackStarts[id]..<stackStarts[id + 1]]
    }

    @inlinable
    public func value(of sample: Int, index: Int) -> Int64 {
        storedValues[sample * valueCount + index]
    }

    public func labels(of sample: Int) -> ArraySlice<LabelReference> {
        labelSets[Int(sampleLabelSets[sample])]
    }

    /// The table with every label set reduced to the labels `keep` accepts; samples keep their
    /// stacks, values and label-set ids (pprof's -tagshow and -taghide remove labels, never
    /// samples).
    public func keepingLabels(_ keep: (LabelReference) -> Bool) -> SampleTable {
        var labels: [LabelReference] = []
        var starts = [0]
        starts.reserveCapacity(labelSets.count + 1)
        for set in 0..<labelSets.count {
            labels.append(contentsOf: labelSets[set].filter(keep))
            starts.append(labels.count)
        }
        var table = self
        table.labelSets = LabelSets(labels: labels, starts: starts)
        return table
    }

    /// Every sample's labels back to back, as a flat list would hold them (tests; nothing on a
    /// large profile should build it).
    public var labels: [LabelReference] { (0..<count).flatMap { labels(of: $0) } }

    /// Where each sample's labels start in `labels`, and where the last ends.
    public var labelStarts: [Int] {
        var starts = [0]
        starts.reserveCapacity(count + 1)
        for sample in 0..<count { starts.append(starts[sample] + labels(of: sample).count) }
        return starts
    }

    /// Appends a sample (stack leaf first, `valueCount` values, labels).
    public mutating func append<S: Collection, V: Collection, L: Collection>(stack: S, values sampleValues: V, labels sampleLabels: L)
    where S.Element == UInt32, V.Element == Int64, L.Element == LabelReference {
        if interner == nil { rebuildInterner() }
        let before = interner!.count
        let id = interner!.intern(stack)
        if id == before {
            stackLocations.append(contentsOf: stack)
            stackStarts.append(stackLocations.count)
        }
        sampleStacks.append(UInt32(id))
        storedValues.append(contentsOf: sampleValues)
        sampleLabelSets.append(labelSets.intern(sampleLabels))
    }

    private mutating func rebuildInterner() {
        var fresh = StackInterner<UInt32>()
        for stack in 0..<stackCount { _ = fresh.intern(self.stack(stack)) }
        interner = fresh
    }

    /// One sample type's values gathered per stack, in one pass over the samples.
    public struct StackSums: Sendable {
        /// Sum of each stack's sample values.
        public var sums: [Int64]
        /// Whether any sample of the stack had a non-zero value (pprof skips zero samples).
        public var nonZero: [Bool]
        /// Sum of |value| over all samples: the total pprof's percentages refer to.
        public var total: Int64
    }

    public func stackSums(index: Int) -> StackSums {
        var result = StackSums(sums: [Int64](repeating: 0, count: stackCount), nonZero: [Bool](repeating: false, count: stackCount), total: 0)
        func sum<Value: FixedWidthInteger>(_ values: UnsafeBufferPointer<Value>) {
            for sample in 0..<count {
                let value = Int64(values[sample * valueCount + index])
                if value == 0 { continue }
                let stack = Int(sampleStacks[sample])
                result.sums[stack] &+= value
                result.nonZero[stack] = true
                result.total &+= value < 0 ? 0 &- value : value
            }
        }
        storedValues.withStorage(narrow: sum, wide: sum)
        return result
    }
}
