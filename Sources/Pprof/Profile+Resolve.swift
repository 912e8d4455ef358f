/// Resolution of the raw decode: strings from the string table, ids to array indices, and the
/// checks google/pprof's postDecode and CheckValid make, in the same spirit (a file pprof reads,
/// proflens reads; a file it rejects, proflens rejects).
extension RawProfile {
    /// Resolves the record into a Profile. It takes the large arrays over rather than copying
    /// them, so the record is left empty.
    mutating func resolve() throws -> Profile {
        let stringTable = stringBytes.withUnsafeBufferPointer { bytes in
            strings.map { ProfileText.decode(UnsafeBufferPointer(rebasing: bytes[$0])) }
        }
        stringBytes = []
        func string(_ index: Int64, _ what: String, _ offset: Int) throws -> String {
            guard index >= 0 && index < Int64(stringTable.count) else {
                throw DecodeError.stringIndexOutOfRange(offset: offset, what: what, index: index, tableSize: stringTable.count)
            }
            return stringTable[Int(index)]
        }

        var profile = Profile()
        profile.sampleTypes = try sampleTypes.map {
            ValueType(type: try string($0.type, "sample_type.type", $0.offset), unit: try string($0.unit, "sample_type.unit", $0.offset))
        }
        if let periodType {
            profile.periodType = ValueType(
                type: try string(periodType.type, "period_type.type", periodType.offset),
                unit: try string(periodType.unit, "period_type.unit", periodType.offset))
        }
        profile.dropFrames = try string(dropFrames, "drop_frames", 0)
        profile.keepFrames = try string(keepFrames, "keep_frames", 0)
        profile.comments = try comments.map { try string($0, "comment", 0) }
        profile.defaultSampleType = try string(defaultSampleType, "default_sample_type", 0)
        profile.docURL = try string(docURL, "doc_url", 0)
        profile.timeNanos = timeNanos
        profile.durationNanos = durationNanos
        profile.period = period

        // Mappings.
        var mappingIndex = IDIndex(capacity: mappings.count)
        profile.mappings.reserveCapacity(mappings.count)
        for raw in mappings {
            var mapping = raw.value
            mapping.filename = try string(raw.filename, "mapping.filename", raw.offset)
            mapping.buildID = try string(raw.buildID, "mapping.build_id", raw.offset)
            try mappingIndex.insert(mapping.id, index: profile.mappings.count, message: "mapping", offset: raw.offset)
            profile.mappings.append(mapping)
        }

        // Functions.
        var functionIndex = IDIndex(capacity: functions.count)
        profile.functions.reserveCapacity(functions.count)
        for raw in functions {
            var function = Function()
            function.id = raw.id
            function.name = try string(raw.name, "function.name", raw.offset)
            function.systemName = try string(raw.systemName, "function.system_name", raw.offset)
            function.filename = try string(raw.filename, "function.filename", raw.offset)
            function.startLine = raw.startLine
            try functionIndex.insert(raw.id, index: profile.functions.count, message: "function", offset: raw.offset)
            profile.functions.append(function)
        }

        // Lines, in the order read: each location's follow one another, so that they keep their
        // positions. They go before the locations are resolved (both sets of records are held
        // at once otherwise). A line whose function does not exist is an error, as in pprof,
        // reported at its location, below, in the order of the file.
        var firstUnknownFunction: (line: Int, id: UInt64)?
        profile.lines.reserveCapacity(lines.count)
        for rawLine in lines {
            guard rawLine.functionID != 0, let index = functionIndex[rawLine.functionID] else {
                firstUnknownFunction = (profile.lines.count, rawLine.functionID)
                break
            }
            var line = Line()
            line.functionIndex = Int32(index)
            line.line = rawLine.line
            line.column = rawLine.column
            profile.lines.append(line)
        }
        lines = []

        // Locations. A mapping id that names no mapping is no mapping, as in pprof.
        var locationIndex = IDIndex(capacity: locations.count)
        profile.locations.reserveCapacity(locations.count)
        for raw in locations {
            if let unknown = firstUnknownFunction, (raw.lineStart..<raw.lineEnd).contains(unknown.line) {
                throw DecodeError.unknownFunction(offset: raw.offset, locationID: raw.id, functionID: unknown.id)
            }
            var location = Location()
            location.id = raw.id
            location.address = raw.address
            location.isFolded = raw.isFolded
            if let index = mappingIndex[raw.mappingID] { location.mappingIndex = Int32(index) }
            location.lineStart = Int32(raw.lineStart)
            location.lineCount = Int32(raw.lineEnd - raw.lineStart)
            try locationIndex.insert(raw.id, index: profile.locations.count, message: "location", offset: raw.offset)
            profile.locations.append(location)
        }
        // The records are resolved: they go before the stacks are (the peak of a read).
        mappings = []
        functions = []
        locations = []

        // Samples.
        let typeCount = sampleTypes.count
        if typeCount == 0 && sampleCount > 0 { throw DecodeError.missingSampleTypes }
        if sampleCount > 0 {
            // The first sample whose value count is not the number of types.
            if uniformValueCount != typeCount {
                throw DecodeError.sampleValueCount(offset: firstSampleOffset, sample: 0, values: uniformValueCount, types: typeCount)
            }
            if let odd = firstOddValueCount {
                throw DecodeError.sampleValueCount(offset: odd.offset, sample: odd.index, values: odd.count, types: typeCount)
            }
        }
        // Stacks: location ids (varint bytes, checked on decode) to indices, once per stack.
        let (stackBytes, byteStarts) = stacks.take()
        let (stackLocations, stackStarts) = try Self.locationIndices(consume stackBytes, starts: consume byteStarts) { stack, id in
            guard let index = locationIndex[id] else {
                let sample = sampleStacks.firstIndex(of: UInt32(stack)) ?? 0
                throw DecodeError.unknownLocation(offset: stackFirstOffsets[stack], sample: sample, locationID: id)
            }
            return UInt32(index)
        }
        stackFirstOffsets = []
        // Labels stay as indices, checked once per distinct set: the first set with a bad
        // label holds the file's first bad label. pprof reads num_unit only for numeric labels
        // (str == 0); a string label's is made 0 so that it cannot be out of range.
        var labels: [LabelReference] = []
        var labelStarts = [0]
        labelStarts.reserveCapacity(labelSets.count + 1)
        for set in 0..<labelSets.count {
            let fields = labelSets.fields(of: set), offsets = labelSets.offsets(of: set)
            for (position, offset) in offsets.enumerated() {
                let base = fields.startIndex + position * 4
                let (key, str, numUnit, num) = (fields[base], fields[base + 1], fields[base + 2], fields[base + 3])
                func check(_ value: Int64, _ what: String) throws -> Int32 {
                    if value < 0 || value >= Int64(stringTable.count) {
                        throw DecodeError.stringIndexOutOfRange(offset: offset, what: what, index: value, tableSize: stringTable.count)
                    }
                    return Int32(value)
                }
                let keyIndex = try check(key, "label.key")
                let strIndex = try check(str, "label.str")
                let unitIndex = strIndex == 0 ? try check(numUnit, "label.num_unit") : 0
                labels.append(LabelReference(key: keyIndex, str: strIndex, numUnit: unitIndex, num: num))
            }
            labelStarts.append(labels.count)
        }
        labelSets = RawLabelSets()
        var sampleStacksTaken: [UInt32] = [], sampleLabelSetsTaken = CompactIDs()
        swap(&sampleStacksTaken, &sampleStacks)
        swap(&sampleLabelSetsTaken, &sampleLabelSets)
        var table = SampleTable(stackLocations: stackLocations, stackStarts: stackStarts, sampleStacks: sampleStacksTaken,
                                labelSets: LabelSets(labels: labels, starts: labelStarts), sampleLabelSets: sampleLabelSetsTaken)
        table.valueCount = typeCount
        swap(&table.storedValues, &values)
        profile.stringTable = stringTable
        profile.samples = table
        return profile
    }
}

/// Maps message ids to array indices: a dense table when ids are small (they usually run
/// 1...n), a dictionary only for sparse ids. Rejects id 0 and duplicates, as CheckValid does.
struct IDIndex {
    private var dense: [Int32]
    private var sparse: [UInt64: Int] = [:]

    init(capacity: Int) {
        dense = [Int32](repeating: -1, count: capacity + 1)
    }

    mutating func insert(_ id: UInt64, index: Int, message: String, offset: Int) throws {
        if id == 0 { throw DecodeError.reservedID(offset: offset, message: message) }
        if id < UInt64(dense.count) {
            if dense[Int(id)] >= 0 { throw DecodeError.duplicateID(offset: offset, message: message, id: id) }
            dense[Int(id)] = Int32(index)
        } else {
            if sparse[id] != nil { throw DecodeError.duplicateID(offset: offset, message: message, id: id) }
            sparse[id] = index
        }
    }

    @inline(__always)
    subscript(id: UInt64) -> Int? {
        if id < UInt64(dense.count) {
            let index = dense[Int(id)]
            return index >= 0 ? Int(index) : nil
        }
        return sparse[id]
    }
}
