// Writes one profile.proto message the way Go's runtime/pprof profileBuilder
// does: the caller writes header fields and samples in Go's order; each
// Location (and the Functions it introduces) is written just before the first
// sample that uses it, with IDs in order of first use; the string table is
// interned on the fly and written last. Output goes to the sink in ~1 MiB
// pieces, so a profile is never held whole. The bytes are Pprof's WireWriter's
// (the project's one protobuf writer); nothing here reads profiles.

import Pprof

final class ProfileBuilder {
    static let flushThreshold = 1 << 20

    private let functions: [FunctionInfo]
    private let locations: [LocationInfo]
    private let sink: OutputSink

    /// The profile message, flushed to the sink in pieces (each embedded
    /// message written in place).
    private var out = WireWriter()
    /// Where the sample being written starts (between beginSample and endSample).
    private var sampleStart = 0

    private var strings: [String] = [""]
    private var stringIndex: [String: Int] = ["": 0]
    private var locationIDs: [UInt32]
    private var functionIDs: [UInt32]
    private var nextLocationID: UInt32 = 1
    private var nextFunctionID: UInt32 = 1

    /// Per stack slot: its encoded `location_id` field in `stackArena` (offset
    /// -1 until first used), its depth in locations and in frames (lines).
    private var stackOffset: [Int32]
    private var stackLength: [Int32]
    private var stackDepth: [Int32]
    private var stackLines: [Int32]
    private var stackArena = WireWriter()
    private var stackScratch: [Int] = []
    private var idScratch: [UInt64] = []

    /// `stackSlots`: how many distinct stacks the caller may refer to by number.
    init(functions: [FunctionInfo], locations: [LocationInfo], stackSlots: Int, sink: OutputSink) {
        self.functions = functions
        self.locations = locations
        self.sink = sink
        out.reserve(Self.flushThreshold + (64 << 10))
        locationIDs = Array(repeating: 0, count: locations.count)
        functionIDs = Array(repeating: 0, count: functions.count)
        stackOffset = Array(repeating: -1, count: stackSlots)
        stackLength = Array(repeating: 0, count: stackSlots)
        stackDepth = Array(repeating: 0, count: stackSlots)
        stackLines = Array(repeating: 0, count: stackSlots)
    }

    // MARK: Strings

    func intern(_ text: String) -> UInt64 {
        if let index = stringIndex[text] { return UInt64(index) }
        strings.append(text)
        stringIndex[text] = strings.count - 1
        return UInt64(strings.count - 1)
    }

    /// Interns through a per-value cache (0 = not yet interned), avoiding a
    /// string hash per sample.
    func intern(_ cache: inout [UInt64], _ slot: Int, _ make: () -> String) -> UInt64 {
        if cache[slot] == 0 { cache[slot] = intern(make()) }
        return cache[slot]
    }

    // MARK: Header fields

    func valueType(_ field: Int, _ type: String, _ unit: String) {
        let start = out.beginMessage()
        out.uint64Field(Field.ValueType.type, intern(type), omitZero: true)
        out.uint64Field(Field.ValueType.unit, intern(unit), omitZero: true)
        out.endMessage(field, start: start)
    }

    func int64(_ field: Int, _ value: Int64) {
        out.int64Field(field, value, omitZero: true)
    }

    // MARK: Locations and stacks

    /// The ID of a location, writing it (and any functions it introduces) first if new.
    private func locationID(_ location: Int) -> UInt64 {
        if locationIDs[location] != 0 { return UInt64(locationIDs[location]) }
        let id = nextLocationID
        nextLocationID += 1
        locationIDs[location] = id

        let info = locations[location]
        var newFunctions: [Int] = []
        let start = out.beginMessage()
        out.uint64Field(Field.Location.id, UInt64(id), omitZero: true)
        out.uint64Field(Field.Location.address, info.address, omitZero: true)
        for line in info.lines {
            let f = Int(line.function)
            if functionIDs[f] == 0 {
                functionIDs[f] = nextFunctionID
                nextFunctionID += 1
                newFunctions.append(f)
            }
            let lineStart = out.beginMessage()
            out.uint64Field(Field.Line.functionID, UInt64(functionIDs[f]), omitZero: true)
            out.int64Field(Field.Line.line, Int64(line.line), omitZero: true)
            out.endMessage(Field.Location.line, start: lineStart)
        }
        out.uint64Field(Field.Location.mappingID, 1)
        out.endMessage(Field.Profile.location, start: start)

        for f in newFunctions {
            let function = functions[f]
            let name = intern(function.name)
            let file = intern(function.file)
            let start = out.beginMessage()
            out.uint64Field(Field.Function.id, UInt64(functionIDs[f]), omitZero: true)
            out.uint64Field(Field.Function.name, name, omitZero: true)
            out.uint64Field(Field.Function.systemName, name, omitZero: true)
            out.uint64Field(Field.Function.filename, file, omitZero: true)
            out.int64Field(Field.Function.startLine, Int64(function.startLine), omitZero: true)
            out.endMessage(Field.Profile.function, start: start)
        }
        return UInt64(id)
    }

    /// Encodes stack `slot` once: `locations` fills in its location indices,
    /// leaf first; new locations are written to the profile right away.
    private func encodeStack(_ slot: Int, _ locations: (inout [Int]) -> Void) {
        locations(&stackScratch)
        idScratch.removeAll(keepingCapacity: true)
        var lines = 0
        for location in stackScratch {
            idScratch.append(locationID(location))
            lines += self.locations[location].lines.count
        }
        let start = stackArena.bytes.count
        stackArena.repeatedUInt64s(Field.Sample.locationID, idScratch)
        stackOffset[slot] = Int32(start)
        stackLength[slot] = Int32(stackArena.bytes.count - start)
        stackDepth[slot] = Int32(idScratch.count)
        stackLines[slot] = Int32(lines)
    }

    // MARK: Samples

    /// Starts a sample on stack `slot`; returns its depth in locations and in
    /// frames (inlined ones included). Values and labels follow, then endSample.
    @discardableResult
    func beginSample(stack slot: Int, _ locations: (inout [Int]) -> Void) -> (locations: Int, frames: Int) {
        if stackOffset[slot] < 0 { encodeStack(slot, locations) }
        let offset = Int(stackOffset[slot])
        sampleStart = out.beginMessage()
        out.append(stackArena.bytes[offset..<offset + Int(stackLength[slot])])
        return (Int(stackDepth[slot]), Int(stackLines[slot]))
    }

    func value(_ v: UInt64) {
        out.uint64Field(Field.Sample.value, v)
    }

    /// A string label (indices into the string table).
    func stringLabel(key: UInt64, value: UInt64) {
        let start = out.beginMessage()
        out.uint64Field(Field.Label.key, key, omitZero: true)
        out.uint64Field(Field.Label.str, value, omitZero: true)
        out.endMessage(Field.Sample.label, start: start)
    }

    /// A numeric label, with an optional unit (a string index, 0 for none).
    func numberLabel(key: UInt64, value: Int64, unit: UInt64 = 0) {
        let start = out.beginMessage()
        out.uint64Field(Field.Label.key, key, omitZero: true)
        out.int64Field(Field.Label.num, value, omitZero: true)
        out.uint64Field(Field.Label.numUnit, unit, omitZero: true)
        out.endMessage(Field.Sample.label, start: start)
    }

    func endSample() throws {
        out.endMessage(Field.Profile.sample, start: sampleStart)
        try flushIfNeeded()
    }

    /// Stacks encoded so far.
    var stacksUsed: Int { stackOffset.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    // MARK: The end

    /// The executable's mapping, covering the text segment up to `textEnd`.
    func mapping(textEnd: UInt64, file: String, buildID: String) {
        let fileIndex = intern(file), buildIDIndex = intern(buildID)
        let start = out.beginMessage()
        out.uint64Field(Field.Mapping.id, 1)
        out.uint64Field(Field.Mapping.memoryStart, 0x40_0000)
        out.uint64Field(Field.Mapping.memoryLimit, (textEnd + 0xFFFF) & ~0xFFFF, omitZero: true)
        // file_offset is 0: not written.
        out.uint64Field(Field.Mapping.filename, fileIndex, omitZero: true)
        out.uint64Field(Field.Mapping.buildID, buildIDIndex, omitZero: true)
        out.uint64Field(Field.Mapping.hasFunctions, 1)
        out.uint64Field(Field.Mapping.hasFilenames, 1)
        out.uint64Field(Field.Mapping.hasLineNumbers, 1)
        out.uint64Field(Field.Mapping.hasInlineFrames, 1)
        out.endMessage(Field.Profile.mapping, start: start)
    }

    /// Writes the string table (index 0 is "") and flushes everything.
    func finish() throws -> (locations: Int, functions: Int, strings: Int, bytes: Int) {
        for text in strings {
            out.bytesField(Field.Profile.stringTable, text.utf8)
            try flushIfNeeded()
        }
        try sink.write(out.bytes)
        out.removeAll()
        return (Int(nextLocationID) - 1, Int(nextFunctionID) - 1, strings.count, sink.bytesWritten)
    }

    private func flushIfNeeded() throws {
        if out.bytes.count >= Self.flushThreshold {
            try sink.write(out.bytes)
            out.removeAll()
        }
    }
}

/// A GNU-style build ID: 20 bytes as hex.
func buildID(seed: UInt64) -> String {
    var rng = SplitMix64(seed: seed ^ 0xB011_D1D0)
    let digits = Array("0123456789abcdef")
    var text = ""
    for _ in 0..<20 {
        let b = Int(rng.next() & 0xFF)
        text.append(digits[b >> 4])
        text.append(digits[b & 0xF])
    }
    return text
}
