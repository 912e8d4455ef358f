/// One Go source file, lexed and read: its tokens, package name, functions (with their blocks
/// and statements), and package-level type and variable declarations.
///
///     let file = GoFile(path: "main.go", text: source)
///     let expire = file.function(named: "main.(*SessionCache).Expire")
///     print(expire?.lines ?? 0...0, file.functions.count)
///
/// Reading never fails: broken or non-Go input gives whatever structure can be seen in it.
public struct GoFile: Sendable {
    /// The path it was read from, as given (used in reports only).
    public let path: String
    public var source: [UInt8] { text.source }
    /// The tokens, without comments.
    public var tokens: [GoToken] { text.tokens }
    /// The name in the `package` clause ("" when there is none).
    public let packageName: String
    /// Declared functions and methods, and function literals, in source order; a literal's
    /// `parent` is the index of the function it appears in.
    public let functions: [GoFunction]
    /// Package-level types by name.
    public let types: [String: GoTypeDeclaration]
    /// Package-level variables by name.
    public let globals: [String: GoVariableDeclaration]

    let text: TokenText
    private let lineStarts: [Int]

    public init(path: String = "", source: [UInt8]) {
        self.path = path
        let text = TokenText(source: source)
        let reader = BlockReader(text: text)
        reader.readFile()
        self.text = text
        self.packageName = reader.packageName
        self.functions = reader.functions
        self.types = reader.types
        self.globals = reader.globals
        // A plain index loop over the bytes: in a debug build, iterator-based loops cost a
        // metadata lookup per byte.
        self.lineStarts = source.withUnsafeBufferPointer { bytes in
            var starts = [0]
            var offset = 0
            while offset < bytes.count {
                if bytes[offset] == 0x0A { starts.append(offset + 1) }
                offset += 1
            }
            return starts
        }
    }

    public init(path: String = "", text: String) {
        self.init(path: path, source: Array(text.utf8))
    }

    /// The number of lines (a final line without a newline counts).
    public var lineCount: Int { lineStarts.count }

    /// Line `number` (1-based) without its newline; "" outside the file.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : source.count
        if end > start && source[end - 1] == 0x0D { end -= 1 }
        return String(decoding: source[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a token.
    public func text(of token: Int) -> String { text.text(token) }

    /// The tokens of `range` as compact text (`c.sessions`, `map[string]*Session`): no layout,
    /// a space only between two words. Equal expressions give equal text.
    package func compactText(_ range: Range<Int>) -> String { text.compact(range) }

    /// A statement as it is written, on one line: from its first token to the end of that line
    /// (or to its last token, if it ends on the same line), trimmed.
    public func sourceText(of statement: GoStatement) -> String {
        guard let first = statement.tokens.first, first < tokens.count else { return "" }
        let start = tokens[first]
        let lineEnd = start.line < lineStarts.count ? lineStarts[start.line] - 1 : source.count
        var end = lineEnd
        let last = statement.tokens.upperBound - 1
        if last < tokens.count, tokens[last].line == start.line { end = min(lineEnd, tokens[last].offset + tokens[last].length) }
        let raw = String(decoding: source[start.offset..<max(start.offset, end)], as: UTF8.self)
        return raw.trimmingWhitespace()
    }

    /// The function whose runtime name is `name`, as a profile prints it: with or without the
    /// import path (`example.com/app/cache.(*LRU).Get`, `main.main.func1`), `(inline)` suffix or
    /// type arguments. Nil when the file has no such function.
    public func function(named name: String) -> GoFunction? {
        functionIndex(named: name).map { functions[$0] }
    }

    /// The index in `functions` of the function named `name` (see `function(named:)`).
    public func functionIndex(named name: String) -> Int? {
        guard let wanted = RuntimeName(name) else { return nil }
        return functions.indices.first { RuntimeName(functions[$0].runtimeName)?.matches(wanted) == true }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
