/// Text contention profiles, read as go tool pprof reads them: Go's mutex and block profiles
/// (`WriteTo(w, 1)`, `?debug=1`: a first line `--- mutex:` or `--- contention:`) and C++
/// contention profiles (`--- contentionz …`). After the first line, `name = value` attributes
/// (`cycles/second`, `sampling period`, `ms since reset`, `discarded samples`), then a line per
/// stack, `<cycles> <count> @ <pc> <pc> …` (comments and blank lines skipped), until a line
/// starting with `---`, after which a memory map may follow its `--- Memory map: ---` line.
///
/// Two sample types, contentions/count and delay/nanoseconds: with a sampling period the
/// count is multiplied by it and the cycles turned into nanoseconds at the cycles/second given
/// (float64, truncated, as pprof computes them).
struct ContentionTextProfile {
    enum Kind: String {
        case mutex = "--- mutex:"
        case block = "--- contention:"
        case contentionz = "--- contentionz "
    }

    private enum Part { case header, attributes, samples, beforeMemoryMap, memoryMap }

    let kind: Kind
    private var part = Part.header
    private var builder: LegacyProfileBuilder
    private var cyclesPerSecond: Int64 = 0
    private var memoryMap = MemoryMapReader()
    private var addresses: [UInt64] = []

    init(_ kind: Kind) {
        self.kind = kind
        builder = LegacyProfileBuilder(
            sampleTypes: [ValueType(type: "contentions", unit: "count"), ValueType(type: "delay", unit: "nanoseconds")],
            periodType: ValueType(type: "contentions", unit: "count"), period: 1)
    }

    static func kind(ofFirstLine line: TextBytes) -> Kind? {
        [Kind.contentionz, .mutex, .block].first { GoText.hasPrefix(line, $0.rawValue) }
    }

    var formatName: String {
        switch kind {
        case .mutex: return "Go's text mutex profile"
        case .block: return "Go's text block profile"
        case .contentionz: return "the contention profile (contentionz)"
        }
    }

    mutating func read(_ line: TextBytes) throws(LegacyParseError) {
        switch part {
        case .header:
            guard Self.kind(ofFirstLine: line) == kind else { throw LegacyParseError("\(GoText.quoted(line)) is not a header") }
            part = .attributes
        case .attributes:
            let trimmed = GoText.trimmed(line)
            if GoText.isSpaceOrComment(trimmed) { return }
            if !GoText.hasPrefix(trimmed, "---"), let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) {
                try readAttribute(GoText.string(GoText.trimmed(TextBytes(rebasing: trimmed[..<equals]))),
                                  GoText.trimmed(TextBytes(rebasing: trimmed[(equals + 1)...])))
                return
            }
            // The first line that is not an attribute is the samples' first.
            part = .samples
            try read(line)
        case .samples:
            let trimmed = GoText.trimmed(line)
            if GoText.hasPrefix(trimmed, "---") {
                part = GoText.isMemoryMapSentinel(line) ? .memoryMap : .beforeMemoryMap
                return
            }
            if !GoText.isSpaceOrComment(trimmed) { try readSample(trimmed) }
        case .beforeMemoryMap:
            if GoText.isMemoryMapSentinel(line) { part = .memoryMap }
        case .memoryMap:
            try memoryMap.read(line)
        }
    }

    mutating func finish() -> Profile { builder.finish(mappings: memoryMap.mappings) }

    private mutating func readAttribute(_ name: String, _ value: TextBytes) throws(LegacyParseError) {
        func number() throws(LegacyParseError) -> Int64 {
            guard let number = GoText.goInt64(value) else {
                throw LegacyParseError("the \(name) \(GoText.quoted(value)) is not a number pprof reads")
            }
            return number
        }
        switch name {
        case "cycles/second": cyclesPerSecond = try number()
        case "sampling period": builder.period = try number()
        case "ms since reset": builder.durationNanos = try number() &* 1_000_000
        case "discarded samples": break
        case "format", "resolution":
            throw LegacyParseError("it has a \(name) attribute: it is a Java contention profile, which proflens does not read")
        default:
            throw LegacyParseError("`\(name)` is not an attribute pprof knows")
        }
    }

    private mutating func readSample(_ line: TextBytes) throws(LegacyParseError) {
        guard let sample = Self.sample(line) else {
            throw LegacyParseError("\(GoText.quoted(line)) is not `<cycles> <count> @ <addresses>`")
        }
        func number(_ range: Range<Int>) throws(LegacyParseError) -> Int64 {
            guard let value = GoText.decimalInt64(TextBytes(rebasing: line[range])) else {
                throw LegacyParseError("\(GoText.string(TextBytes(rebasing: line[range]))) does not fit in 64 bits")
            }
            return value
        }
        var cycles = try number(sample.cycles), count = try number(sample.count)
        let period = builder.period
        if period > 0 {
            if cyclesPerSecond > 0 {
                let gigahertz = Double(cyclesPerSecond) / 1e9
                cycles = GoText.int64(Double(cycles) * Double(period) / gigahertz)
            }
            count = count &* period
        }
        addresses.removeAll(keepingCapacity: true)
        try GoText.hexAddresses(TextBytes(rebasing: line[sample.stack]), into: &addresses)
        // Return addresses, the first one included: one less lands on the call.
        let stack = addresses.map { builder.location($0 &- 1) }
        builder.addSample(stack, values: [count, cycles])
    }

    /// The parts of a stack line.
    struct Sample {
        var cycles: Range<Int>, count: Range<Int>, stack: Range<Int>
    }

    /// The first place in the line with a sample's shape (`\d+ *\d+ @[ x0-9a-f]*`), as pprof
    /// looks for it anywhere in the line: two numbers apart, or, for pprof's pattern, one
    /// number split before its last digit.
    static func sample(_ line: TextBytes) -> Sample? {
        var start = 0
        while start < line.count {
            guard GoText.isDigit(line[start]) else {
                start += 1
                continue
            }
            var cursor = TextCursor(line, at: start)
            guard let first = cursor.digits() else { return nil }
            var rest = cursor
            rest.spaces()
            if rest.position > first.upperBound, let second = rest.digits(), rest.take(" @") {
                return Sample(cycles: first, count: second, stack: rest.run(isStackByte))
            }
            if first.count >= 2, cursor.take(" @") {
                return Sample(cycles: first.lowerBound..<first.upperBound - 1, count: first.upperBound - 1..<first.upperBound,
                              stack: cursor.run(isStackByte))
            }
            // From a later digit of the same number the rest is the same: it fails too.
            start = first.upperBound
        }
        return nil
    }

    private static func isStackByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "x") || GoText.isLowerHex(byte)
    }
}
