extension RawProfile {
    /// The stacks' location ids as read (varint bytes, stack i's `bytes[starts[i]..<starts[i+1]]`,
    /// checked on decode) made location indices by `index` (which throws for an unknown id):
    /// the indices back to back, and where each stack's start.
    ///
    /// The indices take up to four times the bytes' room, and a wide profile's bytes run to
    /// tens of megabytes: rather than hold both whole, the bytes are moved to the end of the
    /// indices' array and read from there as the indices are written from its start. An index
    /// written never reaches bytes not read yet while no id takes more than four bytes (ids
    /// below 2^28, as every profiler's are); otherwise the indices get an array of their own.
    static func locationIndices(_ bytes: consuming [UInt8], starts: consuming [Int],
                                index: (_ stack: Int, _ id: UInt64) throws -> UInt32) throws -> (indices: [UInt32], starts: [Int]) {
        // How many ids (a varint's last byte is below 0x80), and the longest.
        var count = 0, run = 0, longest = 0
        bytes.withUnsafeBufferPointer { bytes in
            for byte in bytes {
                run += 1
                if byte < 0x80 {
                    count += 1
                    longest = max(longest, run)
                    run = 0
                }
            }
        }
        if count == 0 {
            // No ids at all (no stacks, or only empty ones): every stack starts at 0.
            return ([], [Int](repeating: 0, count: starts.count))
        }
        if longest > 4 {
            var indices: [UInt32] = []
            indices.reserveCapacity(count)
            try bytes.withUnsafeBytes { bytes in
                try forEachID(in: bytes, from: 0, starts: &starts) { stack, id in indices.append(try index(stack, id)) }
            }
            return (indices, starts)
        }
        let byteCount = bytes.count
        // Where the moved bytes start in the indices' array.
        let moved = count * 4 - byteCount
        var indices = [UInt32](unsafeUninitializedCapacity: count) { room, initialized in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(room).baseAddress!.advanced(by: moved).copyMemory(from: $0.baseAddress!, byteCount: byteCount) }
            // Integers, each written below before it is read.
            initialized = count
        }
        bytes = []
        try indices.withUnsafeMutableBytes { room in
            var written = 0
            try forEachID(in: UnsafeRawBufferPointer(room), from: moved, starts: &starts) { stack, id in
                room.storeBytes(of: try index(stack, id), toByteOffset: written * 4, as: UInt32.self)
                written += 1
            }
        }
        return (indices, starts)
    }

    /// Passes each stack's ids, in order, to `body`, the stacks' bytes starting at `bias` in
    /// `source`; each stack's start becomes the number of ids before it.
    private static func forEachID(in source: UnsafeRawBufferPointer, from bias: Int, starts: inout [Int],
                                  _ body: (_ stack: Int, _ id: UInt64) throws -> Void) throws {
        // Bytes checked when they were decoded: the reader never throws here.
        var reader = WireReader(base: source.baseAddress!.assumingMemoryBound(to: UInt8.self), start: bias, end: bias + starts[starts.count - 1])
        var ids = 0
        for stack in 0..<(starts.count - 1) {
            let end = bias + starts[stack + 1]
            while reader.position < end {
                try body(stack, try reader.readVarint())
                ids += 1
            }
            starts[stack + 1] = ids
        }
    }
}
