import Testing

@testable import GoSource

/// The lexer on the lexical elements of the Go specification, the semicolon rule, and broken
/// input.
@Suite struct LexerTests {
    /// (kind, text) of every token, automatic semicolons shown as "\n".
    static func lexed(_ source: String, comments: Bool = false) -> [(GoTokenKind, String)] {
        let bytes = Array(source.utf8)
        return GoLexer.tokenize(bytes, keepComments: comments).map { token in
            (token.kind, token.isAutomaticSemicolon ? "\n" : String(decoding: bytes[token.offset..<(token.offset + token.length)], as: UTF8.self))
        }
    }

    static func texts(_ source: String) -> [String] { lexed(source).map(\.1) }

    @Test func operatorsTakeTheLongestMatch() {
        #expect(Self.texts("a<<=b>>=c&^=d&^e...f<-g:=h!=i") ==
            ["a", "<<=", "b", ">>=", "c", "&^=", "d", "&^", "e", "...", "f", "<-", "g", ":=", "h", "!=", "i", "\n"])
        #expect(Self.lexed("x++\n").map(\.0) == [.identifier, .increment, .semicolon])
        #expect(Self.lexed("&& || == <= >= ~ %=").map(\.0) == [.logicalAnd, .logicalOr, .equal, .lessEqual, .greaterEqual, .tilde, .remAssign])
        for kind in GoTokenKind.allCases {
            guard let spelling = kind.spelling, kind != .semicolon else { continue }
            #expect(Self.lexed(spelling).first?.0 == kind, "\(spelling)")
        }
    }

    @Test func numberLiterals() {
        let cases: [(String, GoTokenKind)] = [
            ("42", .int), ("1_000_000", .int), ("0x1F", .int), ("0o17", .int), ("0b1010", .int), ("017", .int),
            ("3.14", .float), (".5", .float), ("1e9", .float), ("1E-9", .float), ("0x1p-2", .float), ("0x1.8p+1", .float),
            ("6.", .float), ("3i", .imaginary), ("2.5i", .imaginary), ("0x1p4i", .imaginary),
        ]
        for (literal, kind) in cases {
            let tokens = Self.lexed(literal)
            #expect(tokens.count == 2 && tokens[0].0 == kind && tokens[0].1 == literal, "\(literal): \(tokens)")
        }
        // A slice expression and a method value on a number are not one float.
        #expect(Self.texts("a[1:2]") == ["a", "[", "1", ":", "2", "]", "\n"])
        #expect(Self.texts("x[1...]") == ["x", "[", "1", "...", "]", "\n"])
    }

    @Test func runesStringsAndRawStrings() {
        #expect(Self.lexed(#"'a' '\'' '\x41' '\u00e9' '世'"#).map(\.0) == [.rune, .rune, .rune, .rune, .rune, .semicolon])
        #expect(Self.texts(#"s := "a\"b\\" + `raw\`"#) == ["s", ":=", #""a\"b\\""#, "+", #"`raw\`"#, "\n"])
        // A raw string spans lines; the token after it is on the right line.
        let tokens = GoLexer.tokenize("x := `one\ntwo\nthree`\ny")
        #expect(tokens.map(\.line) == [1, 1, 1, 3, 4, 4])
        #expect(tokens[3].isAutomaticSemicolon)
    }

    @Test func commentsAreDroppedUnlessKept() {
        let source = "a // line\nb /* block */ c /* two\nlines */ d"
        #expect(Self.texts(source) == ["a", "\n", "b", "c", "\n", "d", "\n"])
        #expect(Self.lexed(source, comments: true).filter { $0.0 == .comment }.map(\.1) == ["// line", "/* block */", "/* two\nlines */"])
    }

    /// The Go specification's rule: a newline ends a statement after a name, a literal,
    /// break/continue/fallthrough/return, ++, --, ), ] or }.
    @Test func automaticSemicolons() {
        #expect(Self.texts("return\nx") == ["return", "\n", "x", "\n"])
        #expect(Self.texts("f(\na,\n)\n") == ["f", "(", "a", ",", ")", "\n"])
        #expect(Self.texts("if x {\n}\n") == ["if", "x", "{", "}", "\n"])
        #expect(Self.texts("x +\ny") == ["x", "+", "y", "\n"])
        #expect(Self.texts("i++\nj--\n") == ["i", "++", "\n", "j", "--", "\n"])
        #expect(Self.texts("break\ncontinue\nfallthrough\n") == ["break", "\n", "continue", "\n", "fallthrough", "\n"])
        #expect(Self.texts("a[0]\nb") == ["a", "[", "0", "]", "\n", "b", "\n"])
        // At the end of the input without a newline.
        #expect(Self.texts("x") == ["x", "\n"])
        #expect(Self.texts("") == [])
    }

    @Test func keywordsAndIdentifiers() {
        #expect(Self.lexed("func go goto range rangeX _x ü日本 map chan").map(\.0) ==
            [.kwFunc, .kwGo, .kwGoto, .kwRange, .identifier, .identifier, .identifier, .kwMap, .kwChan])
        #expect(GoTokenKind.allCases.filter(\.isKeyword).count == 25)
    }

    @Test func linesAndColumns() {
        let tokens = GoLexer.tokenize("package p\n\nfunc  f() {\n\tx := 1\n}\n")
        let x = tokens.first { $0.kind == .identifier && $0.offset == 24 }
        #expect(x?.line == 4 && x?.column == 2)
        let f = tokens.first { $0.kind == .kwFunc }
        #expect(f?.line == 3 && f?.column == 1)
        #expect(tokens.first { $0.kind == .leftParen }?.column == 8)
    }

    @Test func brokenInputIsStillTokenized() {
        // Unterminated string: ends before the newline; the next line is lexed normally.
        #expect(Self.texts("s := \"abc\nx") == ["s", ":=", "\"abc", "\n", "x", "\n"])
        // Unterminated rune, raw string, block comment: to the end of the input.
        #expect(Self.lexed("'a").map(\.0) == [.rune, .semicolon])
        #expect(Self.lexed("`abc\ndef").map(\.0) == [.rawString, .semicolon])
        #expect(Self.lexed("x /* never closed\n").map(\.0) == [.identifier, .semicolon])
        // Bytes that start no token; NUL; invalid UTF-8 (taken into identifiers).
        #expect(Self.lexed("a @ # $ ? \\ b").map(\.0) == [.identifier, .invalid, .invalid, .invalid, .invalid, .invalid, .identifier, .semicolon])
        #expect(Self.lexed("a\u{0}b").map(\.0) == [.identifier, .invalid, .identifier, .semicolon])
        let invalidUTF8: [UInt8] = [0x61, 0xFF, 0xFE, 0x20, 0xC3, 0x28, 0x0A]
        #expect(GoLexer.tokenize(invalidUTF8).map(\.kind) == [.identifier, .identifier, .leftParen])
        // A byte order mark at the start is skipped.
        #expect(GoLexer.tokenize([0xEF, 0xBB, 0xBF, 0x78]).map(\.kind) == [.identifier, .semicolon])
        // A backslash at the very end of a string does not read past the input.
        #expect(Self.lexed("\"\\").map(\.0) == [.string, .semicolon])
    }

    /// Every byte is covered by a token, whitespace or a comment, in order, without overlap.
    @Test func tokensTileTheSource() {
        let source = Array("package p\n/* c */ func f(a, b int) (x string) { return `r` + \"s\" } // end\n".utf8)
        let tokens = GoLexer.tokenize(source, keepComments: true)
        var end = 0
        for token in tokens where !token.isAutomaticSemicolon {
            #expect(token.offset >= end)
            for byte in source[end..<token.offset] { #expect([0x20, 0x09, 0x0A, 0x0D].contains(byte)) }
            end = token.offset + token.length
        }
        #expect(end == source.count - 1)
    }
}
