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
        var edges = EdgeTable()
        var seenInSample = [Int32](repeating: -1, count: frames.count)
        var sampleEdges: [UInt64] = []
        let samples = profile.samples
        // Edge weights are sums over samples: one walk per distinct stack. A stack counts when
        // one of its samples has a non-zero value (pprof skips zero samples, not zero sums).
        let stackValues = stackSums.sums, stackUsed = stackSums.nonZero
        samples.stackLocations.withUnsafeBufferPointer { locationIndices in
        samples.stackStarts.withUnsafeBufferPointer { locationStarts in
        keptStarts.withUnsafeBufferPointer { keptStarts in
        keptFrames.withUnsafeBufferPointer { keptFrames in
        keptInline.withUnsafeBufferPointer { keptInline in
        seenInSample.withUnsafeMutableBufferPointer { seenInSample in
        everInlined.withUnsafeBufferPointer { everInlined in
            for sample in 0..<samples.stackCount {
                guard stackUsed[sample] else { continue }
                let weight = stackValues[sample]
                var caller = -1
                sampleEdges.removeAll(keepingCapacity: true)
                let stamp = Int32(truncatingIfNeeded: sample)
                var position = locationStarts[sample + 1] - 1
                let first = locationStarts[sample]
                while position >= first {
                    let location = Int(locationIndices[position])
                    position -= 1
                    for slot in Int(keptStarts[location])..<Int(keptStarts[location + 1]) {
                        let callee = Int(keptFrames[slot])
                        if caller >= 0 && caller != callee && everInlined[callee] {
                            let key = UInt64(caller) << 32 | UInt64(callee)
                            // An edge already crossed in this sample is not counted again.
                            if seenInSample[callee] != stamp || !sampleEdges.contains(key) {
                                sampleEdges.append(key)
                                edges.add(key, inline: keptInline[slot], weight: weight)
                            }
                        }
                        seenInSample[callee] = stamp
                        caller = callee
                    }
                }
            }
        }
        }
        }
        }
        }
        }
        }
        return edges
    }
}

/// Call edges keyed by caller<<32 | callee: weight and whether every crossing was inline.
private struct EdgeTable {
    private var index = OpenAddressingIndex()
    private var keys: [UInt64] = []
    private var weights: [Int64] = []
    private var alwaysInline: [Bool] = []

    @inline(__always)
    mutating func add(_ key: UInt64, inline: Bool, weight: Int64) {
        var index = OpenAddressingIndex.placeholder
        swap(&index, &self.index)
        let (id, inserted) = index.findOrInsert(hash: OpenAddressingIndex.hash(key)) { keys[$0] == key }
        swap(&index, &self.index)
        if inserted {
            keys.append(key)
            weights.append(0)
            alwaysInline.append(true)
        }
        weights[id] &+= weight
        if !inline { alwaysInline[id] = false }
    }

    func forEach(_ body: (Int, Int, Bool, Int64) -> Void) {
        for id in keys.indices {
            body(Int(keys[id] >> 32), Int(keys[id] & 0xFFFF_FFFF), alwaysInline[id], weights[id])
        }
    }
}
