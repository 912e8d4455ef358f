/// Sorts lines on their keys with the keys moving along: a bottom-up merge sort whose every
/// pass copies each line's key next to those before it. Sorting indices alone, the later
/// passes of a sort compare keys scattered over tens of megabytes (a cache miss a side, more
/// a line than all else on a wide profile); here each pass reads its runs' keys one after the
/// other. Chunks of about `chunkBytes` of keys are sorted first, where they are (in the
/// cache), each half of them on one core; the last pass, the two halves together, on one.
/// Stable: of two equal lines, the one that came first stays first.
enum LineSort {
    /// About how many bytes of keys a first chunk has: well within a core's cache.
    static let chunkBytes = 1 << 20

    /// `lines` in stack order, their keys back to back in `keys` in that order; returns them in
    /// line order, with their keys stored in that order.
    static func sorted(keys: consuming [UInt8], lines: consuming [LineKey], chunkBytes: Int = chunkBytes) -> (keys: [UInt8], lines: [LineKey]) {
        let count = lines.count
        // No keys: every line is empty, and equal lines keep their order.
        if count < 2 || keys.isEmpty { return (keys, lines) }
        let half = count / 2
        let halfBytes = max(lines[half].start, keys.count - lines[half].start)
        // As many chunks in both halves (a power of two), so that both end their passes in the
        // same buffer and the last pass can write into the other.
        var chunkCount = 1
        while chunkCount * chunkBytes < halfBytes && chunkCount < half { chunkCount *= 2 }
        let chunks = chunkCount
        var spareKeys = [UInt8](unsafeUninitializedCapacity: keys.count) { _, initialized in initialized = keys.count }
        var spareLines = [LineKey](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var passes = 0
        keys.withUnsafeMutableBytes { keyBuffer in
        spareKeys.withUnsafeMutableBytes { spareKeyBuffer in
        lines.withUnsafeMutableBufferPointer { lineBuffer in
        spareLines.withUnsafeMutableBufferPointer { spareLineBuffer in
            let buffers = Buffers(keys: [keyBuffer.baseAddress!, spareKeyBuffer.baseAddress!],
                                  lines: [lineBuffer.baseAddress!, spareLineBuffer.baseAddress!])
            (passes, _) = Concurrently.both({ buffers.sort(0..<half, chunks: chunks) }, { buffers.sort(half..<count, chunks: chunks) })
            buffers.merge(from: Buffers.holding(after: passes), 0, half, count)
            passes += 1
        }
        }
        }
        }
        return Buffers.holding(after: passes) == 0 ? (keys, lines) : (spareKeys, spareLines)
    }

    /// The two buffers of keys and of lines (0: those given, 1: the spares), shared by the two
    /// cores, which touch disjoint parts of them.
    private struct Buffers: @unchecked Sendable {
        let keys: [UnsafeMutableRawPointer]
        let lines: [UnsafeMutablePointer<LineKey>]

        /// The buffer that holds the lines after `passes` merge passes: the chunks' sort copies
        /// them into the spares, each pass into the other buffer.
        static func holding(after passes: Int) -> Int { (passes + 1) % 2 }

        /// Sorts the lines `range` (their keys a contiguous part of the keys) as `chunks`
        /// chunks, then in passes that merge two runs into one; returns the number of passes.
        func sort(_ range: Range<Int>, chunks: Int) -> Int {
            func boundary(_ chunk: Int) -> Int { range.lowerBound + range.count * min(chunk, chunks) / chunks }
            let (keys, spareKeys) = (self.keys[0], self.keys[1])
            let (lines, spareLines) = (self.lines[0], self.lines[1])
            for chunk in 0..<chunks {
                let part = boundary(chunk)..<boundary(chunk + 1)
                guard !part.isEmpty else { continue }
                var copied = lines[part.lowerBound].start
                var chunkLines = UnsafeMutableBufferPointer(start: lines + part.lowerBound, count: part.count)
                chunkLines.sort { LineOrder.precedes(keys, $0, $1) }
                for (offset, line) in chunkLines.enumerated() {
                    spareLines[part.lowerBound + offset] = Self.copy(line, from: keys, to: spareKeys, at: &copied)
                }
            }
            var passes = 0, width = 1
            while width < chunks {
                for first in stride(from: 0, to: chunks, by: 2 * width) {
                    merge(from: Self.holding(after: passes), boundary(first), boundary(first + width), boundary(first + 2 * width))
                }
                passes += 1
                width *= 2
            }
            return passes
        }

        /// Merges the runs `start..<middle` and `middle..<end` of buffer `source` into the
        /// same places of the other buffer.
        func merge(from source: Int, _ start: Int, _ middle: Int, _ end: Int) {
            guard start < end else { return }
            let from = lines[source], to = lines[1 - source]
            let fromKeys = keys[source], toKeys = keys[1 - source]
            // The runs' keys fill a part of the buffer, in their lines' order: it starts at the
            // first line's.
            var copied = from[start].start
            var a = start, b = middle
            for out in start..<end {
                let line: LineKey
                if b == end || (a < middle && !LineOrder.precedes(fromKeys, from[b], from[a])) {
                    line = from[a]
                    a += 1
                } else {
                    line = from[b]
                    b += 1
                }
                to[out] = Self.copy(line, from: fromKeys, to: toKeys, at: &copied)
            }
        }

        private static func copy(_ line: LineKey, from keys: UnsafeMutableRawPointer, to copies: UnsafeMutableRawPointer,
                                 at offset: inout Int) -> LineKey {
            let length = Int(line.length)
            (copies + offset).copyMemory(from: keys + line.start, byteCount: length)
            defer { offset += length }
            return LineKey(start: offset, length: line.length, stack: line.stack)
        }
    }
}
