/// The stacks in the byte order of their lines, each with its line as the ranks of its tokens,
/// big-endian, `width` bytes a token; the keys stored in that order too.
struct LineOrder: Sendable {
    let keys: [UInt8]
    let width: Int
    /// Each line's key and stack (`item`).
    let lines: [SortKey]
}

extension FoldedStacks {
    /// The stacks in the byte order of their lines, without building the lines. A frame name
    /// with what follows it in a line (";", or the end of the line's stack) is a token; no
    /// token is the prefix of another, so lines compare as their sequences of tokens, and
    /// tokens as their ranks. Each stack becomes its ranks as big-endian bytes, which memcmp
    /// compares in that order. The sort (`KeySort`) is stable, as the sort of whole lines was.
    func lineOrder(_ ranks: EscapedNames.TokenRanks) -> LineOrder {
        let (midRank, lastRank) = (ranks.mid, ranks.last)
        // Two bytes a rank when every rank fits (tens of thousands of names at most, as a rule):
        // half the keys to sort through.
        let width = ranks.count <= 1 << 16 ? 2 : 4
        var keys = [UInt8](repeating: 0, count: frames.count * width)
        keys.withUnsafeMutableBytes { keys in
            for stack in 0..<count {
                let stackFrames = frames(of: stack)
                for position in stackFrames.indices {
                    let frame = Int(stackFrames[position])
                    let rank = position == stackFrames.endIndex - 1 ? lastRank[frame] : midRank[frame]
                    if width == 2 {
                        keys.storeBytes(of: UInt16(rank).bigEndian, toByteOffset: position * 2, as: UInt16.self)
                    } else {
                        keys.storeBytes(of: rank.bigEndian, toByteOffset: position * 4, as: UInt32.self)
                    }
                }
            }
        }
        let lines = (0..<count).map { stack in
            SortKey(start: starts[stack] * width, length: UInt32((starts[stack + 1] - starts[stack]) * width), item: UInt32(stack))
        }
        let (sortedKeys, order) = KeySort.sorted(keys: consume keys, items: consume lines)
        return LineOrder(keys: sortedKeys, width: width, lines: order)
    }
}
