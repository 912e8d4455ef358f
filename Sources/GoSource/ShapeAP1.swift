/// AP1: mutating a map while ranging over it.
///
/// Recognized, in the body of a `for ... range M` loop that encloses a hot line (nested loops
/// included, closures excluded): `M = ...` (a new map swapped in while the range still runs over
/// the old one, as in `c.sessions = next`), and `M[k2] = ...` / `M[k2] += ...` with a key other
/// than the loop's own key variable (an insert during iteration; may grow the map). One level
/// of method calls on the same receiver is followed: `c.rebuild()` in the loop, where `rebuild`
/// assigns `c.sessions`, or `g.link(a, b)`, where `link` inserts into `g.edges`; so is a call of
/// a closure defined before the loop in the same function (`bookNext(o)`), and a call that is
/// given the ranged map (`e.normalizeKey(ev.Attrs, k)`, whose parameter it inserts into). Local aliases
/// of the ranged map (`idx := s.tags`, plain names and field paths assigned one to the other)
/// are the same map: an insert through one is an insert into it.
///
/// Not AP1 (so not confirmed): deleting keys (allowed by the spec), `M[k] = v` for the current
/// key `k`, building another map, `clear(M)`, a reassignment followed at once by `break` or
/// `return` (the range does not go on), `M := ...` (a new variable). A ranged expression whose
/// declared type is not visible gives `unknown`; one that is a slice or array is not a map.
struct RangeMutationCheck {
    let context: CheckContext
    private var index: PackageIndex { context.index }
    private var text: TokenText { index.text(0) }

    init(_ context: CheckContext) { self.context = context }

    private struct Evidence {
        var shape: ShapeKind
        var site: Site
        var reason: String
    }

    func run() -> ShapeResult {
        var loops: [Int] = []
        var seen: Set<Int> = []
        for node in context.hotNodes {
            for loop in context.outline.loops(around: node) where context.outline.nodes[loop].statement.kind == .rangeLoop && seen.insert(loop).inserted {
                loops.append(loop)
            }
        }
        guard !loops.isEmpty else {
            let site = context.hotNodes.first.map(context.site)
            return context.result(.contradicted, .ap1, nil, at: site, "no range loop encloses the hot lines of \(context.name)")
        }
        var unknown: (Evidence, String)?
        var looked: [String] = []
        for loop in loops {
            let clause = context.outline.nodes[loop].statement.rangeClause!
            let rangedType = index.type(of: clause.expressionTokens, 0, context.function)
            let isMap = index.hints(0).isMap(rangedType)
            if let rangedType, !isMap {
                looked.append("line \(context.outline.nodes[loop].statement.lines.lowerBound) ranges \(clause.expression), a \(rangedType), not a map")
                continue
            }
            if let evidence = mutations(in: loop, clause).first {
                if isMap { return context.result(.confirmed, .ap1, evidence.shape, at: evidence.site, evidence.reason) }
                unknown = unknown ?? (evidence, "the type of \(clause.expression) is not declared where it can be seen, so it may not be a map")
            } else {
                looked.append("the range over \(clause.expression) at line \(context.outline.nodes[loop].statement.lines.lowerBound) does not reassign it or insert other keys into it")
            }
        }
        if let (evidence, why) = unknown {
            return context.result(.unknown, .ap1, evidence.shape, at: evidence.site, "\(evidence.reason); but \(why)")
        }
        return context.result(.contradicted, .ap1, nil, at: context.site(loops[0]), looked.joined(separator: "; "))
    }

    /// Reassignments of the ranged map and inserts of other keys in the loop's body.
    private func mutations(in loop: Int, _ clause: GoRangeClause) -> [Evidence] {
        let outline = context.outline
        var found: [Evidence] = []
        let ranged = clause.expression
        let names = aliases(of: ranged, before: loop)
        let loopLine = outline.nodes[loop].statement.lines.lowerBound
        for node in (loop + 1)..<outline.nodes[loop].subtreeEnd {
            let site = context.site(node)
            for operation in index.operations(at: site) {
                let target = operation.targetText
                switch operation.kind {
                case .reassign where target == ranged && !outline.leavesLoop(after: node, loop):
                    found.append(Evidence(shape: .rangeReassign, site: site,
                                          reason: "\(ranged) is reassigned inside the range over it (line \(loopLine)): the loop keeps iterating the old map while a new one is built for each pass"))
                case .store where names.contains(target):
                    let key = text.compact(operation.key!)
                    if let loopKey = clause.key, loopKey != "_", key == loopKey { continue } // updates the current key
                    let through = target == ranged ? "" : " (\(target) is \(ranged))"
                    found.append(Evidence(shape: .rangeInsert, site: site,
                                          reason: "\(target)[\(key)] is written inside the range over \(ranged) (line \(loopLine)) with a key other than the loop's key\(through): an insert during iteration, which may grow the map"))
                case .call(let name):
                    // A closure defined before the loop, or a function the map is passed to: the
                    // first write of the map it makes.
                    let callees = closures(named: name, before: loop, map: MapNames(ranged: ranged, aliases: names))
                        + passed(operation.arguments, to: name, method: false, names: names)
                    if let write = writes(callees).first {
                        found.append(evidence(write, caller: name, ranged: ranged, site: site, loopLine: loopLine))
                    }
                case .methodCall(let method):
                    // A method of the receiver, or one the map is passed to: a reassignment (the
                    // clearer shape) before an insert.
                    let calleeWrites = writes(methods(named: method, on: operation.target, ranged: ranged)
                                              + passed(operation.arguments, to: method, method: true, names: names))
                    if let write = calleeWrites.first(where: { $0.shape == .rangeReassign }) ?? calleeWrites.first {
                        found.append(evidence(write, caller: text.text(operation.target.lowerBound) + "." + method, ranged: ranged, site: site, loopLine: loopLine))
                    }
                default:
                    continue
                }
            }
        }
        // A reassignment is the clearer shape; report it first.
        return found.filter { $0.shape == .rangeReassign } + found.filter { $0.shape == .rangeInsert }
    }

    /// The ranged expression and the local names that are the same map: `x := M`, `x = M`,
    /// `M := x` (plain names and field paths only, not calls or indexes), followed both ways,
    /// among the statements before the loop (an assignment after it aliases another map).
    private func aliases(of ranged: String, before loop: Int) -> Set<String> {
        var names: Set<String> = [ranged]
        var pairs: [(String, String)] = []
        for operation in index.operations(0, context.function) where (operation.kind == .define || operation.kind == .reassign) && operation.site.node < loop {
            guard let value = operation.value else { continue }
            let source = text.compact(value)
            guard Self.isPath(source), Self.isPath(operation.targetText) else { continue }
            pairs.append((operation.targetText, source))
        }
        var changed = true
        while changed {
            changed = false
            for (a, b) in pairs where names.contains(a) != names.contains(b) {
                names.insert(a)
                names.insert(b)
                changed = true
            }
        }
        return names
    }

    /// A name or a field path (`idx`, `s.tags`, `r.state.byID`).
    private static func isPath(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } && !(text.first!.isNumber)
    }

    /// The ranged map as a function's text names it: `ranged` is what a reassignment replaces,
    /// and a store into any of `aliases` (it among them) inserts into it.
    private struct MapNames {
        let ranged: String
        let aliases: Set<String>
    }

    /// A function called inside the loop, with the ranged map as it names it.
    private struct Callee {
        let file: Int
        let function: Int
        let map: MapNames
    }

    /// A reassignment of the ranged map, or an insert into it, in a callee.
    private struct Write {
        let shape: ShapeKind
        let operation: MapOperation
    }

    /// The callees' reassignments of the ranged map and stores into it, in order (callees as
    /// given, then their statements); an insert with any key: the callee cannot know which
    /// key the loop is on.
    private func writes(_ callees: [Callee]) -> [Write] {
        callees.flatMap { callee in
            index.operations(callee.file, callee.function).compactMap { operation -> Write? in
                switch operation.kind {
                case .reassign where operation.targetText == callee.map.ranged: return Write(shape: .rangeReassign, operation: operation)
                case .store where callee.map.aliases.contains(operation.targetText): return Write(shape: .rangeInsert, operation: operation)
                default: return nil
                }
            }
        }
    }

    /// `c.rebuild()` or `g.link(a, b)` inside the range over `c.sessions` or `g.edges`: the
    /// methods `method` of the culprit's receiver type, when the call is on the receiver and
    /// the ranged map is a field of it (one level is followed), each naming the map through
    /// its own receiver.
    private func methods(named method: String, on receiver: Range<Int>, ranged: String) -> [Callee] {
        let culprit = index.files[0].functions[context.function]
        guard receiver.count == 1, let receiverName = culprit.receiverName, text.text(receiver.lowerBound) == receiverName,
              ranged.hasPrefix(receiverName + "."), let type = culprit.receiverType else { return [] }
        let field = ranged.dropFirst(receiverName.count)
        return index.functions(named: method, method: true).compactMap { file, function in
            let callee = index.files[file].functions[function]
            guard callee.receiverType == type, let calleeReceiver = callee.receiverName else { return nil }
            let map = calleeReceiver + field
            return Callee(file: file, function: function, map: MapNames(ranged: map, aliases: [map]))
        }
    }

    /// `e.normalizeKey(ev.Attrs, k)` or `addParents(grants, p)` inside the range over the map
    /// they are given: the package's functions (or methods) of that name, naming the map by the
    /// parameter it is passed as. An insert into the parameter is one into the ranged map
    /// (unless the callee gives the parameter another map first: it is then not followed).
    private func passed(_ arguments: [Range<Int>], to name: String, method: Bool, names: Set<String>) -> [Callee] {
        let positions = arguments.indices.filter { names.contains(text.compact(arguments[$0])) }
        guard !positions.isEmpty else { return [] }
        return index.functions(named: name, method: method).flatMap { file, function -> [Callee] in
            let callee = index.files[file].functions[function]
            return positions.compactMap { position in
                guard position < callee.parameters.count, let parameter = callee.parameters[position].name, parameter != "_" else { return nil }
                // A parameter given another map is no longer the ranged one.
                let rebound = index.operations(file, function).contains { $0.kind == .reassign && $0.targetText == parameter }
                if rebound { return nil }
                return Callee(file: file, function: function, map: MapNames(ranged: "", aliases: [parameter]))
            }
        }
    }

    /// `bookNext(o)` inside the range over `s.pending`: the closures `name := func(...) { ... }`
    /// defined in this function before the loop, which name the map as the function does
    /// (closures capture, so the text names the same map).
    private func closures(named name: String, before loop: Int, map: MapNames) -> [Callee] {
        let functions = index.files[0].functions
        return index.operations(0, context.function).compactMap { define in
            guard define.kind == .define, define.targetText == name, define.site.node < loop, let value = define.value,
                  let literal = functions.indices.first(where: { functions[$0].isLiteral && functions[$0].parent == context.function && functions[$0].funcToken == value.lowerBound })
            else { return nil }
            return Callee(file: 0, function: literal, map: map)
        }
    }

    /// What a call inside the loop (of `caller`) makes of the ranged map, said at the call.
    private func evidence(_ write: Write, caller: String, ranged: String, site: Site, loopLine: Int) -> Evidence {
        let does = write.shape == .rangeReassign ? "reassigns" : "inserts into"
        return Evidence(shape: write.shape, site: site,
                        reason: "\(caller)() \(does) \(ranged) (line \(index.line(write.operation.site)): `\(index.sourceText(write.operation.site))`) and is called inside the range over \(ranged) (line \(loopLine))")
    }
}
