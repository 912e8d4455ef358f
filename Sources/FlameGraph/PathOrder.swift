#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The order of a flame tree's paths (frame ids stored big-endian), the one order that sorting
/// them and walking them into a tree share: memcmp of their bytes, which orders them as
/// sequences of ids, a path before the longer ones it begins.
enum PathOrder {
    /// Negative: `a` first; zero: the same path.
    static func compare(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let result = memcmp(a.baseAddress!, b.baseAddress!, common * 4)
            if result != 0 { return Int(result) }
        }
        return a.count - b.count
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in compare(a, b) } }
    }

    /// How many frames two paths share from their start.
    static func sharedLength(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        let limit = min(a.count, b.count)
        var position = 0
        if limit >= 2 {
            let aRaw = UnsafeRawPointer(a.baseAddress!), bRaw = UnsafeRawPointer(b.baseAddress!)
            // Two frames at a time, then the last one.
            while position + 2 <= limit
                && aRaw.loadUnaligned(fromByteOffset: position * 4, as: UInt64.self) == bRaw.loadUnaligned(fromByteOffset: position * 4, as: UInt64.self) {
                position += 2
            }
        }
        while position < limit && a[position] == b[position] { position += 1 }
        return position
    }

    static func sharedLength(_ a: [UInt32], _ b: [UInt32]) -> Int {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in sharedLength(a, b) } }
    }
}
