/// AP4: a map emptied key by key that keeps the size of its peak.
///
/// The maps looked at are those the hot lines range over, delete from or store into. One is
/// confirmed when it is a declared map held by a struct field or a package variable, it is
/// pruned key by key somewhere in the package (a `delete` inside a range over the map itself,
/// or inside a range over a slice of keys collected while ranging it), and nothing ever gives
/// its memory back: no `M = ...` (a re-make, a copy, `nil`) and no `clear(M)` in the package.
///
/// Contradicted: a map re-made inside a loop (it is replaced again and again). Not confirmed: a map that is re-made or cleared under a condition (the
/// fix: whether that branch runs is decided at run time, so the answer is `unknown`); a map never
/// deleted from (it does not shrink because it is never emptied); one whose deletes are churn
/// (one key per request or event, or a range that deletes one key and stops: `unknown`); a
/// local map or a parameter (it lives for one call, or its owner may re-make it). How far below
/// its peak the map falls is a run-time matter that the profile, not the source, shows.
struct NeverShrinkCheck {
    let context: CheckContext
    private var index: PackageIndex { context.index }

    init(_ context: CheckContext) { self.context = context }

    private struct Outcome {
        var status: ShapeStatus
        var site: Site
        var reason: String
    }

    func run() -> ShapeResult {
        var outcomes: [Outcome] = []
        var seen: Set<MapIdentity> = []
        for (map, site) in candidates() {
            guard let identity = index.identity(of: map, 0, context.function) else {
                outcomes.append(Outcome(status: .unknown, site: site,
                                        reason: "which map \(index.compact(0, map)) is (a field, a variable) cannot be followed"))
                continue
            }
            guard seen.insert(identity).inserted else { continue }
            outcomes.append(judge(map, identity, at: site))
        }
        for status in [ShapeStatus.confirmed, .unknown, .contradicted] {
            if let outcome = outcomes.first(where: { $0.status == status }) {
                return context.result(status, .ap4, status == .contradicted ? nil : .prunedNeverShrunk, at: outcome.site, outcome.reason)
            }
        }
        return context.result(.contradicted, .ap4, nil, at: context.hotSites.first,
                              "the hot lines of \(context.name) neither range over a map nor delete from or store into one")
    }

    /// The maps at the hot lines, each with the statement to report: the delete of a hot
    /// pruning loop, or else the hot range or store.
    private func candidates() -> [(Range<Int>, Site)] {
        var found: [(Range<Int>, Site)] = []
        let outline = context.outline
        let deletes = index.operations(0, context.function).filter { $0.kind == .delete }
        var seenLoops: Set<Int> = []
        for node in context.hotNodes {
            for loop in outline.loops(around: node) where outline.nodes[loop].statement.kind == .rangeLoop {
                guard seenLoops.insert(loop).inserted else { continue }
                let clause = outline.nodes[loop].statement.rangeClause!
                let ranged = index.compact(0, clause.expressionTokens)
                // A delete of the ranged map inside the loop is the clearer statement to show.
                let delete = deletes.first { outline.contains(loop, $0.site.node) && $0.targetText == ranged }
                found.append((clause.expressionTokens, delete?.site ?? context.site(loop)))
            }
            for operation in index.operations(at: context.site(node)) {
                if operation.kind == .delete || operation.kind == .store || operation.kind == .clear {
                    found.append((operation.target, operation.site))
                }
            }
        }
        return found
    }

    private func judge(_ map: Range<Int>, _ identity: MapIdentity, at site: Site) -> Outcome {
        let name = index.compact(0, map)
        guard index.isMap(map, 0, context.function) else {
            let type = index.type(of: map, 0, context.function)
            return Outcome(status: type == nil ? .unknown : .contradicted, site: site,
                           reason: type.map { "\(name) is a \($0), not a map" } ?? "\(name) is not declared as a map where it can be seen")
        }
        if case .local = identity {
            return Outcome(status: .unknown, site: site,
                           reason: "\(name) is a local variable or parameter: it lives for one call, or its owner may re-make it")
        }
        let rebuilds = index.operations(on: identity) { $0.kind == .reassign || $0.kind == .clear }
        let deletes = index.operations(on: identity) { $0.kind == .delete }
        let bulk = deletes.filter { isPruning($0, identity) }
        // Re-made inside a loop: the map is replaced again and again, so it does not stay at a
        // peak it has left (a re-make outside loops may be the constructor's).
        if let rebuild = rebuilds.first(where: { $0.kind == .reassign && index.isInLoop($0.site) }) {
            return Outcome(status: .contradicted, site: site,
                           reason: "\(name) is re-made inside a loop at line \(index.line(rebuild.site)) (`\(index.sourceText(rebuild.site))`): it is replaced again and again and does not keep the table of an old peak")
        }
        if let rebuild = rebuilds.first {
            let condition = conditionAround(rebuild.site)
            let when = condition.map { " under `\(index.sourceText($0))` (line \(index.line($0)))" } ?? ""
            return Outcome(status: .unknown, site: site,
                           reason: "\(name) is re-made or cleared at line \(index.line(rebuild.site)) (`\(index.sourceText(rebuild.site))`)\(when), the fix's shape: whether it runs once the map has shrunk cannot be told from the source")
        }
        guard let prune = bulk.first else {
            if let single = deletes.first {
                return Outcome(status: .unknown, site: site,
                               reason: "\(name) is never re-made, but it loses one key at a time (line \(index.line(single.site)): `\(index.sourceText(single.site))`), not in a pruning pass: how far it shrinks below its peak cannot be told from the source")
            }
            return Outcome(status: .contradicted, site: site, reason: "\(name) is never deleted from, so it is never emptied below its peak")
        }
        let pruner = index.displayName(prune.site.file, prune.site.function)
        // Where the culprit only fills the map (a heap profile charges the inserts that grew
        // the table), the statement to show, and fix, is the pruning one.
        let fills = index.statement(site).kind != .rangeLoop && index.operations(at: site).allSatisfy { $0.kind != .delete && $0.kind != .clear }
        return Outcome(status: .confirmed, site: fills && (prune.site.file, prune.site.function) != (site.file, site.function) ? prune.site : site,
                       reason: "\(name) is pruned key by key (`\(index.sourceText(prune.site))`, line \(index.line(prune.site)) in \(pruner)) and is never re-made or cleared: its buckets stay at their peak size, and every range walks them all")
    }

    /// A delete in a pruning pass: inside a range over the map itself (not a pop: a delete
    /// followed by `return` or `break`), or inside a range over a slice of keys that a range
    /// over the map collected in the same function (`expired = append(expired, id)`).
    private func isPruning(_ delete: MapOperation, _ identity: MapIdentity) -> Bool {
        let (file, function) = (delete.site.file, delete.site.function)
        let outline = index.outline(file, function)
        let text = index.text(file)
        for loop in outline.loops(around: delete.site.node) {
            guard let clause = outline.nodes[loop].statement.rangeClause else { continue }
            if index.identity(of: clause.expressionTokens, file, function) == identity {
                return !outline.leavesLoop(after: delete.site.node, loop)
            }
            guard clause.expressionTokens.count == 1, text.kind(clause.expressionTokens.lowerBound) == .identifier else { continue }
            let keys = clause.expression
            let collected = index.operations(file, function).contains { append in
                guard append.kind == .reassign, append.targetText == keys,
                      let value = append.value, index.compact(file, value).hasPrefix("append(" + keys + ",") else { return false }
                return outline.loops(around: append.site.node).contains { other in
                    outline.nodes[other].statement.rangeClause.map { index.identity(of: $0.expressionTokens, file, function) == identity } ?? false
                }
            }
            if collected { return true }
        }
        return false
    }

    /// The innermost `if`/`switch` around a statement, if any.
    private func conditionAround(_ site: Site) -> Site? {
        let outline = index.outline(site.file, site.function)
        return outline.ancestors(of: site.node)
            .first { [.ifStatement, .switchStatement, .selectStatement].contains(outline.nodes[$0].statement.kind) }
            .map { Site(file: site.file, function: site.function, node: $0) }
    }
}
