/// Splits Go source into tokens, following the Go specification's lexical rules, including the
/// automatic semicolon rule (a newline after an identifier, a literal, `break`, `continue`,
/// `fallthrough`, `return`, `++`, `--`, `)`, `]` or `}` ends the statement).
///
/// It accepts any bytes: invalid UTF-8 is taken as part of an identifier (Go allows Unicode
/// letters there), a byte that starts no token becomes an `.invalid` token, and an unterminated
/// string, rune or comment ends where Go's scanner would report the error (at the newline, or at
/// the end of the input). Every step consumes at least one byte, so the time is linear and the
/// lexer cannot loop.
public enum GoLexer {
    /// The tokens of `source`, in order. Comments are dropped unless `keepComments` is set; they
    /// still count for the semicolon rule (a block comment spanning lines acts as a newline).
    package static func tokenize(_ source: [UInt8], keepComments: Bool = false) -> [GoToken] {
        source.withUnsafeBufferPointer { bytes in
            var scanner = Scanner(bytes: bytes, keepComments: keepComments)
            scanner.run()
            return scanner.tokens
        }
    }

    /// The tokens of a Swift string's UTF-8 bytes.
    package static func tokenize(_ source: String, keepComments: Bool = false) -> [GoToken] {
        tokenize(Array(source.utf8), keepComments: keepComments)
    }
}

/// The byte-level state machine behind `GoLexer`.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let keepComments: Bool
    var tokens: [GoToken] = []
    var pos = 0
    var line = 1
    var lineStart = 0
    /// Whether a newline here ends a statement (the last token allows a semicolon after it).
    var insertSemicolon = false

    init(bytes: UnsafeBufferPointer<UInt8>, keepComments: Bool) {
        self.bytes = bytes
        self.keepComments = keepComments
        tokens.reserveCapacity(bytes.count / 4)
    }

    mutating func run() {
        // A byte order mark at the very start is ignored, as Go's scanner does.
        if byte(bytes, 0) == 0xEF && byte(bytes, 1) == 0xBB && byte(bytes, 2) == 0xBF { pos = 3 }
        while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case 0x20, 0x09, 0x0D: // space, tab, CR
                pos += 1
            case 0x0A: // newline
                if insertSemicolon { addAutomaticSemicolon() }
                pos += 1
                newLine()
            case 0x2F where byte(bytes, pos + 1) == 0x2F: // "//"
                lineComment()
            case 0x2F where byte(bytes, pos + 1) == 0x2A: // "/*"
                blockComment()
            case 0x22: // '"'
                quoted(close: 0x22, kind: .string)
            case 0x27: // '\''
                quoted(close: 0x27, kind: .rune)
            case 0x60: // '`'
                rawString()
            case 0x30...0x39:
                number()
            case 0x2E where isDigit(byte(bytes, pos + 1)): // ".5"
                number()
            case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...0xFF:
                identifier()
            default:
                punctuation(c)
            }
        }
        if insertSemicolon { addAutomaticSemicolon() }
    }

    // MARK: Emitting

    mutating func add(_ kind: GoTokenKind, from start: Int, line startLine: Int, lineStart startLineStart: Int) {
        tokens.append(GoToken(kind: kind, offset: start, length: pos - start, line: startLine, column: start - startLineStart + 1))
    }

    mutating func add(_ kind: GoTokenKind, from start: Int) {
        add(kind, from: start, line: line, lineStart: lineStart)
        insertSemicolon = GoLexerRules.allowsSemicolonAfter(kind)
    }

    mutating func addAutomaticSemicolon() {
        tokens.append(GoToken(kind: .semicolon, offset: pos, length: 0, line: line, column: pos - lineStart + 1))
        insertSemicolon = false
    }

    mutating func newLine() {
        line += 1
        lineStart = pos
    }

    // MARK: Comments and strings

    mutating func lineComment() {
        let start = pos
        while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
        // The newline itself is left for run(), which applies the semicolon rule.
        if keepComments { add(.comment, from: start, line: line, lineStart: lineStart) }
    }

    mutating func blockComment() {
        let start = pos, startLine = line, startLineStart = lineStart
        var spansLines = false
        pos += 2
        while pos < bytes.count {
            if bytes[pos] == 0x2A && byte(bytes, pos + 1) == 0x2F { pos += 2; break }
            if bytes[pos] == 0x0A { pos += 1; spansLines = true; newLine() } else { pos += 1 }
        }
        // A comment containing a newline acts like one for the semicolon rule.
        if spansLines && insertSemicolon {
            tokens.append(GoToken(kind: .semicolon, offset: start, length: 0, line: startLine, column: start - startLineStart + 1))
            insertSemicolon = false
        }
        if keepComments { add(.comment, from: start, line: startLine, lineStart: startLineStart) }
    }

    /// An interpreted string or a rune literal: ends at the closing quote, or unterminated
    /// before a newline or at the end of the input.
    mutating func quoted(close: UInt8, kind: GoTokenKind) {
        let start = pos
        pos += 1
        while pos < bytes.count {
            let c = bytes[pos]
            if c == close { pos += 1; break }
            if c == 0x0A { break }
            if c == 0x5C && pos + 1 < bytes.count && bytes[pos + 1] != 0x0A { pos += 2 } else { pos += 1 }
        }
        add(kind, from: start)
    }

    mutating func rawString() {
        let start = pos, startLine = line, startLineStart = lineStart
        pos += 1
        while pos < bytes.count {
            let c = bytes[pos]
            pos += 1
            if c == 0x60 { break }
            if c == 0x0A { newLine() }
        }
        add(.rawString, from: start, line: startLine, lineStart: startLineStart)
        insertSemicolon = true
    }

    // MARK: Numbers and names

    /// Decimal, hex (`0x`, with `p` exponents), octal (`0o`, `0`), binary (`0b`) integers and
    /// floats, with `_` separators and an `i` suffix for imaginary literals. Malformed numbers
    /// (`09a`, `1e`) are still one token, as they are for Go's scanner.
    mutating func number() {
        let start = pos
        let hex = bytes[pos] == 0x30 && (byte(bytes, pos + 1) | 0x20) == 0x78 // 0x, 0X
        if hex { pos += 2 }
        var sawDot = false, sawExponent = false
        while pos < bytes.count {
            let c = bytes[pos]
            let lower = c | 0x20
            if (!hex && lower == 0x65) || (hex && lower == 0x70) { // e (decimal), p (hex): exponent
                sawExponent = true
                pos += 1
                if byte(bytes, pos) == 0x2B || byte(bytes, pos) == 0x2D { pos += 1 } // sign
            } else if isDigit(c) || isASCIILetter(c) || c == 0x5F {
                pos += 1
            } else if c == 0x2E && !sawDot && !sawExponent && !(byte(bytes, pos + 1) == 0x2E) {
                sawDot = true
                pos += 1
            } else {
                break
            }
        }
        let kind: GoTokenKind
        if bytes[pos - 1] == 0x69 { kind = .imaginary } else if sawDot || sawExponent { kind = .float } else { kind = .int }
        add(kind, from: start)
    }

    mutating func identifier() {
        let start = pos
        pos += 1
        while pos < bytes.count {
            // Written out (not isDigit/isASCIILetter): this loop sees most bytes of a file.
            let c = bytes[pos]
            let lower = c | 0x20
            if (c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x7A) || c == 0x5F || c >= 0x80 { pos += 1 } else { break }
        }
        add(GoLexerRules.keyword(bytes, start, pos - start) ?? .identifier, from: start)
    }

    // MARK: Operators

    /// Longest match among Go's operators; anything else is one `.invalid` byte.
    mutating func punctuation(_ c: UInt8) {
        let start = pos
        let next = byte(bytes, pos + 1)
        var kind: GoTokenKind
        var length = 1
        switch c {
        case 0x2B: // +
            if next == 0x2B { kind = .increment; length = 2 } else if next == 0x3D { kind = .addAssign; length = 2 } else { kind = .add }
        case 0x2D: // -
            if next == 0x2D { kind = .decrement; length = 2 } else if next == 0x3D { kind = .subAssign; length = 2 } else { kind = .sub }
        case 0x2A: // *
            if next == 0x3D { kind = .mulAssign; length = 2 } else { kind = .mul }
        case 0x2F: // /
            if next == 0x3D { kind = .quoAssign; length = 2 } else { kind = .quo }
        case 0x25: // %
            if next == 0x3D { kind = .remAssign; length = 2 } else { kind = .rem }
        case 0x26: // &
            if next == 0x26 { kind = .logicalAnd; length = 2 }
            else if next == 0x5E { if byte(bytes, pos + 2) == 0x3D { kind = .andNotAssign; length = 3 } else { kind = .andNot; length = 2 } }
            else if next == 0x3D { kind = .andAssign; length = 2 } else { kind = .and }
        case 0x7C: // |
            if next == 0x7C { kind = .logicalOr; length = 2 } else if next == 0x3D { kind = .orAssign; length = 2 } else { kind = .or }
        case 0x5E: // ^
            if next == 0x3D { kind = .xorAssign; length = 2 } else { kind = .xor }
        case 0x3C: // <
            if next == 0x3C { if byte(bytes, pos + 2) == 0x3D { kind = .shlAssign; length = 3 } else { kind = .shl; length = 2 } }
            else if next == 0x3D { kind = .lessEqual; length = 2 } else if next == 0x2D { kind = .arrow; length = 2 } else { kind = .less }
        case 0x3E: // >
            if next == 0x3E { if byte(bytes, pos + 2) == 0x3D { kind = .shrAssign; length = 3 } else { kind = .shr; length = 2 } }
            else if next == 0x3D { kind = .greaterEqual; length = 2 } else { kind = .greater }
        case 0x3D: // =
            if next == 0x3D { kind = .equal; length = 2 } else { kind = .assign }
        case 0x21: // !
            if next == 0x3D { kind = .notEqual; length = 2 } else { kind = .not }
        case 0x3A: // :
            if next == 0x3D { kind = .define; length = 2 } else { kind = .colon }
        case 0x2E: // .
            if next == 0x2E && byte(bytes, pos + 2) == 0x2E { kind = .ellipsis; length = 3 } else { kind = .period }
        case 0x2C: kind = .comma
        case 0x3B: kind = .semicolon
        case 0x28: kind = .leftParen
        case 0x29: kind = .rightParen
        case 0x5B: kind = .leftBracket
        case 0x5D: kind = .rightBracket
        case 0x7B: kind = .leftBrace
        case 0x7D: kind = .rightBrace
        case 0x7E: kind = .tilde
        default:
            // Keep the semicolon rule as it was: a stray byte neither ends nor continues a line.
            pos += 1
            let keep = insertSemicolon
            add(.invalid, from: start)
            insertSemicolon = keep
            return
        }
        pos += length
        add(kind, from: start)
    }
}

// Byte helpers, as free functions: calling a method of `Scanner` from one of its mutating
// methods copies the struct in a debug build (and the tests run in one).

/// The byte at `index`, or 0 past the end (0 starts no multi-byte token, so it stops them).
@inline(__always) private func byte(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8 {
    index < bytes.count ? bytes[index] : 0
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

@inline(__always) private func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

/// Tables for the lexer: keywords, and which tokens allow a semicolon after them.
enum GoLexerRules {
    /// Keywords by length (all are lowercase ASCII, 2 to 11 bytes).
    static let keywordsByLength: [[([UInt8], GoTokenKind)]] = {
        var table = [[([UInt8], GoTokenKind)]](repeating: [], count: 12)
        for kind in GoTokenKind.allCases where kind.isKeyword {
            let spelling = Array(kind.spelling!.utf8)
            table[spelling.count].append((spelling, kind))
        }
        return table
    }()

    static func keyword(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> GoTokenKind? {
        guard length >= 2, length <= 11, bytes[start] >= 0x61, bytes[start] <= 0x7A else { return nil }
        candidates: for (spelling, kind) in keywordsByLength[length] {
            for i in 0..<length where spelling[i] != bytes[start + i] { continue candidates }
            return kind
        }
        return nil
    }

    /// The automatic semicolon rule of the Go specification.
    static func allowsSemicolonAfter(_ kind: GoTokenKind) -> Bool {
        switch kind {
        case .identifier, .int, .float, .imaginary, .rune, .string, .rawString,
             .kwBreak, .kwContinue, .kwFallthrough, .kwReturn,
             .increment, .decrement, .rightParen, .rightBracket, .rightBrace:
            return true
        default:
            return false
        }
    }
}
