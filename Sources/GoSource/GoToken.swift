/// The kinds of Go tokens, as in the Go specification's "Lexical elements" (and go/token).
///
/// One flat enum, so that the block reader can switch on a token without looking at its text.
public enum GoTokenKind: UInt8, Sendable, CaseIterable {
    // Names and literals.
    case identifier
    case int, float, imaginary, rune
    /// An interpreted string literal, `"..."`.
    case string
    /// A raw string literal, `` `...` ``.
    case rawString
    /// A line or block comment; only produced when the lexer is asked to keep comments.
    case comment
    /// `;` written in the source, or one inserted by Go's automatic semicolon rule at a newline
    /// or at the end of the file (then the token's length is 0).
    case semicolon
    /// A byte that starts no Go token (`@`, `#`, `?`, a control byte, ...).
    case invalid

    // Keywords.
    case kwBreak, kwCase, kwChan, kwConst, kwContinue, kwDefault, kwDefer, kwElse, kwFallthrough
    case kwFor, kwFunc, kwGo, kwGoto, kwIf, kwImport, kwInterface, kwMap, kwPackage, kwRange
    case kwReturn, kwSelect, kwStruct, kwSwitch, kwType, kwVar

    // Operators and punctuation.
    case add, sub, mul, quo, rem, and, or, xor, shl, shr, andNot
    case addAssign, subAssign, mulAssign, quoAssign, remAssign, andAssign, orAssign, xorAssign
    case shlAssign, shrAssign, andNotAssign
    case logicalAnd, logicalOr, arrow, increment, decrement
    case equal, less, greater, assign, not, tilde
    case notEqual, lessEqual, greaterEqual, define, ellipsis
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, period, colon

    /// True for the keywords.
    public var isKeyword: Bool { rawValue >= GoTokenKind.kwBreak.rawValue && rawValue <= GoTokenKind.kwVar.rawValue }

    /// True for the literal kinds (numbers, runes, strings).
    public var isLiteral: Bool {
        switch self {
        case .int, .float, .imaginary, .rune, .string, .rawString: return true
        default: return false
        }
    }

    /// True for `=`, `:=` and the operation assignments (`+=`, `<<=`, ...).
    public var isAssignment: Bool {
        switch self {
        case .assign, .define, .addAssign, .subAssign, .mulAssign, .quoAssign, .remAssign, .andAssign,
             .orAssign, .xorAssign, .shlAssign, .shrAssign, .andNotAssign:
            return true
        default: return false
        }
    }

    /// The fixed spelling of a keyword or operator; nil for names, literals, comments and
    /// invalid bytes, whose text is in the source.
    public var spelling: String? { GoTokenKind.spellings[Int(rawValue)] }

    private static let spellings: [String?] = allCases.map { kind -> String? in
        switch kind {
        case .identifier, .int, .float, .imaginary, .rune, .string, .rawString, .comment, .invalid: return nil
        case .semicolon: return ";"
        case .kwBreak: return "break"
        case .kwCase: return "case"
        case .kwChan: return "chan"
        case .kwConst: return "const"
        case .kwContinue: return "continue"
        case .kwDefault: return "default"
        case .kwDefer: return "defer"
        case .kwElse: return "else"
        case .kwFallthrough: return "fallthrough"
        case .kwFor: return "for"
        case .kwFunc: return "func"
        case .kwGo: return "go"
        case .kwGoto: return "goto"
        case .kwIf: return "if"
        case .kwImport: return "import"
        case .kwInterface: return "interface"
        case .kwMap: return "map"
        case .kwPackage: return "package"
        case .kwRange: return "range"
        case .kwReturn: return "return"
        case .kwSelect: return "select"
        case .kwStruct: return "struct"
        case .kwSwitch: return "switch"
        case .kwType: return "type"
        case .kwVar: return "var"
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .quo: return "/"
        case .rem: return "%"
        case .and: return "&"
        case .or: return "|"
        case .xor: return "^"
        case .shl: return "<<"
        case .shr: return ">>"
        case .andNot: return "&^"
        case .addAssign: return "+="
        case .subAssign: return "-="
        case .mulAssign: return "*="
        case .quoAssign: return "/="
        case .remAssign: return "%="
        case .andAssign: return "&="
        case .orAssign: return "|="
        case .xorAssign: return "^="
        case .shlAssign: return "<<="
        case .shrAssign: return ">>="
        case .andNotAssign: return "&^="
        case .logicalAnd: return "&&"
        case .logicalOr: return "||"
        case .arrow: return "<-"
        case .increment: return "++"
        case .decrement: return "--"
        case .equal: return "=="
        case .less: return "<"
        case .greater: return ">"
        case .assign: return "="
        case .not: return "!"
        case .tilde: return "~"
        case .notEqual: return "!="
        case .lessEqual: return "<="
        case .greaterEqual: return ">="
        case .define: return ":="
        case .ellipsis: return "..."
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .comma: return ","
        case .period: return "."
        case .colon: return ":"
        }
    }
}

/// One token: its kind, where its bytes are in the source, and where it starts (1-based line
/// and byte column, as go/token counts them).
public struct GoToken: Sendable, Equatable {
    public var kind: GoTokenKind
    /// Byte offset of the token's first byte in the source.
    public var offset: Int
    /// Length in bytes; 0 for an automatically inserted semicolon.
    public var length: Int
    public var line: Int
    public var column: Int

    public init(kind: GoTokenKind, offset: Int, length: Int, line: Int, column: Int) {
        self.kind = kind
        self.offset = offset
        self.length = length
        self.line = line
        self.column = column
    }

    /// True for a semicolon the lexer inserted at a newline or at the end of the file.
    public var isAutomaticSemicolon: Bool { kind == .semicolon && length == 0 }
}
