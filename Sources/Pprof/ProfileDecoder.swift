/// Decodes the protobuf bytes of a Profile message in one pass, without a protobuf library.
///
/// Fields may come in any order (Go writes the string table last and interleaves samples,
/// locations and functions), so this pass only records what it reads: string indices and ids
/// stay raw until `RawProfile.resolve()` runs on the whole message.
struct ProfileDecoder {
    private(set) var raw = RawProfile()
    /// The value count of the first sample; the first sample with another count is
    /// remembered (the only one a value-count error can name).
    private var firstValueCount: Int?
    private var firstOddSample: (index: Int, count: Int, offset: Int)?
    /// Samples whose stacks are interned together (see StackInterner.intern(batch:)): their
    /// location ids as varint bytes, back to back, and each one's sample and offset.
    private var pendingStackBytes: [UInt8] = []
    private var pendingRanges: [Range<Int>] = []
    private var pendingSamples: [(index: Int, offset: Int)] = []
    private var batchScratch = StackInterner<UInt8>.BatchScratch()
    static let batchSize = 64
    /// The labels of the sample being decoded (ids in `raw.labelSets`), and where each is.
    private var labelScratch: [UInt32] = []
    private var labelOffsetScratch: [Int] = []

    /// Checks that `range` holds only complete varints of at most 10 bytes, throwing the error
    /// (and offset) reading them one by one would throw.
    static func checkVarints(_ reader: WireReader, _ range: Range<Int>) throws {
        let bytes = reader.bytes(range)
        if allVarintsComplete(bytes) { return }
        var runStart = 0
        var run = 0
        for index in 0..<bytes.count {
            if bytes[index] >= 0x80 {
                if run == 0 { runStart = index }
                run += 1
                if run == 10 { throw DecodeError.overlongVarint(offset: reader.bias + range.lowerBound + runStart) }
            } else {
                run = 0
            }
        }
        if run > 0 { throw DecodeError.truncatedVarint(offset: reader.bias + range.lowerBound + runStart) }
    }

    /// Whether `bytes` are whole varints of at most 10 bytes, read eight bytes at a time (the
    /// byte-by-byte check above then only runs to name the error): no run of 10 bytes with
    /// the high bit set, and a last byte without it.
    @inline(__always)
    static func allVarintsComplete(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let last = bytes.last else { return true }
        if last >= 0x80 { return false }
        var run = 0  // Continuation bytes since the last varint's end.
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // Bit i: byte i (little-endian order) continues a varint.
            let high = UInt8(truncatingIfNeeded: ((word & 0x8080_8080_8080_8080) &* 0x0002_0408_1020_4081) >> 56)
            if high == 0xFF {
                run += 8
            } else {
                run += (~high).trailingZeroBitCount
                if run >= 10 { return false }
                run = (~high).leadingZeroBitCount
            }
            if run >= 10 { return false }
            index += 8
        }
        while index < bytes.count {
            if base[index] >= 0x80 {
                run += 1
                if run >= 10 { return false }
            } else {
                run = 0
            }
            index += 1
        }
        return true
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Decodes a whole Profile message held in memory.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws -> RawProfile {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw DecodeError.emptyInput
        }
        var decoder = ProfileDecoder()
        var reader = WireReader(base: base, start: 0, end: bytes.count)
        while let field = try reader.nextField() {
            try decoder.decodeField(field, &reader)
        }
        return try decoder.finish()
    }

    /// Decodes the complete top-level fields at the start of `reader`'s range and returns
    /// where the first incomplete one starts (the caller keeps those bytes for later).
    mutating func decodeCompleteFields(_ reader: inout WireReader) throws -> Int {
        while !reader.isAtEnd {
            guard let fieldEnd = try reader.completeFieldEnd() else { break }
            var fieldReader = reader.subReader(reader.position..<fieldEnd)
            if let field = try fieldReader.nextField() {
                try decodeField(field, &fieldReader)
            }
            reader = reader.subReader(fieldEnd..<reader.end)
        }
        return reader.position
    }

    /// Sizes the per-sample arrays for the samples `expectedBytes` should hold at the rate of
    /// those in the first `decodedBytes`, twice over, when that rate says they would outgrow
    /// their room: memory reserved but never written to costs nothing, while an array that
    /// outgrows its room is copied (both copies held for a moment). Called again as more is
    /// read: the first bytes' rate is only an estimate (a file whose first samples are larger
    /// than the rest is caught early, when a copy is small). The stacks, likewise.
    mutating func reserveSamples(decodedBytes: Int, expectedBytes: Int) {
        guard raw.sampleCount > 0, decodedBytes > 0, expectedBytes > decodedBytes else { return }
        let (product, overflow) = raw.sampleCount.multipliedReportingOverflow(by: expectedBytes)
        guard !overflow else { return }
        let projected = product / decodedBytes
        guard projected > raw.sampleStacks.capacity else { return }
        // A sample takes at least two bytes.
        let expected = min(projected * 2, expectedBytes / 2)
        raw.sampleStacks.reserveCapacity(expected)
        raw.sampleLabelSets.reserveCapacity(expected)
        raw.values.reserveCapacity(expected * max(firstValueCount ?? 1, 1))
        // Distinct stacks grow more slowly than samples: at the same rate is an upper bound.
        let scale = Double(expected) / Double(raw.sampleCount)
        let stacks = Int(Double(raw.stacks.count) * scale), stackBytes = Int(Double(raw.stacks.elements.count) * scale)
        raw.stacks.reserveCapacity(sequences: stacks, elements: stackBytes)
        raw.stackFirstOffsets.reserveCapacity(stacks)
    }

    /// The record of the whole message, once every field has been read.
    mutating func finish() throws -> RawProfile {
        internPendingStacks()
        raw.uniformValueCount = firstValueCount ?? 0
        raw.firstOddValueCount = firstOddSample
        return raw
    }

    /// One top-level field of the Profile message.
    mutating func decodeField(_ field: FieldKey, _ reader: inout WireReader) throws {
        switch field.number {
        case 1:  // repeated ValueType sample_type = 1;
            var sub = try reader.message(field, "Profile")
            raw.sampleTypes.append(try decodeValueType(&sub, at: field.offset))
        case 2:  // repeated Sample sample = 2;
            var sub = try reader.message(field, "Profile")
            try decodeSample(&sub, at: field.offset)
        case 3:  // repeated Mapping mapping = 3;
            var sub = try reader.message(field, "Profile")
            raw.mappings.append(try decodeMapping(&sub, at: field.offset))
        case 4:  // repeated Location location = 4;
            var sub = try reader.message(field, "Profile")
            raw.locations.append(try decodeLocation(&sub, at: field.offset))
        case 5:  // repeated Function function = 5;
            var sub = try reader.message(field, "Profile")
            raw.functions.append(try decodeFunction(&sub, at: field.offset))
        case 6:  // repeated string string_table = 6;
            let range = try reader.stringField(field, "Profile")
            if raw.strings.isEmpty && !range.isEmpty {
                throw DecodeError.stringTableFirstNotEmpty(offset: field.offset)
            }
            // Copied out: the bytes being decoded may be a chunk of a stream.
            let start = raw.stringBytes.count
            raw.stringBytes.append(contentsOf: reader.bytes(range))
            raw.strings.append(start..<raw.stringBytes.count)
        case 7:  // int64 drop_frames = 7;
            raw.dropFrames = try reader.int64(field, "Profile")
        case 8:  // int64 keep_frames = 8;
            raw.keepFrames = try reader.int64(field, "Profile")
        case 9:  // int64 time_nanos = 9;
            // A second non-zero time_nanos means two profiles were concatenated (as pprof says).
            if raw.timeNanos != 0 { throw DecodeError.concatenatedProfiles(offset: field.offset) }
            raw.timeNanos = try reader.int64(field, "Profile")
        case 10:  // int64 duration_nanos = 10;
            raw.durationNanos = try reader.int64(field, "Profile")
        case 11:  // ValueType period_type = 11;
            var sub = try reader.message(field, "Profile")
            raw.periodType = try decodeValueType(&sub, at: field.offset)
        case 12:  // int64 period = 12;
            raw.period = try reader.int64(field, "Profile")
        case 13:  // repeated int64 comment = 13;
            try reader.repeatedVarints(field, "Profile") { raw.comments.append(Int64(bitPattern: $0)) }
        case 14:  // int64 default_sample_type = 14;
            raw.defaultSampleType = try reader.int64(field, "Profile")
        case 15:  // int64 doc_url = 15;
            raw.docURL = try reader.int64(field, "Profile")
        default:
            try reader.skip(field)
        }
    }

    private func decodeValueType(_ reader: inout WireReader, at offset: Int) throws -> RawValueType {
        var value = RawValueType(offset: offset)
        while let field = try reader.nextField() {
            switch field.number {
            case 1: value.type = try reader.int64(field, "ValueType")  // int64 type = 1;
            case 2: value.unit = try reader.int64(field, "ValueType")  // int64 unit = 2;
            default: try reader.skip(field)
            }
        }
        return value
    }

    private mutating func decodeSample(_ reader: inout WireReader, at offset: Int) throws {
        let valuesBefore = raw.values.count
        let stackStart = pendingStackBytes.count
        labelScratch.removeAll(keepingCapacity: true)
        labelOffsetScratch.removeAll(keepingCapacity: true)
        while let field = try reader.nextField() {
            switch field.number {
            case 1:  // repeated uint64 location_id = 1;
                // Kept as varint bytes: stacks are interned by their encoding and decoded once
                // per distinct stack, not once per sample.
                switch field.wireType {
                case .lengthDelimited:
                    let range = try reader.readLengthDelimited()
                    try Self.checkVarints(reader, range)
                    pendingStackBytes.append(contentsOf: reader.bytes(range))
                case .varint:
                    Self.appendVarint(try reader.readVarint(), to: &pendingStackBytes)
                default:
                    try reader.repeatedVarints(field, "Sample") { _ in }
                }
            case 2:  // repeated int64 value = 2;
                try reader.repeatedVarints(field, "Sample") { raw.values.append(Int64(bitPattern: $0)) }
            case 3:  // repeated Label label = 3;
                var sub = try reader.message(field, "Sample")
                labelScratch.append(try label(&sub))
                labelOffsetScratch.append(field.offset)
            default:
                try reader.skip(field)
            }
        }
        let sample = raw.sampleCount
        let valueCount = raw.values.count - valuesBefore
        if let first = firstValueCount {
            if valueCount != first && firstOddSample == nil {
                firstOddSample = (sample, valueCount, offset)
            }
        } else {
            firstValueCount = valueCount
            raw.firstSampleOffset = offset
        }
        raw.sampleLabelSets.append(raw.labelSets.intern(labels: labelScratch, offsets: labelOffsetScratch))
        raw.sampleStacks.append(0)  // Set when the batch is interned.
        raw.sampleCount += 1
        pendingRanges.append(stackStart..<pendingStackBytes.count)
        pendingSamples.append((sample, offset))
        if pendingRanges.count == Self.batchSize { internPendingStacks() }
    }

    /// Interns the stacks of the samples decoded since the last batch.
    private mutating func internPendingStacks() {
        guard !pendingRanges.isEmpty else { return }
        var stacks = StackInterner<UInt8>()
        swap(&stacks, &raw.stacks)  // Changed while not part of self, then put back.
        var item = 0
        pendingStackBytes.withUnsafeBufferPointer { bytes in
            pendingRanges.withUnsafeBufferPointer { ranges in
                stacks.intern(batch: bytes, ranges: ranges, scratch: &batchScratch) { id, inserted in
                    let sample = pendingSamples[item]
                    raw.sampleStacks[sample.index] = UInt32(id)
                    // A new stack's first sample: what an unknown-location error points at.
                    if inserted { raw.stackFirstOffsets.append(sample.offset) }
                    item += 1
                }
            }
        }
        swap(&stacks, &raw.stacks)
        pendingStackBytes.removeAll(keepingCapacity: true)
        pendingRanges.removeAll(keepingCapacity: true)
        pendingSamples.removeAll(keepingCapacity: true)
    }

    /// The id of a label message: its bytes are looked up, and only bytes not met before are
    /// decoded (the same bytes decode the same, errors included).
    private mutating func label(_ reader: inout WireReader) throws -> UInt32 {
        let bytes = reader.bytes(reader.position..<reader.end)
        if let known = raw.labelSets.label(bytes: bytes) { return known }
        let fields = try decodeLabel(&reader)
        return raw.labelSets.addLabel(bytes: bytes, fields: fields)
    }

    /// A label's fields as read: key, str, num_unit, num (string indices are checked against
    /// the string table once it is known).
    private func decodeLabel(_ reader: inout WireReader) throws -> (Int64, Int64, Int64, Int64) {
        var key: Int64 = 0, str: Int64 = 0, numUnit: Int64 = 0, num: Int64 = 0
        while let field = try reader.nextField() {
            switch field.number {
            case 1: key = try reader.int64(field, "Label")  // int64 key = 1;
            case 2: str = try reader.int64(field, "Label")  // int64 str = 2;
            case 3: num = try reader.int64(field, "Label")  // int64 num = 3;
            case 4: numUnit = try reader.int64(field, "Label")  // int64 num_unit = 4;
            default: try reader.skip(field)
            }
        }
        return (key, str, numUnit, num)
    }

    private func decodeMapping(_ reader: inout WireReader, at offset: Int) throws -> RawMapping {
        var mapping = RawMapping(offset: offset)
        while let field = try reader.nextField() {
            switch field.number {
            case 1: mapping.value.id = try reader.uint64(field, "Mapping")  // uint64 id = 1;
            case 2: mapping.value.memoryStart = try reader.uint64(field, "Mapping")  // uint64 memory_start = 2;
            case 3: mapping.value.memoryLimit = try reader.uint64(field, "Mapping")  // uint64 memory_limit = 3;
            case 4: mapping.value.fileOffset = try reader.uint64(field, "Mapping")  // uint64 file_offset = 4;
            case 5: mapping.filename = try reader.int64(field, "Mapping")  // int64 filename = 5;
            case 6: mapping.buildID = try reader.int64(field, "Mapping")  // int64 build_id = 6;
            case 7: mapping.value.hasFunctions = try reader.bool(field, "Mapping")  // bool has_functions = 7;
            case 8: mapping.value.hasFilenames = try reader.bool(field, "Mapping")  // bool has_filenames = 8;
            case 9: mapping.value.hasLineNumbers = try reader.bool(field, "Mapping")  // bool has_line_numbers = 9;
            case 10: mapping.value.hasInlineFrames = try reader.bool(field, "Mapping")  // bool has_inline_frames = 10;
            default: try reader.skip(field)
            }
        }
        return mapping
    }

    private mutating func decodeLocation(_ reader: inout WireReader, at offset: Int) throws -> RawLocation {
        var location = RawLocation(offset: offset, lineStart: raw.lines.count)
        while let field = try reader.nextField() {
            switch field.number {
            case 1: location.id = try reader.uint64(field, "Location")  // uint64 id = 1;
            case 2: location.mappingID = try reader.uint64(field, "Location")  // uint64 mapping_id = 2;
            case 3: location.address = try reader.uint64(field, "Location")  // uint64 address = 3;
            case 4:  // repeated Line line = 4;
                var sub = try reader.message(field, "Location")
                raw.lines.append(try decodeLine(&sub))
            case 5: location.isFolded = try reader.bool(field, "Location")  // bool is_folded = 5;
            default: try reader.skip(field)
            }
        }
        location.lineEnd = raw.lines.count
        return location
    }

    private func decodeLine(_ reader: inout WireReader) throws -> RawLine {
        var line = RawLine()
        while let field = try reader.nextField() {
            switch field.number {
            case 1: line.functionID = try reader.uint64(field, "Line")  // uint64 function_id = 1;
            case 2: line.line = try reader.int64(field, "Line")  // int64 line = 2;
            case 3: line.column = try reader.int64(field, "Line")  // int64 column = 3;
            default: try reader.skip(field)
            }
        }
        return line
    }

    private func decodeFunction(_ reader: inout WireReader, at offset: Int) throws -> RawFunction {
        var function = RawFunction(offset: offset)
        while let field = try reader.nextField() {
            switch field.number {
            case 1: function.id = try reader.uint64(field, "Function")  // uint64 id = 1;
            case 2: function.name = try reader.int64(field, "Function")  // int64 name = 2;
            case 3: function.systemName = try reader.int64(field, "Function")  // int64 system_name = 3;
            case 4: function.filename = try reader.int64(field, "Function")  // int64 filename = 4;
            case 5: function.startLine = try reader.int64(field, "Function")  // int64 start_line = 5;
            default: try reader.skip(field)
            }
        }
        return function
    }
}

// Typed field readers: each checks the wire type its .proto declaration requires.
extension WireReader {
    @inline(__always)
    fileprivate mutating func uint64(_ field: FieldKey, _ message: StaticString) throws -> UInt64 {
        guard field.wireType == .varint else { throw mismatch(field, message) }
        return try readVarint()
    }

    @inline(__always)
    fileprivate mutating func int64(_ field: FieldKey, _ message: StaticString) throws -> Int64 {
        Int64(bitPattern: try uint64(field, message))
    }

    fileprivate mutating func bool(_ field: FieldKey, _ message: StaticString) throws -> Bool {
        try uint64(field, message) != 0
    }

    fileprivate mutating func message(_ field: FieldKey, _ message: StaticString) throws -> WireReader {
        guard field.wireType == .lengthDelimited else { throw mismatch(field, message) }
        return subReader(try readLengthDelimited())
    }

    fileprivate mutating func stringField(_ field: FieldKey, _ message: StaticString) throws -> Range<Int> {
        guard field.wireType == .lengthDelimited else { throw mismatch(field, message) }
        return try readLengthDelimited()
    }

    /// A repeated varint field, packed (wire type 2) or not (wire type 0): writers differ.
    @inline(__always)
    fileprivate mutating func repeatedVarints(_ field: FieldKey, _ message: StaticString, _ body: (UInt64) -> Void) throws {
        switch field.wireType {
        case .varint:
            body(try readVarint())
        case .lengthDelimited:
            var packed = subReader(try readLengthDelimited())
            while !packed.isAtEnd { body(try packed.readVarint()) }
        default:
            throw mismatch(field, message)
        }
    }

    private func mismatch(_ field: FieldKey, _ message: StaticString) -> DecodeError {
        .wrongWireType(offset: field.offset, message: "\(message)", field: field.number, wireType: field.wireType.rawValue)
    }
}

// The decoder's record of what it read, before references are resolved.
struct RawValueType {
    var offset: Int
    var type: Int64 = 0
    var unit: Int64 = 0
}

struct RawMapping {
    var offset: Int
    var value = Mapping()
    var filename: Int64 = 0
    var buildID: Int64 = 0
}

struct RawLocation {
    var offset: Int
    var id: UInt64 = 0
    var mappingID: UInt64 = 0
    var address: UInt64 = 0
    var lineStart: Int
    var lineEnd = 0
    var isFolded = false
}

struct RawLine {
    var functionID: UInt64 = 0
    var line: Int64 = 0
    var column: Int64 = 0
}

struct RawFunction {
    var offset: Int
    var id: UInt64 = 0
    var name: Int64 = 0
    var systemName: Int64 = 0
    var filename: Int64 = 0
    var startLine: Int64 = 0
}

struct RawProfile {
    var sampleTypes: [RawValueType] = []
    /// Distinct stacks (their location ids as varint bytes), and each sample's stack.
    var stacks = StackInterner<UInt8>()
    var sampleStacks: [UInt32] = []
    /// The offset of each distinct stack's first sample (errors about a stack name it).
    var stackFirstOffsets: [Int] = []
    var sampleCount = 0
    var firstSampleOffset = 0
    var values = SampleValues()
    /// The value count of the first sample, and the first sample with another count.
    var uniformValueCount = 0
    var firstOddValueCount: (index: Int, count: Int, offset: Int)?
    /// Distinct label sets as read, and each sample's set.
    var labelSets = RawLabelSets()
    var sampleLabelSets = CompactIDs()
    var mappings: [RawMapping] = []
    var locations: [RawLocation] = []
    var lines: [RawLine] = []
    var functions: [RawFunction] = []
    /// The string table: each entry's bytes, back to back.
    var stringBytes: [UInt8] = []
    var strings: [Range<Int>] = []
    var dropFrames: Int64 = 0
    var keepFrames: Int64 = 0
    var timeNanos: Int64 = 0
    var durationNanos: Int64 = 0
    var periodType: RawValueType?
    var period: Int64 = 0
    var comments: [Int64] = []
    var defaultSampleType: Int64 = 0
    var docURL: Int64 = 0
}

/// The distinct label sets of the samples, with their fields as read (four per label: key,
/// str, num_unit, num), and where each label of a set was first seen (an out-of-range string
/// index is reported there: the first label in the file with that problem). Labels are known
/// by their bytes, sets by their labels.
struct RawLabelSets {
    /// Each distinct label message's bytes, and its fields.
    private var labelBytes = StackInterner<UInt8>()
    private var labelFields: [Int64] = []
    /// Each set's labels (ids above), and where they were first seen.
    private var sets = StackInterner<UInt32>()
    private var offsets: [Int] = []

    var count: Int { sets.count }

    /// The id of a label with these bytes, if one was met.
    func label(bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        labelBytes.find(buffer: bytes).map(UInt32.init)
    }

    mutating func addLabel(bytes: UnsafeBufferPointer<UInt8>, fields: (Int64, Int64, Int64, Int64)) -> UInt32 {
        let id = labelBytes.intern(buffer: bytes)
        labelFields += [fields.0, fields.1, fields.2, fields.3]
        return UInt32(id)
    }

    /// Fields of set `id`, four per label.
    func fields(of id: Int) -> [Int64] {
        sets.sequence(id).flatMap { labelFields[Int($0) * 4..<Int($0) * 4 + 4] }
    }

    /// Where each label of set `id` was first seen.
    func offsets(of id: Int) -> ArraySlice<Int> {
        offsets[sets.starts[id]..<sets.starts[id + 1]]
    }

    mutating func intern(labels: [UInt32], offsets labelOffsets: [Int]) -> UInt32 {
        let before = sets.count
        let id = sets.intern(labels)
        if id == before { offsets.append(contentsOf: labelOffsets) }
        return UInt32(id)
    }
}
