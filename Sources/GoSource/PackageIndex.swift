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

    /// The functions that can touch a map of this identity.
    func scope(of identity: MapIdentity) -> [(file: Int, function: Int)] {
        switch identity {
        case .field, .global:
            return allFunctions
        case .local(let file, let function, _):
            return files[file].functions.indices.filter { candidate in
                var current: Int? = candidate
                while let index = current {
                    if index == function { return true }
                    current = files[file].functions[index].parent
                }
                return false
            }.map { (file, $0) }
        }
    }

    /// The operations on the map `identity` in its scope, of the given kinds.
    func operations(on identity: MapIdentity, where include: (MapOperation) -> Bool) -> [MapOperation] {
        scope(of: identity).flatMap { file, function in
            operations(file, function).filter { include($0) && self.identity(of: $0.target, file, function) == identity }
        }
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

/// What every check starts from: the culprit, its outline, its hot statements (costliest first)
/// and the region that may run together with them.
struct CheckContext {
    let index: PackageIndex
    let function: Int
    let name: String
    let outline: FunctionOutline
    /// The innermost statements on the hot lines, costliest line first.
    let hotNodes: [Int]
    /// The statements that may run in the same call as a hot statement.
    let region: Set<Int>
    /// True when no hot line fell inside the function, so all of it was taken.
    let wholeFunction: Bool

    init(index: PackageIndex, function: Int, name: String, hotLines: [HotLine]) {
        self.index = index
        self.function = function
        self.name = name
        let outline = index.outline(0, function)
        self.outline = outline
        let lines = index.files[0].functions[function].lines
        var nodes: [Int] = []
        for hot in hotLines.sorted(by: { $0.cost > $1.cost }) where lines.contains(hot.line) {
            for node in outline.innermost(atLine: hot.line) where !nodes.contains(node) { nodes.append(node) }
        }
        wholeFunction = nodes.isEmpty
        hotNodes = wholeFunction ? Array(outline.nodes.indices) : nodes
        region = wholeFunction ? Set(outline.nodes.indices) : nodes.reduce(into: Set<Int>()) { $0.formUnion(outline.region(of: $1)) }
    }

    func site(_ node: Int) -> Site { Site(file: 0, function: function, node: node) }

    var hotSites: [Site] { hotNodes.map(site) }
    var regionSites: [Site] { region.sorted().map(site) }

    /// The culprit's operations in its region, hot statements first.
    var regionOperations: [MapOperation] {
        let all = index.operations(0, function).filter { region.contains($0.site.node) }
        let rank = Dictionary(hotNodes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return all.sorted { (rank[$0.site.node] ?? Int.max, $0.site.node) < (rank[$1.site.node] ?? Int.max, $1.site.node) }
    }

    var note: String { wholeFunction ? " (no hot line inside \(name): checked the whole function)" : "" }

    func result(_ status: ShapeStatus, _ pattern: MapPattern, _ shape: ShapeKind?, at site: Site?, _ reason: String) -> ShapeResult {
        ShapeResult(status: status, pattern: pattern, shape: shape, function: name,
                    file: index.files[site?.file ?? 0].path,
                    line: site.map { index.line($0) }, statement: site.map { index.sourceText($0) },
                    reason: reason + note)
    }
}
