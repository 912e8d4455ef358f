/// Go's text count profiles (goroutine, threadcreate and any other `pprof.Profile` of stacks,
/// `WriteTo(w, 1)`, `?debug=1`), read as go tool pprof reads them: after blank and comment
/// lines, a header `<type> profile: total <n>`, then a line per stack, `<count> @ 0x<pc> 0x<pc> …`
/// (the comments after each, names and labels, are skipped), until a line starting with
/// `---`, after which a memory map may follow its own `--- Memory map: ---` line.
///
/// One sample type, `<type>`/count. A stack line without addresses (Go 1.19's threadcreate
/// profile writes `5 @`) is malformed, as pprof has it.
struct CountTextProfile {
    private enum Part { case header, samples, beforeMemoryMap, memoryMap }

    let type: String
    private var part = Part.header
    private var builder: LegacyProfileBuilder
    private var memoryMap = MemoryMapReader()
    private var addresses: [UInt64] = []

    init(type: String) {
        self.type = type
        builder = LegacyProfileBuilder(sampleTypes: [ValueType(type: type, unit: "count")],
                                       periodType: ValueType(type: type, unit: "count"), period: 1)
    }

    var formatName: String { "Go's text \(String(decoding: ProfileText.rawBytes(type), as: UTF8.self)) profile" }

    /// The profile type a line names when it is a header: `^(\S+) profile: total \d+$`.
    static func type(ofHeader line: TextBytes) -> String? {
        var cursor = TextCursor(line)
        let type = cursor.run { !ByteClass.space.contains($0) }
        guard !type.isEmpty, cursor.take(" profile: total "), cursor.digits() != nil, cursor.isAtEnd else { return nil }
        return GoText.profileString(cursor.bytes(type))
    }

    mutating func read(_ line: TextBytes) throws(LegacyParseError) {
        switch part {
        case .header:
            // Blank and comment lines before it.
            if GoText.isSpaceOrComment(line) { return }
            guard Self.type(ofHeader: line) == type else { throw LegacyParseError("\(GoText.quoted(line)) is not a header") }
            part = .samples
        case .samples:
            if GoText.isSpaceOrComment(line) { return }
            if GoText.hasPrefix(line, "---") {
                part = GoText.isMemoryMapSentinel(line) ? .memoryMap : .beforeMemoryMap
                return
            }
            try readSample(line)
        case .beforeMemoryMap:
            if GoText.isMemoryMapSentinel(line) { part = .memoryMap }
        case .memoryMap:
            try memoryMap.read(line)
        }
    }

    mutating func finish() -> Profile { builder.finish(mappings: memoryMap.mappings) }

    /// `^(\d+) @( 0x[0-9a-f]+)+$`, the whole line.
    private mutating func readSample(_ line: TextBytes) throws(LegacyParseError) {
        func shape() -> LegacyParseError { LegacyParseError("\(GoText.quoted(line)) is not `<count> @ <addresses>`") }
        var cursor = TextCursor(line)
        guard let countDigits = cursor.digits(), cursor.take(" @") else { throw shape() }
        addresses.removeAll(keepingCapacity: true)
        while !cursor.isAtEnd {
            guard cursor.take(" 0x") else { throw shape() }
            let digits = cursor.run(GoText.isLowerHex)
            guard !digits.isEmpty else { throw shape() }
            guard let address = GoText.hexUInt64(cursor.bytes(digits)) else {
                throw LegacyParseError("0x\(GoText.string(cursor.bytes(digits))) does not fit in 64 bits")
            }
            addresses.append(address)
        }
        guard !addresses.isEmpty else { throw LegacyParseError("the stack \(GoText.quoted(line)) has no addresses") }
        // pprof reads the count as a Go literal: a leading 0 makes it octal.
        guard let count = GoText.goInt64(cursor.bytes(countDigits)) else {
            throw LegacyParseError("the count \(GoText.string(cursor.bytes(countDigits))) is not a number pprof reads")
        }
        // Return addresses: one less lands on the call.
        let stack = addresses.map { builder.location($0 &- 1) }
        builder.addSample(stack, values: [count])
    }
}
