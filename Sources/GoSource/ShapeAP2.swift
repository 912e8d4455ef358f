/// AP2: concurrent map writes, and the two mitigations that go wrong.
///
/// Recognized at the hot statements:
/// - an unlocked write: `M[k] = v` / `delete(M, k)` on a declared map, with no `Lock`/`RLock`
///   taken before it on the same path, in a function (or literal) that several goroutines run
///   with the same map (see `GoroutineSharing`);
/// - a write-heavy `sync.Map`: `Store`, `LoadOrStore`, `LoadAndDelete`, `Delete`, `Swap`,
///   `CompareAndSwap`, `CompareAndDelete` on a declared `sync.Map`, once per request or event:
///   inside a range over a channel, in a function called inside a serving loop (`for {`,
///   `for cond {`, a range over a channel; one or two calls up; not a retry that leaves the
///   loop after the call), or in an HTTP handler; a hot `Load` of a `sync.Map` written that
///   way elsewhere counts too;
/// - a hot lock: one `sync.Mutex`/`RWMutex` field (or package variable, not indexed, so not a
///   shard) held while a key or value of a map access is built by a call that needs nothing
///   the lock guards (`key := seriesKey(name, labels)` after `r.mu.Lock()`).
///
/// Not confirmed: a map written under a lock; a map each goroutine has for itself (a local,
/// or one made per iteration); a single goroutine, or one started under a condition (the other
/// writer cannot be seen); a `sync.Map` written only after a `Load` miss (the read-mostly use
/// it is made for), or in a loop of a function not seen to run per request (a setup);
/// `Delete` inside a `Range` callback (allowed); a critical section whose calls use guarded
/// state or the lock's owner, or whose results the map does not need (error values, clocks);
/// sharded locks. Whether keys are new on each write, and whether a lock is contended, is for
/// the profile to say, not the source.
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
            let identity = index.identity(of: operation.target, 0, context.function)
            switch GoroutineSharing(index: index).verdict(function: context.function, map: operation.target, identity: identity) {
            case .shared(_, let why)?:
                outcomes.append(Outcome(status: .confirmed, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(map) is written with no lock held by \(context.name), which runs as several goroutines: \(why)"))
            case .perGoroutine(_, let why)?:
                outcomes.append(Outcome(status: .contradicted, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(map) is written with no lock held, but each goroutine has its own: \(why)"))
            case .undecided(_, let why)?:
                outcomes.append(Outcome(status: .unknown, shape: .unlockedGoroutineWrite, site: operation.site,
                                        reason: "\(context.name) runs as a goroutine and writes \(map) with no lock held, but \(why)"))
            case nil:
                continue
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
        if let loop = outline.loops(around: site.node).first(where: { isChannelLoop(site.file, site.function, $0) }) {
            let loopSite = Site(file: site.file, function: site.function, node: loop)
            return (.confirmed, "writes inside the loop at line \(index.line(loopSite)) (`\(index.sourceText(loopSite))`), once per value received: a write-heavy use of sync.Map")
        }
        if let why = perRequest(site.file, site.function, depth: 0) {
            return (.confirmed, "writes on every call of \(name), and \(why): a write-heavy use of sync.Map")
        }
        if let loop = outline.loops(around: site.node).first {
            return (.unknown, "writes in the loop at line \(index.line(Site(file: site.file, function: site.function, node: loop))), but \(name) is not seen to run per request (it may be a one-time setup)")
        }
        return (.unknown, "writes, but \(name) is not seen to run in a loop or once per request")
    }

    /// Why `function` runs once per request or event: it is an HTTP handler, or it is called
    /// inside a serving loop, up to two calls away.
    private func perRequest(_ file: Int, _ function: Int, depth: Int) -> String? {
        let name = index.displayName(file, function)
        if isHandler(index.files[file].functions[function]) { return "\(name) is an HTTP handler" }
        guard depth < 2 else { return nil }
        for caller in index.callSites(of: file, function) {
            let outline = index.outline(caller.file, caller.function)
            if let loop = outline.loops(around: caller.node).first(where: {
                isServingLoop(caller.file, caller.function, $0) && !outline.leavesLoop(after: caller.node, $0)
            }) {
                let loopSite = Site(file: caller.file, function: caller.function, node: loop)
                return "\(name) is called (line \(index.line(caller)): `\(index.sourceText(caller))`) in the loop of \(index.displayName(caller.file, caller.function)) at line \(index.line(loopSite)) (`\(index.sourceText(loopSite))`), which runs once per request"
            }
            if let why = perRequest(caller.file, caller.function, depth: depth + 1) {
                return "\(name) is called by \(index.displayName(caller.file, caller.function)) (line \(index.line(caller))), and \(why)"
            }
        }
        return nil
    }

    /// A loop that runs until told to stop, once per request or event: `for {`, `for cond {`,
    /// or a range over a channel. (`for i := 0; i < n; i++` and ranges over slices or maps are
    /// bounded: they may as well be a one-time setup.) A call in it that is followed by leaving
    /// the loop is a retry, not a request: the callers check that.
    private func isServingLoop(_ file: Int, _ function: Int, _ node: Int) -> Bool {
        let statement = index.outline(file, function).nodes[node].statement
        if statement.kind == .forLoop { return index.text(file).firstOutsideBrackets([.semicolon], in: statement.header) == nil }
        return isChannelLoop(file, function, node)
    }

    /// `for x := range ch` over a declared channel: one pass per value received.
    private func isChannelLoop(_ file: Int, _ function: Int, _ node: Int) -> Bool {
        guard let clause = index.outline(file, function).nodes[node].statement.rangeClause,
              let type = index.type(of: clause.expressionTokens, file, function).map(index.hints(file).underlying) else { return false }
        return type.hasPrefix("chan ") || type.hasPrefix("<-chan ") || type.hasPrefix("chan<-")
    }

    /// `func(w http.ResponseWriter, r *http.Request)`: an HTTP handler, run once per request.
    private func isHandler(_ function: GoFunction) -> Bool {
        function.parameters.contains { $0.type == "http.ResponseWriter" }
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
            guard lockType == "sync.Mutex" || lockType == "sync.RWMutex", isSingleLock(operation.target) else { continue }
            let accesses = mapAccesses(in: section.nodes)
            guard let map = accesses.first?.map else { continue }
            if let work = keyBuiltUnderLock(in: section.nodes, accesses: accesses, lock: operation.site) {
                outcomes.append(Outcome(status: .confirmed, shape: .lockHeldAcrossWork, site: operation.site,
                                        reason: "\(lock) is one lock for all of \(map), and it is held while `\(work.statement)` (line \(index.line(work.site))) builds \(work.name), which the map access uses but which needs nothing the lock guards: every caller waits for that work"))
            } else {
                outcomes.append(Outcome(status: .contradicted, shape: .lockHeldAcrossWork, site: operation.site,
                                        reason: "\(lock) guards \(map), and no key or value is built under it from unguarded inputs"))
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

    /// A map access in a critical section: the names used as its key and value, and where it is.
    private struct MapAccess {
        var map: String
        var uses: Set<String>
        var position: Int
    }

    /// Stores, deletes and reads (`x := M[k]`, `x, ok := M[k]`) of declared maps in the section.
    private func mapAccesses(in nodes: [Int]) -> [MapAccess] {
        let text = index.text(0)
        let inSection = Set(nodes)
        var accesses: [MapAccess] = []
        for operation in index.operations(0, context.function) where inSection.contains(operation.site.node) {
            var map: Range<Int>?
            var parts: [Range<Int>] = []
            switch operation.kind {
            case .store:
                map = operation.target
                parts = [operation.key, operation.value].compactMap { $0 }
            case .delete:
                map = operation.target
                parts = [operation.key].compactMap { $0 }
            case .define:
                if let read = operation.entryRead(text) {
                    map = read.map
                    parts = [read.key]
                }
            default:
                break
            }
            guard let map, index.isMap(map, 0, context.function) else { continue }
            let uses = parts.flatMap { Array($0) }.filter { text.kind($0) == .identifier }.map { text.text($0) }
            let position = context.outline.nodes[operation.site.node].statement.tokens.lowerBound
            accesses.append(MapAccess(map: index.compact(0, map), uses: Set(uses), position: position))
        }
        return accesses
    }

    /// `key := seriesKey(name, labels)` right after `Lock()`: a call statement in the lock's
    /// own block, before any map access of the section, whose result the map access uses, and
    /// whose inputs (arguments and receiver) are all parameters or locals set before the lock,
    /// none of them the lock's owner (`r` of `r.mu`): so it needs nothing the lock guards, and
    /// could run before `Lock()`. Calls without inputs (clocks, global state), builtins and
    /// conversions do not count.
    private func keyBuiltUnderLock(in nodes: [Int], accesses: [MapAccess], lock: Site) -> (name: String, statement: String, site: Site)? {
        let text = index.text(0)
        let outline = context.outline
        let inSection = Set(nodes)
        let lockPosition = outline.nodes[lock.node].statement.tokens.lowerBound
        let owner = text.text(outline.nodes[lock.node].statement.tokens.lowerBound)
        let lockBlock = (outline.nodes[lock.node].parent, outline.nodes[lock.node].branch)
        let firstAccess = accesses.map(\.position).min() ?? Int.max
        let used = accesses.reduce(into: Set<String>()) { $0.formUnion($1.uses) }
        for operation in index.operations(0, context.function) where inSection.contains(operation.site.node) {
            let node = outline.nodes[operation.site.node]
            guard operation.kind == .define || operation.kind == .reassign, used.contains(operation.targetText),
                  node.statement.kind == .simple, node.parent == lockBlock.0, node.branch == lockBlock.1,
                  node.statement.tokens.lowerBound < firstAccess,
                  let value = operation.value, text.kind(value.upperBound - 1) == .rightParen else { continue }
            let open = text.pairs.partner(value.upperBound - 1)
            guard open > value.lowerBound,
                  let callee = StatementFacts.calleeChain(text, endingAt: open - 1, from: value.lowerBound),
                  callee.lowerBound == value.lowerBound else { continue }
            let name = index.compact(0, callee)
            if callee.count == 1 && (Self.builtins.contains(name) || Self.basicTypes.contains(name)
                                     || index.hints(0).typeDeclaration(name) != nil) { continue }
            // Inputs: the variables among the receiver and the arguments (not package names,
            // functions, field names after a dot, or composite literal keys).
            let candidates = (callee.count > 1 ? [callee.lowerBound] : []) + Array(span(open + 1, value.upperBound - 1))
            let inputs = candidates.filter {
                text.kind($0) == .identifier && text.kind($0 - 1) != .period && text.kind($0 + 1) != .colon && isVariable($0)
            }
            guard !inputs.isEmpty, !inputs.contains(where: { text.text($0) == owner }),
                  inputs.allSatisfy({ isSetBefore($0, lockPosition) }) else { continue }
            return (operation.targetText, index.sourceText(operation.site), operation.site)
        }
        return nil
    }

    /// True when the name at `token` is a parameter, or a local declared before `position`.
    private func isSetBefore(_ token: Int, _ position: Int) -> Bool {
        let name = index.text(0).text(token)
        if ["nil", "true", "false", "iota"].contains(name) { return true }
        guard let declared = index.hints(0).declaration(of: name, in: context.function, at: token) else { return false }
        return declared.position.map { $0 < position } ?? true
    }

    /// True when the name at `token` is a variable seen here (not a package name).
    private func isVariable(_ token: Int) -> Bool {
        let name = index.text(0).text(token)
        return index.hints(0).declaration(of: name, in: context.function, at: token) != nil
            || index.files.contains { $0.globals[name] != nil }
    }
}
