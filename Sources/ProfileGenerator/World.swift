// The `current` shape's program: a CodeBase and the set of call stacks it
// spends time in, drawn as a trie until the program has enough locations.
// Built from the seed alone, so the same seed gives the same program whatever
// the sample count.

struct WorldParameters {
    var seed: UInt64
    /// Roughly how many locations the program has in total.
    var locations = 50_000
    var services = 40
    var packagesPerService = 36
    var functionsPerPackage = 20
    /// Stack depth (root + application + tail frames) is drawn from [minDepth, maxDepth].
    var minDepth = 8
    var maxDepth = 40
    /// Lower end of the depth targets; a few stacks still come out shallower
    /// (down to minDepth) when a short tail is picked.
    var targetLow = 22
    /// Share of new stacks that branch off their parent at a random depth
    /// (the others share all but their last few frames with it).
    var divergence = 0.2
    /// Share of new stacks that call into the lower part of another stack
    /// (a helper reached from several places).
    var graft = 0.6
    /// Up to this many alternative tails (runtime/library chains) per application stack.
    var maxTailsPerStack = 3
    /// Subtrees directly under the roots (what main.main, the HTTP mux and
    /// the worker pool call).
    var topLevelBranches = 48
}

final class World {
    let parameters: WorldParameters
    let code: CodeBase

    var functions: [FunctionInfo] { code.functions }
    var locations: [LocationInfo] { code.locations }
    var rootKinds: [Catalog.RootKind] { code.rootKinds }
    var systemStacks: [[Int]] { code.systemStacks }
    var textEnd: UInt64 { code.textEnd }

    /// Application stacks: frames (location indices, outermost first) stored
    /// flat; per stack its root, its top-level branch and its tail options
    /// (-1 = none: the time is spent in the application leaf itself).
    private(set) var appFrames: [Int32] = []
    private(set) var appStart: [Int32] = []
    private(set) var appLength: [Int32] = []
    private(set) var appRoot: [Int32] = []
    private(set) var appBranch: [Int32] = []
    private(set) var appTails: [[Int32]] = []

    var appStackCount: Int { appStart.count }

    init(_ parameters: WorldParameters) {
        self.parameters = parameters
        code = CodeBase(layout: CodeLayout(
            services: parameters.services, packagesPerService: parameters.packagesPerService,
            functionsPerPackage: parameters.functionsPerPackage))
        var rng = SplitMix64(seed: parameters.seed ^ 0x5EED_0F_1D_CA11_AB1E)
        buildApplicationStacks(&rng)
        code.assignAddresses()
    }

    /// A new application location, sometimes with 1 or 2 frames inlined into it.
    private func newAppLocation(_ function: Int, _ rng: inout SplitMix64) -> Int {
        let inlined = rng.chance(0.22) ? (rng.chance(0.25) ? 2 : 1) : 0
        return code.newAppLocation(function, inlined: inlined, &rng)
    }

    // MARK: Call stacks

    /// Draws the application stacks as a trie: each new stack shares a prefix
    /// with an earlier one (biased towards the earliest, hottest ones) and
    /// adds a few new frames, until the program has enough locations.
    private func buildApplicationStacks(_ rng: inout SplitMix64) {
        let p = parameters
        let tails = code.tails, roots = code.roots, rootsByKind = code.rootsByKind
        let serviceDistribution = CumulativeDistribution.zipf(count: p.services, offset: 1.5)
        let tailDistribution = CumulativeDistribution.zipf(count: tails.count, offset: 2)
        let tailLengths = tails.map(\.count)
        var appLocations: [Int] = []
        var frames: [Int32] = []

        while code.locations.count < p.locations {
            let index = appStart.count

            // Tails first: they bound how deep the application part may go.
            var options: [Int32] = []
            let optionCount = 1 + rng.below(p.maxTailsPerStack)
            for _ in 0..<optionCount {
                let t: Int32 = rng.chance(0.3) ? -1 : Int32(tailDistribution.sample(&rng))
                if !options.contains(t) { options.append(t) }
            }
            let lengths = options.map { $0 < 0 ? 0 : tailLengths[Int($0)] }
            let shortestTail = lengths.min()!
            let longestTail = lengths.max()!

            // Parent stack and root.
            // The first `topLevelBranches` stacks start new subtrees under a
            // root; later ones extend an earlier stack, preferring early
            // (hot) ones, and only rarely start a subtree of their own.
            var parent = -1
            if index >= p.topLevelBranches, !rng.chance(0.005) {
                let u = rng.unit()
                parent = Int(Double(index) * u * u)
            }
            let root: Int
            if parent >= 0 {
                root = Int(appRoot[parent])
            } else {
                let kind = rng.weighted(Catalog.RootKind.weights)
                let sites = rootsByKind[kind]
                root = sites[rng.below(sites.count)]
            }
            let rootLength = roots[root].count

            // Target depth: roughly bell-shaped over [targetLow, maxDepth].
            let bell = (rng.unit() + rng.unit() + rng.unit() + rng.unit()) / 4
            let target = p.targetLow + Int(bell * Double(p.maxDepth - p.targetLow + 1))
            let lowest = max(1, p.minDepth - rootLength - shortestTail)
            let highest = p.maxDepth - rootLength - longestTail
            let length = min(max(target - rootLength - longestTail, lowest), highest)

            // Shared prefix, then fresh frames.
            let fresh = 1 + rng.geometric(0.45, cap: 30)
            var shared = 0
            if parent >= 0 {
                shared = min(Int(appLength[parent]), max(0, length - fresh))
                // Most stacks branch off near the leaf; some much higher up.
                if rng.chance(p.divergence) { shared = rng.below(shared + 1) }
            }
            frames.removeAll(keepingCapacity: true)
            if shared > 0 {
                let start = Int(appStart[parent])
                frames.append(contentsOf: appFrames[start..<start + shared])
            }
            // Sometimes the new part calls into a helper that is called from
            // elsewhere too: graft the lower part of another stack.
            if index > 100, frames.count < length, rng.chance(p.graft) {
                let donor = rng.below(index)
                let donorStart = Int(appStart[donor]), donorLength = Int(appLength[donor])
                let from = donorLength / 2 + rng.below(donorLength - donorLength / 2)
                let take = min(donorLength - from, length - frames.count - 1)
                if take > 0 {
                    frames.append(contentsOf: appFrames[donorStart + from..<donorStart + from + take])
                }
            }
            while frames.count < length {
                if appLocations.count > 100, rng.chance(0.04) {
                    // A call site reached from elsewhere too (shared helper, recursion).
                    frames.append(Int32(appLocations[rng.below(appLocations.count)]))
                    continue
                }
                let function = frames.last.map { code.callee(of: code.function(ofLocation: Int($0)), serviceDistribution, &rng) }
                    ?? code.entryFunction(serviceDistribution, &rng)
                let location = newAppLocation(function, &rng)
                appLocations.append(location)
                frames.append(Int32(location))
            }

            appStart.append(Int32(appFrames.count))
            appLength.append(Int32(frames.count))
            appFrames.append(contentsOf: frames)
            appRoot.append(Int32(root))
            appBranch.append(parent >= 0 ? appBranch[parent] : Int32(index))
            appTails.append(options)
        }
    }

    /// Full stack of an application stack with one of its tails, leaf first.
    func stack(app index: Int, tail: Int32, into result: inout [Int]) {
        result.removeAll(keepingCapacity: true)
        if tail >= 0 { result.append(contentsOf: code.tails[Int(tail)]) }
        let start = Int(appStart[index])
        var i = start + Int(appLength[index]) - 1
        while i >= start {
            result.append(Int(appFrames[i]))
            i -= 1
        }
        result.append(contentsOf: code.roots[Int(appRoot[index])].reversed())
    }
}
