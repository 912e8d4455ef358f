/// Whether the goroutines that run a function write the same map, for AP2.
///
/// A function started by `go` writes map `M`. The goroutines share `M` when the `go` statement
/// runs several times (it is in a loop, not under a condition there) and hands every goroutine
/// the same map: a package
/// variable; a variable the literal captures, declared outside the loop; or, for
/// `go r.run()` / `go fill(m)`, a receiver or argument declared outside the loop. A map made
/// per iteration (`m := make(...)` inside the loop, a range variable, `go fill(make(...))`)
/// belongs to one goroutine each. Two unconditional `go` statements outside loops share a
/// package variable, or the same named receiver or argument.
struct GoroutineSharing {
    let index: PackageIndex

    enum Verdict {
        /// Several goroutines write the same map; the `go` statement and why.
        case shared(Site, String)
        /// Each goroutine has its own map.
        case perGoroutine(Site, String)
        /// One goroutine only, or the map handed over cannot be followed.
        case undecided(Site, String)
    }

    /// Nil when `function` is not started by `go` anywhere in the package.
    func verdict(function: Int, map: Range<Int>, identity: MapIdentity?) -> Verdict? {
        let starts = index.goStatements(starting: 0, function)
        guard !starts.isEmpty else { return nil }
        let text = index.text(0)
        let culprit = index.files[0].functions[function]
        let base = text.text(map.lowerBound)
        let isGlobal: Bool
        if case .global? = identity { isGlobal = true } else { isGlobal = false }

        var carriers: [String] = []
        var unfollowed: Verdict?
        var own: Verdict?
        for start in starts {
            let outline = index.outline(start.file, start.function)
            // A `go` under a condition may run once (`if !started { go f() }`): inside the loop,
            // it does not count as run per iteration; anywhere, not as one of several starts.
            let ancestors = outline.ancestors(of: start.node)
            func isCondition(_ node: Int) -> Bool {
                [.ifStatement, .switchStatement, .selectStatement].contains(outline.nodes[node].statement.kind)
            }
            let loop = outline.loops(around: start.node).first.flatMap { loop in
                ancestors.prefix { $0 != loop }.contains(where: isCondition) ? nil : loop
            }
            let conditional = ancestors.contains(where: isCondition)
            let statement = "`\(index.sourceText(start))` (line \(index.line(start)))"
            if isGlobal {
                if loop != nil { return .shared(start, "\(statement) starts it in a loop, and \(base) is a package variable") }
                if !conditional { carriers.append(base) }
                continue
            }
            guard let carrier = self.carrier(of: culprit, base: base, start: start) else {
                unfollowed = unfollowed ?? .undecided(start, "\(statement) starts it, and which map each goroutine gets cannot be followed")
                continue
            }
            guard let name = carrier.name else {
                own = own ?? .perGoroutine(start, "\(statement) hands each goroutine a new map (\(carrier.text))")
                continue
            }
            if let loop {
                let loopTokens = outline.nodes[loop].statement.tokens
                let at = outline.nodes[start.node].statement.tokens.lowerBound
                if let declared = index.hints(start.file).declaration(of: name, in: start.function, at: at),
                   declared.function == start.function, let position = declared.position, loopTokens.contains(position) {
                    own = own ?? .perGoroutine(start, "\(statement) runs in a loop, and \(name) is declared inside it (line \(text.line(position)))")
                    continue
                }
                return .shared(start, "\(statement) starts it in a loop, and every goroutine gets the same \(carrier.text)")
            }
            if !conditional { carriers.append(carrier.text) }
        }
        if carriers.count >= 2, Set(carriers).count == 1 {
            return .shared(starts[0], "\(carriers.count) `go` statements (lines \(starts.map { String(index.line($0)) }.joined(separator: ", "))) start it with the same \(carriers[0])")
        }
        if let verdict = unfollowed ?? own { return verdict }
        return .undecided(starts[0], "only one goroutine is started here (line \(index.line(starts[0]))): whether another one writes the map at the same time cannot be told from the source")
    }

    /// The expression of the `go` statement's function that carries the map: the captured
    /// variable (for a literal), the receiver, or the argument for the map's parameter. `name`
    /// is nil when the expression makes a new map (or a new object holding it).
    private func carrier(of culprit: GoFunction, base: String, start: Site) -> (name: String?, text: String)? {
        if culprit.isLiteral {
            // A captured variable; a parameter of the literal comes from its call, not followed.
            return culprit.parameters.contains { $0.name == base } ? nil : (base, base)
        }
        let text = index.text(start.file)
        guard let call = index.facts(start).calls.first(where: { $0.method == culprit.name }) else { return nil } // via a literal
        let expression: Range<Int>
        if base == culprit.receiverName, let receiver = call.receiver {
            expression = receiver
        } else if let position = culprit.parameters.firstIndex(where: { $0.name == base }), position < call.arguments.count {
            expression = call.arguments[position]
        } else {
            return nil
        }
        let written = index.compact(start.file, expression)
        let isPath = text.kind(expression.lowerBound) == .identifier
            && !expression.contains { [.leftParen, .leftBrace].contains(text.kind($0)) }
        return (isPath ? text.text(expression.lowerBound) : nil, written)
    }
}
