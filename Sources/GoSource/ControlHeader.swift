/// Where the header of a `for`, `if` or `switch` ends: which `{` opens the body.
///
/// In a header, a `{` may also open a composite literal: `range []int{1, 2} {`,
/// `range map[string]struct{}{} {`. Go's parser decides by the operand before the brace: a
/// composite literal needs a literal type (array, slice, map, struct type, or a func type), while
/// a bare type name must be parenthesized there, so `{` after a name, a call or an index opens the
/// body. Function literals never reach this check: the reader consumes them first.
enum ControlHeader {
    /// At most this many tokens are walked back from a brace (keeps the check O(1)).
    private static let lookBehind = 64

    /// True when the `{` at `brace` opens the body of the control statement whose header starts
    /// at `headerStart`.
    static func opensBody(_ text: TokenText, brace: Int, headerStart: Int) -> Bool {
        let previous = brace - 1
        guard previous >= headerStart else { return true }
        switch text.kind(previous) {
        case .kwStruct, .kwInterface:
            return false // the type's own body: `struct{ x int }`
        case .rightBrace:
            // `struct{...}{` or `interface{}{`: the brace follows a type body.
            let open = text.pairs.partner(previous)
            return !(open > headerStart && [.kwStruct, .kwInterface].contains(text.kind(open - 1)))
        case .rightParen:
            // `[]func(int){`: a func type's parameters, then a composite literal.
            return !isFunctionTypeGroup(text, close: previous, headerStart: headerStart)
        case .identifier:
            // Walk back over `pkg.T` and pointer stars to what precedes the element type.
            var before = previous - 1
            if text.kind(before) == .period && text.kind(before - 1) == .identifier { before -= 2 }
            var steps = 0
            while before >= headerStart && text.kind(before) == .mul && steps < lookBehind { before -= 1; steps += 1 }
            guard before >= headerStart else { return true }
            switch text.kind(before) {
            case .rightBracket:
                return !isTypeBracket(text, close: before, headerStart: headerStart)
            case .rightParen:
                return !isFunctionTypeGroup(text, close: before, headerStart: headerStart)
            case .kwMap:
                return false
            default:
                return true
            }
        default:
            return true
        }
    }

    /// True when the `[...]` group closed at `close` is part of a type (`[]T`, `[N]T`,
    /// `map[K]V`, `[][]T`), not an index (`a[i]`).
    private static func isTypeBracket(_ text: TokenText, close: Int, headerStart: Int) -> Bool {
        var close = close
        for _ in 0..<lookBehind {
            let open = text.pairs.partner(close)
            guard open >= headerStart else { return false }
            guard open - 1 >= headerStart else { return true }
            switch text.kind(open - 1) {
            case .kwMap:
                return true
            case .identifier, .int, .float, .imaginary, .rune, .string, .rawString, .rightParen, .rightBrace:
                return false
            case .rightBracket:
                close = open - 1 // `[][]T` or `a[i][j]`: decided by the leftmost group
            default:
                return true
            }
        }
        return false
    }

    /// True when the `( )` group closed at `close` is the parameter (or result) list of a func
    /// type: `func(int)` or `func(int) (bool, error)`.
    private static func isFunctionTypeGroup(_ text: TokenText, close: Int, headerStart: Int) -> Bool {
        let open = text.pairs.partner(close)
        guard open > headerStart else { return false }
        if text.kind(open - 1) == .kwFunc { return true }
        if text.kind(open - 1) == .rightParen {
            let first = text.pairs.partner(open - 1)
            return first > headerStart && text.kind(first - 1) == .kwFunc
        }
        return false
    }

    /// The index after an `if ... { } else if ... { } else { }` chain starting at `start`,
    /// found without reading it (used past the nesting limit). Iterative: the chain may be long.
    static func skipIfChain(_ text: TokenText, at start: Int, limit: Int) -> Int {
        var i = start
        while i < limit {
            i += 1 // past `if`
            while i < limit && text.kind(i) != .leftBrace {
                if text.kind(i) == .leftParen || text.kind(i) == .leftBracket { i = text.pairs.end(of: i) }
                i += 1
            }
            guard i < limit else { return limit }
            i = min(text.pairs.end(of: i), limit - 1) + 1
            guard text.kind(i) == .kwElse, i + 1 < limit else { return i }
            if text.kind(i + 1) == .kwIf { i += 1; continue }
            if text.kind(i + 1) == .leftBrace { return min(text.pairs.end(of: i + 1), limit - 1) + 1 }
            return i + 1
        }
        return limit
    }
}
