/// AP3: deleting the key but keeping the value alive.
///
/// Recognized, at the culprit's hot lines and on the paths through them (and, for maps the
/// culprit fills, wherever the package deletes from or nils them):
/// - `M[k] = nil` on a declared map of pointers (`map[K]*T`), where `delete(M, k)` was meant:
///   the key stays, so the map keeps one entry per key ever seen. Not when the same path also
///   deletes from `M`, nor after a comma-ok lookup of `M` (a negative cache, where nil means
///   "known missing"), nor in a loop or on a map local to the function (placeholders being
///   filled in);
/// - `delete(M, k)` while the value `v` (stored by `M[k] = v`, or read by `v := M[k]` before
///   the delete) is also added to a growing structure held by a struct field or package
///   variable (`S = append(S, v)`, `S2[x] = v` into another map, `l.PushBack(v)`,
///   `m.Store(x, v)`) that the package never trims, resets, nils or deletes from.
///
/// Not confirmed: `M[k] = T{}`, `""`, `0` or `false` (often a real value: a reset counter, a
/// set member); nil in maps of interfaces, errors, slices or maps (JSON null, "no error", an
/// empty bucket); a delete whose value is kept nowhere else (it is collected); another reference
/// that is added only under a condition (a bounded cache, a debug switch) or that is dropped
/// somewhere; a single field or a slice slot (`x.last = v`, `ring[i] = v`), which keeps only
/// a bounded number of values. References through closures, channels, or other packages are
/// not followed.
struct DeleteKeepsValueCheck {
    let context: CheckContext
    private var index: PackageIndex { context.index }
    /// What was found per map and per holder, so that a package with many deletes of the same
    /// map is read once, not once per delete.
    private let memo = Memo()

    init(_ context: CheckContext) { self.context = context }

    private final class Memo {
        var stored: [DeletePathKey: (assessment: Assessment?, storesSeen: Int)] = [:]
        var releases: [MapIdentity: [Release]] = [:]
        var deletePaths: [FunctionKey: Set<FunctionKey>] = [:]
    }

    /// A function of the package.
    private struct FunctionKey: Hashable {
        var file: Int
        var function: Int
    }

    /// A map, and the function that deletes from it.
    private struct DeletePathKey: Hashable {
        var identity: MapIdentity
        var deleter: FunctionKey
    }

    /// A statement that drops a holder's entries: all of them (`S = nil`, `clear(S)`, a pass
    /// that rewrites every entry) or one (`delete(S, k)`, `S[k] = nil`, `l.Remove(e)`).
    private struct Release {
        var site: Site
        var whole: Bool
    }

    private struct Outcome {
        var status: ShapeStatus
        var shape: ShapeKind
        var site: Site
        var reason: String
    }

    func run() -> ShapeResult {
        var outcomes: [Outcome] = []
        var judged: Set<Site> = []
        var filled: [MapOperation] = []
        func record(_ outcome: Outcome) -> ShapeResult? {
            outcomes.append(outcome)
            return outcome.status == .confirmed
                ? context.result(.confirmed, .ap3, outcome.shape, at: outcome.site, outcome.reason) : nil
        }
        for operation in context.regionOperations {
            switch operation.kind {
            case .store where isEmptyStore(operation):
                judged.insert(operation.site)
                if let result = record(judgeEmptyStore(operation)) { return result }
            case .delete:
                judged.insert(operation.site)
                if let result = record(judgeDelete(operation)) { return result }
            case .store:
                filled.append(operation)
            default:
                continue
            }
        }
        // Maps filled at the hot lines: where the package empties them.
        for store in filled {
            guard index.isMap(store.target, 0, context.function),
                  let identity = index.identity(of: store.target, 0, context.function) else { continue }
            for other in index.operations(on: identity, where: { $0.kind == .delete || ($0.kind == .store && isEmptyStore($0)) }) {
                guard judged.insert(other.site).inserted else { continue }
                if let result = record(other.kind == .delete ? judgeDelete(other) : judgeEmptyStore(other)) { return result }
            }
        }
        for status in [ShapeStatus.unknown, .contradicted] {
            if let outcome = outcomes.first(where: { $0.status == status }) {
                return context.result(status, .ap3, status == .contradicted ? nil : outcome.shape, at: outcome.site, outcome.reason)
            }
        }
        return elsewhere()
    }

    /// Nothing at the hot lines: allocation sites often are not where the map is emptied. A
    /// shape elsewhere in the package confirms the finding when its map is one the culprit
    /// reads or fills (the values it allocates live there: the culprit puts them in, the
    /// other function keeps them after the delete); any other shape is only pointed at.
    private func elsewhere() -> ShapeResult {
        let base = "no map store, delete or nil overwrite at the hot lines of \(context.name): the values may be kept by code elsewhere"
        let culpritMaps = mapsTouched(0, context.function).union(mapsFedByCallers())
        var unlinked: (outcome: Outcome, file: Int, function: Int)?
        for (file, function) in index.allFunctions {
            for operation in index.operations(file, function) {
                let outcome: Outcome
                if operation.kind == .delete { outcome = judgeDelete(operation) }
                else if operation.kind == .store && isEmptyStore(operation) { outcome = judgeEmptyStore(operation) }
                else { continue }
                guard outcome.status == .confirmed else { continue }
                if let identity = index.identity(of: operation.target, file, function), culpritMaps.contains(identity) {
                    return context.result(.confirmed, .ap3, outcome.shape, at: outcome.site,
                                          "\(outcome.reason); \(context.name) puts the values into \(operation.targetText)")
                }
                if unlinked == nil { unlinked = (outcome, file, function) }
            }
        }
        if let softDelete = softDelete(of: culpritMaps.union(mapsOfResultType())) {
            return context.result(.confirmed, .ap3, .softDelete, at: softDelete.site, softDelete.reason)
        }
        if let (outcome, file, function) = unlinked {
            return context.result(.unknown, .ap3, outcome.shape, at: outcome.site,
                                  "\(base); in \(index.displayName(file, function)): \(outcome.reason)")
        }
        return context.result(.unknown, .ap3, nil, at: context.hotSites.first, base)
    }

    /// The maps a function stores into, deletes from, ranges over or reads an entry of
    /// (`v := M[k]`, `v, ok := M[k]`).
    private func mapsTouched(_ file: Int, _ function: Int) -> Set<MapIdentity> {
        let text = index.text(file)
        var maps: Set<MapIdentity> = []
        for operation in index.operations(file, function) {
            switch operation.kind {
            case .store, .delete, .range:
                if let identity = index.identity(of: operation.target, file, function) { maps.insert(identity) }
            case .define:
                guard let read = operation.entryRead(text), index.isMap(read.map, file, function),
                      let identity = index.identity(of: read.map, file, function) else { continue }
                maps.insert(identity)
            default:
                continue
            }
        }
        return maps
    }

    /// `M[k] = nil`, or `M[k] = T{}` / `M[k] = T{Field: zero, ...}` (an empty value stored in
    /// place of a delete; the literal may span several lines).
    private func isEmptyStore(_ operation: MapOperation) -> Bool {
        guard operation.op == .assign, let value = operation.value else { return false }
        if value.count == 1 { return index.text(operation.site.file).isIdentifier(value.lowerBound, "nil") }
        return Self.isEmptyLiteral(index.compact(operation.site.file, value))
    }

    /// A composite literal whose elements are all zero values: `Entry{}`,
    /// `Device{Name: "", Seen: 0, Conn: nil}` (compact text, as TokenText.compact writes it).
    /// Not `&Entry{}`: a new value to fill in, not an empty one.
    static func isEmptyLiteral(_ text: String) -> Bool {
        let body = Substring(text)
        guard let open = body.firstIndex(of: "{"), body.last == "}", open > body.startIndex,
              body[..<open].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return false }
        let inner = body[body.index(after: open)..<body.index(before: body.endIndex)]
        if inner.isEmpty { return true }
        guard !inner.contains("{") || inner.allSatisfy({ $0 != "(" }) else { return false }
        let zeros: Set<String> = ["nil", "0", "\"\"", "false", "0.0", "``"]
        for element in inner.split(separator: ",") where !element.isEmpty {
            let value = element.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
            if zeros.contains(value) { continue }
            if value.hasSuffix("{}") && value.dropLast(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "[" || $0 == "]" || $0 == "*" }) { continue }
            return false
        }
        return true
    }

    // MARK: M[k] = nil

    private func judgeEmptyStore(_ store: MapOperation) -> Outcome {
        let site = store.site
        let (file, function) = (site.file, site.function)
        let map = store.targetText
        let key = index.compact(file, store.key!)
        let type = index.type(of: store.target, file, function)
        let stored = index.compact(file, store.value!)
        let emptyLiteral = stored != "nil"
        let shown = stored.count <= 40 ? stored : String(stored.prefix { $0 != "{" }) + "{…}"
        guard let type, index.hints(file).isMap(type), let parts = TypeHints.mapParts(index.hints(file).underlying(type)) else {
            return Outcome(status: .unknown, shape: .zeroValueOverwrite, site: site,
                           reason: "\(map)[\(key)] = \(shown), but \(map) is not declared as a map where it can be seen (for a slice element, storing nil is the fix, not the pattern)")
        }
        guard parts.value.hasPrefix("*") || emptyLiteral else {
            return Outcome(status: .unknown, shape: .zeroValueOverwrite, site: site,
                           reason: "\(map)[\(key)] = \(shown) stores a nil \(parts.value), which may be a meaningful value rather than a delete")
        }
        let outline = index.outline(file, function)
        if outline.isInLoop(site.node) {
            return Outcome(status: .unknown, shape: .zeroValueOverwrite, site: site,
                           reason: "\(map)[\(key)] = \(shown) is in a loop: it may fill placeholder entries rather than drop them")
        }
        if case .local(_, let declaring, _)? = index.identity(of: store.target, file, function), declaring == function {
            return Outcome(status: .unknown, shape: .zeroValueOverwrite, site: site,
                           reason: "\(map)[\(key)] = \(shown): \(map) is local to \(index.displayName(file, function)), which may be building it rather than emptying it")
        }
        let region = outline.region(of: site.node)
        if let delete = index.operations(file, function).first(where: {
            $0.kind == .delete && region.contains($0.site.node) && $0.targetText == map
        }) {
            return Outcome(status: .contradicted, shape: .zeroValueOverwrite, site: site,
                           reason: "\(map)[\(key)] = \(shown), but the same path deletes from \(map) (line \(index.line(delete.site)))")
        }
        let position = outline.nodes[site.node].statement.tokens.lowerBound
        let text = index.text(file)
        for operation in index.operations(file, function) where operation.kind == .define && region.contains(operation.site.node) {
            guard outline.nodes[operation.site.node].statement.tokens.lowerBound < position, let read = operation.entryRead(text) else { continue }
            let statementFacts = index.facts(operation.site).assignments
            guard let commaOk = statementFacts.first(where: { $0.op == .define && $0.targets.count == 2 && $0.values.count == 1 }) else { continue }
            if index.compact(file, read.map) == map,
               !Self.runsOnlyOnHit(store: site.node, after: operation.site.node, ok: index.compact(file, commaOk.targets[1]), outline, text) {
                return Outcome(status: .unknown, shape: .zeroValueOverwrite, site: site,
                               reason: "\(map)[\(key)] = \(shown) comes after a comma-ok lookup of \(map) (line \(index.line(operation.site))): it may be a negative cache, where nil means \"known missing\"")
            }
        }
        let what = emptyLiteral ? "an empty value" : "a nil value"
        return Outcome(status: .confirmed, shape: .zeroValueOverwrite, site: site,
                       reason: "\(map)[\(key)] = \(emptyLiteral ? "an empty " + parts.value : "nil") keeps the key with \(what) instead of deleting it: \(map) keeps one entry for every key it has ever held (delete(\(map), \(key)) was meant)")
    }

    /// Whether the store runs only when the comma-ok lookup found the key: an earlier
    /// `if !ok ... { return }` (or `continue`) leaves first, and no `if !ok` encloses the store.
    /// Then the store empties an entry that exists — not a negative cache, which stores nil for
    /// a key that was missing.
    static func runsOnlyOnHit(store: Int, after lookup: Int, ok: String, _ outline: FunctionOutline, _ text: TokenText) -> Bool {
        guard ok != "_", !ok.isEmpty else { return false }
        func testsMiss(_ node: Int) -> Bool {
            let statement = outline.nodes[node].statement
            guard statement.kind == .ifStatement else { return false }
            let header = statement.header
            return header.contains { text.kind($0) == .not && $0 + 1 < header.upperBound && text.isIdentifier($0 + 1, ok) }
        }
        if outline.ancestors(of: store).contains(where: testsMiss) { return false }
        let (from, to) = (outline.nodes[lookup].statement.tokens.upperBound, outline.nodes[store].statement.tokens.lowerBound)
        return outline.nodes.indices.contains { node in
            let tokens = outline.nodes[node].statement.tokens
            guard tokens.lowerBound >= from, tokens.upperBound <= to, testsMiss(node),
                  let then = outline.nodes[node].statement.blocks.first else { return false }
            return then.tokens.contains { text.kind($0) == .kwReturn || text.kind($0) == .kwContinue }
        }
    }

    // MARK: delete(M, k) with the value kept elsewhere

    private struct Reference {
        var holder: Range<Int>
        var site: Site
        var value: String
        var origin: Site
    }

    /// How a value kept elsewhere was judged: the reference, and what decides it (a statement
    /// that drops the holder's entries, or a condition around the reference).
    private struct Assessment {
        var status: ShapeStatus
        var reference: Reference
        var release: Site?
        var condition: Site?
        /// A statement that drops one of the holder's entries, but not where the delete runs.
        var elsewhereRelease: Site?
    }

    private func judgeDelete(_ delete: MapOperation) -> Outcome {
        let site = delete.site
        let (file, function) = (site.file, site.function)
        let map = delete.targetText
        guard let identity = index.identity(of: delete.target, file, function) else {
            return Outcome(status: .unknown, shape: .deletedValueKept, site: site,
                           reason: "delete(\(map), ...): where else its values are kept cannot be followed (\(map) is not a field, variable or parameter seen here)")
        }
        // The values: read from the map before the delete, in this function ...
        let text = index.text(file)
        var best: Assessment?
        var readsSeen = 0
        for define in index.operations(file, function) where define.kind == .define {
            guard let read = define.entryRead(text), index.compact(file, read.map) == map else { continue }
            readsSeen += 1
            for reference in references(to: define.targetText, in: define.site) {
                best = better(best, assess(reference, deletedAt: site))
            }
        }
        // ... or stored into it anywhere in the package.
        let stored = storedValues(identity, deletedAt: site)
        best = better(best, stored.assessment)
        guard let best else {
            if stored.storesSeen == 0 && readsSeen == 0 {
                return Outcome(status: .unknown, shape: .deletedValueKept, site: site,
                               reason: "delete(\(map), ...): no store into \(map) is seen, so where its values are kept cannot be followed")
            }
            return Outcome(status: .contradicted, shape: .deletedValueKept, site: site,
                           reason: "delete(\(map), ...) and the values of \(map) are kept nowhere else that is seen: once deleted they are collected")
        }
        return outcome(best, delete: delete, map: map)
    }

    /// The most telling place where values stored into the map `identity` are also kept
    /// (read once per map).
    private func storedValues(_ identity: MapIdentity, deletedAt delete: Site) -> (assessment: Assessment?, storesSeen: Int) {
        let key = DeletePathKey(identity: identity, deleter: FunctionKey(file: delete.file, function: delete.function))
        if let known = memo.stored[key] { return known }
        var best: Assessment?
        var storesSeen = 0
        for store in index.operations(on: identity, where: { $0.kind == .store && $0.op == .assign }) {
            storesSeen += 1
            let text = index.text(store.site.file)
            guard let value = store.value else { continue }
            for name in storedNames(value, text) {
                for reference in references(to: name, in: store.site) {
                    best = better(best, assess(reference, deletedAt: delete))
                }
            }
            if best?.status == .confirmed { break }
        }
        memo.stored[key] = (best, storesSeen)
        return (best, storesSeen)
    }

    /// Confirmed beats unknown beats contradicted; the first found wins a tie.
    private func better(_ a: Assessment?, _ b: Assessment?) -> Assessment? {
        guard let a else { return b }
        guard let b else { return a }
        let rank: [ShapeStatus: Int] = [.confirmed: 0, .unknown: 1, .contradicted: 2]
        return rank[b.status]! < rank[a.status]! ? b : a
    }

    /// The names of the values a stored expression holds: `v`, or the plain names wrapped by
    /// a one-call or a composite literal (`c.lru.PushFront(p)`, `&entry{page: p}`).
    private func storedNames(_ value: Range<Int>, _ text: TokenText) -> [String] {
        if value.count == 1 { return text.kind(value.lowerBound) == .identifier ? [text.text(value.lowerBound)] : [] }
        let last = value.upperBound - 1
        guard text.kind(last) == .rightParen || text.kind(last) == .rightBrace else { return [] }
        let open = text.pairs.partner(last)
        guard open > value.lowerBound else { return [] }
        return text.splitAtCommas(span(open + 1, last)).compactMap { element in
            // `Key: name` or `name`.
            let name = element.count == 3 && text.kind(element.lowerBound + 1) == .colon ? element.upperBound - 1
                : (element.count == 1 ? element.lowerBound : -1)
            return name >= 0 && text.kind(name) == .identifier ? text.text(name) : nil
        }
    }

    /// Methods that keep their argument in their receiver: a list's, a sync.Map's.
    private static let keepingMethods: Set<String> = ["PushBack", "PushFront", "Store"]

    /// Where a value named `name` is also kept, in the function of `origin`: appended to a
    /// slice, stored into another map, pushed onto a list, held by a field or package variable;
    /// and, one call down, in a function of the package it is handed to (`c.index(p)`).
    private func references(to name: String, in origin: Site, scanning scanned: FunctionKey? = nil) -> [Reference] {
        let (file, function) = scanned.map { ($0.file, $0.function) } ?? (origin.file, origin.function)
        var found: [Reference] = []
        // Judged in the callee's own terms (already filtered there).
        var handed: [Reference] = []
        for operation in index.operations(file, function) {
            switch operation.kind {
            case .call(let callee) where scanned == nil:
                handed += handedOn(name, operation, to: functions(named: callee, method: false), origin: origin)
            case .methodCall(let method) where scanned == nil && !Self.keepingMethods.contains(method):
                handed += handedOn(name, operation, to: functions(named: method, method: true), origin: origin)
            case .reassign:
                if let value = operation.value, appends(name, value, file) {
                    found.append(Reference(holder: operation.target, site: operation.site, value: name, origin: origin))
                }
            case .store:
                // Into another map, as its value or appended to its slice (`S2[x] = append(S2[x], v)`);
                // a slice slot is overwritten: bounded.
                if let value = operation.value, index.compact(file, value) == name || appends(name, value, file), operation.site != origin,
                   index.isMap(operation.target, file, function) {
                    found.append(Reference(holder: operation.target, site: operation.site, value: name, origin: origin))
                }
            case .methodCall(let method) where Self.keepingMethods.contains(method):
                if operation.arguments.contains(where: { index.compact(file, $0) == name }) {
                    found.append(Reference(holder: operation.target, site: operation.site, value: name, origin: origin))
                }
            default:
                continue
            }
        }
        // Only holders that outlive the call: fields and package variables.
        return found.filter { reference in
            switch index.identity(of: reference.holder, file, function) {
            case .field?, .global?: return true
            default: return false
            }
        } + handed
    }

    /// The references a function keeps of the parameter that `name` is passed as.
    private func handedOn(_ name: String, _ call: MapOperation, to callees: [FunctionKey], origin: Site) -> [Reference] {
        guard let position = call.arguments.firstIndex(where: { index.compact(call.site.file, $0) == name }) else { return [] }
        return callees.flatMap { callee -> [Reference] in
            let parameters = index.files[callee.file].functions[callee.function].parameters
            guard position < parameters.count, let parameter = parameters[position].name, parameter != "_" else { return [] }
            return references(to: parameter, in: origin, scanning: callee)
        }
    }

    /// `append(S, ..., name, ...)`: the value `name` appended to a slice.
    private func appends(_ name: String, _ value: Range<Int>, _ file: Int) -> Bool {
        appendArguments(value, file)?.dropFirst().contains { index.compact(file, $0) == name } ?? false
    }

    /// The arguments of `append(...)`; nil when the value is not an append.
    private func appendArguments(_ value: Range<Int>, _ file: Int) -> [Range<Int>]? {
        let text = index.text(file)
        guard index.compact(file, value).hasPrefix("append("), text.kind(value.lowerBound) == .identifier else { return nil }
        return text.splitAtCommas(span(value.lowerBound + 2, value.upperBound - 1))
    }

    private func assess(_ reference: Reference, deletedAt delete: Site) -> Assessment {
        let releases = release(of: reference, deletedAt: delete)
        if let release = releases.onPath {
            return Assessment(status: .contradicted, reference: reference, release: release)
        }
        let (file, function) = (reference.site.file, reference.site.function)
        let outline = index.outline(file, function)
        // A condition may bound the reference or switch it off; a loop (over the value's tags,
        // say) only keeps it in more places.
        let conditional: Set<GoStatement.Kind> = [.ifStatement, .switchStatement, .selectStatement]
        let holderAncestors = Set(outline.ancestors(of: reference.site.node).filter { conditional.contains(outline.nodes[$0].statement.kind) })
        let originAncestors = reference.origin.function == function ? Set(outline.ancestors(of: reference.origin.node)) : []
        if let condition = holderAncestors.subtracting(originAncestors).sorted().last {
            return Assessment(status: .unknown, reference: reference, condition: Site(file: file, function: function, node: condition))
        }
        return Assessment(status: .confirmed, reference: reference, elsewhereRelease: releases.elsewhere)
    }

    private func outcome(_ assessment: Assessment, delete: MapOperation, map: String) -> Outcome {
        let reference = assessment.reference
        let holder = index.compact(reference.site.file, reference.holder)
        let kept = "the value \(reference.value) (line \(index.line(reference.origin))) is also kept in \(holder) (line \(index.line(reference.site)): `\(index.sourceText(reference.site))`)"
        let head = "delete(\(map), \(index.compact(delete.site.file, delete.key!))) removes the key, but \(kept)"
        var reason: String
        if let release = assessment.release {
            reason = "\(head); \(holder) drops its entries at line \(index.line(release)) (`\(index.sourceText(release))`)"
        } else if let condition = assessment.condition {
            reason = "\(head), only under a condition (line \(index.line(condition)): `\(index.sourceText(condition))`), which may bound it or switch it off"
        } else {
            reason = "\(head), which nothing trims: the value stays reachable after the delete"
        }
        if let elsewhere = assessment.elsewhereRelease, assessment.release == nil, assessment.condition == nil {
            reason = "\(head); \(holder) loses entries only in \(index.displayName(elsewhere.file, elsewhere.function)) (line \(index.line(elsewhere)): `\(index.sourceText(elsewhere))`), not where \(map) is deleted from: the value stays reachable after the delete"
        }
        // Confirmed, the statement with the shape is the one that keeps the value.
        let site = assessment.status == .confirmed ? reference.site : delete.site
        return Outcome(status: assessment.status, shape: .deletedValueKept, site: site, reason: reason)
    }

    /// A statement that drops the holder's entries before the deleted value can pile up in it:
    /// one that drops all of them, anywhere (any assignment other than `S = append(S, ...)`,
    /// `clear`, `Init`, deletes or stores in a range over the holder), or one that drops a single
    /// entry (`delete`, a nil store, `Remove`, `Delete`) on the delete's own path (the deleting
    /// function, what it calls, its callers and what they call). A tag index that only a rare
    /// purge prunes still keeps every value the cache's eviction deleted.
    private func release(of reference: Reference, deletedAt delete: Site) -> (onPath: Site?, elsewhere: Site?) {
        let file = reference.site.file
        guard let identity = index.identity(of: reference.holder, file, reference.site.function) else { return (nil, nil) }
        let releases: [Release]
        if let known = memo.releases[identity] {
            releases = known
        } else {
            releases = allReleases(identity)
            memo.releases[identity] = releases
        }
        if let whole = releases.first(where: \.whole) { return (whole.site, nil) }
        let path = deletePath(FunctionKey(file: delete.file, function: delete.function))
        let onPath = releases.first { path.contains(FunctionKey(file: $0.site.file, function: $0.site.function)) }
        return (onPath?.site, onPath == nil ? releases.first?.site : nil)
    }

    private func allReleases(_ identity: MapIdentity) -> [Release] {
        var found: [Release] = []
        for operation in index.operations(on: identity, where: { _ in true }) {
            let file = operation.site.file
            let inPass = rangesOverTarget(operation)
            switch operation.kind {
            case .reassign:
                // `S = append(S, ...)` only grows it.
                let appendsToItself = operation.value.flatMap { appendArguments($0, file)?.first }.map { index.compact(file, $0) == operation.targetText } ?? false
                if !appendsToItself { found.append(Release(site: operation.site, whole: true)) }
            case .store where isEmptyStore(operation):
                found.append(Release(site: operation.site, whole: inPass))
            case .store where inPass:
                // A pass that rewrites every entry (a compaction), unless it only appends.
                if let value = operation.value, appendArguments(value, file) == nil {
                    found.append(Release(site: operation.site, whole: true))
                }
            case .clear, .methodCall("Init"):
                found.append(Release(site: operation.site, whole: true))
            case .delete:
                found.append(Release(site: operation.site, whole: inPass))
            case .methodCall(let method) where ["Remove", "Delete", "LoadAndDelete"].contains(method):
                found.append(Release(site: operation.site, whole: inPass))
            default:
                continue
            }
        }
        return found
    }

    /// Whether the operation is inside a `range` over its own target (a pass over every entry).
    private func rangesOverTarget(_ operation: MapOperation) -> Bool {
        let outline = index.outline(operation.site.file, operation.site.function)
        return outline.ancestors(of: operation.site.node).contains { node in
            outline.nodes[node].statement.rangeClause?.expression == operation.targetText
        }
    }

    /// The functions that run with a delete: the deleting function, the package's functions it
    /// calls, the functions that call it and the package's functions those call.
    private func deletePath(_ deleter: FunctionKey) -> Set<FunctionKey> {
        if let known = memo.deletePaths[deleter] { return known }
        var path: Set<FunctionKey> = [deleter]
        path.formUnion(callees(of: deleter))
        for caller in index.callSites(of: deleter.file, deleter.function).prefix(16) {
            let key = FunctionKey(file: caller.file, function: caller.function)
            path.insert(key)
            path.formUnion(callees(of: key))
        }
        memo.deletePaths[deleter] = path
        return path
    }

    /// The package's functions and methods a function calls (by name; a method by its name
    /// on any type of the package).
    private func callees(of caller: FunctionKey) -> Set<FunctionKey> {
        var callees: Set<FunctionKey> = []
        for operation in index.operations(caller.file, caller.function) {
            switch operation.kind {
            case .call(let name): callees.formUnion(functions(named: name, method: false))
            case .methodCall(let name): callees.formUnion(functions(named: name, method: true))
            default: continue
            }
        }
        return callees
    }

    // MARK: Values handed on by the culprit's callers

    /// The maps the culprit's values are handed to by its callers: `p := render(...)` (or
    /// `p.Body = render(...)`), then `M[k] = p` or `c.Put(p)` (every map `Put` touches). An
    /// allocator seldom stores what it makes; the function that keeps it is a call or two away,
    /// from its caller, or from that one's caller when the caller returns the value (`return p`,
    /// up to three levels).
    private func mapsFedByCallers() -> Set<MapIdentity> {
        var maps: Set<MapIdentity> = []
        var level: [FunctionKey] = [FunctionKey(file: 0, function: context.function)]
        var seen: Set<FunctionKey> = Set(level)
        for _ in 0..<3 {
            var next: [FunctionKey] = []
            for producer in level {
                let name = index.files[producer.file].functions[producer.function].name
                for call in index.callSites(of: producer.file, producer.function).prefix(16) {
                    let caller = FunctionKey(file: call.file, function: call.function)
                    let carriers = self.carriers(at: call)
                    maps.formUnion(mapsReached(from: caller, carrying: carriers, produced: name))
                    if returns(carriers, caller), seen.insert(caller).inserted { next.append(caller) }
                }
            }
            level = next
        }
        return maps
    }

    /// The names that hold what the call at `call` returns: `p := f()`, `p = f()`, and the
    /// base of a field it is stored into (`p.Body = f()` carries it with `p`).
    private func carriers(at call: Site) -> Set<String> {
        let text = index.text(call.file)
        var carriers: Set<String> = []
        for assignment in index.facts(call).assignments where assignment.op == .define || assignment.op == .assign {
            guard let target = assignment.targets.first, text.kind(target.lowerBound) == .identifier else { continue }
            carriers.insert(text.text(target.lowerBound))
        }
        return carriers
    }

    /// Whether the function returns one of the carriers (`return p`).
    private func returns(_ carriers: Set<String>, _ function: FunctionKey) -> Bool {
        let outline = index.outline(function.file, function.function)
        let text = index.text(function.file)
        return outline.nodes.contains { node in
            let statement = node.statement
            guard statement.kind == .returnStatement else { return false }
            let values = text.splitAtCommas(span(statement.tokens.lowerBound + 1, statement.tokens.upperBound))
            return values.contains { carriers.contains(text.compact($0)) }
        }
    }

    /// The maps the function stores a carrier into, and every map touched by the package's
    /// functions it hands a carrier (or the producing call itself) to.
    private func mapsReached(from caller: FunctionKey, carrying carriers: Set<String>, produced: String) -> Set<MapIdentity> {
        let (file, function) = (caller.file, caller.function)
        func carries(_ argument: Range<Int>) -> Bool {
            let compact = index.compact(file, argument)
            return carriers.contains(compact) || compact.hasPrefix(produced + "(") || compact.contains("." + produced + "(")
        }
        var maps: Set<MapIdentity> = []
        for operation in index.operations(file, function) {
            switch operation.kind {
            case .store:
                guard let value = operation.value, carries(value), let identity = index.identity(of: operation.target, file, function) else { continue }
                maps.insert(identity)
            case .call(let name) where name != produced && operation.arguments.contains(where: carries):
                for callee in functions(named: name, method: false) { maps.formUnion(mapsTouched(callee.file, callee.function)) }
            case .methodCall(let name) where name != produced && operation.arguments.contains(where: carries):
                for callee in functions(named: name, method: true) { maps.formUnion(mapsTouched(callee.file, callee.function)) }
            default:
                continue
            }
        }
        return maps
    }

    private func functions(named name: String, method: Bool) -> [FunctionKey] {
        index.functions(named: name, method: method).map { FunctionKey(file: $0.file, function: $0.function) }
    }

    /// The maps whose values are what the culprit returns (`map[uint64]*Order` for a
    /// `buildOrder` returning `*Order`): where its values end up when they travel by channel or
    /// through a command, which the callers' hand-offs do not follow.
    private func mapsOfResultType() -> Set<MapIdentity> {
        let culprit = index.files[0].functions[context.function]
        guard culprit.results.count == 1 else { return [] }
        let result = culprit.results[0].type
        guard result.hasPrefix("*"), result.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return [] }
        var maps: Set<MapIdentity> = []
        for file in index.files {
            for (typeName, declaration) in file.types {
                for (field, type) in declaration.fields where TypeHints.mapParts(type)?.value == result {
                    maps.insert(.field(type: typeName, path: "." + field))
                }
            }
            for (name, variable) in file.globals where variable.type.flatMap({ TypeHints.mapParts($0)?.value }) == result {
                maps.insert(.global(name))
            }
        }
        return maps
    }

    // MARK: A soft delete

    /// An entry of a map the package never deletes from, read and then marked dead where a
    /// delete belongs: `s := M[k]` (or `for _, s := range M`) and `s.Active = false`,
    /// `s.Closed = true`, `s.Status = "cancelled"`, `s.DeletedAt = time.Now()`. The entry, and
    /// everything its value holds, stays for ever. Not when anything in the package deletes
    /// from, clears or re-makes the map (outside a constructor): the mark may then be a step
    /// before a sweep.
    private func softDelete(of maps: Set<MapIdentity>) -> (site: Site, reason: String)? {
        for identity in maps.sorted(by: { "\($0)" < "\($1)" }) {
            var deleters: [Site] = []
            let sweeps = index.operations(on: identity, where: { operation in
                switch operation.kind {
                case .clear:
                    return true
                case .delete, .methodCall("Delete"), .methodCall("LoadAndDelete"):
                    // A sweep (a delete in a range over the map) may be what removes marked entries.
                    if rangesOverTarget(operation) { return true }
                    deleters.append(operation.site)
                    return false
                case .reassign:
                    let name = index.files[operation.site.file].functions[operation.site.function].name
                    return !(name.hasPrefix("New") || name.hasPrefix("new") || name == "init" || name == "main")
                default:
                    return false
                }
            })
            guard sweeps.isEmpty else { continue }
            for (file, function) in index.allFunctions {
                let text = index.text(file)
                var entries: [(name: String, site: Site, map: String)] = []
                for operation in index.operations(file, function) {
                    if operation.kind == .define, let read = operation.entryRead(text),
                       index.identity(of: read.map, file, function) == identity {
                        entries.append((operation.targetText, operation.site, index.compact(file, read.map)))
                    }
                    if operation.kind == .range, index.identity(of: operation.target, file, function) == identity,
                       let value = index.statement(operation.site).rangeClause?.value, value != "_" {
                        entries.append((value, operation.site, operation.targetText))
                    }
                }
                guard !entries.isEmpty else { continue }
                for operation in index.operations(file, function) where operation.kind == .reassign {
                    guard let value = operation.value,
                          let entry = entries.first(where: { operation.targetText.hasPrefix($0.name + ".") }) else { continue }
                    let field = String(operation.targetText.dropFirst(entry.name.count + 1))
                    guard !field.contains("."), Self.marksDead(field: field, value: index.compact(file, value)) else { continue }
                    let marker = FunctionKey(file: file, function: function)
                    guard !deleters.contains(where: { runsWith(marker, $0) }) else { continue }
                    let elsewhere = deleters.isEmpty ? "nothing in the package deletes from \(entry.map)"
                        : "\(entry.map) is deleted from only on other paths (line \(index.line(deleters[0])) in \(index.displayName(deleters[0].file, deleters[0].function)))"
                    return (operation.site,
                            "\(operation.targetText) = \(index.compact(file, value)) marks the entry of \(entry.map) read at line \(index.line(entry.site)) as gone, but \(elsewhere): every entry so marked, and all its value holds, stays (delete(\(entry.map), key) was meant)")
                }
            }
        }
        return nil
    }

    /// Whether a delete runs with a call of `marker`: in it, in a function it calls, or in a
    /// function its caller calls on the same path as the call of `marker` (`Close` calling
    /// `markClosed` then `forget`; not a dispatcher's other `case`).
    private func runsWith(_ marker: FunctionKey, _ delete: Site) -> Bool {
        let deleter = FunctionKey(file: delete.file, function: delete.function)
        if deleter == marker || callees(of: marker).contains(deleter) { return true }
        let markerName = index.files[marker.file].functions[marker.function].name
        let deleterName = index.files[deleter.file].functions[deleter.function].name
        for call in index.callSites(of: marker.file, marker.function).prefix(16) {
            let outline = index.outline(call.file, call.function)
            for node in outline.nodes.indices where Self.samePath(call.node, node, outline) {
                let calls = index.operations(at: Site(file: call.file, function: call.function, node: node))
                if calls.contains(where: { operation in
                    switch operation.kind {
                    case .call(let name), .methodCall(let name): return name == deleterName && name != markerName
                    default: return false
                    }
                }) { return true }
            }
        }
        return false
    }

    /// Whether two statements are on one path: no `if`, `switch` or `select` around both has
    /// them in different branches (a loop around a dispatcher's cases does not join them).
    static func samePath(_ a: Int, _ b: Int, _ outline: FunctionOutline) -> Bool {
        let branching: Set<GoStatement.Kind> = [.ifStatement, .switchStatement, .selectStatement]
        let (start, other) = (outline.nodes[a].statement.tokens.lowerBound, outline.nodes[b].statement.tokens.lowerBound)
        for node in Set(outline.ancestors(of: a)).intersection(outline.ancestors(of: b)) {
            let statement = outline.nodes[node].statement
            guard branching.contains(statement.kind) else { continue }
            let first = statement.blocks.firstIndex { $0.tokens.contains(start) }
            let second = statement.blocks.firstIndex { $0.tokens.contains(other) }
            if first != second { return false }
        }
        return true
    }

    /// `Active = false`, `Closed = true`, `Status = "cancelled"` / `StatusCancelled`,
    /// `DeletedAt = time.Now()`: a field set to say the entry is gone.
    static func marksDead(field: String, value: String) -> Bool {
        let name = field.lowercased()
        let gone = ["delet", "remov", "close", "expir", "revok", "cancel", "dead", "archiv", "logout", "loggedout", "evict", "tombston", "disabl", "inactiv", "terminat"]
        if value == "false" {
            return ["active", "enabled", "valid", "live", "alive", "open", "online", "loggedin", "inuse", "current"].contains(name)
        }
        if value == "true" {
            return gone.contains { name.hasPrefix($0) } || name == "done" || name == "finished" || name == "gone"
        }
        if name == "status" || name == "state" {
            let said = value.lowercased()
            return gone.contains { said.contains($0) }
        }
        if name.hasSuffix("at") || name.hasSuffix("time") {
            return value.hasPrefix("time.Now(") && gone.contains { name.hasPrefix($0) }
        }
        return false
    }
}
