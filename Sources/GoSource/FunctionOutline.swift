/// One function's statements as a flat tree (pre-order), with the questions the checks ask of
/// it: which statement is on a line, which loops enclose it, and which statements may run in
/// the same call as it (its "region").
struct FunctionOutline {
    struct Node {
        var statement: GoStatement
        /// The enclosing statement's node, nil at the top of the body.
        var parent: Int?
        /// Which of the parent's blocks holds this statement.
        var branch: Int
        /// The position among that block's statements.
        var position: Int
        var depth: Int
        /// Nodes `index..<subtreeEnd` are this statement and everything nested in it.
        var subtreeEnd: Int
    }

    let file: GoFile
    let function: Int
    private(set) var nodes: [Node] = []
    /// The statements of each block, by (parent node or -1, branch).
    private var members: [BlockKey: [Int]] = [:]

    private struct BlockKey: Hashable {
        var parent: Int
        var branch: Int
    }

    init(file: GoFile, function: Int) {
        self.file = file
        self.function = function
        if let body = file.functions[function].body { add(body, parent: nil, branch: 0, depth: 0) }
    }

    private mutating func add(_ block: GoBlock, parent: Int?, branch: Int, depth: Int) {
        var list: [Int] = []
        for (position, statement) in block.statements.enumerated() {
            let index = nodes.count
            list.append(index)
            nodes.append(Node(statement: statement, parent: parent, branch: branch, position: position, depth: depth, subtreeEnd: index + 1))
            for (childBranch, child) in statement.blocks.enumerated() {
                add(child, parent: index, branch: childBranch, depth: depth + 1)
            }
            nodes[index].subtreeEnd = nodes.count
        }
        members[BlockKey(parent: parent ?? -1, branch: branch)] = list
    }

    func statements(inBlock branch: Int, of parent: Int?) -> [Int] {
        members[BlockKey(parent: parent ?? -1, branch: branch)] ?? []
    }

    /// The innermost statements containing `line` (several when a line holds several).
    func innermost(atLine line: Int) -> [Int] {
        var best: [Int] = []
        var bestDepth = -1
        for (index, node) in nodes.enumerated() where node.statement.lines.contains(line) {
            if node.depth > bestDepth { best = [index]; bestDepth = node.depth } else if node.depth == bestDepth { best.append(index) }
        }
        return best
    }

    /// The ancestors of `node`, innermost first.
    func ancestors(of node: Int) -> [Int] {
        var result: [Int] = []
        var current = nodes[node].parent
        while let parent = current {
            result.append(parent)
            current = nodes[parent].parent
        }
        return result
    }

    /// The loops (`for`, `for range`) that enclose `node` or are `node`, innermost first.
    func loops(around node: Int) -> [Int] {
        ([node] + ancestors(of: node)).filter { [.forLoop, .rangeLoop].contains(nodes[$0].statement.kind) }
    }

    func isInLoop(_ node: Int) -> Bool { !ancestors(of: node).filter { [.forLoop, .rangeLoop].contains(nodes[$0].statement.kind) }.isEmpty }

    func contains(_ ancestor: Int, _ node: Int) -> Bool { node >= ancestor && node < nodes[ancestor].subtreeEnd }

    /// True when the statement leaves the function: `return`, `panic(...)`, `os.Exit(...)`,
    /// `log.Fatal...(...)`, `runtime.Goexit()`.
    func isTerminating(_ node: Int) -> Bool {
        let statement = nodes[node].statement
        if statement.kind == .returnStatement { return true }
        guard statement.kind == .simple, let first = statement.tokens.first else { return false }
        let text = file.text
        let head = text.compact(first..<min(first + 3, statement.tokens.upperBound))
        return head == "panic(" || head == "os.Exit" || head.hasPrefix("log.Fatal") || head.hasPrefix("log.Panic")
            || head == "runtime.Goexit"
    }

    /// True when every path from `node` leaves `loop` before its next iteration: a `return`,
    /// `panic(...)` or `break` follows it in its block or in an enclosing block inside the loop
    /// (`m = nil; break`, `if empty { delete(m, k) }; return x`).
    func leavesLoop(after node: Int, _ loop: Int) -> Bool {
        let breakable: [GoStatement.Kind] = [.forLoop, .rangeLoop, .switchStatement, .selectStatement]
        // The statements from `node` up to (not including) `loop`, innermost first.
        var chain: [Int] = []
        var current: Int? = node
        while let here = current, here != loop {
            chain.append(here)
            current = nodes[here].parent
        }
        guard current == loop else { return false }
        // Walking down from the loop: a plain `break` in a block ends `loop` unless a switch,
        // select or inner loop encloses that block below the loop.
        var breaksLoop = true
        for here in chain.reversed() {
            let parent = nodes[here].parent!
            if parent != loop && breakable.contains(nodes[parent].statement.kind) { breaksLoop = false }
            for later in statements(inBlock: nodes[here].branch, of: parent)[(nodes[here].position + 1)...] {
                if isTerminating(later) { return true }
                let statement = nodes[later].statement
                if breaksLoop && statement.kind == .branch && file.text.kind(statement.tokens.lowerBound) == .kwBreak
                    && file.text.kind(statement.tokens.lowerBound + 1) != .identifier { return true }
            }
        }
        return false
    }

    /// The statements that may run in the same call as `node`.
    ///
    /// Left out: the branches of an `if`/`switch` other than the one holding the node; blocks
    /// before it that end by leaving the function (`if fixed { ...; return }`); and what comes
    /// after it when its own block leaves the function. Inside a loop every iteration may take a
    /// different branch, so nothing inside the outermost enclosing loop is left out.
    func region(of node: Int) -> Set<Int> {
        var excluded = [Bool](repeating: false, count: nodes.count)
        func exclude(_ index: Int) { for i in index..<nodes[index].subtreeEnd { excluded[i] = true } }

        var current = loops(around: node).last ?? node
        var leaves = false
        while true {
            let here = nodes[current]
            let siblings = statements(inBlock: here.branch, of: here.parent)
            let position = here.position
            if leaves {
                // An inner block returned: nothing after this statement runs.
                for later in siblings[(position + 1)...] { exclude(later) }
            } else if let exit = siblings[position...].firstIndex(where: isTerminating) {
                // This block returns at `exit`: what follows it is dead, and so is what follows
                // the enclosing statements.
                for later in siblings[(exit + 1)...] { exclude(later) }
                leaves = true
            }
            // Earlier statements: a block in them that ends by leaving the function never
            // falls through to here.
            for earlier in siblings[..<position] {
                for inner in earlier..<nodes[earlier].subtreeEnd {
                    for branch in nodes[inner].statement.blocks.indices {
                        let block = statements(inBlock: branch, of: inner)
                        if let last = block.last, isTerminating(last) { block.forEach(exclude) }
                    }
                }
            }
            guard let parent = here.parent else { break }
            // The other branches of the enclosing if/switch/select.
            if [.ifStatement, .switchStatement, .selectStatement].contains(nodes[parent].statement.kind) {
                for branch in nodes[parent].statement.blocks.indices where branch != here.branch {
                    statements(inBlock: branch, of: parent).forEach(exclude)
                }
            }
            current = parent
        }
        return Set(nodes.indices.filter { !excluded[$0] })
    }
}
