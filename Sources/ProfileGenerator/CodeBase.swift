// The code of a synthetic Go program: its functions (the standard ones from
// the Catalog and generated github.com/acme/... ones) and its locations
// (call sites, some with inlined frames), plus the fixed chains every stack
// starts or ends with: goroutine roots, runtime/library tails, runtime
// goroutines. Each shape's program (World, WideProgram) builds its call
// stacks on top of one.

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

/// How many application functions there are: services × packages × functions.
struct CodeLayout {
    var services: Int
    var packagesPerService: Int
    var functionsPerPackage: Int
}

final class CodeBase {
    let layout: CodeLayout

    private(set) var functions: [FunctionInfo] = []
    var locations: [LocationInfo] = []
    private var stdFunctionIndex: [String: Int] = [:]
    private var stdLocationIndex: [String: Int] = [:]
    private var appFunctionBase = 0

    /// Root chains, location indices outermost first, and their kinds.
    private(set) var roots: [[Int]] = []
    private(set) var rootKinds: [Catalog.RootKind] = []
    private(set) var rootsByKind: [[Int]] = []

    /// Library/runtime tails, location indices leaf first.
    private(set) var tails: [[Int]] = []
    /// Whole runtime stacks, location indices leaf first.
    private(set) var systemStacks: [[Int]] = []

    static let textStart: UInt64 = 0x40_1000
    /// End of the text segment, once `assignAddresses` has run.
    private(set) var textEnd: UInt64 = 0

    init(layout: CodeLayout) {
        self.layout = layout
        addStandardFunctions()
        addApplicationFunctions()
        addRoots()
        tails = Catalog.tails.map { chainLocations(leafFirst: $0, leafContext: "leaf") }
        systemStacks = Catalog.systemStacks.map { chainLocations(leafFirst: $0, leafContext: "leaf") }
    }

    var applicationFunctionCount: Int {
        layout.services * layout.packagesPerService * layout.functionsPerPackage
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
        let p = layout
        appFunctionBase = functions.count
        functions.reserveCapacity(functions.count + applicationFunctionCount)
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

    func appFunction(service: Int, package: Int, index: Int) -> Int {
        let p = layout
        return appFunctionBase + (service * p.packagesPerService + package) * p.functionsPerPackage + index
    }

    /// (service, package) of an application function.
    func appCoordinates(_ function: Int) -> (service: Int, package: Int) {
        let p = layout
        let k = (function - appFunctionBase) / p.functionsPerPackage
        return (k / p.packagesPerService, k % p.packagesPerService)
    }

    /// The first application function of a new top-level subtree: in one of
    /// the first three packages of a (Zipf-chosen) service.
    func entryFunction(_ services: CumulativeDistribution, _ rng: inout SplitMix64) -> Int {
        appFunction(
            service: services.sample(&rng), package: rng.below(3),
            index: rng.below(layout.functionsPerPackage))
    }

    /// A function called from `caller`: in the same package (35%), another
    /// package of the same service (35%), or anywhere (Zipf over services).
    func callee(of caller: Int, _ services: CumulativeDistribution, _ rng: inout SplitMix64) -> Int {
        let (svc, pkg) = appCoordinates(caller)
        let r = rng.unit()
        let j = rng.below(layout.functionsPerPackage)
        if r < 0.35 {
            return appFunction(service: svc, package: pkg, index: j)
        } else if r < 0.7 {
            return appFunction(service: svc, package: rng.below(layout.packagesPerService), index: j)
        } else {
            return appFunction(
                service: services.sample(&rng),
                package: rng.below(layout.packagesPerService), index: j)
        }
    }

    /// The function a location's address belongs to (its outermost line).
    func function(ofLocation location: Int) -> Int {
        Int(locations[location].lines.last!.function)
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

    /// A new application location in `function` with `inlined` frames
    /// (functions of the same package) inlined into it.
    func newAppLocation(_ function: Int, inlined: Int, _ rng: inout SplitMix64) -> Int {
        func randomLine(_ f: Int) -> Int32 {
            let info = functions[f]
            return Int32(info.startLine + 1 + rng.below(info.span))
        }
        var lines: [LineInfo] = []
        lines.reserveCapacity(inlined + 1)
        let (svc, pkg) = appCoordinates(function)
        for _ in 0..<inlined {
            let g = appFunction(service: svc, package: pkg, index: rng.below(layout.functionsPerPackage))
            lines.append(LineInfo(function: Int32(g), line: randomLine(g)))
        }
        lines.append(LineInfo(function: Int32(function), line: randomLine(function)))
        locations.append(LocationInfo(lines: lines))
        return locations.count - 1
    }

    // MARK: Addresses

    /// Lays functions out one after another and gives each location an
    /// address inside the function it belongs to (its outermost line),
    /// increasing with the line number. Call once every location exists.
    func assignAddresses() {
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
