import Analysis
import Pprof
import TestSupport
import Testing

/// PGOTrim on small profiles built by hand, the expected results worked out by hand from how Go
/// 1.27 reads a PGO profile (cmd/internal/pgo FromPProf, internal/profile NewGraph): of each
/// sample, only the lines of its two leaf-most locations, caller first and outermost line first,
/// a chain whose consecutive distinct nodes are edges, each counted once a sample; a node is an
/// address with a function name, start line and line; an edge is named by caller, callee and
/// the caller's line minus its start line.
@Suite struct PGOTrimTests {
    // MARK: - Helpers

    /// The profile's samples, one string each, sorted: the value, then the locations leaf
    /// first, each "@address" then its lines innermost first as "name:line".
    static func samples(_ profile: Profile) -> [String] {
        (0..<profile.samples.count).map { sample in
            let locations = profile.samples.locations(of: sample).map { index in
                let location = profile.locations[Int(index)]
                let lines = profile.lines(of: location).map { "\(profile.functions[Int($0.functionIndex)].name):\($0.line)" }
                return (["@\(location.address)"] + lines).joined(separator: " ")
            }
            return "\(profile.samples.value(of: sample, index: 0)): " + locations.joined(separator: " | ")
        }.sorted()
    }

    /// A call edge as Go's PGO names it; a nil name is a location without lines.
    struct GoEdge: Hashable, CustomStringConvertible {
        var caller: String?
        var callee: String?
        var offset: Int64
        init(_ caller: String?, _ callee: String?, _ offset: Int64) {
            self.caller = caller
            self.callee = callee
            self.offset = offset
        }
        var description: String { "\(caller ?? "<nameless>") -> \(callee ?? "<nameless>") +\(offset)" }
    }

    /// The call edges and weights Go's PGO reads of `profile` (sample type `valueIndex`), read
    /// here again as Go reads them (the reading PGOTrim must keep), independently of PGOTrim.
    static func goEdges(_ profile: Profile, valueIndex: Int = 0) -> [GoEdge: Int64] {
        struct Node: Hashable {
            var address: UInt64
            var name: String?
            var startLine: Int64
            var line: Int64
        }
        var edges: [GoEdge: Int64] = [:]
        for sample in 0..<profile.samples.count {
            let value = profile.samples.value(of: sample, index: valueIndex)
            if value == 0 { continue }
            var chain: [Node] = []
            for index in profile.samples.locations(of: sample).prefix(2).reversed() {
                let location = profile.locations[Int(index)]
                let lines = profile.lines(of: location)
                if lines.isEmpty { chain.append(Node(address: location.address, name: nil, startLine: 0, line: 0)) }
                for line in lines.reversed() {
                    let function = profile.functions[Int(line.functionIndex)]
                    chain.append(Node(address: location.address, name: function.name, startLine: function.startLine, line: line.line))
                }
            }
            var seen = Set<[Node]>()
            for index in chain.indices.dropFirst() where chain[index - 1] != chain[index] {
                let caller = chain[index - 1], callee = chain[index]
                guard seen.insert([caller, callee]).inserted else { continue }
                edges[GoEdge(caller.name, callee.name, caller.line - caller.startLine), default: 0] += value
            }
        }
        return edges
    }

    static func label(_ key: Int32, _ value: Int32) -> LabelReference {
        LabelReference(key: key, str: value, numUnit: 0, num: 0)
    }

    // MARK: - Sample type

    /// Go weighs edges by the first of samples/count or cpu/nanoseconds, whatever comes before.
    @Test func theSampleTypeIsTheFirstThatGoReads() throws {
        func profile(_ types: [(String, String)], _ values: [Int64]) -> Profile {
            var builder = ProfileBuilder(sampleTypes: types)
            _ = builder.function("main.leaf", startLine: 20)
            _ = builder.function("main.caller", startLine: 10)
            let leaf = builder.location([("main.leaf", 21)], address: 0x2000)
            let caller = builder.location([("main.caller", 11)], address: 0x1000)
            builder.sample([leaf, caller], values)
            return builder.profile
        }
        let cpuFirst = try PGOTrim(profile([("wall", "nanoseconds"), ("cpu", "nanoseconds"), ("samples", "count")], [1000, 30, 3]))
        #expect(cpuFirst.sampleType == ValueType(type: "cpu", unit: "nanoseconds"))
        #expect(cpuFirst.profile.sampleTypes == [ValueType(type: "cpu", unit: "nanoseconds")])
        #expect(Self.samples(cpuFirst.profile) == ["30: @1 main.leaf:21 | @0 main.caller:11"])

        let countFirst = try PGOTrim(profile([("samples", "count"), ("cpu", "nanoseconds")], [3, 30]))
        #expect(countFirst.sampleType == ValueType(type: "samples", unit: "count"))
        #expect(countFirst.profile.sampleTypes == [ValueType(type: "samples", unit: "count")])
        #expect(Self.samples(countFirst.profile) == ["3: @1 main.leaf:21 | @0 main.caller:11"])
    }

    @Test func aHeapProfileIsRefused() {
        var builder = ProfileBuilder(sampleTypes: [("alloc_objects", "count"), ("alloc_space", "bytes"),
                                                   ("inuse_objects", "count"), ("inuse_space", "bytes")])
        _ = builder.function("main.alloc", startLine: 5)
        builder.sample([builder.location([("main.alloc", 6)], address: 0x10)], [1, 512, 1, 512])
        #expect {
            try PGOTrim(builder.profile)
        } throws: { error in
            "\(error)".contains("not a CPU profile") && "\(error)".contains("alloc_objects/count")
        }
    }

    /// Go refuses a profile without start lines (Go before 1.20 wrote none): so does the trim,
    /// rather than write a file that makes `go build -pgo` fail. One without any non-zero
    /// sample is read by Go as empty, and written empty.
    @Test func aProfileWithoutStartLinesIsRefusedAndAnEmptyOneWrittenEmpty() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let leaf = builder.location([("main.leaf", 21)], address: 0x2000)
        let caller = builder.location([("main.caller", 11)], address: 0x1000)
        builder.sample([leaf, caller], [3])
        #expect {
            try PGOTrim(builder.profile)
        } throws: { error in
            "\(error)".contains("start line")
        }

        var empty = ProfileBuilder(sampleTypes: [("samples", "count")])
        empty.sample([empty.location([("main.leaf", 21)], address: 0x2000)], [0])
        let trim = try PGOTrim(empty.profile)
        #expect(trim.profile.samples.count == 0)
        #expect(trim.keptEdgeShare == 1)
    }

    // MARK: - The node-fraction cut

    /// main.cold (3 of 100 samples) is under 0.05: its edge to main.work goes, main.hot's to
    /// main.work stays with all its weight. main.main, the third location, is never read.
    @Test func aFunctionUnderTheFractionLosesItsEdges() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count"), ("cpu", "nanoseconds")])
        _ = builder.function("main.main", startLine: 10)
        _ = builder.function("main.hot", startLine: 10)
        _ = builder.function("main.cold", startLine: 10)
        _ = builder.function("main.work", startLine: 10)
        builder.sample([builder.location([("main.work", 20)], address: 0x30), builder.location([("main.hot", 15)], address: 0x20),
                        builder.location([("main.main", 12)], address: 0x10)], [97, 970])
        builder.sample([builder.location([("main.work", 21)], address: 0x31), builder.location([("main.cold", 16)], address: 0x40),
                        builder.location([("main.main", 13)], address: 0x11)], [3, 30])
        let full = builder.profile
        #expect(Self.goEdges(full) == [GoEdge("main.hot", "main.work", 5): 97, GoEdge("main.cold", "main.work", 6): 3])

        let trim = try PGOTrim(full, nodeFraction: 0.05)
        #expect(Self.samples(trim.profile) == ["97: @1 main.work:20 | @0 main.hot:15"])
        #expect(Self.goEdges(trim.profile) == [GoEdge("main.hot", "main.work", 5): 97])
        #expect(trim.droppedFunctions == 1)
        #expect(trim.keptEdgeShare == 0.97)
        // At 0.03 main.cold (3%) is not under the fraction: everything is kept.
        let all = try PGOTrim(full, nodeFraction: 0.03)
        #expect(all.droppedFunctions == 0)
        #expect(Self.goEdges(all.profile) == Self.goEdges(full))
    }

    /// A location whose lines are main.leaf2 inlined into main.leaf into main.cold into main.hot,
    /// called from main.main: cut at main.cold, its outer lines keep main.main -> main.hot and
    /// its inner ones main.leaf -> main.leaf2, each its own sample, so that neither
    /// main.hot -> main.leaf nor main.main -> main.leaf (edges Go never read) is made.
    @Test func anInlinedLocationIsSplitAtTheCutFunction() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        for (name, start) in [("main.main", 10), ("main.hot", 15), ("main.cold", 30), ("main.leaf", 40), ("main.leaf2", 50)] {
            _ = builder.function(name, startLine: Int64(start))
        }
        // 10 samples through main.cold, 90 in main.leaf inlined into main.hot's call.
        let inlined = builder.location([("main.leaf2", 51), ("main.leaf", 42), ("main.cold", 32), ("main.hot", 19)], address: 0x100)
        builder.sample([inlined, builder.location([("main.main", 14)], address: 0x10)], [10])
        builder.sample([builder.location([("main.leaf2", 52), ("main.leaf", 43)], address: 0x200),
                        builder.location([("main.hot", 20)], address: 0x20), builder.location([("main.main", 13)], address: 0x11)], [90])
        let full = builder.profile
        #expect(Self.goEdges(full) == [
            GoEdge("main.main", "main.hot", 4): 10, GoEdge("main.hot", "main.cold", 4): 10,
            GoEdge("main.cold", "main.leaf", 2): 10, GoEdge("main.leaf", "main.leaf2", 2): 10,
            GoEdge("main.hot", "main.leaf", 5): 90, GoEdge("main.leaf", "main.leaf2", 3): 90,
        ])

        // main.cold: 10 of 100, under 0.2; every other function is in all 100 samples.
        let trim = try PGOTrim(full, nodeFraction: 0.2)
        #expect(Self.samples(trim.profile) == [
            "10: @0 main.leaf2:51 main.leaf:42",
            "10: @1 main.hot:19 | @0 main.main:14",
            "90: @1 main.leaf2:52 main.leaf:43 | @0 main.hot:20",
        ])
        #expect(Self.goEdges(trim.profile) == [
            GoEdge("main.main", "main.hot", 4): 10, GoEdge("main.leaf", "main.leaf2", 2): 10,
            GoEdge("main.hot", "main.leaf", 5): 90, GoEdge("main.leaf", "main.leaf2", 3): 90,
        ])
        #expect(trim.droppedFunctions == 1)
        // Go's edge weight: 10 × 4 + 90 × 2 = 220 in all, 10 × 2 + 90 × 2 = 200 kept.
        #expect(trim.keptEdgeShare == 200.0 / 220.0)
    }

    // MARK: - What is kept, and how

    /// Two samples that differ above their two leaf-most locations, in labels and in
    /// addresses, are one sample once trimmed, their values summed.
    @Test func identicalTrimmedStacksAreSummed() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        for name in ["main.main", "main.other", "main.hot", "main.work"] { _ = builder.function(name, startLine: 10) }
        builder.profile.stringTable = ["", "user", "alice", "bob"]
        let a = [builder.location([("main.work", 20)], address: 0x30), builder.location([("main.hot", 15)], address: 0x20),
                 builder.location([("main.main", 12)], address: 0x10)]
        let b = [builder.location([("main.work", 20)], address: 0x32), builder.location([("main.hot", 15)], address: 0x21),
                 builder.location([("main.other", 99)], address: 0x50)]
        builder.profile.samples.append(stack: a, values: [5], labels: [Self.label(1, 2)])
        builder.profile.samples.append(stack: b, values: [7], labels: [Self.label(1, 3)])
        builder.profile.samples.append(stack: a, values: [1], labels: [Self.label(1, 2)])

        let trim = try PGOTrim(builder.profile, nodeFraction: 0)
        #expect(trim.profile.samples.count == 1)
        #expect(Self.samples(trim.profile) == ["13: @1 main.work:20 | @0 main.hot:15"])
        #expect(Self.goEdges(trim.profile) == Self.goEdges(builder.profile))
    }

    /// Mappings, labels, file names, system names, columns, comments, other sample types and
    /// real addresses are not in the trimmed profile, nor in the file written from it.
    @Test func whatGoDoesNotReadIsGone() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count"), ("cpu", "nanoseconds")])
        _ = builder.function("main.hot", startLine: 10)
        _ = builder.function("main.work", startLine: 30)
        for index in builder.profile.functions.indices {
            builder.profile.functions[index].filename = "/src/secret/main.go"
            builder.profile.functions[index].systemName = builder.profile.functions[index].name + ".abi0"
        }
        var mapping = Mapping()
        mapping.id = 1
        mapping.filename = "/usr/bin/secret-binary"
        mapping.buildID = "feedface"
        builder.profile.mappings = [mapping]
        let work = builder.location([("main.work", 31)], address: 0x4512a0)
        let hot = builder.location([("main.hot", 12)], address: 0x451000)
        for index in [work, hot] { builder.profile.locations[Int(index)].mappingIndex = 0 }
        for index in builder.profile.lines.indices { builder.profile.lines[index].column = 7 }
        builder.profile.comments = ["secret comment"]
        builder.profile.stringTable = ["", "tenant", "secret-tenant"]
        builder.profile.samples.append(stack: [work, hot], values: [4, 40_000_000], labels: [Self.label(1, 2)])

        let trimmed = try PGOTrim(builder.profile, nodeFraction: 0).profile
        #expect(trimmed.sampleTypes == [ValueType(type: "samples", unit: "count")])
        #expect(trimmed.mappings.isEmpty)
        #expect(trimmed.locations.map(\.mappingIndex) == [-1, -1])
        #expect(trimmed.locations.map(\.address).sorted() == [0, 1])
        #expect(trimmed.functions.map(\.filename) == ["", ""])
        #expect(trimmed.functions.map(\.systemName) == trimmed.functions.map(\.name))
        #expect(trimmed.functions.map(\.startLine).sorted() == [10, 30])
        #expect(trimmed.lines.map(\.column) == [0, 0])
        #expect(trimmed.samples.labels.isEmpty)
        #expect(trimmed.comments.isEmpty)
        #expect(Self.samples(trimmed) == ["4: @1 main.work:31 | @0 main.hot:12"])

        let bytes = ProfileEncoder.encode(trimmed)
        let text = String(decoding: bytes, as: UTF8.self)
        for secret in ["secret", "tenant", "feedface", ".abi0", "nanoseconds"] {
            #expect(!text.contains(secret), "\(secret) is in the written profile")
        }
        let reread = try ProfileReader().decode(bytes)
        #expect(Self.samples(reread) == ["4: @1 main.work:31 | @0 main.hot:12"])
    }

    /// Go tells nodes apart by address within a sample: a function calling itself on the line
    /// where the leaf is, from another address, is an edge; one location twice is not; and a
    /// pair of nodes met again in the same sample counts once.
    @Test func addressesTellTheNodesOfOneSampleApart() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        for (name, start) in [("main.main", 10), ("main.rec", 24), ("main.ping", 20), ("main.pong", 30)] {
            _ = builder.function(name, startLine: Int64(start))
        }
        let main = builder.location([("main.main", 12)], address: 0x10)
        builder.sample([builder.location([("main.rec", 25)], address: 0x300), builder.location([("main.rec", 25)], address: 0x301), main], [4])
        let same = builder.location([("main.rec", 26)], address: 0x302)
        builder.sample([same, same, main], [6])
        // main.pong inlined into main.ping, twice at one address: ping -> pong -> ping -> pong.
        builder.sample([builder.location([("main.pong", 31), ("main.ping", 21)], address: 0x500),
                        builder.location([("main.pong", 31), ("main.ping", 21)], address: 0x500)], [1])
        let full = builder.profile
        #expect(Self.goEdges(full) == [
            GoEdge("main.rec", "main.rec", 1): 4, GoEdge("main.ping", "main.pong", 1): 1, GoEdge("main.pong", "main.ping", 1): 1,
        ])

        let trim = try PGOTrim(full, nodeFraction: 0)
        #expect(Self.samples(trim.profile) == [
            "1: @0 main.ping:21 | @0 main.pong:31 main.ping:21",
            "4: @1 main.rec:25 | @0 main.rec:25",
        ])
        #expect(Self.goEdges(trim.profile) == Self.goEdges(full))
        #expect(trim.keptEdgeShare == 1)
    }

    /// A location without lines is a node without a name to Go, and an edge to it weighs in
    /// Go's total: it is kept.
    @Test func aLocationWithoutLinesIsKept() throws {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        _ = builder.function("main.hot", startLine: 15)
        builder.sample([builder.location([], address: 0x400), builder.location([("main.hot", 21)], address: 0x40)], [8])
        #expect(Self.goEdges(builder.profile) == [GoEdge("main.hot", nil, 6): 8])
        let trim = try PGOTrim(builder.profile, nodeFraction: 0)
        #expect(Self.samples(trim.profile) == ["8: @1 | @0 main.hot:21"])
        #expect(Self.goEdges(trim.profile) == Self.goEdges(builder.profile))
    }

    // MARK: - Random profiles

    /// On random profiles (few functions and addresses, so that recursion, inlining and
    /// repeated nodes are frequent): the edges Go reads of the trimmed profile are exactly those
    /// of the whole profile between functions not under the node fraction, with their weights,
    /// and keptEdgeShare is their share of Go's total weight.
    @Test(arguments: 1...300)
    func goReadsTheSameKeptEdges(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        var builder = ProfileBuilder(sampleTypes: [("alloc_space", "bytes"), ("samples", "count"), ("cpu", "nanoseconds")])
        let names = (0..<6).map { "pkg.f\($0)" }
        for (index, name) in names.enumerated() { _ = builder.function(name, startLine: Int64(10 * index + random.below(2))) }
        for _ in 0..<random.next(in: 1...12) {
            var stack: [UInt32] = []
            for _ in 0..<random.next(in: 0...4) {
                let depth = random.below(10) == 0 ? 0 : random.next(in: 1...3)
                let lines = (0..<depth).map { _ -> (String, Int64) in
                    let function = random.below(names.count)
                    return (names[function], Int64(10 * function + random.below(3)))
                }
                stack.append(builder.location(lines, address: UInt64(random.next(in: 1...3))))
            }
            let count = Int64(random.below(4) == 0 ? 0 : random.next(in: 1...20))
            builder.sample(stack, [7, count, count * 10_000_000])
        }
        let full = builder.profile
        let fraction = [0, 0.05, 0.2, 0.5][random.below(4)]

        // Under the fraction, by name over whole stacks, once a sample (nil: no lines).
        var cumulative: [String?: Int64] = [:]
        var total: Int64 = 0
        for sample in 0..<full.samples.count {
            let value = full.samples.value(of: sample, index: 1)
            total += value
            var seen = Set<String?>()
            for index in full.samples.locations(of: sample) {
                let lines = full.lines(of: full.locations[Int(index)])
                if lines.isEmpty { seen.insert(nil) }
                for line in lines { seen.insert(full.functions[Int(line.functionIndex)].name) }
            }
            for name in seen { cumulative[name, default: 0] += value }
        }
        let isCut = { (name: String?) in Double(cumulative[name] ?? 0) < Double(total) * fraction }

        let fullEdges = Self.goEdges(full, valueIndex: 1)
        let trim: PGOTrim
        do {
            trim = try PGOTrim(full, nodeFraction: fraction)
        } catch {
            // Only a profile of which Go reads frames but no start line (here: when pkg.f0's
            // start line drew 0 and Go reads only pkg.f0 and locations without lines).
            #expect("\(error)".contains("start line"))
            var readsStartLine = false
            for sample in 0..<full.samples.count where full.samples.value(of: sample, index: 1) != 0 {
                for index in full.samples.locations(of: sample).prefix(2) {
                    for line in full.lines(of: full.locations[Int(index)]) {
                        readsStartLine = readsStartLine || full.functions[Int(line.functionIndex)].startLine != 0
                    }
                }
            }
            #expect(!readsStartLine)
            return
        }
        let expected = fullEdges.filter { !isCut($0.key.caller) && !isCut($0.key.callee) }
        #expect(Self.goEdges(trim.profile) == expected, "fraction \(fraction)")
        let fullWeight = fullEdges.values.reduce(0, +), keptWeight = expected.values.reduce(0, +)
        let share = fullWeight == 0 ? 1 : Double(keptWeight) / Double(fullWeight)
        #expect(abs(trim.keptEdgeShare - share) < 1e-12)
        // At most two locations a sample, addresses 0 or 1.
        #expect((0..<trim.profile.samples.count).allSatisfy { trim.profile.samples.locations(of: $0).count <= 2 })
        #expect(trim.profile.locations.allSatisfy { $0.address <= 1 })
    }
}
