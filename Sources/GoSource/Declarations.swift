/// Parameter lists, results, and package-level type and variable declarations: just enough to
/// know the declared type of a name (is `t.progress` a map? is `t.inflight` a `sync.Map`?).
enum Signature {
    /// The parameters between the parentheses (`range` excludes them). Go writes either all
    /// names (`a, b int, c string`) or none (`int, string`).
    static func parameters(_ text: TokenText, _ range: Range<Int>) -> [GoParameter] {
        let pieces = text.splitAtCommas(range).filter { !$0.isEmpty }
        let named = pieces.contains { isNamedPiece(text, $0) }
        guard named else { return pieces.map { GoParameter(name: nil, type: text.compact($0)) } }
        var parameters: [GoParameter] = []
        var pending: [String] = [] // `a, b` waiting for the type after them
        for piece in pieces {
            if piece.count == 1 && text.kind(piece.lowerBound) == .identifier {
                pending.append(text.text(piece.lowerBound))
            } else if isNamedPiece(text, piece) {
                let type = text.compact((piece.lowerBound + 1)..<piece.upperBound)
                parameters += pending.map { GoParameter(name: $0, type: type) }
                pending = []
                parameters.append(GoParameter(name: text.text(piece.lowerBound), type: type))
            } else {
                parameters.append(GoParameter(name: nil, type: text.compact(piece)))
            }
        }
        parameters += pending.map { GoParameter(name: nil, type: $0) }
        return parameters
    }

    /// `name Type`, as opposed to a type alone (`pkg.T`, `List[T]`, `*T`).
    private static func isNamedPiece(_ text: TokenText, _ piece: Range<Int>) -> Bool {
        guard piece.count >= 2, text.kind(piece.lowerBound) == .identifier else { return false }
        switch text.kind(piece.lowerBound + 1) {
        case .period:
            return false
        case .leftBracket:
            // `a []int` / `a [4]int` continue after the brackets; `List[T]` ends there.
            return text.pairs.end(of: piece.lowerBound + 1) < piece.upperBound - 1
        default:
            return true
        }
    }

    /// The results after the parameters: `(int, error)`, `(n int, err error)` or a single type.
    static func results(_ text: TokenText, _ range: Range<Int>) -> [GoParameter] {
        guard !range.isEmpty else { return [] }
        if text.kind(range.lowerBound) == .leftParen && text.pairs.end(of: range.lowerBound) == range.upperBound - 1 {
            return parameters(text, span(range.lowerBound + 1, range.upperBound - 1))
        }
        return [GoParameter(name: nil, type: text.compact(range))]
    }

    /// `*pkg.Cache[K, V]` -> `Cache`.
    static func baseTypeName(_ type: String) -> String {
        var base = Substring(type)
        while base.hasPrefix("*") { base = base.dropFirst() }
        if let bracket = base.firstIndex(of: "[") { base = base[..<bracket] }
        if let dot = base.lastIndex(of: ".") { base = base[base.index(after: dot)...] }
        return String(base)
    }
}

enum Declarations {
    /// One type specification: `Name [type params] [=] Type`.
    static func type(_ text: TokenText, _ specification: Range<Int>) -> GoTypeDeclaration? {
        var i = specification.lowerBound
        guard text.kind(i) == .identifier else { return nil }
        let name = text.text(i)
        i += 1
        if text.kind(i) == .leftBracket && isTypeParameterList(text, open: i) { i = text.pairs.end(of: i) + 1 }
        if text.kind(i) == .assign { i += 1 }
        guard i < specification.upperBound else { return nil }
        var fields: [String: String] = [:]
        let underlying: String
        if text.kind(i) == .kwStruct && text.kind(i + 1) == .leftBrace {
            underlying = "struct"
            let close = min(text.pairs.end(of: i + 1), specification.upperBound)
            for field in text.splitAtSemicolons(span(i + 2, close)) {
                for (fieldName, fieldType) in Self.fields(text, field) { fields[fieldName] = fieldType }
            }
        } else if text.kind(i) == .kwInterface {
            underlying = "interface"
        } else {
            underlying = text.compact(i..<specification.upperBound)
        }
        return GoTypeDeclaration(name: name, underlying: underlying, fields: fields)
    }

    /// `[T any]`, `[K comparable, V any]` as opposed to an array length `[N]`, `[4]`.
    private static func isTypeParameterList(_ text: TokenText, open: Int) -> Bool {
        guard text.kind(open + 1) == .identifier else { return false }
        switch text.kind(open + 2) {
        case .identifier, .comma, .kwInterface, .tilde, .leftBracket, .kwMap, .kwChan, .kwFunc, .kwStruct:
            return true
        default:
            return false
        }
    }

    /// One field line: `a, b int`, `mu sync.Mutex`, an embedded `sync.Mutex` / `*Base`; a
    /// trailing tag is ignored.
    static func fields(_ text: TokenText, _ line: Range<Int>) -> [(String, String)] {
        var end = line.upperBound
        if end > line.lowerBound, [.string, .rawString].contains(text.kind(end - 1)) { end -= 1 }
        let field = line.lowerBound..<end
        guard !field.isEmpty else { return [] }
        let first = field.lowerBound
        let embedded = text.kind(first) == .mul || field.count == 1
            || (field.count == 3 && text.kind(first + 1) == .period)
            || (text.kind(first + 1) == .leftBracket && text.pairs.end(of: first + 1) == end - 1)
        if embedded {
            let type = text.compact(field)
            return [(Signature.baseTypeName(type), type)]
        }
        var names: [String] = []
        var i = first
        while text.kind(i) == .identifier && i < end {
            names.append(text.text(i))
            if text.kind(i + 1) == .comma { i += 2 } else { i += 1; break }
        }
        let type = text.compact(span(i, end))
        return names.map { ($0, type) }
    }

    /// One variable specification: `a, b T = x, y`, `m = make(map[K]V)`, `mu sync.Mutex`.
    static func variables(_ text: TokenText, _ specification: Range<Int>) -> [GoVariableDeclaration] {
        var names: [String] = []
        var i = specification.lowerBound
        while i < specification.upperBound && text.kind(i) == .identifier {
            names.append(text.text(i))
            if text.kind(i + 1) == .comma { i += 2 } else { i += 1; break }
        }
        guard !names.isEmpty else { return [] }
        let assign = text.firstOutsideBrackets([.assign], in: span(i, specification.upperBound))
        let typeRange = span(i, assign ?? specification.upperBound)
        let type = typeRange.isEmpty ? nil : text.compact(typeRange)
        var values: [String] = []
        if let assign {
            values = text.splitAtCommas((assign + 1)..<specification.upperBound).map { text.compact($0) }
        }
        return names.enumerated().map { index, name in
            GoVariableDeclaration(name: name, type: type, value: index < values.count ? values[index] : nil)
        }
    }
}
