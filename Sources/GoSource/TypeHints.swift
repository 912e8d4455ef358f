/// Declared types of names and simple expressions, so that a check can tell a map from a slice
/// or a `sync.Map` before it says anything: `t.progress` is `map[string]*Progress` because `t`
/// is the receiver `*UploadTracker` and its struct declares `progress map[string]*Progress`.
///
/// The types come from what is written: parameters and the receiver, `:=` and `var` in the
/// function (and in enclosing functions, for closures), range variables, package-level `var`s
/// and `type` declarations of the file and its package siblings, and the declared results of
/// functions and methods found there. No inference beyond that: an expression whose type is not
/// written anywhere nearby has no type (nil), and the checks then do not confirm.
final class TypeHints {
    let file: GoFile
    /// The file first, then the other files of its package.
    let package: [GoFile]
    private var outlines: [Int: FunctionOutline] = [:]
    private var declarations: [Int: [String: [Declaration]]] = [:]

    /// Where a local name's type comes from.
    private enum Source {
        case written(String)
        case value(Range<Int>)
        case rangeKey(Range<Int>), rangeValue(Range<Int>)
        case commaOk(Range<Int>)
        case result(Range<Int>, Int)
    }

    private struct Declaration {
        var position: Int
        var source: Source
    }

    private static let maxDepth = 8

    init(file: GoFile, package siblings: [GoFile]) {
        self.file = file
        self.package = [file] + siblings
    }

    func outline(_ function: Int) -> FunctionOutline {
        if let cached = outlines[function] { return cached }
        let outline = FunctionOutline(file: file, function: function)
        outlines[function] = outline
        return outline
    }

    // MARK: Expressions

    /// The type of the expression `range` in `function`: a name, then selectors, indexes, calls
    /// of declared methods and type assertions.
    func type(of range: Range<Int>, in function: Int, depth: Int = 0) -> String? {
        guard !range.isEmpty, depth < Self.maxDepth else { return nil }
        let text = file.text
        var k = range.lowerBound
        var current: String?
        switch text.kind(k) {
        case .identifier:
            current = type(ofName: text.text(k), in: function, at: k, depth: depth + 1)
            k += 1
        case .and:
            return type(of: (k + 1)..<range.upperBound, in: function, depth: depth + 1).map { "*" + $0 }
        case .leftParen where text.pairs.end(of: k) == range.upperBound - 1:
            return type(of: (k + 1)..<(range.upperBound - 1), in: function, depth: depth + 1)
        default:
            return literalType(text.kind(k), count: range.count)
        }
        while k < range.upperBound, let base = current {
            switch text.kind(k) {
            case .period where text.kind(k + 1) == .leftParen: // x.(T)
                let close = text.pairs.end(of: k + 1)
                current = text.compact((k + 2)..<close)
                k = close + 1
            case .period where text.kind(k + 1) == .identifier:
                let name = text.text(k + 1)
                if text.kind(k + 2) == .leftParen {
                    current = methodResult(of: base, name)
                    k = text.pairs.end(of: k + 2) + 1
                } else {
                    current = field(of: base, name)
                    k += 2
                }
            case .leftBracket:
                let close = text.pairs.end(of: k)
                // A slice expression keeps the type; an index gives the element.
                let isSlice = text.firstOutsideBrackets([.colon], in: (k + 1)..<close) != nil
                current = isSlice ? base : elementType(of: base)
                k = close + 1
            default:
                return nil
            }
        }
        return k >= range.upperBound ? current : nil
    }

    private func literalType(_ kind: GoTokenKind, count: Int) -> String? {
        guard count == 1 else { return nil }
        switch kind {
        case .string, .rawString: return "string"
        case .int: return "int"
        case .float: return "float64"
        case .rune: return "rune"
        default: return nil
        }
    }

    /// The type of a value expression on the right of `:=`: `make(T)`, `new(T)`, `&T{}`,
    /// `T{}`, a call of a declared function or method, or a plain expression.
    func valueType(_ range: Range<Int>, in function: Int, depth: Int = 0) -> String? {
        guard !range.isEmpty, depth < Self.maxDepth else { return nil }
        let text = file.text
        let first = range.lowerBound
        let last = range.upperBound - 1
        if text.kind(first) == .and {
            return valueType((first + 1)..<range.upperBound, in: function, depth: depth + 1).map { "*" + $0 }
        }
        if text.kind(last) == .rightBrace {
            let open = text.pairs.partner(last)
            if open > first { return text.compact(first..<open) } // T{...}
        }
        if text.kind(last) == .rightParen, text.pairs.partner(last) > first {
            let open = text.pairs.partner(last)
            let callee = first..<open
            let arguments = text.splitAtCommas((open + 1)..<last)
            switch text.compact(callee) {
            case "make": return arguments.first.map { text.compact($0) }
            case "new": return arguments.first.map { "*" + text.compact($0) }
            case "append": return arguments.first.flatMap { type(of: $0, in: function, depth: depth + 1) }
            case "len", "cap", "copy": return "int"
            default: break
            }
            if callee.count == 1 {
                let name = text.text(first)
                if let result = functionResult(name) { return result }
                if typeDeclaration(name) != nil { return name } // a conversion T(x)
                return nil
            }
        }
        return type(of: range, in: function, depth: depth + 1)
    }

    // MARK: Names

    /// The type of `name` as seen at token `position` inside `function`.
    func type(ofName name: String, in function: Int, at position: Int, depth: Int = 0) -> String? {
        guard depth < Self.maxDepth else { return nil }
        var current: Int? = function
        while let index = current {
            let fn = file.functions[index]
            if let declared = localDeclarations(index)[name] {
                let before = declared.last { $0.position < position } ?? declared.first!
                return resolve(before.source, in: index, depth: depth + 1)
            }
            if let parameter = (fn.parameters + fn.results).first(where: { $0.name == name }) { return parameter.type }
            if let receiver = fn.receiverName, receiver == name, let type = fn.receiverType {
                return fn.isPointerReceiver ? "*" + type : type
            }
            current = fn.parent
        }
        for file in package {
            if let global = file.globals[name] {
                return global.type ?? global.value.flatMap(Self.typeOfValueText)
            }
        }
        return nil
    }

    /// Where `name`, as seen at token `position` in `function`, is declared: the function, and
    /// the token of the declaration (nil for a parameter, result or receiver). Nil for a
    /// package-level or unknown name.
    func declaration(of name: String, in function: Int, at position: Int) -> (function: Int, position: Int?)? {
        var current: Int? = function
        while let index = current {
            let fn = file.functions[index]
            if let declared = localDeclarations(index)[name] {
                return (index, (declared.last { $0.position < position } ?? declared[0]).position)
            }
            if (fn.parameters + fn.results).contains(where: { $0.name == name }) || fn.receiverName == name { return (index, nil) }
            current = fn.parent
        }
        return nil
    }

    /// Which function declares `name` as seen from `function` (itself or an enclosing one), and
    /// whether it is the receiver; nil for a package-level or unknown name.
    func declaringFunction(of name: String, from function: Int) -> (function: Int, isReceiver: Bool)? {
        var current: Int? = function
        while let index = current {
            let fn = file.functions[index]
            if localDeclarations(index)[name] != nil || (fn.parameters + fn.results).contains(where: { $0.name == name }) {
                return (index, false)
            }
            if fn.receiverName == name { return (index, true) }
            current = fn.parent
        }
        return nil
    }

    private func resolve(_ source: Source, in function: Int, depth: Int) -> String? {
        switch source {
        case .written(let type):
            return type
        case .value(let range):
            return valueType(range, in: function, depth: depth)
        case .rangeKey(let range), .rangeValue(let range):
            guard let ranged = type(of: range, in: function, depth: depth).map(underlying) else { return nil }
            let isKey: Bool
            if case .rangeKey = source { isKey = true } else { isKey = false }
            if let parts = Self.mapParts(ranged) { return isKey ? parts.key : parts.value }
            if ranged.hasPrefix("[") || ranged.hasPrefix("*[") { return isKey ? "int" : elementType(of: ranged) }
            if ranged == "string" { return isKey ? "int" : "rune" }
            return nil
        case .commaOk(let range):
            return type(of: range, in: function, depth: depth)
        case .result(let call, let index):
            let text = file.text
            guard let open = text.firstOutsideBrackets([.leftParen], in: call), open > call.lowerBound else { return nil }
            let callee = call.lowerBound..<open
            var results: [GoParameter] = []
            if callee.count == 1 {
                results = functions(named: text.text(call.lowerBound), receiver: nil).first?.results ?? []
            } else if callee.count >= 3, text.kind(open - 2) == .period,
                      let receiver = type(of: call.lowerBound..<(open - 2), in: function, depth: depth) {
                results = functions(named: text.text(open - 1), receiver: Signature.baseTypeName(receiver)).first?.results ?? []
            }
            return index < results.count ? results[index].type : nil
        }
    }

    /// The names declared in `function`'s own statements (not in nested function literals).
    private func localDeclarations(_ function: Int) -> [String: [Declaration]] {
        if let cached = declarations[function] { return cached }
        let text = file.text
        var found: [String: [Declaration]] = [:]
        func add(_ name: String, _ position: Int, _ source: Source) {
            guard name != "_" else { return }
            found[name, default: []].append(Declaration(position: position, source: source))
        }
        for node in outline(function).nodes {
            let statement = node.statement
            if let clause = statement.rangeClause, clause.defines {
                if let key = clause.key { add(key, statement.tokens.lowerBound, .rangeKey(clause.expressionTokens)) }
                if let value = clause.value { add(value, statement.tokens.lowerBound, .rangeValue(clause.expressionTokens)) }
            }
            if statement.kind == .declaration, text.kind(statement.tokens.lowerBound) == .kwVar,
               text.kind(statement.tokens.lowerBound + 1) == .identifier {
                let specification = (statement.tokens.lowerBound + 1)..<statement.tokens.upperBound
                var names: [Int] = []
                var i = specification.lowerBound
                while i < specification.upperBound && text.kind(i) == .identifier {
                    names.append(i)
                    if text.kind(i + 1) == .comma { i += 2 } else { i += 1; break }
                }
                let assign = text.firstOutsideBrackets([.assign], in: span(i, specification.upperBound))
                let typeRange = span(i, assign ?? specification.upperBound)
                let values = assign.map { text.splitAtCommas(($0 + 1)..<specification.upperBound) } ?? []
                for (n, nameIndex) in names.enumerated() {
                    if !typeRange.isEmpty {
                        add(text.text(nameIndex), nameIndex, .written(text.compact(typeRange)))
                    } else if n < values.count {
                        add(text.text(nameIndex), nameIndex, .value(values[n]))
                    }
                }
            }
            for assignment in StatementFacts(file, statement).assignments where assignment.op == .define {
                for (n, target) in assignment.targets.enumerated() where target.count == 1 && text.kind(target.lowerBound) == .identifier {
                    let name = text.text(target.lowerBound)
                    if assignment.values.count == assignment.targets.count {
                        add(name, target.lowerBound, .value(assignment.values[n]))
                    } else if assignment.values.count == 1 {
                        let value = assignment.values[0]
                        // `f(x)` / `t.shard(id)` give results; `m[k]`, `x.(T)`, `<-ch` give a value and ok.
                        let last = value.upperBound - 1
                        let isCall = text.kind(last) == .rightParen && text.kind(text.pairs.partner(last) - 1) == .identifier
                        let isCommaOk = !isCall && ([.rightBracket, .rightParen].contains(text.kind(last)) || text.kind(value.lowerBound) == .arrow)
                        if isCall {
                            add(name, target.lowerBound, .result(value, n))
                        } else if isCommaOk {
                            add(name, target.lowerBound, n == 0 ? .commaOk(value) : .written("bool"))
                        }
                    }
                }
            }
        }
        declarations[function] = found
        return found
    }

    // MARK: Types

    func typeDeclaration(_ name: String) -> GoTypeDeclaration? {
        for file in package { if let declaration = file.types[name] { return declaration } }
        return nil
    }

    /// A named type's underlying type, through chains of named types; other types unchanged.
    func underlying(_ type: String) -> String {
        var current = type
        for _ in 0..<Self.maxDepth {
            let base = current.hasPrefix("*") ? String(current.dropFirst()) : current
            guard let declaration = typeDeclaration(Signature.baseTypeName(base)), base.first?.isLetter == true,
                  !base.contains("."), declaration.underlying != "struct", declaration.underlying != "interface"
            else { return current }
            current = (current.hasPrefix("*") ? "*" : "") + declaration.underlying
        }
        return current
    }

    func isMap(_ type: String?) -> Bool { type.map { underlying($0).hasPrefix("map[") } ?? false }

    func isSliceOrArray(_ type: String?) -> Bool { type.map { underlying($0).hasPrefix("[") } ?? false }

    func isSyncMap(_ type: String?) -> Bool { type == "sync.Map" || type == "*sync.Map" }

    /// A struct field's type, looking through one level of embedded structs.
    func field(of type: String, _ name: String, depth: Int = 0) -> String? {
        guard depth < 3, let declaration = typeDeclaration(Signature.baseTypeName(type)) else { return nil }
        if let field = declaration.fields[name] { return field }
        for (fieldName, fieldType) in declaration.fields where fieldName == Signature.baseTypeName(fieldType) {
            if let promoted = field(of: fieldType, name, depth: depth + 1) { return promoted }
        }
        return nil
    }

    /// What an index expression gives: a map's value type, a slice's or array's element type.
    func elementType(of type: String) -> String? {
        var resolved = underlying(type)
        if resolved.hasPrefix("*[") { resolved.removeFirst() }
        if let parts = Self.mapParts(resolved) { return parts.value }
        if resolved.hasPrefix("[") {
            guard let close = Self.matchingBracket(resolved, from: resolved.startIndex) else { return nil }
            return String(resolved[resolved.index(after: close)...])
        }
        if resolved == "string" { return "byte" }
        return nil
    }

    private func methodResult(of type: String, _ name: String) -> String? {
        let results = functions(named: name, receiver: Signature.baseTypeName(type)).first?.results ?? []
        return results.count == 1 ? results[0].type : nil
    }

    private func functionResult(_ name: String) -> String? {
        let results = functions(named: name, receiver: nil).first?.results ?? []
        return results.count == 1 ? results[0].type : nil
    }

    /// Declared functions (receiver nil) or methods of `receiver` named `name`, in the package.
    func functions(named name: String, receiver: String?) -> [GoFunction] {
        package.flatMap { file in
            file.functions.filter { !$0.isLiteral && $0.name == name && $0.receiverType == receiver }
        }
    }

    // MARK: Type text

    /// `map[string]*Session` -> ("string", "*Session").
    static func mapParts(_ type: String) -> (key: String, value: String)? {
        guard type.hasPrefix("map[") else { return nil }
        let open = type.index(type.startIndex, offsetBy: 3)
        guard let close = matchingBracket(type, from: open) else { return nil }
        return (String(type[type.index(after: open)..<close]), String(type[type.index(after: close)...]))
    }

    private static func matchingBracket(_ text: String, from open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            if text[index] == "[" { depth += 1 } else if text[index] == "]" { depth -= 1; if depth == 0 { return index } }
            index = text.index(after: index)
        }
        return nil
    }

    /// The type of a package-level variable's initial value text: `make(map[K]V)`,
    /// `map[K]V{}`, `&T{}`, `new(T)`, `T{}`.
    static func typeOfValueText(_ value: String) -> String? {
        if value.hasPrefix("make(") || value.hasPrefix("new(") {
            let inner = value.drop { $0 != "(" }.dropFirst()
            var depth = 0
            var end = inner.startIndex
            while end < inner.endIndex {
                let c = inner[end]
                if c == "[" || c == "(" || c == "{" { depth += 1 }
                if c == "]" || c == "}" { depth -= 1 }
                if c == ")" { if depth == 0 { break }; depth -= 1 }
                if c == "," && depth == 0 { break }
                end = inner.index(after: end)
            }
            let type = String(inner[..<end])
            return value.hasPrefix("new(") ? "*" + type : type
        }
        let pointer = value.hasPrefix("&")
        let body = pointer ? value.dropFirst() : Substring(value)
        guard body.hasSuffix("}"), let brace = body.firstIndex(of: "{") else { return nil }
        var type = String(body[..<brace])
        if type == "struct" || type == "interface" { return nil }
        if type.hasSuffix("struct") || type.hasSuffix("interface") { type += "{}" }
        return (pointer ? "*" : "") + type
    }
}
