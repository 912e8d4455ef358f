/// The block structure the reader finds: functions, their `{ }` blocks and the statements in them.
/// Positions are token indices into `GoFile.tokens` (which hold no comments) and 1-based lines.

/// A `{ ... }` block, or the statement list of one `case`/`default` clause.
public struct GoBlock: Sendable {
    /// The tokens inside the braces (for a case clause: after its `:`).
    public var tokens: Range<Int>
    /// From the line of the opening brace (or case label) to the line of the closing brace.
    public var lines: ClosedRange<Int>
    public var statements: [GoStatement]
    /// True when the reader did not look inside because the nesting was too deep.
    public var isOpaque: Bool = false
}

/// One statement, with its nested blocks.
public struct GoStatement: Sendable {
    public enum Kind: Sendable, Equatable {
        /// An expression, send, inc/dec or assignment statement (`x = y`, `m[k]++`, `f(x)`, ...).
        case simple
        /// `var`, `const` or `type` inside a function.
        case declaration
        case goStatement, deferStatement, returnStatement
        /// `break`, `continue`, `goto`, `fallthrough`.
        case branch
        /// A bare `{ ... }` block.
        case block
        /// `for` without a range clause (`for {`, `for cond {`, `for i := 0; i < n; i++ {`).
        case forLoop
        /// `for ... range X {`.
        case rangeLoop
        /// `if`: blocks[0] is the then-branch, blocks[1] (if any) the else-branch; an `else if`
        /// is an else-branch holding one `.ifStatement`.
        case ifStatement
        /// `switch` / `select`: blocks are the case clauses, in order.
        case switchStatement, selectStatement
    }

    public var kind: Kind
    /// All the statement's tokens, nested blocks included (a label before it excluded).
    public var tokens: Range<Int>
    public var lines: ClosedRange<Int>
    /// For `for`, `if`, `switch`, `select`: the tokens between the keyword and the body's `{`.
    /// Empty for other statements.
    public var header: Range<Int>
    /// Nested blocks: the loop or block body, the if/else branches, the case clauses.
    public var blocks: [GoBlock]
    /// For case clauses (`blocks` of a switch or select): the label tokens of each clause,
    /// `case x, y` or `default`, in the order of `blocks`.
    public var caseLabels: [Range<Int>]
    /// `GoFile.functions` indices of the function literals that appear in this statement's own
    /// tokens (not in its nested blocks), in source order.
    public var closures: [Int]
    /// The range clause of a `.rangeLoop`.
    public var rangeClause: GoRangeClause?
}

/// `for k, v := range X` / `for k = range X` / `for range X`.
public struct GoRangeClause: Sendable {
    /// The key variable's name, nil when absent; `_` stays `_`.
    public var key: String?
    public var value: String?
    /// True for `:=`, false for `=` or no variables.
    public var defines: Bool
    /// The ranged expression, as compact text (`c.sessions`, `r.shards[i].m`).
    public var expression: String
    public var expressionTokens: Range<Int>
}

/// A named parameter or result (`name` is nil for an unnamed one); `type` is compact text.
public struct GoParameter: Sendable, Equatable {
    public var name: String?
    public var type: String
}

/// A function declaration, a method, or a function literal (closure).
public struct GoFunction: Sendable {
    /// The declared name; for a closure the last element of its runtime name (`func1`, `2`).
    public var name: String
    /// The name Go's runtime prints, without the import path: `main.process`,
    /// `main.(*SessionCache).Expire`, `main.main.func1`, `main.(*T).run.func2.1`.
    public var runtimeName: String
    /// For a method: the receiver's variable name (nil when unnamed or `_`).
    public var receiverName: String?
    /// For a method: the receiver's base type name, without `*` or type arguments.
    public var receiverType: String?
    public var isPointerReceiver: Bool
    /// For a function literal: the index of the enclosing function in `GoFile.functions`
    /// (nil for literals in package-level declarations).
    public var parent: Int?
    public var isLiteral: Bool
    /// The `func` keyword's token index.
    public var funcToken: Int
    public var parameters: [GoParameter]
    public var results: [GoParameter]
    /// The body; nil for a declaration without one (implemented in assembly).
    public var body: GoBlock?
    /// From the `func` keyword's line to the closing brace's line.
    public var lines: ClosedRange<Int>
}

/// A package-level type declaration; `fields` are filled for struct types.
public struct GoTypeDeclaration: Sendable {
    public var name: String
    /// The type after the name (compact text), e.g. `struct{...}` is given as `struct`, a map
    /// type as `map[string]*Conn`.
    public var underlying: String
    /// Field name to compact type text; an embedded field is named after its type.
    public var fields: [String: String]
}

/// A package-level `var`: its declared type and/or its initial value, as compact text.
public struct GoVariableDeclaration: Sendable {
    public var name: String
    public var type: String?
    public var value: String?
}
