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
                    reason: reason + note, holder: site.flatMap(holder))
    }

    /// The function holding `site` in the profile's naming (the culprit's package prefix, then
    /// the function's runtime name), when it is another function than the culprit.
    private func holder(of site: Site) -> String? {
        guard site.file != 0 || site.function != function else { return nil }
        let own = index.displayName(0, function)
        guard name.hasSuffix(own) else { return nil }
        return String(name.dropLast(own.count)) + index.displayName(site.file, site.function)
    }
}
