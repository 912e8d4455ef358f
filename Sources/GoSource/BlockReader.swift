/// Reads the block structure of a Go file from its tokens: the package clause, the functions
/// (declarations and literals) with their nested blocks and statements, and the package-level
/// type and variable declarations that the checks use to tell a map from a slice.
///
/// It is not a parser: expressions stay token ranges. It needs only brackets, keywords and
/// semicolons, so it reads code it does not fully understand (and broken code) without failing.
/// Nesting deeper than `maxDepth` is left unread (an opaque block), which bounds the recursion;
/// every token is visited a bounded number of times, so reading is linear.
final class BlockReader {
    static let maxDepth = 160

    let text: TokenText
    private(set) var packageName = ""
    private(set) var functions: [GoFunction] = []
    private(set) var types: [String: GoTypeDeclaration] = [:]
    private(set) var globals: [String: GoVariableDeclaration] = [:]
    /// How many function literals have been numbered under each function (-1: package level).
    private var literalCounts: [Int: Int] = [:]

    /// The token kinds and bracket partners of `text`, held as plain buffers: this reader asks
    /// for them at every token, and through `text` each question would cost reference counting
    /// in a debug build. `text` keeps them alive.
    private let kinds: UnsafeBufferPointer<GoTokenKind>
    private let partners: UnsafeBufferPointer<Int>
    private let count: Int

    init(text: TokenText) {
        self.text = text
        kinds = text.kindBuffer
        partners = text.pairs.buffer
        count = text.count
    }

    private func kind(_ index: Int) -> GoTokenKind { index >= 0 && index < count ? kinds[index] : .semicolon }

    /// The closer of the opener at `index` (see `BracketPairs.end(of:)`).
    private func end(of index: Int) -> Int {
        let partner = index >= 0 && index < count ? partners[index] : -1
        return partner > index ? partner : index
    }

    // MARK: Top level

    func readFile() {
        var index = 0
        while index < count {
            switch kind(index) {
            case .kwPackage:
                if kind(index + 1) == .identifier { packageName = text.text(index + 1) }
                index = skipSpecification(from: index + 1)
            case .kwFunc:
                index = readFunctionDeclaration(at: index)
            case .kwType:
                index = readTypeDeclaration(at: index)
            case .kwVar:
                index = readVariableDeclaration(at: index, record: true)
            case .kwConst, .kwImport:
                index = readVariableDeclaration(at: index, record: false)
            default:
                index += 1
            }
        }
    }

    /// The index after the `;` that ends a top-level specification starting at `index`.
    private func skipSpecification(from index: Int) -> Int {
        var i = index
        while i < count && kind(i) != .semicolon {
            if kind(i) == .leftParen || kind(i) == .leftBracket || kind(i) == .leftBrace { i = end(of: i) }
            i += 1
        }
        return i + 1
    }

    private func readFunctionDeclaration(at funcIndex: Int) -> Int {
        var i = funcIndex + 1
        var receiver: Range<Int>?
        if kind(i) == .leftParen {
            receiver = span(i + 1, min(end(of: i), count))
            i = end(of: i) + 1
        }
        guard kind(i) == .identifier else { return funcIndex + 1 }
        let name = text.text(i)
        i += 1
        var isGeneric = false
        if kind(i) == .leftBracket {
            isGeneric = true
            i = end(of: i) + 1
        }
        guard kind(i) == .leftParen else { return i }
        let parameters = Signature.parameters(text, span(i + 1, min(end(of: i), count)))
        i = end(of: i) + 1
        let resultsStart = i
        // Results run to the body's `{` (or the `;` of a declaration without body); a struct or
        // interface type among them brings its own braces.
        while i < count {
            let k = kind(i)
            if k == .leftBrace || k == .semicolon || k == .rightBrace { break }
            if (k == .kwStruct || k == .kwInterface) && kind(i + 1) == .leftBrace {
                i = end(of: i + 1) + 1
            } else if k == .leftParen || k == .leftBracket {
                i = end(of: i) + 1
            } else {
                i += 1
            }
        }
        let results = Signature.results(text, span(resultsStart, min(i, count)))

        var function = GoFunction(
            name: name, runtimeName: "", receiverName: nil, receiverType: nil, isPointerReceiver: false,
            parent: nil, isLiteral: false, funcToken: funcIndex, parameters: parameters, results: results,
            body: nil, lines: text.line(funcIndex)...text.line(funcIndex))
        var local = isGeneric ? "\(name)[...]" : name
        if let receiver {
            let parsed = Signature.parameters(text, receiver).first
            let type = parsed?.type ?? ""
            function.isPointerReceiver = type.hasPrefix("*")
            let base = Signature.baseTypeName(type)
            function.receiverType = base
            if let receiverName = parsed?.name, receiverName != "_" { function.receiverName = receiverName }
            let generic = type.contains("[") ? "[...]" : ""
            local = function.isPointerReceiver ? "(*\(base)\(generic)).\(name)" : "\(base)\(generic).\(name)"
        }
        function.runtimeName = "\(packageName.isEmpty ? "main" : packageName).\(local)"
        let index = functions.count
        functions.append(function)

        guard i < count, kind(i) == .leftBrace else { return i }
        let body = readBlock(open: i, limit: count, function: index, depth: 1)
        functions[index].body = body
        functions[index].lines = text.line(funcIndex)...body.lines.upperBound
        return min(end(of: i), count) + 1
    }

    /// `type T ...` or `type ( ... )`: records each type's underlying text and struct fields.
    private func readTypeDeclaration(at typeIndex: Int) -> Int {
        let next: Int
        var specifications: [Range<Int>] = []
        if kind(typeIndex + 1) == .leftParen {
            let close = min(end(of: typeIndex + 1), count)
            specifications = text.splitAtSemicolons(span(typeIndex + 2, close))
            next = close + 1
        } else {
            let stop = skipSpecification(from: typeIndex + 1)
            specifications = [span(typeIndex + 1, min(stop - 1, count))]
            next = stop
        }
        for specification in specifications {
            if let declaration = Declarations.type(text, specification) { types[declaration.name] = declaration }
        }
        return next
    }

    /// `var`/`const`/`import`, single or grouped. Function literals in initial values are read
    /// (they are package-level closures); `var`s are recorded when `record` is set.
    private func readVariableDeclaration(at keywordIndex: Int, record: Bool) -> Int {
        let scan = scanExpression(from: keywordIndex + 1, to: count, function: nil, depth: 1) { k, _ in k == .semicolon }
        if record {
            let specifications: [Range<Int>]
            if kind(keywordIndex + 1) == .leftParen {
                specifications = text.splitAtSemicolons(span(keywordIndex + 2, min(end(of: keywordIndex + 1), count)))
            } else {
                specifications = [span(keywordIndex + 1, scan.end)]
            }
            for specification in specifications {
                for declaration in Declarations.variables(text, specification) { globals[declaration.name] = declaration }
            }
        }
        return scan.end + 1
    }

    // MARK: Blocks and statements

    /// The block whose `{` is at `open`; its `}` is the bracket partner, clamped to `limit`.
    private func readBlock(open: Int, limit: Int, function: Int?, depth: Int) -> GoBlock {
        let close = min(end(of: open), limit)
        let inner = min(open + 1, close)..<close
        let lines = text.line(open)...max(text.line(open), text.line(min(close, count - 1)))
        guard depth <= Self.maxDepth else {
            return GoBlock(tokens: inner, lines: lines, statements: [], isOpaque: true)
        }
        let statements = readStatements(from: inner.lowerBound, to: inner.upperBound, function: function, depth: depth, stopAtCase: false).statements
        return GoBlock(tokens: inner, lines: lines, statements: statements)
    }

    private func readStatements(from start: Int, to limit: Int, function: Int?, depth: Int, stopAtCase: Bool) -> (statements: [GoStatement], next: Int) {
        var statements: [GoStatement] = []
        var i = start
        while i < limit {
            let k = kind(i)
            if k == .semicolon { i += 1; continue }
            if stopAtCase && (k == .kwCase || k == .kwDefault) { break }
            let (statement, next) = readStatement(at: i, limit: limit, function: function, depth: depth)
            if let statement { statements.append(statement) }
            i = max(next, i + 1)
        }
        return (statements, min(i, limit))
    }

    private func readStatement(at first: Int, limit: Int, function: Int?, depth: Int) -> (GoStatement?, Int) {
        var start = first
        // Labels (`Outer:`) belong to the statement after them.
        while kind(start) == .identifier && kind(start + 1) == .colon && start + 1 < limit { start += 2 }
        guard start < limit else { return (nil, limit) }
        switch kind(start) {
        case .semicolon, .rightBrace:
            return (nil, start + 1)
        case .kwFor:
            return readControl(.forLoop, at: start, limit: limit, function: function, depth: depth)
        case .kwIf:
            return readIf(at: start, limit: limit, function: function, depth: depth)
        case .kwSwitch:
            return readControl(.switchStatement, at: start, limit: limit, function: function, depth: depth)
        case .kwSelect:
            return readControl(.selectStatement, at: start, limit: limit, function: function, depth: depth)
        case .leftBrace:
            let block = readBlock(open: start, limit: limit, function: function, depth: depth + 1)
            let end = min(end(of: start), limit)
            return (statement(.block, span(start, min(end + 1, limit)), blocks: [block]), end + 1)
        case .kwGo: return readSimple(.goStatement, at: start, limit: limit, function: function, depth: depth)
        case .kwDefer: return readSimple(.deferStatement, at: start, limit: limit, function: function, depth: depth)
        case .kwReturn: return readSimple(.returnStatement, at: start, limit: limit, function: function, depth: depth)
        case .kwBreak, .kwContinue, .kwGoto, .kwFallthrough: return readSimple(.branch, at: start, limit: limit, function: function, depth: depth)
        case .kwVar, .kwConst, .kwType: return readSimple(.declaration, at: start, limit: limit, function: function, depth: depth)
        default: return readSimple(.simple, at: start, limit: limit, function: function, depth: depth)
        }
    }

    private func readSimple(_ kind: GoStatement.Kind, at start: Int, limit: Int, function: Int?, depth: Int) -> (GoStatement?, Int) {
        let scan = scanExpression(from: start, to: limit, function: function, depth: depth) { k, _ in k == .semicolon }
        var result = statement(kind, start..<max(scan.end, start + 1))
        result.closures = scan.closures
        return (result, scan.end + 1)
    }

    /// `for`, `switch`, `select`: a header, then a body (for switch/select: case clauses).
    private func readControl(_ kind: GoStatement.Kind, at start: Int, limit: Int, function: Int?, depth: Int) -> (GoStatement?, Int) {
        let header = start + 1
        let text = self.text
        let scan = scanExpression(from: header, to: limit, function: function, depth: depth) { k, i in
            k == .leftBrace && ControlHeader.opensBody(text, brace: i, headerStart: header)
        }
        let open = scan.end
        var result = statement(kind, span(start, min(open + 1, limit)))
        result.header = span(header, open)
        result.closures = scan.closures
        guard open < limit, self.kind(open) == .leftBrace else { return (result, open) }
        let close = min(end(of: open), limit)
        result.tokens = span(start, min(close + 1, limit))
        result.lines = text.line(start)...max(text.line(start), text.line(min(close, count - 1)))
        switch kind {
        case .forLoop:
            result.blocks = [readBlock(open: open, limit: limit, function: function, depth: depth + 1)]
            if let clause = rangeClause(in: result.header) {
                result.kind = .rangeLoop
                result.rangeClause = clause
            }
        default:
            let (labels, clauses, closures) = readCaseClauses(open: open, close: close, function: function, depth: depth + 1)
            result.caseLabels = labels
            result.blocks = clauses
            result.closures += closures
        }
        return (result, close + 1)
    }

    private func readCaseClauses(open: Int, close: Int, function: Int?, depth: Int) -> ([Range<Int>], [GoBlock], [Int]) {
        var labels: [Range<Int>] = [], clauses: [GoBlock] = [], closures: [Int] = []
        guard depth <= Self.maxDepth else { return ([], [], []) }
        var i = open + 1
        while i < close {
            let k = kind(i)
            if k == .semicolon { i += 1; continue }
            guard k == .kwCase || k == .kwDefault else {
                // Statements before the first case are not Go; read past them.
                let (_, next) = readStatement(at: i, limit: close, function: function, depth: depth)
                i = max(next, i + 1)
                continue
            }
            let label = scanExpression(from: i + 1, to: close, function: function, depth: depth) { k, _ in k == .colon }
            closures += label.closures
            labels.append(span(i, label.end))
            let bodyStart = min(label.end + 1, close)
            let (statements, next) = readStatements(from: bodyStart, to: close, function: function, depth: depth, stopAtCase: true)
            let lastLine = text.line(max(next - 1, i))
            clauses.append(GoBlock(tokens: bodyStart..<max(next, bodyStart), lines: text.line(i)...max(text.line(i), lastLine), statements: statements))
            i = max(next, i + 1)
        }
        return (labels, clauses, closures)
    }

    /// `if` with its else chain. An `else if` becomes an else-block holding one if statement.
    private func readIf(at start: Int, limit: Int, function: Int?, depth: Int) -> (GoStatement?, Int) {
        guard depth <= Self.maxDepth else {
            let end = ControlHeader.skipIfChain(text, at: start, limit: limit)
            var opaque = statement(.ifStatement, span(start, end))
            opaque.blocks = [GoBlock(tokens: span(start, end), lines: opaque.lines, statements: [], isOpaque: true)]
            return (opaque, end)
        }
        let header = start + 1
        let text = self.text
        let scan = scanExpression(from: header, to: limit, function: function, depth: depth) { k, i in
            k == .leftBrace && ControlHeader.opensBody(text, brace: i, headerStart: header)
        }
        let open = scan.end
        var result = statement(.ifStatement, span(start, min(open + 1, limit)))
        result.header = span(header, open)
        result.closures = scan.closures
        guard open < limit, kind(open) == .leftBrace else { return (result, open) }
        var close = min(end(of: open), limit)
        result.blocks = [readBlock(open: open, limit: limit, function: function, depth: depth + 1)]
        if close + 1 < limit && kind(close + 1) == .kwElse {
            if kind(close + 2) == .kwIf {
                let (elseIf, next) = readIf(at: close + 2, limit: limit, function: function, depth: depth + 1)
                if let elseIf {
                    result.blocks.append(GoBlock(tokens: elseIf.tokens, lines: elseIf.lines, statements: [elseIf]))
                    close = max(next - 1, close)
                }
            } else if kind(close + 2) == .leftBrace {
                result.blocks.append(readBlock(open: close + 2, limit: limit, function: function, depth: depth + 1))
                close = min(end(of: close + 2), limit)
            }
        }
        result.tokens = span(start, min(close + 1, limit))
        result.lines = text.line(start)...max(text.line(start), text.line(min(close, count - 1)))
        return (result, close + 1)
    }

    /// A statement of `kind` over `tokens`, its lines taken from its first and last token.
    private func statement(_ kind: GoStatement.Kind, _ tokens: Range<Int>, blocks: [GoBlock] = []) -> GoStatement {
        let last = max(tokens.upperBound - 1, tokens.lowerBound)
        let lines = text.line(tokens.lowerBound)...max(text.line(tokens.lowerBound), text.line(last))
        return GoStatement(kind: kind, tokens: tokens, lines: lines, header: tokens.lowerBound..<tokens.lowerBound,
                           blocks: blocks, caseLabels: [], closures: [], rangeClause: nil)
    }

    private func rangeClause(in header: Range<Int>) -> GoRangeClause? {
        guard let rangeIndex = text.firstOutsideBrackets([.kwRange], in: header) else { return nil }
        var key: String?, value: String?, defines = false
        let left = header.lowerBound..<rangeIndex
        if let assign = text.firstOutsideBrackets([.define, .assign], in: left) {
            defines = kind(assign) == .define
            let names = text.splitAtCommas(left.lowerBound..<assign).map { text.compact($0) }
            key = names.first
            value = names.count > 1 ? names[1] : nil
        }
        let expression = (rangeIndex + 1)..<header.upperBound
        return GoRangeClause(key: key, value: value, defines: defines, expression: text.compact(expression), expressionTokens: expression)
    }

    // MARK: Expressions and function literals

    /// Scans an expression (or simple statement) from `start` until `stop` holds for a token
    /// outside brackets, or `limit`. Function literals met on the way are read as functions
    /// (and jumped over); their indices are returned in `closures`.
    private func scanExpression(from start: Int, to limit: Int, function: Int?, depth: Int,
                                         stop: (GoTokenKind, Int) -> Bool) -> (end: Int, closures: [Int]) {
        var closures: [Int] = []
        var nesting = 0
        var i = start
        while i < limit {
            let k = kind(i)
            if nesting == 0 && stop(k, i) { break }
            switch k {
            case .kwFunc:
                if let literal = readFunctionLiteral(at: i, limit: limit, parent: function, depth: depth) {
                    closures.append(literal.index)
                    i = literal.next
                    continue
                }
            case .leftParen, .leftBracket, .leftBrace:
                nesting += 1
            case .rightParen, .rightBracket, .rightBrace:
                if nesting > 0 { nesting -= 1 } else if k == .rightBrace { return (i, closures) }
            default:
                break
            }
            i += 1
        }
        return (min(i, limit), closures)
    }

    /// A function literal at `funcIndex` (`func(params) results { body }`), read as a function
    /// named after its parent; nil when the `func` there is a function type.
    private func readFunctionLiteral(at funcIndex: Int, limit: Int, parent: Int?, depth: Int) -> (index: Int, next: Int)? {
        guard kind(funcIndex + 1) == .leftParen else { return nil }
        // After `]` (`[]func()`, `map[K]func()`) or `chan`, `func` starts a type.
        if funcIndex > 0, [.rightBracket, .kwChan].contains(kind(funcIndex - 1)) { return nil }
        let paramsClose = end(of: funcIndex + 1)
        var i = paramsClose + 1
        // Result types: names, `.`, `*`, `<-`, map/chan/func, brackets and struct/interface bodies.
        scan: while i < limit {
            switch kind(i) {
            case .identifier, .period, .mul, .arrow, .kwMap, .kwChan, .kwFunc:
                i += 1
            case .leftBracket, .leftParen:
                i = end(of: i) + 1
            case .kwStruct, .kwInterface:
                i = kind(i + 1) == .leftBrace ? end(of: i + 1) + 1 : i + 1
            default:
                break scan
            }
        }
        guard i < limit, kind(i) == .leftBrace else { return nil }

        let key = parent ?? -1
        let number = (literalCounts[key] ?? 0) + 1
        literalCounts[key] = number
        let name: String
        let runtimeName: String
        if let parent {
            name = functions[parent].isLiteral ? "\(number)" : "func\(number)"
            runtimeName = "\(functions[parent].runtimeName).\(name)"
        } else {
            name = "func\(number)"
            runtimeName = "\(packageName.isEmpty ? "main" : packageName).init.\(name)"
        }
        let index = functions.count
        functions.append(GoFunction(
            name: name, runtimeName: runtimeName, receiverName: nil, receiverType: nil, isPointerReceiver: false,
            parent: parent, isLiteral: true, funcToken: funcIndex,
            parameters: Signature.parameters(text, span(funcIndex + 2, min(paramsClose, limit))),
            results: Signature.results(text, span(paramsClose + 1, i)),
            body: nil, lines: text.line(funcIndex)...text.line(funcIndex)))
        let body = readBlock(open: i, limit: limit, function: index, depth: depth + 1)
        functions[index].body = body
        functions[index].lines = text.line(funcIndex)...body.lines.upperBound
        return (index, min(end(of: i), limit - 1) + 1)
    }
}
