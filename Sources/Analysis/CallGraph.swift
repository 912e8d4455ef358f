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

    /// `totalOverride` replaces the computed total: pprof takes percentages relative to the whole
    /// profile even when filters keep only part of it.
    public init(profile: Profile, frames: FrameTable, sampleIndex: Int, totalOverride: Int64? = nil) {
        self.frames = frames
        self.sampleIndex = sampleIndex
        let frameCount = frames.count
        var flat = [Int64](repeating: 0, count: frameCount)
        var cum = [Int64](repeating: 0, count: frameCount)
        var lastSample = [Int32](repeating: -1, count: frameCount)
        var total: Int64 = 0
        let samples = profile.samples
        let stride = samples.valueCount
        samples.values.withUnsafeBufferPointer { values in
        samples.locationIndices.withUnsafeBufferPointer { locationIndices in
        frames.frames.withUnsafeBufferPointer { frameList in
        frames.frameStarts.withUnsafeBufferPointer { frameStarts in
            for sample in 0..<samples.count {
                let value = values[sample * stride + sampleIndex]
                if value == 0 { continue }
                total &+= value < 0 ? -value : value
                let start = samples.locationStarts[sample]
                let end = samples.locationStarts[sample + 1]
                if start >= end { continue }
                let stamp = Int32(truncatingIfNeeded: sample)
                for position in start..<end {
                    let location = Int(locationIndices[position])
                    for slot in Int(frameStarts[location])..<Int(frameStarts[location + 1]) {
                        let frame = Int(frameList[slot])
                        if lastSample[frame] != stamp {
                            lastSample[frame] = stamp
                            cum[frame] &+= value
                        }
                    }
                }
                let leaf = Int(locationIndices[start])
                flat[Int(frameList[Int(frameStarts[leaf])])] &+= value
            }
        }
        }
        }
        }
        self.flat = flat
        self.cum = cum
        self.total = totalOverride ?? total
    }

    /// Which frames pprof labels "(inline)" or "(partial-inline)" in a graph restricted to
    /// `kept` frames. A call edge into a frame is inline when the frame sits inside its
    /// caller's location (not the location's outermost line); an edge counts as inline only
    /// if every sample that crosses it does so inline; edges lighter than `edgeCutoff` are
    /// trimmed first, as pprof trims them (-edgefraction).
    public func inlineLabels(profile: Profile, kept: [Bool], edgeCutoff: Int64) -> [String] {
        var edges = EdgeTable(kept: kept)
        forEachCallEdge(profile: profile, kept: kept) { caller, callee, inline, weight in
            edges.add(caller: caller, callee: callee, inline: inline, weight: weight)
        }
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

    /// Calls `body(caller, callee, inline, weight)` for each distinct caller→callee edge of each
    /// sample, walking from the root, skipping frames that are not kept (pprof's residual
    /// edges) and self-calls.
    private func forEachCallEdge(profile: Profile, kept: [Bool], _ body: (Int, Int, Bool, Int64) -> Void) {
        let samples = profile.samples
        let valueStride = samples.valueCount
        var seenInSample = [Int32](repeating: -1, count: frames.count)
        var sampleEdges: [UInt64] = []
        for sample in 0..<samples.count {
            let weight = samples.values[sample * valueStride + sampleIndex]
            if weight == 0 { continue }
            let locations = samples.locations(of: sample)
            var caller = -1
            sampleEdges.removeAll(keepingCapacity: true)
            let stamp = Int32(truncatingIfNeeded: sample)
            for location in locations.reversed() {
                let locationFrames = frames.frames(ofLocation: Int(location))
                let outermost = locationFrames.endIndex - 1
                for slot in stride(from: outermost, through: locationFrames.startIndex, by: -1) {
                    let callee = Int(locationFrames[slot])
                    guard kept[callee] else { continue }
                    if caller >= 0 && caller != callee {
                        let key = UInt64(caller) << 32 | UInt64(callee)
                        // An edge already crossed in this sample is not counted again.
                        let repeated = seenInSample[callee] == stamp && sampleEdges.contains(key)
                        if !repeated {
                            sampleEdges.append(key)
                            body(caller, callee, slot != outermost, weight)
                        }
                    }
                    seenInSample[callee] = stamp
                    caller = callee
                }
            }
        }
    }
}

/// Call edges between kept frames: weight and whether every crossing was inline. A dense
/// matrix over the kept frames when they are few (the usual case), a dictionary otherwise.
private struct EdgeTable {
    private var rank: [Int32]
    private var keptFrames: [Int]
    private var denseWeight: [Int64] = []
    private var denseState: [UInt8] = []  // 0 = no edge, 1 = always inline, 2 = not always
    private var sparse: [UInt64: (weight: Int64, alwaysInline: Bool)] = [:]
    private let dense: Bool

    init(kept: [Bool]) {
        rank = [Int32](repeating: -1, count: kept.count)
        keptFrames = []
        for (frame, isKept) in kept.enumerated() where isKept {
            rank[frame] = Int32(keptFrames.count)
            keptFrames.append(frame)
        }
        dense = keptFrames.count <= 1024
        if dense {
            denseWeight = [Int64](repeating: 0, count: keptFrames.count * keptFrames.count)
            denseState = [UInt8](repeating: 0, count: keptFrames.count * keptFrames.count)
        }
    }

    @inline(__always)
    mutating func add(caller: Int, callee: Int, inline: Bool, weight: Int64) {
        if dense {
            let slot = Int(rank[caller]) * keptFrames.count + Int(rank[callee])
            denseWeight[slot] &+= weight
            if denseState[slot] == 0 {
                denseState[slot] = inline ? 1 : 2
            } else if !inline {
                denseState[slot] = 2
            }
        } else {
            let key = UInt64(caller) << 32 | UInt64(callee)
            let old = sparse[key] ?? (0, true)
            sparse[key] = (old.weight &+ weight, old.alwaysInline && inline)
        }
    }

    func forEach(_ body: (Int, Int, Bool, Int64) -> Void) {
        if dense {
            let n = keptFrames.count
            for slot in 0..<denseState.count where denseState[slot] != 0 {
                body(keptFrames[slot / n], keptFrames[slot % n], denseState[slot] == 1, denseWeight[slot])
            }
        } else {
            for (key, edge) in sparse {
                body(Int(key >> 32), Int(key & 0xFFFF_FFFF), edge.alwaysInline, edge.weight)
            }
        }
    }
}
