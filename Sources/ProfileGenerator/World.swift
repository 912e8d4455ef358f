// The synthetic program being profiled: its functions, code locations and the
// set of call stacks it spends time in. Built from the seed alone, so the same
// seed gives the same program whatever the sample count.

struct FunctionInfo {
    let name: String
    let file: String
    let startLine: Int
    /// Body length in lines; locations fall inside [startLine, startLine + span].
    let span: Int
}

struct LineInfo {
    let function: Int32
    let line: Int32
}

struct LocationInfo {
    /// Line entries innermost first; the last one is the function the address is in.
    var lines: [LineInfo]
    var address: UInt64 = 0
}

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

    private(set) var functions: [FunctionInfo] = []
    private(set) var locations: [LocationInfo] = []
    private var stdFunctionIndex: [String: Int] = [:]
    private var stdLocationIndex: [String: Int] = [:]
    private var appFunctionBase = 0

    /// Root chains, location indices outermost first, and their kinds.
    private(set) var roots: [[Int]] = []
    private(set) var rootKinds: [Catalog.RootKind] = []
    private var rootsByKind: [[Int]] = []

    /// Library/runtime tails, location indices leaf first.
    private(set) var tails: [[Int]] = []
    /// Whole runtime stacks, location indices leaf first.
    private(set) var systemStacks: [[Int]] = []

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
        var rng = SplitMix64(seed: parameters.seed ^ 0x5EED_0F_1D_CA11_AB1E)
        addStandardFunctions()
        addApplicationFunctions()
        addRoots()
        tails = Catalog.tails.map { chainLocations(leafFirst: $0, leafContext: "leaf") }
        systemStacks = Catalog.systemStacks.map { chainLocations(leafFirst: $0, leafContext: "leaf") }
        buildApplicationStacks(&rng)
        assignAddresses()
    }

    // MARK: Functions

    private func addFunction(_ f: FunctionInfo) -> Int {
        functions.append(f)
        return functions.count - 1
    }

    private func addStandardFunctions() {
        for entry in Catalog.stdFunctions {
            let file = entry.file.hasPrefix("/") ? entry.file : Catalog.goRoot + entry.file
            let span = 8 + Int(stableHash(entry.name) % 160)
            stdFunctionIndex[entry.name] = addFunction(
                FunctionInfo(name: entry.name, file: file, startLine: entry.line, span: span))
        }
    }

    private func stdFunction(_ name: String) -> Int {
        guard let index = stdFunctionIndex[name] else {
            fatalError("Catalog: unknown standard function \(name)")
        }
        return index
    }

    /// github.com/acme/svcNN/pkgNN.{(*TypeNN).MethodNN, TypeNN.MethodNN, FuncNN, ....func1}
    private func addApplicationFunctions() {
        let p = parameters
        appFunctionBase = functions.count
        functions.reserveCapacity(functions.count + p.services * p.packagesPerService * p.functionsPerPackage)
        for svc in 0..<p.services {
            for pkg in 0..<p.packagesPerService {
                let importPath = "github.com/acme/svc\(pad2(svc))/pkg\(pad2(pkg))"
                let dir = "\(Catalog.appRoot)svc\(pad2(svc))/pkg\(pad2(pkg))/"
                var previous = ""
                for j in 0..<p.functionsPerPackage {
                    let type = "Type\(pad2(j % 5))"
                    let name: String
                    let file: String
                    switch j % 10 {
                    case 0...5:
                        name = "\(importPath).(*\(type)).Method\(pad2(j))"
                        file = dir + type.lowercased() + ".go"
                    case 6, 7:
                        name = "\(importPath).\(type).Method\(pad2(j))"
                        file = dir + type.lowercased() + ".go"
                    case 8:
                        name = "\(importPath).Func\(pad2(j))"
                        file = dir + "pkg\(pad2(pkg)).go"
                    default:
                        name = previous + ".func1" // a closure inside the previous function
                        file = dir + "pkg\(pad2(pkg)).go"
                    }
                    previous = name
                    let h = stableHash(name)
                    _ = addFunction(FunctionInfo(
                        name: name, file: file,
                        startLine: 12 + Int(h % 1400), span: 6 + Int((h >> 20) % 180)))
                }
            }
        }
    }

    private func appFunction(service: Int, package: Int, index: Int) -> Int {
        let p = parameters
        return appFunctionBase + (service * p.packagesPerService + package) * p.functionsPerPackage + index
    }

    /// (service, package) of an application function.
    private func appCoordinates(_ function: Int) -> (service: Int, package: Int) {
        let p = parameters
        let k = (function - appFunctionBase) / p.functionsPerPackage
        return (k / p.packagesPerService, k % p.packagesPerService)
    }

    // MARK: Locations

    private func lineNumber(_ function: Int, context: String) -> Int32 {
        let f = functions[function]
        return Int32(f.startLine + 1 + Int(stableHash(f.name + "@" + context) % UInt64(f.span)))
    }

    /// The location of a catalog frame spec ("inner|...|outer") calling `context`
    /// (the callee's spec, or a call-site tag). Identical call sites are shared.
    private func stdLocation(_ spec: String, context: String) -> Int {
        let key = spec + "@" + context
        if let index = stdLocationIndex[key] { return index }
        let names = spec.split(separator: "|").map(String.init)
        var lines: [LineInfo] = []
        for (i, name) in names.enumerated() {
            let f = stdFunction(name)
            lines.append(LineInfo(function: Int32(f), line: lineNumber(f, context: i == 0 ? context : names[i - 1])))
        }
        locations.append(LocationInfo(lines: lines))
        stdLocationIndex[key] = locations.count - 1
        return locations.count - 1
    }

    private func chainLocations(leafFirst specs: [String], leafContext: String) -> [Int] {
        specs.enumerated().map { i, spec in
            stdLocation(spec, context: i == 0 ? leafContext : specs[i - 1])
        }
    }

    private func addRoots() {
        rootsByKind = Array(repeating: [], count: Catalog.RootKind.allCases.count)
        let callSites: [Catalog.RootKind: Int] = [.main: 8, .http: 1, .worker: 3]
        for kind in Catalog.RootKind.allCases {
            for site in 0..<callSites[kind]! {
                let leafFirst = Array(kind.chain.reversed())
                let chain = chainLocations(leafFirst: leafFirst, leafContext: "site\(site)")
                roots.append(Array(chain.reversed()))
                rootKinds.append(kind)
                rootsByKind[kind.rawValue].append(roots.count - 1)
            }
        }
    }

    /// A new application location in `function`, sometimes with 1 or 2 frames
    /// (functions of the same package) inlined into it.
    private func newAppLocation(_ function: Int, _ rng: inout SplitMix64) -> Int {
        func randomLine(_ f: Int) -> Int32 {
            let info = functions[f]
            return Int32(info.startLine + 1 + rng.below(info.span))
        }
        var lines: [LineInfo] = []
        let inlined = rng.chance(0.22) ? (rng.chance(0.25) ? 2 : 1) : 0
        let (svc, pkg) = appCoordinates(function)
        for _ in 0..<inlined {
            let g = appFunction(service: svc, package: pkg, index: rng.below(parameters.functionsPerPackage))
            lines.append(LineInfo(function: Int32(g), line: randomLine(g)))
        }
        lines.append(LineInfo(function: Int32(function), line: randomLine(function)))
        locations.append(LocationInfo(lines: lines))
        return locations.count - 1
    }

    // MARK: Call stacks

    /// Draws the application stacks as a trie: each new stack shares a prefix
    /// with an earlier one (biased towards the earliest, hottest ones) and
    /// adds a few new frames, until the program has enough locations.
    private func buildApplicationStacks(_ rng: inout SplitMix64) {
        let p = parameters
        let serviceDistribution = CumulativeDistribution.zipf(count: p.services, offset: 1.5)
        let tailDistribution = CumulativeDistribution.zipf(count: tails.count, offset: 2)
        let tailLengths = tails.map(\.count)
        var appLocations: [Int] = []
        var frames: [Int32] = []

        while locations.count < p.locations {
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
                let function: Int
                if let last = frames.last {
                    let caller = Int(locations[Int(last)].lines.last!.function)
                    let (svc, pkg) = appCoordinates(caller)
                    let r = rng.unit()
                    let j = rng.below(p.functionsPerPackage)
                    if r < 0.35 {
                        function = appFunction(service: svc, package: pkg, index: j)
                    } else if r < 0.7 {
                        function = appFunction(service: svc, package: rng.below(p.packagesPerService), index: j)
                    } else {
                        function = appFunction(
                            service: serviceDistribution.sample(&rng),
                            package: rng.below(p.packagesPerService), index: j)
                    }
                } else {
                    function = appFunction(
                        service: serviceDistribution.sample(&rng), package: rng.below(3),
                        index: rng.below(p.functionsPerPackage))
                }
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
        if tail >= 0 { result.append(contentsOf: tails[Int(tail)]) }
        let start = Int(appStart[index])
        var i = start + Int(appLength[index]) - 1
        while i >= start {
            result.append(Int(appFrames[i]))
            i -= 1
        }
        result.append(contentsOf: roots[Int(appRoot[index])].reversed())
    }

    // MARK: Addresses

    static let textStart: UInt64 = 0x40_1000
    private(set) var textEnd: UInt64 = 0

    /// Lays functions out one after another and gives each location an
    /// address inside the function it belongs to (its outermost line),
    /// increasing with the line number.
    private func assignAddresses() {
        var byFunction = Array(repeating: [Int](), count: functions.count)
        for (i, location) in locations.enumerated() {
            byFunction[Int(location.lines.last!.function)].append(i)
        }
        var base = Self.textStart
        for f in functions.indices {
            let members = byFunction[f].sorted {
                let a = locations[$0].lines.last!.line, b = locations[$1].lines.last!.line
                return a != b ? a < b : $0 < $1
            }
            for (k, location) in members.enumerated() {
                let jitter = SplitMix64.mix(UInt64(location)) & 0x7
                locations[location].address = base + 0x10 + UInt64(k) * 0x18 + jitter
            }
            let size = max(UInt64(functions[f].span) * 6 + 0x40, UInt64(members.count) * 0x18 + 0x40)
            base += (size + 0x1F) & ~0x1F
        }
        textEnd = base
    }
}

func pad2(_ n: Int) -> String {
    n < 10 ? "0\(n)" : "\(n)"
}
