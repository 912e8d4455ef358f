#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text heap profiles, read as go tool pprof reads them: Go's (`pprof.Lookup("heap"|"allocs")
/// .WriteTo(w, 1)`, `?debug=1`) and gperftools' (and its predecessors'), a header line
///
///     heap profile: <in-use objects>: <in-use bytes> [<allocated objects>: <allocated bytes>] @ heap/<2×rate>
///
/// (or `@ heap_v2/<rate>`, `@ heapprofile`, `@ growthz`, `@ fragmentationz`), then a line per
/// stack, `<in-use objects>: <in-use bytes> [<allocated objects>: <allocated bytes>] @ <pc> <pc> …`,
/// comments (`#`) and blank lines skipped, and a memory map after `MAPPED_LIBRARIES:` or
/// `--- Memory map: ---`.
///
/// The allocated values are sample types when the header's totals differ from the in-use ones
/// (Go's always do); sampled profiles (`heap`, `heap_v2`) have each value scaled up by the
/// chance of a sample of its average size being taken, 1/(1−e^(−size/rate)); each sample has
/// a numeric label `bytes`, its average object size.
struct HeapTextProfile {
    struct Header {
        /// What follows the `@`: heap, heap_v2, heapz_v2, heapprofile, growthz, fragmentationz.
        var kind: String
        var hasAllocated: Bool
        var scaled: Bool
        var period: Int64
    }

    private enum Part { case header, samples, memoryMap }

    private let header: Header
    private var part = Part.header
    private var builder: LegacyProfileBuilder
    private var memoryMap = MemoryMapReader()
    private var addresses: [UInt64] = []

    init(_ header: Header) {
        self.header = header
        let types = header.hasAllocated
            ? [("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")]
            : [("objects", "count"), ("space", "bytes")]
        // Allocated before in-use: pprof's default, the last type, is then inuse_space.
        builder = LegacyProfileBuilder(sampleTypes: types.map { ValueType(type: $0.0, unit: $0.1) },
                                       periodType: ValueType(type: "space", unit: "bytes"), period: header.period)
    }

    var formatName: String {
        header.kind == "heap" ? "Go's text heap profile" : "the text heap profile (@ \(header.kind))"
    }

    mutating func read(_ line: TextBytes) throws(LegacyParseError) {
        switch part {
        case .header:
            guard Self.header(line) != nil else { throw LegacyParseError("its first line is not a heap profile's header") }
            part = .samples
        case .samples:
            let line = GoText.trimmed(line)
            if GoText.isSpaceOrComment(line) { return }
            if GoText.isMemoryMapSentinel(line) {
                part = .memoryMap
                return
            }
            try readSample(line)
        case .memoryMap:
            try memoryMap.read(line)
        }
    }

    mutating func finish() -> Profile { builder.finish(mappings: memoryMap.mappings) }

    private mutating func readSample(_ line: TextBytes) throws(LegacyParseError) {
        guard let sample = Self.sample(line) else {
            throw LegacyParseError("\(GoText.quoted(line)) is not `<objects>: <bytes> [<objects>: <bytes>] @ <addresses>`")
        }
        func number(_ range: Range<Int>) throws(LegacyParseError) -> Int64 {
            guard let value = GoText.decimalInt64(TextBytes(rebasing: line[range])) else {
                throw LegacyParseError("\(GoText.string(TextBytes(rebasing: line[range]))) does not fit in 64 bits")
            }
            return value
        }
        var values: [Int64] = []
        var averageSize: Int64 = 0
        func add(_ countRange: Range<Int>, _ sizeRange: Range<Int>, _ what: String) throws(LegacyParseError) {
            var count = try number(countRange), size = try number(sizeRange)
            if count == 0 && size != 0 { throw LegacyParseError("\(what) count is 0 but \(what) bytes are \(size)") }
            if count != 0 {
                averageSize = size.dividedReportingOverflow(by: count).partialValue
                if header.scaled { (count, size) = Self.scaled(count: count, size: size, rate: header.period) }
            }
            values += [count, size]
        }
        if header.hasAllocated { try add(sample.allocatedObjects, sample.allocatedBytes, "allocation") }
        try add(sample.inUseObjects, sample.inUseBytes, "in-use")

        addresses.removeAll(keepingCapacity: true)
        try GoText.hexAddresses(TextBytes(rebasing: line[sample.stack]), into: &addresses)
        // Return addresses: one less lands on the call.
        let stack = addresses.map { builder.location($0 &- 1) }
        builder.addSample(stack, values: values, labels: [builder.numericLabel("bytes", averageSize)])
    }

    /// A sampled count and size scaled by the chance of such a sample being taken (pprof's
    /// computation, in float64, truncated back).
    static func scaled(count: Int64, size: Int64, rate: Int64) -> (Int64, Int64) {
        if count == 0 || size == 0 { return (0, 0) }
        if rate <= 1 { return (count, size) }
        let averageSize = Double(size) / Double(count)
        let scale = 1 / (1 - exp(-averageSize / Double(rate)))
        return (GoText.int64(Double(count) * scale), GoText.int64(Double(size) * scale))
    }

    /// The parts of a stack line.
    struct Sample {
        var inUseObjects: Range<Int>, inUseBytes: Range<Int>, allocatedObjects: Range<Int>, allocatedBytes: Range<Int>
        var stack: Range<Int>
    }

    /// The first place in the line that has a sample's shape
    /// (`-?\d+: *-?\d+ *\[ *\d+: *\d+ *] @[ x0-9a-f]*`), as pprof looks for it anywhere in the line.
    static func sample(_ line: TextBytes) -> Sample? {
        var start = 0
        while start < line.count {
            let byte = line[start]
            guard byte == UInt8(ascii: "-") || GoText.isDigit(byte) else {
                start += 1
                continue
            }
            if let sample = sample(line, at: start) { return sample }
            // From a later digit of the same number the rest is the same: it fails too.
            var cursor = TextCursor(line, at: start + (byte == UInt8(ascii: "-") ? 1 : 0))
            cursor.run(GoText.isDigit)
            start = max(cursor.position, start + 1)
        }
        return nil
    }

    private static func sample(_ line: TextBytes, at start: Int) -> Sample? {
        var cursor = TextCursor(line, at: start)
        guard let inUseObjects = cursor.digits(signed: true), cursor.take(":") else { return nil }
        cursor.spaces()
        guard let inUseBytes = cursor.digits(signed: true) else { return nil }
        cursor.spaces()
        guard cursor.take("[") else { return nil }
        cursor.spaces()
        guard let allocatedObjects = cursor.digits(), cursor.take(":") else { return nil }
        cursor.spaces()
        guard let allocatedBytes = cursor.digits() else { return nil }
        cursor.spaces()
        guard cursor.take("] @") else { return nil }
        let stack = cursor.run { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "x") || GoText.isLowerHex($0) }
        return Sample(inUseObjects: inUseObjects, inUseBytes: inUseBytes, allocatedObjects: allocatedObjects,
                      allocatedBytes: allocatedBytes, stack: stack)
    }

    /// The header, when the first line has one (pprof looks for it anywhere in the line).
    static func header(_ line: TextBytes) -> Header? {
        var occurrences: [Int] = []
        var from = 0
        while let index = GoText.firstIndex(of: "heap profile:", in: line, from: from) {
            occurrences.append(index)
            from = index + 1
        }
        // The first place with ` *@ *heap[_a-z0-9]*/?\d*` after the totals decides; else the
        // first with ` @ growth`; else with ` @ fragmentation`.
        for start in occurrences {
            guard let totals = totals(line, at: start) else { continue }
            var cursor = totals.cursor
            cursor.spaces()
            guard cursor.take("@") else { continue }
            cursor.spaces()
            let kindStart = cursor.position
            guard cursor.take("heap") else { continue }
            cursor.run { $0 == UInt8(ascii: "_") || GoText.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
            let kind = GoText.string(cursor.bytes(kindStart..<cursor.position))
            _ = cursor.take("/")
            return header(kind: kind, totals: totals, period: cursor.bytes(cursor.run(GoText.isDigit)))
        }
        for kind in ["growthz", "fragmentationz"] {
            for start in occurrences {
                guard var cursor = totals(line, at: start)?.cursor, cursor.take(" @ \(kind.dropLast())") else { continue }
                return Header(kind: kind, hasAllocated: false, scaled: false, period: 1)
            }
        }
        return nil
    }

    /// The header of a `@ heap…` line: nil for a kind pprof does not know.
    private static func header(kind: String, totals: Totals, period digits: TextBytes) -> Header? {
        var period: Int64 = 0
        if !digits.isEmpty {
            guard let value = GoText.decimalInt64(digits) else { return nil }
            period = value
        }
        // The allocated totals count when they differ from the in-use ones and are not 0 (as
        // text: pprof compares the digits).
        let line = totals.cursor.text
        func text(_ range: Range<Int>) -> [UInt8] { Array(line[range]) }
        let zero = [UInt8(ascii: "0")]
        let hasAllocated = (text(totals.allocatedObjects) != text(totals.inUseObjects) && text(totals.allocatedObjects) != zero)
            || (text(totals.allocatedBytes) != text(totals.inUseBytes) && text(totals.allocatedBytes) != zero)
        switch kind {
        case "heapz_v2", "heap_v2": return Header(kind: kind, hasAllocated: hasAllocated, scaled: true, period: period)
        case "heapprofile": return Header(kind: kind, hasAllocated: hasAllocated, scaled: false, period: 1)
        // Go writes twice its sampling rate.
        case "heap": return Header(kind: kind, hasAllocated: hasAllocated, scaled: true, period: period / 2)
        default: return nil
        }
    }

    private struct Totals {
        var inUseObjects: Range<Int>, inUseBytes: Range<Int>, allocatedObjects: Range<Int>, allocatedBytes: Range<Int>
        /// Just after the `]`.
        var cursor: TextCursor
    }

    /// After `heap profile:` at `start`: ` *\d+: *\d+ *\[ *\d+: *\d+ *\]`.
    private static func totals(_ line: TextBytes, at start: Int) -> Totals? {
        var cursor = TextCursor(line, at: start + "heap profile:".utf8.count)
        cursor.spaces()
        guard let inUseObjects = cursor.digits(), cursor.take(":") else { return nil }
        cursor.spaces()
        guard let inUseBytes = cursor.digits() else { return nil }
        cursor.spaces()
        guard cursor.take("[") else { return nil }
        cursor.spaces()
        guard let allocatedObjects = cursor.digits(), cursor.take(":") else { return nil }
        cursor.spaces()
        guard let allocatedBytes = cursor.digits() else { return nil }
        cursor.spaces()
        guard cursor.take("]") else { return nil }
        return Totals(inUseObjects: inUseObjects, inUseBytes: inUseBytes, allocatedObjects: allocatedObjects,
                      allocatedBytes: allocatedBytes, cursor: cursor)
    }
}
