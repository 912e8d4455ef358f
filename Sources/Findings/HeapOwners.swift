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
        guard let space = input.sampleTypeIndex([sampleType]) else { return nil }
        let objects = input.sampleTypeIndex([sampleType.replacingOccurrences(of: "_space", with: "_objects")])
        file = input.file
        timeNanos = profile.timeNanos
        totalInuseSpace = input.totals[space]
        let samples = profile.samples
        var ownerOfStack = [Int](repeating: -1, count: samples.stackCount)
        var stack: [Classifier.StackFrame] = []
        for id in 0..<samples.stackCount {
            input.rootFirstFrames(ofStack: id, into: &stack)
            if let user = stack.last(where: { input.isUser[$0.frame] }) { ownerOfStack[id] = user.frame }
        }
        let bytesKey = profile.stringTable.firstIndex(of: "bytes").map(Int32.init)
        var byFrame: [Int: Owner] = [:]
        for sample in 0..<samples.count {
            let owner = ownerOfStack[Int(samples.sampleStacks[sample])]
            guard owner >= 0 else { continue }
            let held = samples.value(of: sample, index: space)
            guard held > 0 else { continue }
            var entry = byFrame[owner] ?? Owner(name: input.frames.names[owner], inuseSpace: 0, inuseObjects: 0, largestAllocation: 0)
            entry.inuseSpace &+= held
            if let objects { entry.inuseObjects &+= samples.value(of: sample, index: objects) }
            if let bytesKey {
                for label in samples.labels(of: sample) where label.key == bytesKey && label.isNumeric {
                    entry.largestAllocation = max(entry.largestAllocation, label.num)
                }
            }
            byFrame[owner] = entry
        }
        owners = byFrame.values.sorted { $0.inuseSpace != $1.inuseSpace ? $0.inuseSpace > $1.inuseSpace : $0.name < $1.name }
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
