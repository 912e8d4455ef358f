// The `wide` shapes' program: a CodeBase with a fixed number of distinct call
// stacks (400k for 2M samples), many more than it has locations, so stacks
// reuse call sites heavily; many locations carry inlined frames. Each stack is
// a root chain, application frames and an optional runtime/library tail.
// Built from its parameters alone (not from the sample count or seed).

struct WideParameters {
    var seed: UInt64 = 1
    /// Distinct stacks (root + application frames + tail), all different.
    var stacks = 400_000
    /// Roughly how many locations the program has.
    var locations = 137_000
    /// 20 × 20 × 20 = 8,000 application functions (plus ~130 standard ones).
    var layout = CodeLayout(services: 20, packagesPerService: 20, functionsPerPackage: 20)
    /// Application frames per stack: bell-shaped over this range.
    var appDepth = 4...20
    /// Weights of 0, 1, 2, 3 frames inlined into a new application location.
    var inlineWeights: [Double] = [0.57, 0.3, 0.09, 0.04]
    /// Share of stacks without a tail (the time is in the application leaf).
    var noTail = 0.3
    /// Share of new stacks that are an earlier stack with another tail.
    var tailVariants = 0.25
    /// Share of new stacks that branch off their parent at a random depth
    /// (the others share all but their last few frames with it).
    var divergence = 0.2
    /// Subtrees directly under the roots.
    var topLevelBranches = 48

    /// The `wide` shape scaled to `stacks` distinct stacks: 137k locations per 400k stacks.
    static func scaled(stacks: Int, seed: UInt64) -> WideParameters {
        var p = WideParameters()
        p.seed = seed
        p.stacks = max(1, stacks)
        p.locations = max(2_000, Int((Double(p.stacks) * 137.0 / 400.0).rounded()))
        return p
    }
}

final class WideProgram {
    let parameters: WideParameters
    let code: CodeBase

    var functions: [FunctionInfo] { code.functions }
    var locations: [LocationInfo] { code.locations }

    /// Per stack: its application frames (a range of `frames`, outermost
    /// first; a tail variant shares its original's range), root, tail (-1:
    /// none) and top-level subtree.
    private(set) var frames: [Int32] = []
    private(set) var frameStart: [Int32] = []
    private(set) var frameCount: [Int32] = []
    private(set) var root: [Int32] = []
    private(set) var tail: [Int16] = []
    private(set) var branch: [Int32] = []

    var stackCount: Int { frameStart.count }

    init(_ parameters: WideParameters) {
        self.parameters = parameters
        code = CodeBase(layout: parameters.layout)
        var rng = SplitMix64(seed: parameters.seed ^ 0x3A1D_E0F5_7AC4_0001)
        buildStacks(&rng)
        code.assignAddresses()
    }

    /// The kind of goroutine stack `index` runs in.
    func rootKind(_ index: Int) -> Catalog.RootKind { code.rootKinds[Int(root[index])] }

    /// Stack `index`, location indices leaf first.
    func stack(_ index: Int, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        if tail[index] >= 0 { result.append(contentsOf: code.tails[Int(tail[index])]) }
        let start = Int(frameStart[index])
        var i = start + Int(frameCount[index]) - 1
        while i >= start {
            result.append(Int(frames[i]))
            i -= 1
        }
        result.append(contentsOf: code.roots[Int(root[index])].reversed())
    }

    // MARK: Building

    /// An earlier stack, preferring the earliest (hottest) ones.
    private func earlier(than index: Int, _ rng: inout SplitMix64) -> Int {
        let u = rng.unit()
        return Int(Double(index) * u * u)
    }

    private func identity(root: Int, tail: Int, frames: ArraySlice<Int32>) -> UInt64 {
        var h = SplitMix64.mix(UInt64(root) &+ 0x1000 &* UInt64(tail + 1))
        for f in frames { h = SplitMix64.mix(h ^ UInt64(UInt32(bitPattern: f))) }
        return h
    }

    /// Draws the stacks as a trie: each new stack shares a prefix with an
    /// earlier one and adds a few frames, or is an earlier stack with another
    /// tail. New frames are new locations while the program is below its
    /// share of `locations`, else call sites that already exist.
    private func buildStacks(_ rng: inout SplitMix64) {
        let p = parameters
        let services = CumulativeDistribution.zipf(count: p.layout.services, offset: 1.5)
        let tails = CumulativeDistribution.zipf(count: code.tails.count, offset: 2)
        let inlined = CumulativeDistribution(weights: p.inlineWeights)
        let firstAppLocation = code.locations.count
        let appLocationTarget = max(1, p.locations - firstAppLocation)
        var byFunction = Array(repeating: [Int32](), count: code.functions.count)
        var seen = Set<UInt64>(minimumCapacity: p.stacks)
        var next: [Int32] = []

        func location(in function: Int, index: Int, _ rng: inout SplitMix64) -> Int32 {
            let made = code.locations.count - firstAppLocation
            let quota = Int(Int64(appLocationTarget) * Int64(index + 1) / Int64(p.stacks))
            let known = byFunction[function]
            if made < quota || known.isEmpty {
                let l = Int32(code.newAppLocation(function, inlined: inlined.sample(&rng), &rng))
                byFunction[function].append(l)
                return l
            }
            return known[rng.below(known.count)]
        }

        func add(frames range: (start: Int32, count: Int32), root r: Int, tail t: Int, branch b: Int32) {
            frameStart.append(range.start)
            frameCount.append(range.count)
            root.append(Int32(r))
            tail.append(Int16(t))
            branch.append(b)
        }

        frameStart.reserveCapacity(p.stacks)
        while stackCount < p.stacks {
            let index = stackCount
            let t = rng.chance(p.noTail) ? -1 : tails.sample(&rng)

            // An earlier stack's frames with another tail.
            if index >= p.topLevelBranches, rng.chance(p.tailVariants) {
                let j = earlier(than: index, &rng)
                let start = Int(frameStart[j]), count = Int(frameCount[j])
                let id = identity(root: Int(root[j]), tail: t, frames: frames[start..<start + count])
                if seen.insert(id).inserted {
                    add(frames: (frameStart[j], frameCount[j]), root: Int(root[j]), tail: t, branch: branch[j])
                }
                continue
            }

            // A parent to extend (or a new subtree under a root).
            var parent = -1
            if index >= p.topLevelBranches, !rng.chance(0.005) { parent = earlier(than: index, &rng) }
            let r: Int
            if parent >= 0 {
                r = Int(root[parent])
            } else {
                let sites = code.rootsByKind[rng.weighted(Catalog.RootKind.weights)]
                r = sites[rng.below(sites.count)]
            }
            let bell = (rng.unit() + rng.unit() + rng.unit() + rng.unit()) / 4
            let length = p.appDepth.lowerBound + Int(bell * Double(p.appDepth.count))
            let fresh = 1 + rng.geometric(0.45, cap: 30)
            var shared = 0
            if parent >= 0 {
                shared = min(Int(frameCount[parent]), max(0, length - fresh))
                if rng.chance(p.divergence) { shared = rng.below(shared + 1) }
            }
            next.removeAll(keepingCapacity: true)
            if shared > 0 {
                let start = Int(frameStart[parent])
                next.append(contentsOf: frames[start..<start + shared])
            }
            while next.count < length {
                let function = next.last.map { code.callee(of: code.function(ofLocation: Int($0)), services, &rng) }
                    ?? code.entryFunction(services, &rng)
                next.append(location(in: function, index: index, &rng))
            }
            let id = identity(root: r, tail: t, frames: next[...])
            guard seen.insert(id).inserted else { continue }
            add(frames: (Int32(frames.count), Int32(next.count)), root: r, tail: t,
                branch: parent >= 0 ? branch[parent] : Int32(index))
            frames.append(contentsOf: next)
        }
    }
}
