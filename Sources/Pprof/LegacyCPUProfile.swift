/// The legacy binary CPU profile (Go before 1.9, gperftools' CPU profiler), read as go tool
/// pprof reads it: words of 32 or 64 bits, little- or big-endian (the first of the four that
/// gives a valid header): a header 0, 3, 0, <period in µs>, 0; then records <count>, <depth>,
/// <pc>…<pc> (leaf first), until the record 0, 1, 0; then, as text, the memory map.
///
/// Two sample types, samples/count and cpu/nanoseconds. Callers' addresses are return
/// addresses, one past the call (one less lands on it). A frame under nearly every sample
/// (all but one in 32), second from the leaf, is the profiler's signal handler and is removed,
/// twice over; a leaf written twice, once as a return address, loses its second copy.
struct LegacyCPUProfile {
    enum WordFormat: CaseIterable {
        case little32, big32, little64, big64

        var size: Int { self == .little32 || self == .big32 ? 4 : 8 }

        func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
            switch self {
            case .little32: return UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            case .big32: return UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            case .little64: return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            case .big64: return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
        }
    }

    static let formatName = "the legacy binary CPU profile"

    /// The word format whose header the bytes start with (a C++ or Go profile's: a third word
    /// of 1 is a Java profile, not read).
    static func wordFormat(_ start: UnsafeRawBufferPointer) -> WordFormat? {
        WordFormat.allCases.first { format in
            guard start.count >= 5 * format.size else { return false }
            let header = (0..<5).map { format.word(start, at: $0 * format.size) }
            return header[0] == 0 && header[1] == 3 && header[2] == 0 && header[3] > 0 && header[4] == 0
        }
    }

    /// Reads a whole profile (the records have to be seen all before the handler's frame can
    /// be told).
    static func read(_ bytes: UnsafeRawBufferPointer) throws(LegacyParseError) -> Profile {
        guard let format = wordFormat(bytes) else { throw LegacyParseError("it has no header", offset: 0) }
        let size = format.size
        let period = Int64(bitPattern: format.word(bytes, at: 3 * size)) &* 1000
        var builder = LegacyProfileBuilder(
            sampleTypes: [ValueType(type: "samples", unit: "count"), ValueType(type: "cpu", unit: "nanoseconds")],
            periodType: ValueType(type: "cpu", unit: "nanoseconds"), period: period)

        // The records, each stack's addresses (callers' moved onto the call) back to back.
        var counts: [UInt64] = []
        var stackAddresses: [UInt64] = []
        var stackStarts = [0]
        var offset = 5 * size
        while offset < bytes.count {
            let recordOffset = offset
            guard offset + 2 * size <= bytes.count else {
                throw LegacyParseError("the record there is cut short", offset: recordOffset)
            }
            let count = format.word(bytes, at: offset), depth = format.word(bytes, at: offset + size)
            offset += 2 * size
            // pprof's check: a depth no larger than a quarter of the bytes left.
            guard depth <= UInt64((bytes.count - offset) / 4) else {
                throw LegacyParseError("the record there has \(depth) addresses, more than the \(bytes.count - offset) bytes left hold",
                                       offset: recordOffset)
            }
            // Words past the end (64-bit words, the last record cut short) read as 0, as pprof reads them.
            let first = offset + size <= bytes.count ? format.word(bytes, at: offset) : 0
            if count == 0 && depth == 1 && first == 0 {
                offset += size
                break  // The end of the records.
            }
            for index in 0..<Int(depth) {
                let address = offset + size <= bytes.count ? format.word(bytes, at: offset) : 0
                stackAddresses.append(index == 0 ? address : address &- 1)
                offset += size
            }
            counts.append(count)
            stackStarts.append(stackAddresses.count)
        }

        var stacks = (0..<counts.count).map { Array(stackAddresses[stackStarts[$0]..<stackStarts[$0 + 1]]) }
        stackAddresses = []
        removeSignalHandlerFrames(&stacks)

        // Locations in the order the stacks use them, before duplicate leaves are dropped.
        var memoryMap = MemoryMapReader()
        for (index, addresses) in stacks.enumerated() {
            var stack = addresses.map { builder.location($0) }
            if addresses.count > 1 && addresses[0] == addresses[1] &+ 1 { stack.remove(at: 1) }
            let count = Int64(bitPattern: counts[index])
            builder.addSample(stack, values: [count, count &* period])
        }
        if offset < bytes.count {
            let text = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            var sent = false
            let lines = LineReader {
                defer { sent = true }
                return sent ? nil : text
            }
            do {
                while let line = try lines.next() { try memoryMap.read(line) }
            } catch let error as LegacyParseError {
                throw LegacyParseError("line \(error.line ?? lines.number) of its memory map: \(error.reason)", offset: offset)
            } catch {
                throw LegacyParseError("\(error)", offset: offset)
            }
        }
        return builder.finish(mappings: memoryMap.mappings)
    }

    /// Removes, up to twice, the second frame when all stacks but one in 32 have the same one
    /// there.
    static func removeSignalHandlerFrames(_ stacks: inout [[UInt64]]) {
        let allowedOthers = stacks.count / 32
        for _ in 0..<2 {
            var seen: [UInt64: Int] = [:]
            for stack in stacks where stack.count > 1 { seen[stack[1], default: 0] += 1 }
            guard let (frame, _) = seen.first(where: { $0.value >= stacks.count - allowedOthers }) else { continue }
            for index in stacks.indices where stacks[index].count > 1 && stacks[index][1] == frame {
                stacks[index].remove(at: 1)
            }
        }
    }
}
