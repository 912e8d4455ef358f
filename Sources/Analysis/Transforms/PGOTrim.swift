import Pprof

/// A CPU profile cut down to what Go's profile-guided optimisation reads. Go (cmd/internal/pgo's
/// FromPProf, over internal/profile's NewGraph) reads weighted call edges: caller name, call-site
/// line minus the caller's start line, callee name. Of each sample with a non-zero value of the
/// first "samples/count" or "cpu/nanoseconds" type it reads only the two leaf-most locations:
/// their lines, the caller's location first and each location's outermost line first, are a
/// chain of nodes (a node is a location's address with one line's function name, start line and
/// line number; a location without lines is a nameless node), and each pair of consecutive
/// distinct nodes is an edge weighted by the value, counted once a sample. Nothing else is read:
/// not the frames above those two locations, other sample types, labels, mappings, file names,
/// columns or comments.
///
/// Kept: those chains, as samples of at most two locations, with function names, start lines and
/// line numbers, and addresses only as far as they tell nodes of one sample apart (0 for the
/// caller's location, 1 for the leaf's when the two addresses differ). Edges that touch a
/// function whose cumulative weight is under `nodeFraction` of the total (pprof's
/// -nodefraction, at function granularity, over whole stacks) are cut: the chain is split there
/// into separate samples, so that each edge kept has the weight Go read in the whole profile,
/// and no edge is made that Go did not read.
public struct PGOTrim: Sendable {
    /// By default every edge Go reads is kept: at pprof's -nodefraction default, 0.005, the
    /// merged sample programs lost 21% of the edge weight Go counts, and Go's own
    /// cmd/compile/default.pgo 57% and 4,203 of the 4,678 call sites Go takes for hot.
    public static let defaultNodeFraction = 0.0

    public let profile: Profile
    /// The sample type kept (the one Go's PGO weighs edges by).
    public let sampleType: ValueType
    /// Of the weight of the call edges Go's PGO reads (its total weight), how much is kept (1
    /// when the profile has no call edge).
    public let keptEdgeShare: Double
    /// Functions cut for being under the node fraction.
    public let droppedFunctions: Int

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(_ source: Profile, nodeFraction: Double = defaultNodeFraction) throws(Failure) {
        // The sample type Go's PGO reads: the first of samples/count or cpu/nanoseconds.
        guard let valueIndex = source.sampleTypes.firstIndex(where: {
            ($0.type == "samples" && $0.unit == "count") || ($0.type == "cpu" && $0.unit == "nanoseconds")
        }) else {
            let types = source.sampleTypes.map { "\($0.type)/\($0.unit)" }.joined(separator: " ")
            throw Failure(description: "not a CPU profile: Go's PGO reads samples/count or cpu/nanoseconds, and this profile has [\(types)]")
        }
        sampleType = source.sampleTypes[valueIndex]

        // For the node fraction, functions of the same name are one node; a location without
        // lines counts as one more, nameless, node (the last).
        var nodeOfName: [String: Int32] = [:]
        var nodeOfFunction: [Int32] = []
        nodeOfFunction.reserveCapacity(source.functions.count)
        // Within a sample, Go tells functions apart by name and start line.
        var functionKeys: [FunctionKey: Int32] = [:]
        var keyOfFunction: [Int32] = []
        keyOfFunction.reserveCapacity(source.functions.count)
        for function in source.functions {
            if let node = nodeOfName[function.name] {
                nodeOfFunction.append(node)
            } else {
                let node = Int32(nodeOfName.count)
                nodeOfName[function.name] = node
                nodeOfFunction.append(node)
            }
            let key = FunctionKey(name: function.name, startLine: function.startLine)
            if let index = functionKeys[key] {
                keyOfFunction.append(index)
            } else {
                functionKeys[key] = Int32(functionKeys.count)
                keyOfFunction.append(Int32(functionKeys.count - 1))
            }
        }
        let namedNodes = nodeOfName.count
        let namelessNode = namedNodes

        // Cumulative weight of each node, counted once a sample, over whole stacks.
        let sums = source.samples.stackSums(index: valueIndex)
        var cumulative = [Int64](repeating: 0, count: namedNodes + 1)
        var seenInStack = [Int](repeating: -1, count: namedNodes + 1)
        for stack in 0..<source.samples.stackCount where sums.nonZero[stack] {
            for location in source.samples.stack(stack) {
                let location = source.locations[Int(location)]
                if location.lineCount == 0 {
                    if seenInStack[namelessNode] != stack { cumulative[namelessNode] &+= sums.sums[stack] }
                    seenInStack[namelessNode] = stack
                }
                for line in source.lines(of: location) {
                    let node = Int(nodeOfFunction[Int(line.functionIndex)])
                    if seenInStack[node] == stack { continue }
                    seenInStack[node] = stack
                    cumulative[node] &+= sums.sums[stack]
                }
            }
        }
        let cutoff = Double(sums.total) * nodeFraction
        let kept = cumulative.map { Double($0 < 0 ? 0 &- $0 : $0) >= cutoff }
        droppedFunctions = kept[..<namedNodes].count(where: { !$0 })

        // The trimmed profile: locations keyed by address and lines, functions by name and
        // start line; samples with the same trimmed stack summed.
        var result = Profile()
        result.sampleTypes = [sampleType]
        result.periodType = source.periodType
        result.period = source.period
        result.timeNanos = source.timeNanos
        result.durationNanos = source.durationNanos
        var functionIndex: [FunctionKey: Int32] = [:]
        var locationIndex: [[Int64]: UInt32] = [:]
        func function(_ original: Int) -> Int32 {
            let old = source.functions[original]
            let key = FunctionKey(name: old.name, startLine: old.startLine)
            if let index = functionIndex[key] { return index }
            var record = Function()
            record.id = UInt64(result.functions.count + 1)
            record.name = old.name
            record.systemName = old.name
            record.startLine = old.startLine
            result.functions.append(record)
            functionIndex[key] = Int32(result.functions.count - 1)
            return Int32(result.functions.count - 1)
        }
        /// A location of `address` whose lines are `lines` (indices into `source.lines`,
        /// outermost first); none: a location without lines.
        func location(address: UInt64, _ lines: ArraySlice<Int>) -> UInt32 {
            var key: [Int64] = [Int64(bitPattern: address)]
            for line in lines.reversed() { key += [Int64(function(Int(source.lines[line].functionIndex))), source.lines[line].line] }
            if let index = locationIndex[key] { return index }
            var record = Location()
            record.id = UInt64(result.locations.count + 1)
            record.address = address
            record.lineStart = Int32(result.lines.count)
            record.lineCount = Int32(lines.count)
            for index in stride(from: 1, to: key.count, by: 2) {
                var line = Line()
                line.functionIndex = Int32(key[index])
                line.line = key[index + 1]
                result.lines.append(line)
            }
            result.locations.append(record)
            locationIndex[key] = UInt32(result.locations.count - 1)
            return UInt32(result.locations.count - 1)
        }

        var trimmedStacks = [Trimmed?](repeating: nil, count: source.samples.stackCount)
        var keptEdges = 0.0, allEdges = 0.0
        var readsFrames = false, readsStartLine = false
        var table = SampleTable()
        table.valueCount = 1
        for sample in 0..<source.samples.count {
            let value = source.samples.value(of: sample, index: valueIndex)
            if value == 0 { continue }
            let stackID = Int(source.samples.sampleStacks[sample])
            if trimmedStacks[stackID] == nil {
                trimmedStacks[stackID] = Self.trim(source.samples.stack(stackID), of: source, kept: kept,
                                                   nodeOfFunction: nodeOfFunction, namelessNode: namelessNode,
                                                   keyOfFunction: keyOfFunction, location: location)
            }
            let trimmed = trimmedStacks[stackID]!
            readsFrames = readsFrames || trimmed.frames
            readsStartLine = readsStartLine || trimmed.startLine
            let weight = Double(value < 0 ? 0 &- value : value)
            allEdges += weight * Double(trimmed.edges)
            keptEdges += weight * Double(trimmed.keptEdges)
            for stack in trimmed.stacks { table.append(stack: stack, values: CollectionOfOne(value), labels: EmptyCollection()) }
        }
        // Go refuses a profile of which it reads frames but no start line (one of Go before
        // 1.20): a build with it would fail.
        if readsFrames && !readsStartLine {
            throw Failure(description: "no function has a start line (profiles of Go before 1.20 have none): "
                + "Go's PGO refuses such a profile (\"profile missing Function.start_line data\")")
        }
        result.samples = table
        profile = result.mergingIdenticalSamples()
        keptEdgeShare = allEdges == 0 ? 1 : keptEdges / allEdges
    }

    private struct FunctionKey: Hashable {
        let name: String
        let startLine: Int64
    }

    /// What one stack becomes: the stacks (leaf first) that carry its kept edges, how many
    /// edges Go reads of it, kept or not, and whether Go reads a frame of it, and a start line.
    private struct Trimmed {
        var stacks: [[UInt32]] = []
        var edges = 0
        var keptEdges = 0
        var frames = false
        var startLine = false
    }

    /// A node as Go's PGO tells nodes apart within a sample (internal/profile's NodeInfo): the
    /// location's address, the function (by name and start line; -1: none) and the line.
    private struct Node: Equatable {
        let address: UInt64
        let function: Int32
        let line: Int64
    }

    /// The chain Go reads of `stack` (leaf first): its two leaf-most locations' lines, caller
    /// first, outermost first; the edges Go counts in it; the runs of nodes joined by kept
    /// edges, each one stack of at most two locations (the lines of a location that a run has).
    private static func trim(_ stack: ArraySlice<UInt32>, of source: Profile, kept: [Bool], nodeOfFunction: [Int32],
                             namelessNode: Int, keyOfFunction: [Int32],
                             location: (UInt64, ArraySlice<Int>) -> UInt32) -> Trimmed {
        let window = Array(stack.prefix(2))
        // Each frame: which of the window's locations (0: the leaf), and the index of its line
        // in `source.lines` (nil: the location has none).
        var chain: [(slot: Int, line: Int?)] = []
        for slot in window.indices.reversed() {
            let record = source.locations[Int(window[slot])]
            if record.lineCount == 0 { chain.append((slot, nil)) }
            let start = Int(record.lineStart)
            for line in (start..<start + Int(record.lineCount)).reversed() { chain.append((slot, line)) }
        }
        func node(_ frame: (slot: Int, line: Int?)) -> Node {
            let address = source.locations[Int(window[frame.slot])].address
            guard let line = frame.line else { return Node(address: address, function: -1, line: 0) }
            return Node(address: address, function: keyOfFunction[Int(source.lines[line].functionIndex)], line: source.lines[line].line)
        }
        func isKept(_ frame: (slot: Int, line: Int?)) -> Bool {
            guard let line = frame.line else { return kept[namelessNode] }
            return kept[Int(nodeOfFunction[Int(source.lines[line].functionIndex)])]
        }

        // As Go counts: a pair of consecutive nodes is an edge unless the two are one node or
        // the pair was counted before in this sample. joined[i]: chain[i-1] to chain[i] is an
        // edge kept.
        var result = Trimmed()
        result.frames = !chain.isEmpty
        result.startLine = chain.contains { frame in
            frame.line.map { source.functions[Int(source.lines[$0].functionIndex)].startLine != 0 } ?? false
        }
        if chain.count < 2 { return result }
        var joined = [Bool](repeating: false, count: chain.count)
        var counted: [(Node, Node)] = []
        for index in chain.indices.dropFirst() {
            let caller = node(chain[index - 1]), callee = node(chain[index])
            if caller == callee || counted.contains(where: { $0.0 == caller && $0.1 == callee }) { continue }
            counted.append((caller, callee))
            result.edges += 1
            if isKept(chain[index - 1]) && isKept(chain[index]) {
                joined[index] = true
                result.keptEdges += 1
            }
        }

        // Addresses that keep the nodes of a run apart as they were: the leaf's location differs
        // from its caller's when their addresses did.
        let leafAddress: UInt64 = window.count == 2 && source.locations[Int(window[0])].address != source.locations[Int(window[1])].address ? 1 : 0
        var start = 0
        for end in 1...chain.count where end == chain.count || !joined[end] {
            defer { start = end }
            if end - start < 2 { continue }
            let run = chain[start..<end]
            let spansBoth = run.first!.slot != run.last!.slot
            var rootFirst: [UInt32] = []
            for slot in [1, 0] {
                let frames = run.filter { $0.slot == slot }
                if frames.isEmpty { continue }
                let address: UInt64 = spansBoth && slot == 0 ? leafAddress : 0
                rootFirst.append(location(address, ArraySlice(frames.compactMap(\.line))))
            }
            result.stacks.append(rootFirst.reversed())
        }
        return result
    }
}
