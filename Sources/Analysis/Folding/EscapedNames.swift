#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Escaped frame names stored back to back, and the order of the tokens they make in folded
/// lines.
struct EscapedNames {
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]

    init(_ names: [[UInt8]]) {
        for name in names {
            bytes.append(contentsOf: name)
            starts.append(bytes.count)
        }
    }

    var count: Int { starts.count - 1 }

    subscript(name: Int) -> ArraySlice<UInt8> { bytes[starts[name]..<starts[name + 1]] }

    func length(_ name: Int) -> Int { starts[name + 1] - starts[name] }

    func withBytes<R>(_ name: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[starts[name]..<starts[name + 1]])) }
    }

    struct TokenRanks {
        var mid: [UInt32]
        var last: [UInt32]
        /// No two names are the same bytes.
        var distinct: Bool
        /// How many ranks there are (ranks are 0..<count).
        var count: Int
    }

    /// Dense ranks of each name followed by ";" (a frame with a caller below it) and followed
    /// by the end of the stack (the leaf), in byte order, the end coming before any byte; equal
    /// tokens have equal ranks.
    func tokenRanks() -> TokenRanks {
        // Token t: name t / 2, followed by ";" when t is even, by the end when odd.
        let semicolon = Int(UInt8(ascii: ";")), end = -1
        func follower(_ token: Int) -> Int { token % 2 == 0 ? semicolon : end }
        func byte(_ name: Int, _ offset: Int, _ token: Int) -> Int {
            let start = starts[name]
            return start + offset < starts[name + 1] ? Int(bytes[start + offset]) : follower(token)
        }
        func compare(_ a: Int, _ b: Int) -> Int {
            let nameA = a / 2, nameB = b / 2
            let lengthA = starts[nameA + 1] - starts[nameA], lengthB = starts[nameB + 1] - starts[nameB]
            let common = min(lengthA, lengthB)
            let result = bytes.withUnsafeBytes { memcmp($0.baseAddress! + starts[nameA], $0.baseAddress! + starts[nameB], common) }
            if result != 0 { return Int(result) }
            // One name is a prefix of the other: the next byte (or follower) decides.
            let nextA = byte(nameA, common, a), nextB = byte(nameB, common, b)
            if nextA != nextB { return nextA - nextB }
            // Equal tokens (a name's follower never equals the other name's next byte: escaped
            // names hold no ";").
            return 0
        }
        var tokens = Array(0..<(count * 2))
        tokens.sort { compare($0, $1) < 0 }
        var mid = [UInt32](repeating: 0, count: count), last = [UInt32](repeating: 0, count: count)
        var rank: UInt32 = 0
        var distinct = true
        for (position, token) in tokens.enumerated() {
            if position > 0 {
                if compare(tokens[position - 1], token) != 0 { rank += 1 } else { distinct = false }
            }
            if token % 2 == 0 { mid[token / 2] = rank } else { last[token / 2] = rank }
        }
        return TokenRanks(mid: mid, last: last, distinct: distinct, count: tokens.isEmpty ? 0 : Int(rank) + 1)
    }
}

extension EscapedNames {
    /// Each token rank's text, the name without what follows it.
    func texts(of ranks: TokenRanks) -> TokenTexts {
        var spans = [Range<Int>](repeating: 0..<0, count: ranks.count)
        for name in 0..<count {
            // Equal tokens have equal ranks and the same bytes: any of their names will do.
            spans[Int(ranks.mid[name])] = starts[name]..<starts[name + 1]
            spans[Int(ranks.last[name])] = starts[name]..<starts[name + 1]
        }
        return TokenTexts(bytes: bytes, spans: spans)
    }
}

/// The text of each token rank: `bytes[spans[rank]]`.
struct TokenTexts: Sendable {
    let bytes: [UInt8]
    let spans: [Range<Int>]
}
