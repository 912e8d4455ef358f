import Analysis
import Foundation
import Pprof

/// Who holds a heap profile's memory: each sample charged to its allocating user function
/// (the user's frame nearest the leaf; Go's heap profiles drop the runtime's own frames, so
/// map tables are charged to the code that made or filled the map).
public struct HeapOwners: Sendable {
    public struct Owner: Sendable, Equatable {
        public var name: String
        public var inuseSpace: Int64
        public var inuseObjects: Int64
        /// The largest single allocation held, from the `bytes` label Go puts on each sample.
        public var largestAllocation: Int64
    }

    public var file: String
    public var timeNanos: Int64
    public var totalInuseSpace: Int64
    /// Heaviest first.
    public var owners: [Owner]

    /// Owners of `sampleType` (inuse_space, or alloc_space for what was allocated), with the
    /// matching object counts.
    public init?(_ input: Classifier.Input, sampleType: String = "inuse_space") {
        let profile = input.profile
        guard let spaceIndex = input.sampleTypeIndex([sampleType]) else { return nil }
        let objects = input.sampleTypeIndex([sampleType.replacingOccurrences(of: "_space", with: "_objects")])
        file = input.file
        timeNanos = profile.timeNanos
        totalInuseSpace = input.totals[spaceIndex]
        let samples = profile.samples
        let ownerOfStack = (0..<samples.stackCount).map { Int32(input.leafmostUserFrame(ofStack: $0)) }
        let bytesKey = profile.stringTable.firstIndex(of: "bytes").map(Int32.init)
        // The largest `bytes` label of each label set (sets repeat: read each once).
        let setLargest: [Int64?] = (0..<samples.labelSets.count).map { set in
            guard let bytesKey else { return nil }
            return samples.labelSets[set].filter { $0.key == bytesKey && $0.isNumeric }.map(\.num).max()
        }
        // Per frame: what it holds; owners are the frames with a positive sample.
        let frameCount = input.frames.count
        var space = [Int64](repeating: 0, count: frameCount), objectCount = [Int64](repeating: 0, count: frameCount)
        var largest = [Int64](repeating: 0, count: frameCount), isOwner = [Bool](repeating: false, count: frameCount)
        for sample in 0..<samples.count {
            let owner = Int(ownerOfStack[Int(samples.sampleStacks[sample])])
            guard owner >= 0 else { continue }
            let held = samples.value(of: sample, index: spaceIndex)
            guard held > 0 else { continue }
            isOwner[owner] = true
            space[owner] &+= held
            if let objects { objectCount[owner] &+= samples.value(of: sample, index: objects) }
            if let setMax = setLargest[Int(samples.sampleLabelSets[sample])] { largest[owner] = max(largest[owner], setMax) }
        }
        owners = (0..<frameCount).filter { isOwner[$0] }
            .map { Owner(name: input.frames.names[$0], inuseSpace: space[$0], inuseObjects: objectCount[$0], largestAllocation: largest[$0]) }
            .sorted { $0.inuseSpace != $1.inuseSpace ? $0.inuseSpace > $1.inuseSpace : $0.name < $1.name }
    }

    /// In-use space held by `name`, or by any method of the receiver type `type` ("pkg.(*T)").
    public func held(by name: String, orType type: String? = nil) -> Int64 {
        owners.filter { $0.name == name || (type != nil && Classifier.receiverType($0.name) == type) }
            .reduce(0) { $0 &+ $1.inuseSpace }
    }
}

/// What changed between two heap profiles of one program: in-use space per owner, and per
/// second of the time between them ("+4.2 GB in 60 s held by cache.(*Store).Put").
public struct HeapGrowth: Sendable {
    public struct Change: Sendable, Equatable {
        public var name: String
        public var before: Int64
        public var after: Int64
        public var delta: Int64 { after &- before }
        public init(name: String, before: Int64, after: Int64) {
            self.name = name
            self.before = before
            self.after = after
        }
    }

    public var earlier: String
    public var later: String
    /// Seconds between the two profiles (0 when their times are unknown).
    public var seconds: Double
    public var totalBefore: Int64
    public var totalAfter: Int64
    /// Largest growth first.
    public var changes: [Change]

    public init(earlier: HeapOwners, later: HeapOwners) {
        self.earlier = earlier.file
        self.later = later.file
        seconds = earlier.timeNanos > 0 && later.timeNanos > earlier.timeNanos ? Double(later.timeNanos - earlier.timeNanos) / 1e9 : 0
        totalBefore = earlier.totalInuseSpace
        totalAfter = later.totalInuseSpace
        var changes: [String: Change] = [:]
        for owner in earlier.owners { changes[owner.name] = Change(name: owner.name, before: owner.inuseSpace, after: 0) }
        for owner in later.owners { changes[owner.name, default: Change(name: owner.name, before: 0, after: 0)].after = owner.inuseSpace }
        self.changes = changes.values.sorted { $0.delta != $1.delta ? $0.delta > $1.delta : $0.name < $1.name }
    }

    /// "+98.1 MB in 30.2 s (+3.2 MB/s) held by NAME (97.6 MB → 195.3 MB, early.pb.gz → late.pb.gz)".
    public func describe(_ change: Change, naming files: Bool = true) -> String {
        let amount = (change.delta >= 0 ? "+" : "") + Measurement.label(change.delta, unit: "bytes")
        var text = amount
        if seconds > 0 {
            let rate = Int64((Double(change.delta) / seconds).rounded())
            text += " in \(Measurement.label(Int64(seconds * 1e9), unit: "nanoseconds")) (\(rate >= 0 ? "+" : "")\(Measurement.label(rate, unit: "bytes"))/s)"
        }
        let sides = "\(Measurement.label(change.before, unit: "bytes")) → \(Measurement.label(change.after, unit: "bytes"))"
        return text + " held by \(change.name) (\(sides)\(files ? ", \(earlier) → \(later)" : ""))"
    }
}
