import Testing

@testable import GoSource

/// The block-structure reader: functions and their runtime names, blocks, statements, range
/// clauses, control headers with composite literals, declarations.
@Suite struct BlockReaderTests {
    static let source = """
        package cache

        import "sync"

        type Cache[K comparable, V any] struct {
        \titems   map[K]V
        \tmu      sync.RWMutex
        \tlog     []string `json:"log"`
        \ta, b    int
        \t*Base
        }

        type Set map[string]struct{}

        var (
        \tregistry = make(map[string]*Cache[string, int])
        \tdefaultTTL int64 = 30
        )

        var hook = func(w int) { go func() {}() }

        func (c *Cache[K, V]) Get(k K) (v V, ok bool) {
        \tc.mu.RLock()
        \tdefer c.mu.RUnlock()
        \tv, ok = c.items[k]
        \treturn
        }

        func (s Set) Has(k string) bool { _, ok := s[k]; return ok }

        func Map[T, U any](s []T, f func(T) U) []U

        func run(m map[string]int) {
        \tfor _, x := range []int{1, 2, 3} {
        \t\tm["a"] += x
        \t}
        \tfor k := range map[string]struct{}{"a": {}} {
        \t\tdelete(m, k)
        \t}
        \tfor _, f := range []func() error{nil} {
        \t\t_ = f
        \t}
        \tif x := (T{}); x.ok {
        \t\treturn
        \t} else if y := g(); y {
        \t\th()
        \t} else {
        \t\th()
        \t}
        Outer:
        \tfor i := 0; i < 3; i++ {
        \t\tswitch {
        \t\tcase i == 1:
        \t\t\tcontinue Outer
        \t\tdefault:
        \t\t\tgo func() { defer func() { recover() }() }()
        \t\t}
        \t}
        \tselect {
        \tcase <-done:
        \tcase v := <-ch:
        \t\t_ = v
        \t}
        \tfor range m {
        \t}
        \tfn := func() interface{} { return struct{ x int }{1} }
        \t_ = fn
        }
        """

    static let file = GoFile(path: "cache.go", text: source)

    @Test func functionsHaveTheirRuntimeNames() {
        let names = Self.file.functions.map(\.runtimeName)
        #expect(names == [
            "cache.init.func1", "cache.init.func1.1",
            "cache.(*Cache[...]).Get", "cache.Set.Has", "cache.Map[...]", "cache.run",
            "cache.run.func1", "cache.run.func1.1", "cache.run.func2",
        ])
        let get = Self.file.function(named: "example.com/x/cache.(*Cache[go.shape.string,go.shape.int]).Get (inline)")
        #expect(get?.receiverName == "c" && get?.receiverType == "Cache" && get?.isPointerReceiver == true)
        #expect(get?.parameters == [GoParameter(name: "k", type: "K")])
        #expect(get?.results == [GoParameter(name: "v", type: "V"), GoParameter(name: "ok", type: "bool")])
        #expect(Self.file.function(named: "cache.glob..func1")?.runtimeName == "cache.init.func1")
        #expect(Self.file.function(named: "cache.Map[...]")?.body == nil)
        #expect(Self.file.function(named: "cache.(*Cache).Missing") == nil)
        // Compiler-made wrappers name the function whose lines they carry.
        #expect(Self.file.function(named: "cache.(*Cache[...]).Get-fm")?.name == "Get")
        #expect(Self.file.function(named: "cache.run-range1-range2")?.runtimeName == "cache.run")
        #expect(Self.file.function(named: "cache.run.gowrap2")?.runtimeName == "cache.run")
        #expect(Self.file.function(named: "cache.run.func1.1 (inline)")?.runtimeName == "cache.run.func1.1")
        // A closure's lines lie inside its parent's.
        for function in Self.file.functions {
            guard let parent = function.parent else { continue }
            let outer = Self.file.functions[parent].lines
            #expect(outer.contains(function.lines.lowerBound) && outer.contains(function.lines.upperBound))
        }
    }

    @Test func typesAndGlobals() {
        let cache = Self.file.types["Cache"]
        #expect(cache?.underlying == "struct")
        #expect(cache?.fields == ["items": "map[K]V", "mu": "sync.RWMutex", "log": "[]string", "a": "int", "b": "int", "Base": "*Base"])
        #expect(Self.file.types["Set"]?.underlying == "map[string]struct{}")
        #expect(Self.file.globals["registry"]?.value == "make(map[string]*Cache[string,int])")
        #expect(Self.file.globals["defaultTTL"]?.type == "int64")
        #expect(Self.file.packageName == "cache")
    }

    @Test func statementsOfAFunction() throws {
        let run = try #require(Self.file.function(named: "cache.run"))
        let statements = try #require(run.body?.statements)
        #expect(statements.map(\.kind) == [.rangeLoop, .rangeLoop, .rangeLoop, .ifStatement, .forLoop, .selectStatement, .rangeLoop, .simple, .simple])
        // Composite literals in range headers are not taken for the body.
        #expect(statements[0].rangeClause?.expression == "[]int{1,2,3}")
        #expect(statements[1].rangeClause?.expression == "map[string]struct{}{\"a\":{}}")
        #expect(statements[1].rangeClause?.key == "k" && statements[1].rangeClause?.value == nil)
        #expect(statements[2].rangeClause?.expression == "[]func()error{nil}")
        #expect(statements[6].rangeClause?.key == nil && statements[6].rangeClause?.expression == "m")
        #expect(statements[0].blocks[0].statements.map { Self.file.sourceText(of: $0) } == ["m[\"a\"] += x"])
        // if / else if / else: the else-if is an else block holding one if statement.
        let ifStatement = statements[3]
        #expect(ifStatement.blocks.count == 2 && ifStatement.blocks[1].statements.first?.kind == .ifStatement)
        #expect(ifStatement.blocks[1].statements.first?.blocks.count == 2)
        // A labeled for, a switch with two clauses, a go statement with nested literals.
        let loop = statements[4]
        #expect(Self.file.sourceText(of: loop) == "for i := 0; i < 3; i++ {")
        let switchStatement = try #require(loop.blocks.first?.statements.first)
        #expect(switchStatement.kind == .switchStatement && switchStatement.blocks.count == 2)
        #expect(switchStatement.blocks[0].statements.first?.kind == .branch)
        let go = try #require(switchStatement.blocks[1].statements.first)
        #expect(go.kind == .goStatement && go.closures.count == 1)
        #expect(statements[5].blocks.count == 2 && statements[5].blocks[1].statements.count == 1)
        // Lines: the select spans its clauses.
        #expect(statements[5].lines.count == 5)
    }

    @Test func statementFacts() throws {
        let get = try #require(Self.file.function(named: "cache.(*Cache[...]).Get"))
        let statements = try #require(get.body?.statements)
        let lock = StatementFacts(Self.file, statements[0])
        #expect(lock.calls.map(\.name) == ["c.mu.RLock"])
        #expect(lock.calls.first.map { Self.file.compactText($0.receiver!) } == "c.mu")
        let assignment = StatementFacts(Self.file, statements[2]).assignments.first
        #expect(assignment?.op == .assign && assignment?.targets.count == 2 && assignment?.values.count == 1)
        #expect(statements[1].kind == .deferStatement && statements[3].kind == .returnStatement)
    }

    @Test func outlineRegionsFollowReturnsAndBranches() throws {
        let source = """
            package p
            func f(fixed bool, m map[string]int) int {
            \tif fixed {
            \t\ta()
            \t\treturn 1
            \t}
            \tb()
            \tif x {
            \t\tc()
            \t} else {
            \t\td()
            \t}
            \treturn 0
            }
            """
        let file = GoFile(text: source)
        let outline = FunctionOutline(file: file, function: 0)
        func node(_ line: Int) -> Int { outline.innermost(atLine: line)[0] }
        func lines(_ region: Set<Int>) -> [Int] { region.map { outline.nodes[$0].statement.lines.lowerBound }.sorted() }
        // From a(): the rest of the function is not reached (the block returns).
        #expect(lines(outline.region(of: node(4))) == [3, 4, 5])
        // From c(): not the fixed branch (it returned), not the else branch.
        #expect(lines(outline.region(of: node(9))) == [3, 7, 8, 9, 13])
    }

    @Test func leavingALoopAfterAStatement() throws {
        let source = """
            package p
            func f(m map[int]int) {
            \tfor k := range m {
            \t\tif k > 1 {
            \t\t\tdelete(m, k)
            \t\t}
            \t\treturn
            \t}
            \tfor k := range m {
            \t\tswitch k {
            \t\tcase 1:
            \t\t\tm = nil
            \t\t\tbreak
            \t\t}
            \t\tif k > 2 {
            \t\t\tm = nil
            \t\t\tbreak
            \t\t}
            \t\tdelete(m, k)
            \t}
            }
            """
        let file = GoFile(text: source)
        let outline = FunctionOutline(file: file, function: 0)
        func node(_ line: Int) -> Int { outline.innermost(atLine: line)[0] }
        // delete then (after the if) return: the range stops.
        #expect(outline.leavesLoop(after: node(5), node(3)))
        // `break` inside a switch ends the switch, not the range; inside an if it ends the range.
        #expect(!outline.leavesLoop(after: node(12), node(9)))
        #expect(outline.leavesLoop(after: node(16), node(9)))
        #expect(!outline.leavesLoop(after: node(19), node(9)))
    }
}
