/// AP2: concurrent map writes, and the two mitigations that go wrong.
///
/// Recognized at the hot statements:
/// - an unlocked write: `M[k] = v` / `delete(M, k)` on a declared map that is not the
///   function's own local, in a function (or literal) started by `go` inside a loop or by two
///   or more `go` statements, with no `Lock`/`RLock` taken before it on the same path;
/// - a write-heavy `sync.Map`: `Store`, `LoadOrStore`, `LoadAndDelete`, `Delete`, `Swap`,
///   `CompareAndSwap`, `CompareAndDelete` on a declared `sync.Map`, inside a loop, or in a
///   function called inside a loop (one or two calls up) or from an HTTP handler; a hot `Load`
///   of a `sync.Map` that is written that way elsewhere counts too;
/// - a hot lock: one `sync.Mutex`/`RWMutex` field (or package variable, not indexed, so not a
///   shard) held across a map access and a call that does not touch the map (`key :=
///   seriesKey(name, labels)` under `r.mu.Lock()`).
///
/// Not confirmed: a map written under a lock; a goroutine's own local map; a single goroutine
/// (the other writer cannot be seen); a `sync.Map` written only after a `Load` miss (the
/// read-mostly use it is made for) or only once; `Delete` inside a `Range` callback (allowed);
/// a short critical section that only touches the map; sharded locks. Whether keys are new on
/// each write, and whether a lock is contended, is for the profile to say, not the source.
struct ConcurrencyCheck {
    let context: CheckContext
    private var index: PackageIndex { context.index }

    init(_ context: CheckContext) { self.context = context }

    private struct Outcome {
        var status: ShapeStatus
        var shape: ShapeKind
        var site: Site
        var reason: String
    }

    private static let syncMapWrites: Set<String> = ["Store", "LoadOrStore", "LoadAndDelete", "Delete", "Swap", "CompareAndSwap", "CompareAndDelete"]
    private static let syncMapReads: Set<String> = ["Load", "Range"]
    private static let builtins: Set<String> = ["len", "cap", "append", "delete", "make", "new", "copy", "clear", "panic",
                                                "print", "println", "min", "max", "complex", "real", "imag", "recover"]
    private static let basicTypes: Set<String> = ["bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
                                                  "uint16", "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64",
                                                  "complex64", "complex128", "any", "error"]

    func run() -> ShapeResult {
        let outcomes = unlockedGoroutineWrites() + syncMapUse() + locksHeldAcrossWork()
        for status in [ShapeStatus.confirmed, .unknown, .contradicted] {
            if let outcome = outcomes.first(where: { $0.status == status }) {
                return context.result(status, .ap2, status == .contradicted ? nil : outcome.shape, at: outcome.site, outcome.reason)
            }
        }
        return context.result(.contradicted, .ap2, nil, at: context.hotSites.first,
                              "no map write in a goroutine, no sync.Map write and no lock held around a map at the hot lines of \(context.name)")
    }

    private var hotOperations: [MapOperation] {
        let hot = Set(context.hotNodes)
        return context.regionOperations.filter { hot.contains($0.site.node) }
    }

    // MARK: Unlocked writes in goroutines

    private func unlockedGoroutineWrites() -> [Outcome] {
        var outcomes: [Outcome] = []
        let culprit = index.files[0].functions[context.function]
        for operation in hotOperations where operation.kind == .store || operation.kind == .delete {
            guard operation.kind == .delete || index.isMap(operation.target, 0, context.function) else { continue }
            let map = operation.targetText
            let base = index.text(0).text(operation.target.lowerBound)
            if case .local(_, let declaring, _)? = index.identity(of: operation.target, 0, context.function), declaring == context.function,
               !culprit.parameters.contains(where: { $0.name == base }) {
                continue // the goroutine's own map
            }
            if let lock = lockHeld(before: operation.site) {
                outcomes.append(Outcome(status: .contradicted, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(map) is written under \(lock.name) (line \(index.line(lock.site)))"))
                continue
            }
            let starts = index.goStatements(starting: 0, context.function)
            guard !starts.isEmpty else { continue }
            if let start = starts.first(where: index.isInLoop) {
                outcomes.append(Outcome(status: .confirmed, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(context.name) is started by `go` inside a loop (line \(index.line(start)): `\(index.sourceText(start))`), so several goroutines run it, and it writes \(map) with no lock held"))
            } else if starts.count >= 2 {
                outcomes.append(Outcome(status: .confirmed, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(context.name) is started by \(starts.count) `go` statements (lines \(starts.map { String(index.line($0)) }.joined(separator: ", "))) and writes \(map) with no lock held"))
            } else {
                outcomes.append(Outcome(status: .unknown, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(context.name) runs as a goroutine (line \(index.line(starts[0]))) and writes \(map) with no lock held, but only one goroutine is started here: whether another one writes \(map) at the same time cannot be told from the source"))
            }
        }
        return outcomes
    }

    /// The `Lock`/`RLock` call held at `site`: the last lock or unlock call before it, on the
    /// path that may lead to it, is a lock. A deferred unlock does not release before `site`.
    private func lockHeld(before site: Site) -> (name: String, site: Site)? {
        let outline = index.outline(site.file, site.function)
        let region = outline.region(of: site.node)
        let position = outline.nodes[site.node].statement.tokens.lowerBound
        var held: (name: String, site: Site)?
        for node in region.sorted() where outline.nodes[node].statement.tokens.lowerBound < position {
            let nodeSite = Site(file: site.file, function: site.function, node: node)
            let isDefer = outline.nodes[node].statement.kind == .deferStatement
            for call in index.facts(nodeSite).calls where call.arguments.isEmpty {
                if call.method == "Lock" || call.method == "RLock" { held = ("\(call.name)()", nodeSite) }
                if (call.method == "Unlock" || call.method == "RUnlock") && !isDefer { held = nil }
            }
        }
        return held
    }

    // MARK: sync.Map

    private func syncMapUse() -> [Outcome] {
        var outcomes: [Outcome] = []
        let hints = index.hints(0)
        for operation in hotOperations {
            guard case .methodCall(let method) = operation.kind,
                  hints.isSyncMap(index.type(of: operation.target, 0, context.function)) else { continue }
            let map = operation.targetText
            if Self.syncMapWrites.contains(method) {
                let (status, why) = judgeSyncMapWrite(operation)
                outcomes.append(Outcome(status: status, shape: .syncMapWriteHeavy, site: operation.site, reason: "\(map).\(method) \(why)"))
            } else if Self.syncMapReads.contains(method) {
                guard let identity = index.identity(of: operation.target, 0, context.function) else { continue }
                let writes = index.operations(on: identity) { operation in
                    if case .methodCall(let m) = operation.kind { return Self.syncMapWrites.contains(m) }
                    return false
                }
                let judged = writes.map { ($0, judgeSyncMapWrite($0)) }
                if let (write, (_, why)) = judged.first(where: { $0.1.0 == .confirmed }) {
                    outcomes.append(Outcome(status: .confirmed, shape: .syncMapWriteHeavy, site: operation.site,
                                            reason: "\(map).\(method) reads a sync.Map that \(index.displayName(write.site.file, write.site.function)) writes at line \(index.line(write.site)) (`\(index.sourceText(write.site))`), which \(why)"))
                } else {
                    outcomes.append(Outcome(status: .contradicted, shape: .syncMapWriteHeavy, site: operation.site,
                                            reason: "\(map).\(method) only reads the sync.Map, and no write to it is seen in a loop or per request"))
                }
            }
        }
        return outcomes
    }

    /// Whether a sync.Map write runs in a loop or per request, and is not the read-mostly idiom.
    private func judgeSyncMapWrite(_ write: MapOperation) -> (ShapeStatus, String) {
        let site = write.site
        let outline = index.outline(site.file, site.function)
        let function = index.files[site.file].functions[site.function]
        let name = index.displayName(site.file, site.function)
        if function.isLiteral, let parent = function.parent, isRangeCallback(literal: site.function, parent: parent, file: site.file) {
            return (.unknown, "is inside a Range callback, which the sync.Map documentation allows")
        }
        let target = write.targetText
        let position = outline.nodes[site.node].statement.tokens.lowerBound
        for node in outline.region(of: site.node).sorted() where outline.nodes[node].statement.tokens.lowerBound < position {
            let loads = index.facts(Site(file: site.file, function: site.function, node: node)).calls
            if loads.contains(where: { $0.method == "Load" && $0.receiver.map { index.compact(site.file, $0) } == target }) {
                return (.unknown, "comes after a Load of the same map, so it writes only on a miss: the read-mostly use sync.Map is made for")
            }
        }
        if let loop = outline.loops(around: site.node).first.map({ Site(file: site.file, function: site.function, node: $0) }) {
            return (.confirmed, "writes inside the loop at line \(index.line(loop)) (`\(index.sourceText(loop))`): a write-heavy use of sync.Map")
        }
        if let why = perRequest(site.file, site.function, depth: 0) {
            return (.confirmed, "writes on every call of \(name), and \(why): a write-heavy use of sync.Map")
        }
        return (.unknown, "writes, but \(name) is not seen to run in a loop or once per request")
    }

    /// Why `function` runs once per request or per iteration: called in a loop, or by an HTTP
    /// handler, up to two calls away.
    private func perRequest(_ file: Int, _ function: Int, depth: Int) -> String? {
        let name = index.displayName(file, function)
        if isHandler(index.files[file].functions[function]) { return "\(name) is an HTTP handler" }
        guard depth < 2 else { return nil }
        for caller in index.callSites(of: file, function) {
            if index.isInLoop(caller) {
                return "\(name) is called inside a loop in \(index.displayName(caller.file, caller.function)) (line \(index.line(caller)): `\(index.sourceText(caller))`)"
            }
            if let why = perRequest(caller.file, caller.function, depth: depth + 1) {
                return "\(name) is called by \(index.displayName(caller.file, caller.function)) (line \(index.line(caller))), and \(why)"
            }
        }
        return nil
    }

    private func isHandler(_ function: GoFunction) -> Bool {
        function.parameters.contains { $0.type == "http.ResponseWriter" || $0.type == "*http.Request" }
    }

    /// True when the literal is an argument of a `.Range(...)` call in its parent.
    private func isRangeCallback(literal: Int, parent: Int, file: Int) -> Bool {
        let outline = index.outline(file, parent)
        for node in outline.nodes.indices where outline.nodes[node].statement.closures.contains(literal) {
            let funcToken = index.files[file].functions[literal].funcToken
            return index.facts(Site(file: file, function: parent, node: node)).calls.contains { call in
                call.method == "Range" && call.arguments.contains { $0.contains(funcToken) }
            }
        }
        return false
    }

    // MARK: Hot locks

    private func locksHeldAcrossWork() -> [Outcome] {
        var outcomes: [Outcome] = []
        let outline = context.outline
        let hot = Set(context.hotNodes)
        for operation in context.regionOperations {
            guard case .methodCall(let method) = operation.kind, method == "Lock" || method == "RLock", operation.arguments.isEmpty,
                  outline.nodes[operation.site.node].statement.kind == .simple else { continue }
            let lock = operation.targetText
            let section = criticalSection(after: operation.site.node, lock: lock)
            guard hot.contains(operation.site.node) || section.nodes.contains(where: hot.contains) || section.unlock.map(hot.contains) == true else { continue }
            let lockType = index.type(of: operation.target, 0, context.function).map { $0.hasPrefix("*") ? String($0.dropFirst()) : $0 }
            guard lockType == "sync.Mutex" || lockType == "sync.RWMutex" else { continue }
            guard isSingleLock(operation.target) else { continue }
            let maps = guardedMaps(in: section.nodes)
            guard let map = maps.first else { continue }
            let lockSite = operation.site
            if let work = independentWork(in: section.nodes, map: map.text) {
                outcomes.append(Outcome(status: .confirmed, shape: .lockHeldAcrossWork, site: lockSite,
                                        reason: "\(lock) is one lock for all of \(map.text) and is held across \(work.call) (line \(index.line(work.site))), work that does not need the map: every writer waits for it"))
            } else {
                outcomes.append(Outcome(status: .contradicted, shape: .lockHeldAcrossWork, site: lockSite,
                                        reason: "\(lock) guards \(map.text) with a short critical section that only touches the map"))
            }
        }
        return outcomes
    }

    /// The statements after `lockNode` in its block up to the matching unlock (or to the end of
    /// the block, when the unlock is deferred), with their nested statements.
    private func criticalSection(after lockNode: Int, lock: String) -> (nodes: [Int], unlock: Int?) {
        let outline = context.outline
        let here = outline.nodes[lockNode]
        let siblings = outline.statements(inBlock: here.branch, of: here.parent)
        var nodes: [Int] = []
        for sibling in siblings[(here.position + 1)...] {
            let statement = outline.nodes[sibling].statement
            let unlocks = index.facts(context.site(sibling)).calls.contains {
                ($0.method == "Unlock" || $0.method == "RUnlock") && $0.receiver.map { index.compact(0, $0) } == lock
            }
            if unlocks && statement.kind != .deferStatement { return (nodes, sibling) }
            if unlocks { continue }
            nodes += Array(sibling..<outline.nodes[sibling].subtreeEnd)
        }
        return (nodes, nil)
    }

    /// One lock per object or per package, not one of many shards: `r.mu`, `mu`, `cache.mu`.
    private func isSingleLock(_ lock: Range<Int>) -> Bool {
        switch index.identity(of: lock, 0, context.function) {
        case .field(_, let path)?: return !path.contains("[")
        case .global(let path)?: return !path.contains("[")
        default: return false
        }
    }

    private struct GuardedMap {
        var text: String
        var site: Site
    }

    /// Maps read or written in the section: stores, deletes, and `x := M[k]` / `x, ok := M[k]`.
    private func guardedMaps(in nodes: [Int]) -> [GuardedMap] {
        let text = index.text(0)
        let inSection = Set(nodes)
        var maps: [GuardedMap] = []
        for operation in index.operations(0, context.function) where inSection.contains(operation.site.node) {
            var candidate: Range<Int>?
            switch operation.kind {
            case .store, .delete:
                candidate = operation.target
            case .define:
                if let value = operation.value, text.kind(value.upperBound - 1) == .rightBracket {
                    let open = text.pairs.partner(value.upperBound - 1)
                    if open > value.lowerBound { candidate = value.lowerBound..<open }
                }
            default:
                break
            }
            if let candidate, index.isMap(candidate, 0, context.function) {
                maps.append(GuardedMap(text: index.compact(0, candidate), site: operation.site))
            }
        }
        return maps
    }

    /// A call in the section whose arguments use nothing the section read from the map and
    /// not the map itself: work that could run before taking the lock.
    private func independentWork(in nodes: [Int], map: String) -> (call: String, site: Site)? {
        let text = index.text(0)
        let inSection = Set(nodes)
        var defined: Set<String> = []
        for operation in index.operations(0, context.function) where inSection.contains(operation.site.node) && operation.kind == .define {
            defined.insert(operation.targetText)
        }
        for node in nodes.sorted() {
            let site = context.site(node)
            for call in index.facts(site).calls {
                let head = text.text(call.callee.lowerBound)
                if call.receiver == nil && (Self.builtins.contains(call.name) || Self.basicTypes.contains(call.name)
                                            || index.hints(0).typeDeclaration(call.name) != nil) { continue }
                if call.method == "Unlock" || call.method == "RUnlock" || call.method == "Lock" || call.method == "RLock" { continue }
                if index.compact(0, call.callee).hasPrefix(map) || defined.contains(head) { continue }
                let uses = call.arguments.flatMap { Array($0) }.filter { text.kind($0) == .identifier }.map { text.text($0) }
                if uses.contains(where: defined.contains) { continue }
                if call.arguments.contains(where: { index.compact(0, $0).contains(map) }) { continue }
                return ("\(call.name)(\(call.arguments.map { index.compact(0, $0) }.joined(separator: ", ")))", site)
            }
        }
        return nil
    }
}
