/// What one statement does, read from its own tokens (not from its nested blocks or from the
/// bodies of function literals in it): the assignments and the calls.

/// `a, b = x, y`, `m[k] := v`, `n += 2`, `i++` (then `op` is `.increment` and `values` empty).
public struct GoAssignment: Sendable {
    public var targets: [Range<Int>]
    public var op: GoTokenKind
    public var values: [Range<Int>]
}

/// A call `callee(arguments)`: `delete(m, k)`, `c.mu.Lock()`, `t.inflight.LoadOrStore(id, st)`.
/// Conversions (`[]byte(s)`, `int64(n)`) look the same and are included.
public struct GoCall: Sendable {
    /// The called expression's tokens: a name, or a selector chain ending in the method name.
    public var callee: Range<Int>
    /// The callee as compact text (`c.mu.Lock`).
    public var name: String
    public var arguments: [Range<Int>]
    /// The `(` token.
    public var open: Int

    /// For `x.y.M(...)`, the tokens of `x.y` (the receiver of method `M`); nil for a plain call.
    public var receiver: Range<Int>? {
        callee.count >= 3 ? callee.lowerBound..<(callee.upperBound - 2) : nil
    }
    /// The last name of the callee (`Lock` for `c.mu.Lock`).
    public var method: String { name.split(separator: ".").last.map(String.init) ?? name }
}

/// The facts of one statement.
struct StatementFacts {
    var assignments: [GoAssignment] = []
    var calls: [GoCall] = []

    init(_ file: GoFile, _ statement: GoStatement) {
        let text = file.text
        // Closure bodies are other functions: skip from their `func` to their closing brace.
        var skips: [Range<Int>] = []
        for closure in statement.closures {
            let function = file.functions[closure]
            let end = function.body.map { $0.tokens.upperBound + 1 } ?? function.funcToken + 1
            skips.append(function.funcToken..<end)
        }
        let own: Range<Int>
        switch statement.kind {
        case .forLoop, .rangeLoop, .ifStatement, .switchStatement, .selectStatement, .block:
            own = statement.header
        default:
            own = statement.tokens
        }
        // Assignments: in a simple statement, or in a header's init/post statements.
        switch statement.kind {
        case .simple:
            if let assignment = Self.assignment(text, own) { assignments.append(assignment) }
        case .forLoop, .ifStatement, .switchStatement:
            for segment in text.splitAtSemicolons(own) {
                if let assignment = Self.assignment(text, segment) { assignments.append(assignment) }
            }
        default:
            break
        }
        calls = Self.calls(text, own, skipping: skips)
    }

    static func assignment(_ text: TokenText, _ segment: Range<Int>) -> GoAssignment? {
        guard !segment.isEmpty else { return nil }
        let last = text.kind(segment.upperBound - 1)
        if last == .increment || last == .decrement {
            return GoAssignment(targets: [segment.lowerBound..<(segment.upperBound - 1)], op: last, values: [])
        }
        let assignmentKinds: Set<GoTokenKind> = [.assign, .define, .addAssign, .subAssign, .mulAssign, .quoAssign,
                                                 .remAssign, .andAssign, .orAssign, .xorAssign, .shlAssign,
                                                 .shrAssign, .andNotAssign]
        guard let op = text.firstOutsideBrackets(assignmentKinds, in: segment) else { return nil }
        return GoAssignment(targets: text.splitAtCommas(segment.lowerBound..<op), op: text.kind(op),
                            values: text.splitAtCommas((op + 1)..<segment.upperBound))
    }

    static func calls(_ text: TokenText, _ range: Range<Int>, skipping skips: [Range<Int>]) -> [GoCall] {
        var calls: [GoCall] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if let skip = skips.first(where: { $0.contains(index) }) { index = skip.upperBound; continue }
            if text.kind(index) == .leftParen, index > range.lowerBound,
               [.identifier, .rightBracket, .rightParen].contains(text.kind(index - 1)),
               let callee = calleeChain(text, endingAt: index - 1, from: range.lowerBound) {
                let close = min(text.pairs.end(of: index), range.upperBound)
                calls.append(GoCall(callee: callee, name: text.compact(callee),
                                    arguments: text.splitAtCommas(span(index + 1, close)), open: index))
            }
            index += 1
        }
        return calls
    }

    /// The selector chain ending at `end` (`x.y[i].M`, `f(a).g`), walking back; nil when `end`
    /// closes a group that is not part of a chain (`(a+b)(x)` is not worth a name).
    static func calleeChain(_ text: TokenText, endingAt end: Int, from limit: Int) -> Range<Int>? {
        var start = end
        var k = end
        var steps = 0
        while k >= limit && steps < 64 {
            steps += 1
            switch text.kind(k) {
            case .identifier:
                start = k
                if text.kind(k - 1) == .period && k - 2 >= limit { k -= 2; continue }
            case .rightBracket, .rightParen:
                let open = text.pairs.partner(k)
                guard open >= limit, open > 0, [.identifier, .rightBracket, .rightParen].contains(text.kind(open - 1)) else {
                    return k == end ? nil : start..<(end + 1)
                }
                k = open - 1
                continue
            default:
                break
            }
            break
        }
        return text.kind(start) == .identifier ? start..<(end + 1) : nil
    }
}

extension GoFile {
    /// The assignments `statement` makes itself: in a simple statement, or in the init/post
    /// statements of a `for`/`if`/`switch` header (not in nested blocks or function literals).
    public func assignments(in statement: GoStatement) -> [GoAssignment] {
        StatementFacts(self, statement).assignments
    }

    /// The calls in `statement`'s own tokens (for a compound statement, its header), nested
    /// calls included, function literal bodies excluded.
    public func calls(in statement: GoStatement) -> [GoCall] {
        StatementFacts(self, statement).calls
    }
}
