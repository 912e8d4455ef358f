/// A statement somewhere in the package: a file, a function in it, a node of its outline.
struct Site: Hashable {
    var file: Int
    var function: Int
    var node: Int
}

/// Which map an expression denotes, comparable across functions: `r.conns` in one method and
/// `reg.conns` in `main` are the same field of `Registry`.
enum MapIdentity: Hashable {
    /// A field path of a struct type: `Registry` + `.conns`, `MetricsRegistry` + `.shards[].series`.
    case field(type: String, path: String)
    /// A package-level variable (with a field path, if any).
    case global(String)
    /// A local variable or parameter of one function (closures inside it share it).
    case local(file: Int, function: Int, text: String)
}

/// The files of one package, with per-file type hints and per-function outlines, statement
/// facts and map operations, computed on demand and kept for the duration of one check.
final class PackageIndex {
    let files: [GoFile]
    private var hintsCache: [Int: TypeHints] = [:]
    private var factsCache: [Site: StatementFacts] = [:]
    private var operationsCache: [Int: [Int: [MapOperation]]] = [:]
    private var operationsByNodeCache: [Int: [Int: [Int: [MapOperation]]]] = [:]
    /// Every operation of the package by the identity of its target, built on first use.
    private var operationsByIdentity: [MapIdentity: [MapOperation]]?
    /// Declared functions (not literals) by name, then whether they are methods; built on first use.
    private var declaredByName: [String: [(file: Int, function: Int, method: Bool)]]?

    init(files: [GoFile]) {
        self.files = files
    }

    func hints(_ file: Int) -> TypeHints {
        if let cached = hintsCache[file] { return cached }
        let hints = TypeHints(file: files[file], package: files.enumerated().filter { $0.offset != file }.map(\.element))
        hintsCache[file] = hints
        return hints
    }

    func outline(_ file: Int, _ function: Int) -> FunctionOutline { hints(file).outline(function) }

    func statement(_ site: Site) -> GoStatement { outline(site.file, site.function).nodes[site.node].statement }

    func facts(_ site: Site) -> StatementFacts {
        if let cached = factsCache[site] { return cached }
        let facts = StatementFacts(files[site.file], statement(site))
        factsCache[site] = facts
        return facts
    }

    func operations(_ file: Int, _ function: Int) -> [MapOperation] {
        if let cached = operationsCache[file]?[function] { return cached }
        let operations = MapOperations.extract(self, file: file, function: function)
        operationsCache[file, default: [:]][function] = operations
        return operations
    }

    /// The operations of one statement.
    func operations(at site: Site) -> [MapOperation] {
        if let cached = operationsByNodeCache[site.file]?[site.function] { return cached[site.node] ?? [] }
        let byNode = Dictionary(grouping: operations(site.file, site.function), by: \.site.node)
        operationsByNodeCache[site.file, default: [:]][site.function] = byNode
        return byNode[site.node] ?? []
    }

    func text(_ file: Int) -> TokenText { files[file].text }

    func compact(_ file: Int, _ range: Range<Int>) -> String { files[file].text.compact(range) }

    func line(_ site: Site) -> Int { statement(site).lines.lowerBound }

    func sourceText(_ site: Site) -> String { files[site.file].sourceText(of: statement(site)) }

    /// `(*UploadTracker).Finish`, `main.func1`: the function's runtime name without its package.
    func displayName(_ file: Int, _ function: Int) -> String {
        let name = files[file].functions[function].runtimeName
        return name.firstIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? name
    }

    var allFunctions: [(file: Int, function: Int)] {
        files.indices.flatMap { file in files[file].functions.indices.map { (file, $0) } }
    }

    /// The package's declared functions (`method` false) or methods of any type (`method`
    /// true) named `name`, in source order: what a call `name(...)` or `x.name(...)` may run.
    func functions(named name: String, method: Bool) -> [(file: Int, function: Int)] {
        if declaredByName == nil {
            var byName: [String: [(file: Int, function: Int, method: Bool)]] = [:]
            for (file, function) in allFunctions {
                let declared = files[file].functions[function]
                guard !declared.isLiteral else { continue }
                byName[declared.name, default: []].append((file, function, declared.receiverType != nil))
            }
            declaredByName = byName
        }
        return (declaredByName?[name] ?? []).filter { $0.method == method }.map { ($0.file, $0.function) }
    }

    /// The declared type of an expression in a function.
    func type(of range: Range<Int>, _ file: Int, _ function: Int) -> String? {
        hints(file).type(of: range, in: function)
    }

    func isMap(_ range: Range<Int>, _ file: Int, _ function: Int) -> Bool {
        hints(file).isMap(type(of: range, file, function))
    }

    // MARK: Identity

    func identity(of range: Range<Int>, _ file: Int, _ function: Int) -> MapIdentity? {
        let text = files[file].text
        guard !range.isEmpty, text.kind(range.lowerBound) == .identifier,
              let path = fieldPath((range.lowerBound + 1)..<range.upperBound, text) else { return nil }
        let name = text.text(range.lowerBound)
        let hints = hints(file)
        if !path.isEmpty, let type = hints.type(ofName: name, in: function, at: range.lowerBound) {
            let base = Signature.baseTypeName(type)
            if hints.typeDeclaration(base)?.underlying == "struct" { return .field(type: base, path: path) }
        }
        if let declared = hints.declaringFunction(of: name, from: function) {
            return .local(file: file, function: declared.function, text: name + path)
        }
        if files.contains(where: { $0.globals[name] != nil }) { return .global(name + path) }
        return nil
    }

    /// `.shards[i].series` -> `.shards[].series`; nil when the tokens are not a plain path.
    private func fieldPath(_ range: Range<Int>, _ text: TokenText) -> String? {
        var path = ""
        var k = range.lowerBound
        while k < range.upperBound {
            if text.kind(k) == .period && text.kind(k + 1) == .identifier {
                path += "." + text.text(k + 1)
                k += 2
            } else if text.kind(k) == .leftBracket {
                path += "[]"
                k = text.pairs.end(of: k) + 1
            } else {
                return nil
            }
        }
        return path
    }

    /// The operations on the map `identity`, of the given kinds, in source order. The index
    /// is built once, so that checks asking this for many maps stay linear in the package.
    func operations(on identity: MapIdentity, where include: (MapOperation) -> Bool) -> [MapOperation] {
        if operationsByIdentity == nil {
            var byIdentity: [MapIdentity: [MapOperation]] = [:]
            for (file, function) in allFunctions {
                for operation in operations(file, function) {
                    if let key = self.identity(of: operation.target, file, function) { byIdentity[key, default: []].append(operation) }
                }
            }
            operationsByIdentity = byIdentity
        }
        return (operationsByIdentity?[identity] ?? []).filter(include)
    }

    // MARK: Calls and goroutines

    /// The call sites of a declared function or method in the package. A method call counts
    /// when its receiver's declared type is the method's type.
    func callSites(of file: Int, _ function: Int) -> [Site] {
        let callee = files[file].functions[function]
        guard !callee.isLiteral else { return [] }
        var sites: [Site] = []
        for (f, fn) in allFunctions {
            let outline = outline(f, fn)
            for node in outline.nodes.indices {
                let site = Site(file: f, function: fn, node: node)
                for call in facts(site).calls where call.method == callee.name {
                    if let type = callee.receiverType {
                        guard let receiver = call.receiver,
                              let receiverType = self.type(of: receiver, f, fn),
                              Signature.baseTypeName(receiverType) == type else { continue }
                    } else if call.receiver != nil {
                        continue
                    }
                    sites.append(site)
                }
            }
        }
        return sites
    }

    /// The `go` statements that start `function`: `go f(...)`, `go x.m(...)`, or the literal in
    /// `go func() { ... }()`; and, one level up, `go func() { ... f(...) ... }()`.
    func goStatements(starting file: Int, _ function: Int) -> [Site] {
        let target = files[file].functions[function]
        var sites: [Site] = []
        if target.isLiteral, let parent = target.parent {
            let outline = outline(file, parent)
            for node in outline.nodes.indices where outline.nodes[node].statement.kind == .goStatement {
                let statement = outline.nodes[node].statement
                if statement.closures.first == function && statement.tokens.lowerBound + 1 == target.funcToken {
                    sites.append(Site(file: file, function: parent, node: node))
                }
            }
            return sites
        }
        let callers = Set(callSites(of: file, function))
        for (f, fn) in allFunctions {
            let outline = outline(f, fn)
            for node in outline.nodes.indices where outline.nodes[node].statement.kind == .goStatement {
                let site = Site(file: f, function: fn, node: node)
                let statement = outline.nodes[node].statement
                if callers.contains(site) && statement.closures.isEmpty {
                    sites.append(site) // go f(...)
                } else if let literal = statement.closures.first, statement.tokens.lowerBound + 1 == files[f].functions[literal].funcToken,
                          callers.contains(where: { $0.file == f && $0.function == literal }) {
                    sites.append(site) // go func() { f(...) }()
                }
            }
        }
        return sites
    }

    /// True when `site` is inside a loop of its function.
    func isInLoop(_ site: Site) -> Bool { outline(site.file, site.function).isInLoop(site.node) }
}
