import Testing

@testable import GoSource

/// A package spread over files: the type in one, the pruning method in another, the culprit
/// in a third. The checks see the other files when they are given, and say `unknown` when
/// what they need is not in the file they have.
@Suite struct PackageSiblingTests {
    static let types = GoFile(path: "types.go", text: """
        package gateway

        type Conn struct{ idle int64 }

        type Registry struct {
        \tconns map[uint64]*Conn
        }
        """)

    static let prune = GoFile(path: "prune.go", text: """
        package gateway

        func (r *Registry) Prune(now int64) {
        \tfor id, c := range r.conns {
        \t\tif c.idle < now {
        \t\t\tdelete(r.conns, id)
        \t\t}
        \t}
        }
        """)

    static let broadcast = GoFile(path: "broadcast.go", text: """
        package gateway

        func (r *Registry) Broadcast() int {
        \tn := 0
        \tfor range r.conns {
        \t\tn++
        \t}
        \treturn n
        }
        """)

    static let hot = [HotLine(line: 5, cost: 10)]

    @Test func siblingsGiveTheTypeAndThePruningPass() {
        let result = ShapeChecker(file: Self.broadcast, package: [Self.types, Self.prune])
            .check(.ap4, function: "gateway.(*Registry).Broadcast", hotLines: Self.hot)
        #expect(result.status == .confirmed && result.line == 5 && result.statement == "for range r.conns {", "\(result)")
        #expect(result.file == "broadcast.go" && result.reason.contains("Prune"), "\(result)")
    }

    @Test func withoutTheTypeTheCheckCannotTell() {
        let result = ShapeChecker(file: Self.broadcast, package: [Self.prune])
            .check(.ap4, function: "gateway.(*Registry).Broadcast", hotLines: Self.hot)
        #expect(result.status == .unknown, "\(result)")
    }

    @Test func withoutThePruningPassItIsNotConfirmed() {
        let result = ShapeChecker(file: Self.broadcast, package: [Self.types])
            .check(.ap4, function: "gateway.(*Registry).Broadcast", hotLines: Self.hot)
        #expect(result.status != .confirmed, "\(result)")
    }

    @Test func aFunctionNotInTheFileIsUnknown() {
        let result = ShapeChecker(file: Self.broadcast, package: [Self.types, Self.prune])
            .check(.ap4, function: "gateway.(*Registry).Prune", hotLines: Self.hot)
        #expect(result.status == .unknown && result.line == nil, "\(result)")
    }
}
