#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stack's line as the sort moves it: where the stack's key is and how long, beside the
/// stack, so that a comparison reads the two keys and nothing else (on a wide profile, a table
/// of key bounds elsewhere in memory costs a cache miss a side).
struct LineKey: Sendable {
    /// Byte offset of the key in `LineOrder.keys`.
    let start: Int
    let length: UInt32
    let stack: UInt32
}

/// The stacks in the byte order of their lines, each with its line as the ranks of its tokens,
/// big-endian, `width` bytes a token; the keys stored in that order too.
struct LineOrder: Sendable {
    let keys: [UInt8]
    let width: Int
    let lines: [LineKey]

    /// Whether two lines' keys are the same bytes.
    static func same(_ keys: UnsafeRawBufferPointer, _ a: LineKey, _ b: LineKey) -> Bool {
        a.length == b.length && (a.length == 0 || memcmp(keys.baseAddress! + a.start, keys.baseAddress! + b.start, Int(a.length)) == 0)
    }

    static func precedes(_ keys: UnsafeRawBufferPointer, _ a: LineKey, _ b: LineKey) -> Bool {
        let common = Int(min(a.length, b.length))
        if common > 0 {
            let result = memcmp(keys.baseAddress! + a.start, keys.baseAddress! + b.start, common)
            if result != 0 { return result < 0 }
        }
        return a.length < b.length
    }
}

extension FoldedStacks {
    /// The stacks in the byte order of their lines, without building the lines. A frame name
    /// with what follows it in a line (";", or the end of the line's stack) is a token; no
    /// token is the prefix of another, so lines compare as their sequences of tokens, and
    /// tokens as their ranks. Each stack becomes its ranks as big-endian bytes, which memcmp
    /// compares in that order. The sort is stable, as the sort of whole lines was: each half
    /// sorted at once, on two cores, then the two merged.
    func lineOrder(_ ranks: EscapedNames.TokenRanks) -> LineOrder {
        let (midRank, lastRank) = (ranks.mid, ranks.last)
        // Two bytes a rank when every rank fits (tens of thousands of names at most, as a rule):
        // half the keys to sort through.
        let width = max(midRank.max() ?? 0, lastRank.max() ?? 0) < 1 << 16 ? 2 : 4
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
            LineKey(start: starts[stack] * width, length: UInt32((starts[stack + 1] - starts[stack]) * width), stack: UInt32(stack))
        }
        let sortedKeys = keys
        @Sendable func sorted(_ part: ArraySlice<LineKey>) -> [LineKey] {
            var part = Array(part)
            sortedKeys.withUnsafeBytes { keys in part.sort { LineOrder.precedes(keys, $0, $1) } }
            return part
        }
        let half = count / 2
        let (first, second) = Concurrently.both({ sorted(lines[..<half]) }, { sorted(lines[half...]) })
        // The two halves merged, and the keys copied in line order as they are taken (each has
        // just been compared, so it is in the cache): the lines are then written from keys read
        // one after the other, rather than from all over tens of megabytes.
        var order: [LineKey] = []
        order.reserveCapacity(count)
        let inLineOrder = [UInt8](unsafeUninitializedCapacity: sortedKeys.count) { copy, copied in
            sortedKeys.withUnsafeBytes { keys in
                var a = 0, b = 0
                copied = 0
                while a < first.count || b < second.count {
                    // Of two equal lines, the one of the first half (it came first).
                    let line: LineKey
                    if b == second.count || (a < first.count && !LineOrder.precedes(keys, second[b], first[a])) {
                        line = first[a]
                        a += 1
                    } else {
                        line = second[b]
                        b += 1
                    }
                    let length = Int(line.length)
                    if length > 0 {
                        UnsafeMutableRawPointer(copy.baseAddress! + copied).copyMemory(from: keys.baseAddress! + line.start, byteCount: length)
                    }
                    order.append(LineKey(start: copied, length: line.length, stack: line.stack))
                    copied += length
                }
            }
        }
        return LineOrder(keys: inLineOrder, width: width, lines: order)
    }
}
