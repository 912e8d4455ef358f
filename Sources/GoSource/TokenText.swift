/// `lower..<upper`, or an empty range at `lower` when `upper` is below it: ranges built from
/// bracket positions in broken input must not trap.
@inline(__always) func span(_ lower: Int, _ upper: Int) -> Range<Int> { lower..<max(lower, upper) }

/// The tokens of one file together with their source bytes: text of a token, compact text of a
/// token range, and the bracket pairs. Shared by the reader and the checks.
///
/// A class whose token kinds sit in a plain buffer: `kind(_:)` is called for every token many
/// times, and in a debug build (the tests' build) reaching into a struct's arrays from another
/// struct's methods costs copies and reference counting each time. Immutable after `init`.
final class TokenText: @unchecked Sendable {
    let source: [UInt8]
    let tokens: [GoToken]
    let pairs: BracketPairs
    let count: Int
    private let kinds: UnsafeMutableBufferPointer<GoTokenKind>

    init(source: [UInt8]) {
        self.source = source
        let tokens = GoLexer.tokenize(source)
        self.tokens = tokens
        self.pairs = BracketPairs(tokens)
        self.count = tokens.count
        kinds = .allocate(capacity: tokens.count)
        var index = 0
        while index < tokens.count {
            (kinds.baseAddress! + index).initialize(to: tokens[index].kind)
            index += 1
        }
    }

    deinit { kinds.deallocate() }

    /// The kinds, for a reader that lives no longer than this object.
    var kindBuffer: UnsafeBufferPointer<GoTokenKind> { UnsafeBufferPointer(kinds) }

    /// The kind of token `index`, or `.semicolon` past the end (so that look-aheads stop there).
    @inline(__always) func kind(_ index: Int) -> GoTokenKind {
        index >= 0 && index < count ? kinds[index] : .semicolon
    }

    /// The source text of one token ("" for an automatic semicolon).
    func text(_ index: Int) -> String {
        guard index >= 0 && index < tokens.count else { return "" }
        let token = tokens[index]
        return String(decoding: source[token.offset..<(token.offset + token.length)], as: UTF8.self)
    }

    /// True when token `index` is an identifier spelled `name`.
    func isIdentifier(_ index: Int, _ name: String) -> Bool {
        kind(index) == .identifier && text(index) == name
    }

    /// The tokens of `range` as one string with no layout: a space only between two word-like
    /// tokens (`map[string]*Session`, `c.sessions`, `chan int`, `x := range m`). Two spellings
    /// of the same expression give the same text, so it serves as a comparison key.
    func compact(_ range: Range<Int>) -> String {
        var out = ""
        var previousWasWord = false
        for index in range.clamped(to: 0..<tokens.count) {
            let token = tokens[index]
            if token.isAutomaticSemicolon { continue }
            let word = token.kind == .identifier || token.kind.isKeyword || token.kind.isLiteral
            if word && previousWasWord { out += " " }
            if token.kind.isAssignment { out += " \(text(index)) "; previousWasWord = false; continue }
            out += token.kind.spelling ?? text(index)
            previousWasWord = word
        }
        return out
    }

    /// The line of token `index` (the last token's line past the end).
    func line(_ index: Int) -> Int {
        guard !tokens.isEmpty else { return 1 }
        return tokens[min(max(index, 0), tokens.count - 1)].line
    }

    /// Splits `range` at commas outside brackets.
    func splitAtCommas(_ range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            switch kind(index) {
            case .leftParen, .leftBracket, .leftBrace:
                index = min(pairs.end(of: index), range.upperBound - 1) + 1
                continue
            case .comma:
                pieces.append(start..<index)
                start = index + 1
            default:
                break
            }
            index += 1
        }
        if start < range.upperBound { pieces.append(start..<range.upperBound) }
        return pieces
    }

    /// The first token of `kind` in `range` outside brackets, if any.
    func firstOutsideBrackets(_ kinds: Set<GoTokenKind>, in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            let k = kind(index)
            if kinds.contains(k) { return index }
            if k == .leftParen || k == .leftBracket || k == .leftBrace {
                index = pairs.end(of: index) + 1
                continue
            }
            index += 1
        }
        return nil
    }

    /// Splits `range` at semicolons (written or automatic) outside brackets; empty pieces dropped.
    func splitAtSemicolons(_ range: Range<Int>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let k = kind(index)
            if k == .semicolon {
                if start < index { pieces.append(start..<index) }
                start = index + 1
            } else if k == .leftParen || k == .leftBracket || k == .leftBrace {
                index = min(pairs.end(of: index), range.upperBound)
            }
            index += 1
        }
        if start < range.upperBound { pieces.append(start..<range.upperBound) }
        return pieces
    }
}
