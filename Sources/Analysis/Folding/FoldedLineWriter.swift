import CPrefetch

/// Writes folded lines from their sorted keys, formatted on two cores: the lines are cut into
/// blocks of about `blockFrames` frames (never between two stacks that make one line), each
/// core formats one block of a pair into a piece of its own, and this thread hands the pair on,
/// in order, while the next pair is formatted. Memory holds four blocks' text, never the whole
/// text (hundreds of megabytes on a wide profile).
struct FoldedLineWriter: Sendable {
    let order: LineOrder
    let values: [Int64]
    let tokens: TokenTexts
    /// Whether stacks with equal keys make one line, their values summed. When no two names read
    /// the same, equal keys are equal frames, which `writeText` merges; when some do, the stacks
    /// were merged by frames before, and lines that read the same from different frames stay
    /// apart.
    let mergesEqualLines: Bool

    /// About how many frames a block has: a few megabytes of text.
    static let blockFrames = 1 << 16

    func write(to write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let pieces = (0..<4).map { _ in TextPiece(size: 1 << 16) }
        var pending: [TextPiece] = []
        var start = 0, round = 0
        while start < order.lines.count {
            let first = start..<blockEnd(from: start)
            let second = first.upperBound..<blockEnd(from: first.upperBound)
            start = second.upperBound
            // Two pairs of pieces in turn: one formatted while the other is written.
            let mine = pieces[2 * (round % 2)], theirs = pieces[2 * (round % 2) + 1]
            let written = pending
            if second.isEmpty {
                for piece in written { try piece.flush(write) }
                format(first, into: mine)
                pending = [mine]
            } else {
                _ = try Concurrently.both({
                    for piece in written { try piece.flush(write) }
                    format(first, into: mine)
                }, { [self] in format(second, into: theirs) })
                pending = [mine, theirs]
            }
            round += 1
        }
        for piece in pending { try piece.flush(write) }
    }

    /// Where the block that starts at line `start` ends.
    private func blockEnd(from start: Int) -> Int {
        let lines = order.lines
        var end = start, frames = 0
        while end < lines.count && frames < Self.blockFrames {
            frames += Int(lines[end].length) / order.width
            end += 1
        }
        if mergesEqualLines && end < lines.count {
            order.keys.withUnsafeBytes { keys in
                while end < lines.count && SortKey.same(keys.baseAddress, lines[end - 1], lines[end]) { end += 1 }
            }
        }
        return end
    }

    /// The lines of `block`, each `root;caller;leaf VALUE`, appended to `piece`.
    private func format(_ block: Range<Int>, into piece: TextPiece) {
        let width = order.width
        order.keys.withUnsafeBytes { keys in
        order.lines.withUnsafeBufferPointer { lines in
        values.withUnsafeBufferPointer { values in
        tokens.bytes.withUnsafeBytes { text in
        tokens.spans.withUnsafeBufferPointer { spans in
            // The keys come one after the other, but the values in stack order, scattered over
            // megabytes: those a few lines ahead are asked for before their turn, so that their
            // cache misses overlap.
            func prefetch(_ next: Int) {
                if next + 8 < block.upperBound { proflens_prefetch(values.baseAddress! + Int(lines[next + 8].item)) }
            }
            var next = block.lowerBound
            while next < block.upperBound {
                let line = lines[next]
                var value = values[Int(line.item)]
                next += 1
                prefetch(next)
                while mergesEqualLines && next < block.upperBound && SortKey.same(keys.baseAddress, lines[next], line) {
                    value &+= values[Int(lines[next].item)]
                    next += 1
                    prefetch(next)
                }
                if value == 0 { continue }
                let tokenCount = Int(line.length) / width
                for position in 0..<tokenCount {
                    let offset = line.start + position * width
                    let rank = width == 2 ? Int(UInt16(bigEndian: keys.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                        : Int(UInt32(bigEndian: keys.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    let span = spans[rank]
                    piece.reserve(span.count + 1)
                    if position > 0 { piece.append(UInt8(ascii: ";")) }
                    piece.append(UnsafeRawBufferPointer(rebasing: text[span]))
                }
                // A space, a value of at most 20 digits and a sign, a newline.
                piece.reserve(23)
                piece.append(UInt8(ascii: " "))
                piece.appendDecimal(value)
                piece.append(UInt8(ascii: "\n"))
            }
        }
        }
        }
        }
        }
    }
}
