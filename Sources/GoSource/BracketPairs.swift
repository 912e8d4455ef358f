/// Matches `( )`, `[ ]` and `{ }` over a token list, once, so that the reader can jump over a
/// group instead of counting brackets again at every level (which would make deep nesting
/// quadratic).
///
/// Broken input is resolved the way a forgiving parser would: a closer whose opener is further
/// down the stack closes the openers above it too; a closer with no opener of its kind is
/// ignored; openers still open at the end are closed by the end of the tokens. Each token is
/// pushed and popped at most once, so this is linear.
/// (A class over a plain buffer for the same reason as `TokenText`; immutable after `init`.)
final class BracketPairs: @unchecked Sendable {
    /// For an opener: the index of its closer (or `tokens.count` when unclosed). For a closer
    /// that was matched: the index of its opener. -1 for everything else.
    private let partners: UnsafeMutableBufferPointer<Int>

    init(_ tokens: [GoToken]) {
        var partner = [Int](repeating: -1, count: tokens.count)
        var stack: [Int] = []
        var open = [0, 0, 0] // openers of each kind on the stack: ( [ {
        var index = -1
        while index + 1 < tokens.count {
            index += 1
            switch tokens[index].kind {
            case .leftParen, .leftBracket, .leftBrace:
                stack.append(index)
                open[Self.slot(tokens[index].kind)] += 1
            case .rightParen, .rightBracket, .rightBrace:
                let slot = Self.slot(tokens[index].kind)
                guard open[slot] > 0 else { continue } // a stray closer
                while let top = stack.popLast() {
                    open[Self.slot(tokens[top].kind)] -= 1
                    partner[top] = index
                    if Self.slot(tokens[top].kind) == slot {
                        partner[index] = top
                        break
                    }
                }
            default:
                continue
            }
        }
        for index in stack { partner[index] = tokens.count }
        partners = .allocate(capacity: partner.count)
        _ = partners.initialize(from: partner)
    }

    deinit { partners.deallocate() }

    /// The partners, for a reader that lives no longer than this object.
    var buffer: UnsafeBufferPointer<Int> { UnsafeBufferPointer(partners) }

    /// The partner of token `index` (see above); -1 for any other token or index.
    @inline(__always) func partner(_ index: Int) -> Int {
        index >= 0 && index < partners.count ? partners[index] : -1
    }

    private static func slot(_ kind: GoTokenKind) -> Int {
        switch kind {
        case .leftParen, .rightParen: return 0
        case .leftBracket, .rightBracket: return 1
        default: return 2
        }
    }

    /// The closer of the opener at `index`, or `index` itself for any other token.
    @inline(__always) func end(of index: Int) -> Int {
        let p = partner(index)
        return p > index ? p : index
    }
}
