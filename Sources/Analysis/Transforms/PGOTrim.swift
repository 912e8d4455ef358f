import Pprof

/// A CPU profile cut down to what Go's profile-guided optimisation reads (cmd/compile reads
/// `default.pgo` as weighted call edges: caller name, call-site line minus the caller's start
/// line, callee name, weighted by the "samples/count" or "cpu/nanoseconds" value). Kept: that
/// one sample type, and for each frame its function's name and start line and its line
/// number. Dropped: every other sample type, labels, mappings, addresses, file names, columns,
/// comments. Frames whose function's cumulative weight is under `nodeFraction` of the total
/// (pprof's -nodefraction, at function granularity) are cut from their stacks together with
/// every frame they call: only whole call edges go, and no edge that did not exist is made.
public struct PGOTrim: Sendable {
    /// pprof's default -nodefraction.
    public static let defaultNodeFraction = 0.005

    public let profile: Profile
    /// The sample type kept (the one Go's PGO weighs edges by).
    public let sampleType: ValueType
    /// Of the weight on every caller-to-callee edge of every sample, how much is kept (1 when
    /// the profile has no call edge).
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

        // Frames as Go's PGO sees them: one per line of each location (inlined calls
        // included), each naming a function; functions of the same name are one node.
        var nodeOfName: [String: Int32] = [:]
        var nodeOfFunction: [Int32] = []
        nodeOfFunction.reserveCapacity(source.functions.count)
        for function in source.functions {
            if let node = nodeOfName[function.name] {
                nodeOfFunction.append(node)
            } else {
                let node = Int32(nodeOfName.count)
                nodeOfName[function.name] = node
                nodeOfFunction.append(node)
            }
        }
        let nodeCount = nodeOfName.count

        // Cumulative weight of each node, counted once a sample.
        let sums = source.samples.stackSums(index: valueIndex)
        var cumulative = [Int64](repeating: 0, count: nodeCount)
        var seenInStack = [Int](repeating: -1, count: nodeCount)
        for stack in 0..<source.samples.stackCount where sums.nonZero[stack] {
            for location in source.samples.stack(stack) {
                for line in source.lines(of: source.locations[Int(location)]) {
                    let node = Int(nodeOfFunction[Int(line.functionIndex)])
                    if seenInStack[node] == stack { continue }
                    seenInStack[node] = stack
                    cumulative[node] &+= sums.sums[stack]
                }
            }
        }
        let cutoff = Double(sums.total) * nodeFraction
        let kept = cumulative.map { Double($0 < 0 ? 0 &- $0 : $0) >= cutoff }
        droppedFunctions = kept.count(where: { !$0 })

        // The trimmed profile: locations keyed by their kept lines, functions by name and
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
        func location(_ lines: ArraySlice<Line>) -> UInt32 {
            var key: [Int64] = []
            for line in lines { key += [Int64(function(Int(line.functionIndex))), line.line] }
            if let index = locationIndex[key] { return index }
            var record = Location()
            record.id = UInt64(result.locations.count + 1)
            record.lineStart = Int32(result.lines.count)
            record.lineCount = Int32(lines.count)
            for index in stride(from: 0, to: key.count, by: 2) {
                var line = Line()
                line.functionIndex = Int32(key[index])
                line.line = key[index + 1]
                result.lines.append(line)
            }
            result.locations.append(record)
            locationIndex[key] = UInt32(result.locations.count - 1)
            return UInt32(result.locations.count - 1)
        }

        var trimmedStacks = [[UInt32]?](repeating: nil, count: source.samples.stackCount)
        var keptEdges = 0.0, allEdges = 0.0
        var table = SampleTable()
        table.valueCount = 1
        for sample in 0..<source.samples.count {
            let value = source.samples.value(of: sample, index: valueIndex)
            if value == 0 { continue }
            let stackID = Int(source.samples.sampleStacks[sample])
            let stack = source.samples.stack(stackID)
            var frames = 0
            for location in stack { frames += Int(source.locations[Int(location)].lineCount) }
            if trimmedStacks[stackID] == nil {
                trimmedStacks[stackID] = Self.trim(stack, of: source, kept: kept, nodeOfFunction: nodeOfFunction, location: location)
            }
            let trimmed = trimmedStacks[stackID]!
            var keptFrames = 0
            for location in trimmed { keptFrames += Int(result.locations[Int(location)].lineCount) }
            let weight = Double(value < 0 ? 0 &- value : value)
            allEdges += weight * Double(max(frames - 1, 0))
            keptEdges += weight * Double(max(keptFrames - 1, 0))
            if !trimmed.isEmpty { table.append(stack: trimmed, values: CollectionOfOne(value), labels: EmptyCollection()) }
        }
        result.samples = table
        profile = result.mergingIdenticalSamples()
        keptEdgeShare = allEdges == 0 ? 1 : keptEdges / allEdges
    }

    private struct FunctionKey: Hashable {
        let name: String
        let startLine: Int64
    }

    /// `stack` (leaf first) from its root down to the first frame whose function is not kept,
    /// that frame and all it calls cut; a location cut between its inlined lines keeps the
    /// outer ones.
    private static func trim(_ stack: ArraySlice<UInt32>, of source: Profile, kept: [Bool], nodeOfFunction: [Int32],
                             location: (ArraySlice<Line>) -> UInt32) -> [UInt32] {
        var rootFirst: [UInt32] = []
        walk: for original in stack.reversed() {
            let lines = source.lines(of: source.locations[Int(original)])
            // Lines are innermost first: read them from the outermost.
            var keptFrom = lines.endIndex
            while keptFrom > lines.startIndex && kept[Int(nodeOfFunction[Int(lines[keptFrom - 1].functionIndex)])] {
                keptFrom -= 1
            }
            if keptFrom < lines.endIndex { rootFirst.append(location(lines[keptFrom...])) }
            if keptFrom > lines.startIndex { break walk }
        }
        return rootFirst.reversed()
    }
}
