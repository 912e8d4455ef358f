/// The map-related things a function does, statement by statement: stores, reassignments,
/// deletes, clears, ranges and method calls (for `sync.Map`, locks, lists). Whether the
/// expression really is a map is for the checks to decide, with `TypeHints`.
struct MapOperation {
    enum Kind: Equatable {
        /// `M[k] = v`, `M[k] += v`, `M[k]++`.
        case store
        /// `M = v` (not `:=`).
        case reassign
        /// `x := v` (a declaration; `target` is the name).
        case define
        /// `delete(M, k)`.
        case delete
        /// `clear(M)`.
        case clear
        /// `for k, v := range M`.
        case range
        /// `M.method(args)`: `Store`, `Lock`, `PushBack`, ...
        case methodCall(String)
        /// `f(args)`: a call of a plain name (a function, or a variable holding a closure).
        case call(String)
    }

    var kind: Kind
    var site: Site
    /// The map (or receiver, or assigned) expression.
    var target: Range<Int>
    /// `target` as compact text (`c.sessions`), computed once.
    var targetText: String = ""
    /// The key: the index of a store, the second argument of delete, a range's key name token.
    var key: Range<Int>?
    /// The stored or assigned value.
    var value: Range<Int>?
    /// The assignment operator of a store, reassign or define.
    var op: GoTokenKind?
    /// All arguments of a call.
    var arguments: [Range<Int>] = []
}

extension MapOperation {
    /// For a read of one entry, `v := X[k]` or `v, ok := X[k]`: the tokens of `X` and of `k`;
    /// nil for any other operation.
    func entryRead(_ text: TokenText) -> (map: Range<Int>, key: Range<Int>)? {
        guard kind == .define, let value, text.kind(value.upperBound - 1) == .rightBracket else { return nil }
        let open = text.pairs.partner(value.upperBound - 1)
        guard open > value.lowerBound else { return nil }
        return (value.lowerBound..<open, span(open + 1, value.upperBound - 1))
    }
}

enum MapOperations {
    static func extract(_ index: PackageIndex, file: Int, function: Int) -> [MapOperation] {
        let text = index.files[file].text
        let outline = index.outline(file, function)
        var operations: [MapOperation] = []
        for node in outline.nodes.indices {
            let site = Site(file: file, function: function, node: node)
            let statement = outline.nodes[node].statement
            if let clause = statement.rangeClause {
                operations.append(MapOperation(kind: .range, site: site, target: clause.expressionTokens))
            }
            let facts = index.facts(site)
            for assignment in facts.assignments {
                for (n, target) in assignment.targets.enumerated() where !target.isEmpty {
                    // `v, ok := m[k]` / `a, b := f()`: the one value goes with the first target.
                    let value = assignment.values.count == assignment.targets.count ? assignment.values[n]
                        : (n == 0 && assignment.values.count == 1 ? assignment.values[0] : nil)
                    let last = target.upperBound - 1
                    if text.kind(last) == .rightBracket, text.pairs.partner(last) > target.lowerBound, assignment.op != .define {
                        let open = text.pairs.partner(last)
                        operations.append(MapOperation(kind: .store, site: site, target: target.lowerBound..<open,
                                                       key: (open + 1)..<last, value: value, op: assignment.op))
                    } else if assignment.op == .assign {
                        operations.append(MapOperation(kind: .reassign, site: site, target: target, value: value, op: .assign))
                    } else if assignment.op == .define {
                        operations.append(MapOperation(kind: .define, site: site, target: target, value: value, op: .define))
                    }
                }
            }
            for call in facts.calls {
                switch call.name {
                case "delete" where call.arguments.count == 2:
                    operations.append(MapOperation(kind: .delete, site: site, target: call.arguments[0], key: call.arguments[1], arguments: call.arguments))
                case "clear" where call.arguments.count == 1:
                    operations.append(MapOperation(kind: .clear, site: site, target: call.arguments[0], arguments: call.arguments))
                default:
                    if let receiver = call.receiver {
                        operations.append(MapOperation(kind: .methodCall(call.method), site: site, target: receiver, arguments: call.arguments))
                    } else {
                        operations.append(MapOperation(kind: .call(call.name), site: site, target: call.callee, arguments: call.arguments))
                    }
                }
            }
        }
        for i in operations.indices { operations[i].targetText = text.compact(operations[i].target) }
        return operations
    }
}
