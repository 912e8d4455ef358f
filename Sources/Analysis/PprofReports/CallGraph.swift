import Pprof

/// Flat and cumulative values per frame for one sample type, computed as pprof's graph does:
/// a frame's cum counts each sample once however often the frame recurs in it; flat goes to
/// the innermost frame of the leaf location.
public struct CallGraph: Sendable {
    public let frames: FrameTable
    public let sampleIndex: Int
    public private(set) var flat: [Int64]
    public private(set) var cum: [Int64]
    /// Sum of |value| over all samples: the total that percentages refer to.
    public private(set) var total: Int64 = 0
    /// The per-stack sums the graph was built from (the edge pass reuses them).
    private let stackSums: SampleTable.StackSums

    /// `totalOverride` replaces the computed total: pprof takes percentages relative to the whole
    /// profile even when filters keep only part of it.
    public init(profile: Profile, frames: FrameTable, sampleIndex: Int, totalOverride: Int64? = nil) {
        self.frames = frames
        self.sampleIndex = sampleIndex
        let samples = profile.samples
        // Flat and cum are sums over samples, so each distinct stack is walked once with the
        // sum of its samples' values.
        let stackSums = samples.stackSums(index: sampleIndex)
        let stackValues = stackSums.sums
        let frameCount = frames.count
        var flat = [Int64](repeating: 0, count: frameCount)
        var cum = [Int64](repeating: 0, count: frameCount)
        var lastStack = [Int32](repeating: -1, count: frameCount)
        samples.stackLocations.withUnsafeBufferPointer { stackLocations in
        frames.frames.withUnsafeBufferPointer { frameList in
        frames.frameStarts.withUnsafeBufferPointer { frameStarts in
            for stack in 0..<samples.stackCount {
                let value = stackValues[stack]
                let start = samples.stackStarts[stack]
                let end = samples.stackStarts[stack + 1]
                if value == 0 || start >= end { continue }
                let stamp = Int32(truncatingIfNeeded: stack)
                for position in start..<end {
                    let location = Int(stackLocations[position])
                    for slot in Int(frameStarts[location])..<Int(frameStarts[location + 1]) {
                        let frame = Int(frameList[slot])
                        // A frame that recurs in a stack counts once.
                        if lastStack[frame] != stamp {
                            lastStack[frame] = stamp
                            cum[frame] &+= value
                        }
                    }
                }
                let leaf = Int(stackLocations[start])
                flat[Int(frameList[Int(frameStarts[leaf])])] &+= value
            }
        }
        }
        }
        self.flat = flat
        self.cum = cum
        self.stackSums = stackSums
        self.total = totalOverride ?? stackSums.total
    }

    /// Which frames pprof labels "(inline)" or "(partial-inline)" in a graph restricted to
    /// `kept` frames. A call edge into a frame is inline when the frame sits inside its
    /// caller's location (not the location's outermost line); an edge counts as inline only
    /// if every sample that crosses it does so inline; edges lighter than `edgeCutoff` are
    /// trimmed first, as pprof trims them (-edgefraction).
    public func inlineLabels(profile: Profile, kept: [Bool], edgeCutoff: Int64) -> [String] {
        let edges = callEdges(profile: profile, kept: kept)
        // Per frame: bit 1 = has an inline in-edge, bit 2 = has a non-inline in-edge.
        var kinds = [UInt8](repeating: 0, count: frames.count)
        edges.forEach { _, callee, alwaysInline, weight in
            guard abs(weight) >= edgeCutoff else { return }
            kinds[callee] |= alwaysInline ? 1 : 2
        }
        return kinds.map { kind in
            switch kind {
            case 1: return "(inline)"
            case 3: return "(partial-inline)"
            default: return ""
            }
        }
    }

    /// The caller→callee edges between kept frames, as pprof's graph builds them: walking
    /// each sample from the root, skipping frames that are not kept (its residual edges) and
    /// self-calls, and counting an edge once per sample.
    private func callEdges(profile: Profile, kept: [Bool]) -> EdgeTable {
        // Per location, its kept frames from the outermost line in, each with whether it sits
        // inside the location (an inlined call) rather than at its outermost line.
        var keptStarts = [Int32](repeating: 0, count: profile.locations.count + 1)
        var keptFrames: [UInt32] = []
        var keptInline: [Bool] = []
        // Only frames that are ever inlined can be labelled, so only edges into them are kept.
        var everInlined = [Bool](repeating: false, count: frames.count)
        for location in 0..<profile.locations.count {
            let locationFrames = frames.frames(ofLocation: location)
            let outermost = locationFrames.endIndex - 1
            for slot in stride(from: outermost, through: locationFrames.startIndex, by: -1) where kept[Int(locationFrames[slot])] {
                keptFrames.append(locationFrames[slot])
                keptInline.append(slot != outermost)
                if slot != outermost { everInlined[Int(locationFrames[slot])] = true }
            }
            keptStarts[location + 1] = Int32(keptFrames.count)
        }
        // The stacks in two halves, one on each core, each half's edges merged after.
        let stackCount = profile.samples.stackCount, half = stackCount / 2
        let walk = EdgeWalk(keptStarts: keptStarts, keptFrames: keptFrames, keptInline: keptInline, everInlined: everInlined,
                            samples: profile.samples, stackSums: stackSums, locationCount: profile.locations.count)
        var (edges, second) = Concurrently.both({ walk.edges(ofStacks: 0..<half) }, { walk.edges(ofStacks: half..<stackCount) })
        edges.add(second)
        return edges
    }
}

/// The walk of stacks that finds call edges: what it reads of a profile's locations, read-only
/// (so that two ranges of stacks can be walked at once).
private struct EdgeWalk: Sendable {
    /// Per location, its kept frames from the outermost line in (`keptStarts`), each with
    /// whether it sits inside the location.
    let keptStarts: [Int32]
    let keptFrames: [UInt32]
    let keptInline: [Bool]
    /// Frames ever inlined: only edges into them are kept.
    let everInlined: [Bool]
    let samples: SampleTable
    let stackSums: SampleTable.StackSums
    let locationCount: Int

    func edges(ofStacks stacks: Range<Int>) -> EdgeTable {
        // An edge between two kept frames of one location is the same in every sample: its id
        // is looked up once per location (-1: not an edge that counts). An edge into a
        // location's first kept frame depends on the caller: the last two met are kept.
        let unknown = -2
        var slotEdge = [Int](repeating: unknown, count: keptFrames.count)
        var entryCallers = [Int32](repeating: -1, count: locationCount * 2)
        var entryEdges = [Int32](repeating: -1, count: locationCount * 2)
        var edges = EdgeTable()
        // Edge weights are sums over samples: one walk per distinct stack. A stack counts when
        // one of its samples has a non-zero value (pprof skips zero samples, not zero sums).
        let stackValues = stackSums.sums, stackUsed = stackSums.nonZero
        for sample in stacks {
            guard stackUsed[sample] else { continue }
            let weight = stackValues[sample]
            var caller = -1
            let stamp = Int32(truncatingIfNeeded: sample)
            // An edge crossed again in this sample is not counted again.
            func cross(_ edge: Int, inline: Bool) {
                if edge >= 0 { edges.add(edge, inline: inline, weight: weight, stamp: stamp) }
            }
            let locations = samples.stack(sample)
            for position in locations.indices.reversed() {
                let location = Int(locations[position])
                let first = Int(keptStarts[location]), end = Int(keptStarts[location + 1])
                for slot in first..<end {
                    let callee = Int(keptFrames[slot])
                    if caller >= 0 && caller != callee && everInlined[callee] {
                        if slot > first {
                            if slotEdge[slot] == unknown { slotEdge[slot] = edges.id(UInt64(caller) << 32 | UInt64(callee)) }
                            cross(slotEdge[slot], inline: keptInline[slot])
                        } else {
                            let cache = location * 2
                            if entryCallers[cache] != Int32(caller) {
                                if entryCallers[cache + 1] == Int32(caller) {
                                    entryCallers.swapAt(cache, cache + 1)
                                    entryEdges.swapAt(cache, cache + 1)
                                } else {
                                    entryCallers[cache + 1] = entryCallers[cache]
                                    entryEdges[cache + 1] = entryEdges[cache]
                                    entryCallers[cache] = Int32(caller)
                                    entryEdges[cache] = Int32(edges.id(UInt64(caller) << 32 | UInt64(callee)))
                                }
                            }
                            cross(Int(entryEdges[cache]), inline: keptInline[slot])
                        }
                    }
                    caller = callee
                }
            }
        }
        return edges
    }
}

/// Call edges keyed by caller<<32 | callee: weight, whether every crossing was inline, and
/// the last sample that crossed it (one crossing per sample counts).
private struct EdgeTable {
    private var index = OpenAddressingIndex()
    private var keys: [UInt64] = []
    private var weights: [Int64] = []
    private var alwaysInline: [Bool] = []
    private var lastSample: [Int32] = []

    /// The id of an edge, added (with no weight) if new.
    mutating func id(_ key: UInt64) -> Int {
        let hash = OpenAddressingIndex.hash(key)
        let (slot, found) = index.lookUp(hash: hash) { keys[$0] == key }
        if let found { return found }
        keys.append(key)
        weights.append(0)
        alwaysInline.append(true)
        lastSample.append(-1)
        return index.insert(hash: hash, at: slot)
    }

    @inline(__always)
    mutating func add(_ id: Int, inline: Bool, weight: Int64, stamp: Int32) {
        guard lastSample[id] != stamp else { return }
        lastSample[id] = stamp
        weights[id] &+= weight
        if !inline { alwaysInline[id] = false }
    }

    /// Adds another table's edges (of other samples): weights summed, inline only if inline
    /// in both.
    mutating func add(_ other: EdgeTable) {
        for (position, key) in other.keys.enumerated() {
            let edge = id(key)
            weights[edge] &+= other.weights[position]
            if !other.alwaysInline[position] { alwaysInline[edge] = false }
        }
    }

    func forEach(_ body: (Int, Int, Bool, Int64) -> Void) {
        for id in keys.indices {
            body(Int(keys[id] >> 32), Int(keys[id] & 0xFFFF_FFFF), alwaysInline[id], weights[id])
        }
    }
}
