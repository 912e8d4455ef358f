import CPrefetch

/// Writes a `Profile` as a profile.proto message, in the field order and string-table order of
/// pprof's Profile.Write (before its gzip): sample types, samples, mappings, locations,
/// functions, the string table, then the header fields; strings numbered in the order pprof
/// meets them. Records get fresh ids (their index + 1), and only what a sample reaches is
/// written: locations on some sample's stack, their functions and mappings, and the first
/// mapping (pprof's merge keeps the same; a filtered single profile written by pprof also
/// keeps the rest, which no report reads).
public enum ProfileEncoder {
    public static func encode(_ profile: Profile) -> [UInt8] {
        var writer = Writer(profile)
        return writer.encode()
    }

    /// The profile as pprof's Profile.Write writes a file: encoded, then gzip-compressed,
    /// handed to `sink` a piece at a time. Returns the compressed size. The encoding is
    /// compressed as it is made, on every core (see `ParallelGzip`): the samples, the bulk of
    /// a large profile, are handed on as they are encoded; the tables after them (mappings,
    /// locations, functions, strings) are handed on together at the end.
    @discardableResult
    public static func writeCompressed(_ profile: Profile, to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var written = 0
        try ParallelGzip.deflate(produce: { gzip in
            var writer = Writer(profile, compressor: gzip)
            _ = writer.encode()
        }, write: { piece in
            written += piece.count
            try sink(piece)
        })
        return written
    }

    private struct Writer {
        let profile: Profile
        var out = WireWriter()
        var strings = StringNumbers()
        /// New id of each location, function and mapping (0: not written).
        var locationIDs: [UInt64]
        var functionIDs: [UInt64]
        var mappingIDs: [UInt64]
        /// The records written, in their original order.
        var writtenLocations: [Int] = []
        var writtenFunctions: [Int] = []
        var writtenMappings: [Int] = []

        /// Where the bytes go a piece at a time, when they are compressed as they are made.
        let compressor: ParallelGzip?

        init(_ profile: Profile, compressor: ParallelGzip? = nil) {
            self.profile = profile
            self.compressor = compressor
            locationIDs = [UInt64](repeating: 0, count: profile.locations.count)
            functionIDs = [UInt64](repeating: 0, count: profile.functions.count)
            mappingIDs = [UInt64](repeating: 0, count: profile.mappings.count)
        }

        mutating func encode() -> [UInt8] {
            numberRecords()
            for type in profile.sampleTypes { valueType(1, type) }
            samples()
            mappings()
            locations()
            functions()
            // Header strings are numbered before the table is written, as pprof numbers them.
            let dropFrames = strings.number(profile.dropFrames), keepFrames = strings.number(profile.keepFrames)
            let periodType = (strings.number(profile.periodType.type), strings.number(profile.periodType.unit))
            let comments = profile.comments.map { strings.number($0) }
            let defaultSampleType = strings.number(profile.defaultSampleType)
            let docURL = strings.number(profile.docURL)
            // A string's original bytes (not valid UTF-8 is held escaped; see ProfileText).
            for text in strings.texts { out.bytesField(6, ProfileText.rawBytes(text)) }
            out.int64Field(7, dropFrames, omitZero: true)
            out.int64Field(8, keepFrames, omitZero: true)
            out.int64Field(9, profile.timeNanos, omitZero: true)
            out.int64Field(10, profile.durationNanos, omitZero: true)
            let period = out.beginMessage()
            out.int64Field(1, periodType.0, omitZero: true)
            out.int64Field(2, periodType.1, omitZero: true)
            out.endMessage(11, start: period)
            out.int64Field(12, profile.period, omitZero: true)
            out.repeatedInt64s(13, comments)
            out.int64Field(14, defaultSampleType, omitZero: true)
            out.int64Field(15, docURL, omitZero: true)
            handOff(atLeast: 0)
            return out.bytes
        }

        /// With a compressor, the bytes written so far go to it once they are `atLeast` that
        /// many; called only between top-level fields (a message being written is patched in place).
        mutating func handOff(atLeast count: Int) {
            guard let compressor, out.bytes.count >= count else { return }
            out.bytes.withUnsafeBytes { compressor.append($0) }
            out.removeAll()
        }

        /// Ids for what the samples reach: locations in the order stacks first name them,
        /// then their mappings and functions in their original order.
        mutating func numberRecords() {
            let table = profile.samples
            var stackUsed = [Bool](repeating: false, count: table.stackCount)
            for sample in 0..<table.count { stackUsed[Int(table.sampleStacks[sample])] = true }
            var locationUsed = [Bool](repeating: false, count: profile.locations.count)
            for stack in 0..<table.stackCount where stackUsed[stack] {
                for location in table.stack(stack) { locationUsed[Int(location)] = true }
            }
            var functionUsed = [Bool](repeating: false, count: profile.functions.count)
            var mappingUsed = [Bool](repeating: false, count: profile.mappings.count)
            // The first mapping is the main binary (pprof's File: and Build ID: lines): pprof
            // writes it whether or not a sample reaches it, as its merge keeps the first one.
            if !mappingUsed.isEmpty { mappingUsed[0] = true }
            for (index, location) in profile.locations.enumerated() where locationUsed[index] {
                writtenLocations.append(index)
                locationIDs[index] = UInt64(writtenLocations.count)
                if location.mappingIndex >= 0 { mappingUsed[Int(location.mappingIndex)] = true }
                for line in profile.lines(of: location) { functionUsed[Int(line.functionIndex)] = true }
            }
            for index in profile.mappings.indices where mappingUsed[index] {
                writtenMappings.append(index)
                mappingIDs[index] = UInt64(writtenMappings.count)
            }
            for index in profile.functions.indices where functionUsed[index] {
                writtenFunctions.append(index)
                functionIDs[index] = UInt64(writtenFunctions.count)
            }
        }

        mutating func valueType(_ field: Int, _ type: ValueType) {
            let numbers = (strings.number(type.type), strings.number(type.unit))
            let start = out.beginMessage()
            out.int64Field(1, numbers.0, omitZero: true)
            out.int64Field(2, numbers.1, omitZero: true)
            out.endMessage(field, start: start)
        }

        /// The Sample messages. A stack's location ids (field 1) and a label set's labels
        /// (field 3) are encoded once, when a sample first has them (a set's strings numbered
        /// then, as pprof numbers them), and copied into every sample that has them: samples
        /// share stacks and sets by the hundred, and each one's length is known before it is
        /// written. Compressed as it goes, the output is held a piece at a time; else it is
        /// allocated once, at its size (growing it would copy it, and hold two copies), which a
        /// first pass counts.
        mutating func samples() {
            let table = profile.samples
            var stackFields = EncodedParts(count: table.stackCount)
            var setFields = EncodedParts(count: table.labelSets.count)
            var values: [Int64] = []
            if compressor == nil {
                var size = out.bytes.count
                for sample in 0..<table.count {
                    let (stack, set) = encodeParts(of: sample, &stackFields, &setFields)
                    sampleValues(sample, into: &values)
                    let length = stackFields.size(stack) + WireWriter.repeatedInt64sSize(2, values) + setFields.size(set)
                    size += 1 + WireWriter.varintSize(UInt64(length)) + length
                }
                out.reserve(size + restSize())
            } else {
                out.reserve(2 * ParallelGzip.pieceSize)
            }
            // A merged fleet's samples are millions, over stacks whose fields are megabytes: the
            // bounds of the stack `ahead` samples on, then its bytes, are asked for before their
            // use, so that their cache misses overlap.
            let ahead = 16
            for sample in 0..<table.count {
                if sample + ahead < table.count { stackFields.prefetchBounds(Int(table.sampleStacks[sample + ahead])) }
                if sample + ahead / 2 < table.count { stackFields.prefetchBytes(Int(table.sampleStacks[sample + ahead / 2])) }
                let (stack, set) = encodeParts(of: sample, &stackFields, &setFields)
                sampleValues(sample, into: &values)
                let length = stackFields.size(stack) + WireWriter.repeatedInt64sSize(2, values) + setFields.size(set)
                out.tag(2, wireType: 2)
                out.varint(UInt64(length))
                stackFields.copy(stack, to: &out)
                out.repeatedInt64s(2, values)
                setFields.copy(set, to: &out)
                handOff(atLeast: ParallelGzip.pieceSize)
            }
        }

        /// The stack and label set of `sample`, their fields encoded if they were not.
        mutating func encodeParts(of sample: Int, _ stackFields: inout EncodedParts, _ setFields: inout EncodedParts) -> (stack: Int, set: Int) {
            let stack = Int(profile.samples.sampleStacks[sample])
            if !stackFields.has(stack) {
                let ids = profile.samples.stack(stack).map { locationIDs[Int($0)] }
                stackFields.encode(stack) { $0.repeatedUInt64s(1, ids) }
            }
            let set = Int(profile.samples.sampleLabelSets[sample])
            if !setFields.has(set) {
                let labels = numberedLabels(profile.samples.labelSets[set])
                setFields.encode(set) { out in
                    for label in labels {
                        let labelStart = out.beginMessage()
                        out.int64Field(1, Int64(label.key), omitZero: true)
                        out.int64Field(2, Int64(label.str), omitZero: true)
                        out.int64Field(3, label.num, omitZero: true)
                        out.int64Field(4, Int64(label.numUnit), omitZero: true)
                        out.endMessage(3, start: labelStart)
                    }
                }
            }
            return (stack, set)
        }

        func sampleValues(_ sample: Int, into values: inout [Int64]) {
            values.removeAll(keepingCapacity: true)
            for index in 0..<profile.samples.valueCount { values.append(profile.samples.value(of: sample, index: index)) }
        }

        /// At least the bytes of what follows the samples: mappings, locations, functions,
        /// strings (each counted as if met once, and in full) and the header.
        func restSize() -> Int {
            var size = 256
            for index in writtenMappings {
                size += 80 + profile.mappings[index].filename.utf8.count + profile.mappings[index].buildID.utf8.count
            }
            for index in writtenLocations { size += 40 + 40 * Int(profile.locations[index].lineCount) }
            for index in writtenFunctions {
                let function = profile.functions[index]
                size += 64 + function.name.utf8.count + function.systemName.utf8.count + function.filename.utf8.count
            }
            for text in profile.stringTable { size += 6 + text.utf8.count }
            for text in profile.comments { size += 12 + text.utf8.count }
            for type in profile.sampleTypes { size += 40 + type.type.utf8.count + type.unit.utf8.count }
            size += profile.dropFrames.utf8.count + profile.keepFrames.utf8.count + profile.defaultSampleType.utf8.count
                + profile.docURL.utf8.count + profile.periodType.type.utf8.count + profile.periodType.unit.utf8.count
            return size
        }

        /// Encoded fields of numbered parts (a stack's, a label set's), each encoded once.
        struct EncodedParts {
            private var bytes = WireWriter()
            /// Part i is `bytes[bounds[2 * i]..<bounds[2 * i + 1]]` (-1: not encoded): both ends
            /// on one cache line, as parts are asked for in no particular order.
            private var bounds: [Int]

            init(count: Int) {
                bounds = [Int](repeating: -1, count: 2 * count)
            }

            func has(_ part: Int) -> Bool { bounds[2 * part] >= 0 }

            mutating func encode(_ part: Int, _ body: (inout WireWriter) -> Void) {
                bounds[2 * part] = bytes.bytes.count
                body(&bytes)
                bounds[2 * part + 1] = bytes.bytes.count
            }

            func size(_ part: Int) -> Int { bounds[2 * part + 1] - bounds[2 * part] }

            /// Asks for the cache line of `part`'s bounds.
            func prefetchBounds(_ part: Int) {
                bounds.withUnsafeBufferPointer { proflens_prefetch($0.baseAddress! + 2 * part) }
            }

            /// Asks for the first cache line of `part`'s bytes, when it is encoded.
            func prefetchBytes(_ part: Int) {
                let start = bounds[2 * part]
                if start >= 0 { bytes.bytes.withUnsafeBufferPointer { proflens_prefetch($0.baseAddress! + start) } }
            }

            func copy(_ part: Int, to out: inout WireWriter) {
                out.append(bytes.bytes[bounds[2 * part]..<bounds[2 * part + 1]])
            }
        }

        /// Labels as stored, with this table's string numbers (string labels name no unit).
        mutating func numberedLabels(_ labels: ArraySlice<LabelReference>) -> [LabelReference] {
            labels.map { label in
                let key = Int32(strings.number(profile.stringTable[Int(label.key)]))
                if label.isString {
                    return LabelReference(key: key, str: Int32(strings.number(profile.stringTable[Int(label.str)])), numUnit: 0, num: 0)
                }
                let unit = label.numUnit == 0 ? 0 : Int32(strings.number(profile.stringTable[Int(label.numUnit)]))
                return LabelReference(key: key, str: 0, numUnit: unit, num: label.num)
            }
        }

        mutating func mappings() {
            for index in writtenMappings {
                let mapping = profile.mappings[index]
                let file = strings.number(mapping.filename), buildID = strings.number(mapping.buildID)
                let start = out.beginMessage()
                out.uint64Field(1, mappingIDs[index])
                out.uint64Field(2, mapping.memoryStart, omitZero: true)
                out.uint64Field(3, mapping.memoryLimit, omitZero: true)
                out.uint64Field(4, mapping.fileOffset, omitZero: true)
                out.int64Field(5, file, omitZero: true)
                out.int64Field(6, buildID, omitZero: true)
                out.uint64Field(7, mapping.hasFunctions ? 1 : 0, omitZero: true)
                out.uint64Field(8, mapping.hasFilenames ? 1 : 0, omitZero: true)
                out.uint64Field(9, mapping.hasLineNumbers ? 1 : 0, omitZero: true)
                out.uint64Field(10, mapping.hasInlineFrames ? 1 : 0, omitZero: true)
                out.endMessage(3, start: start)
            }
        }

        mutating func locations() {
            for index in writtenLocations {
                let location = profile.locations[index]
                let mapping = location.mappingIndex >= 0 ? mappingIDs[Int(location.mappingIndex)] : 0
                let lines = profile.lines(of: location)
                let start = out.beginMessage()
                out.uint64Field(1, locationIDs[index])
                out.uint64Field(2, mapping, omitZero: true)
                out.uint64Field(3, location.address, omitZero: true)
                for line in lines {
                    let lineStart = out.beginMessage()
                    out.uint64Field(1, functionIDs[Int(line.functionIndex)], omitZero: true)
                    out.int64Field(2, line.line, omitZero: true)
                    out.int64Field(3, line.column, omitZero: true)
                    out.endMessage(4, start: lineStart)
                }
                out.uint64Field(5, location.isFolded ? 1 : 0, omitZero: true)
                out.endMessage(4, start: start)
            }
        }

        mutating func functions() {
            for index in writtenFunctions {
                let function = profile.functions[index]
                let name = strings.number(function.name), systemName = strings.number(function.systemName)
                let filename = strings.number(function.filename)
                let start = out.beginMessage()
                out.uint64Field(1, functionIDs[index])
                out.int64Field(2, name, omitZero: true)
                out.int64Field(3, systemName, omitZero: true)
                out.int64Field(4, filename, omitZero: true)
                out.int64Field(5, function.startLine, omitZero: true)
                out.endMessage(5, start: start)
            }
        }
    }
}

/// The string table being written: each distinct string once, "" first.
struct StringNumbers {
    private(set) var texts: [String] = [""]
    private var numbers: [String: Int64] = ["": 0]

    mutating func number(_ text: String) -> Int64 {
        if let number = numbers[text] { return number }
        let number = Int64(texts.count)
        texts.append(text)
        numbers[text] = number
        return number
    }
}
