import Pprof

/// What changed between two profiles, per function (or per line, file, ... as the frame
/// tables' granularity says): flat and cum in the base and in the new profile (normalized
/// when the diff is), and the deltas, which are the values `go tool pprof -top -diff_base`
/// prints at that granularity.
public struct ProfileComparison: Sendable {
    public struct Values: Sendable, Equatable {
        public var base: Int64
        public var new: Int64
        public init(base: Int64, new: Int64) {
            self.base = base
            self.new = new
        }
        public var delta: Int64 { new &- base }
        /// Delta relative to the base value; nil when the base is zero.
        public var relative: Double? { base == 0 ? nil : Double(delta) / Double(abs(base)) }
    }

    public struct Row: Sendable {
        public var name: String
        public var flat: Values
        public var cum: Values
    }

    public var sampleType: ValueType
    /// What a row is: the new side's frame table's granularity.
    public var granularity: FrameTable.Granularity
    public var baseTotal: Int64
    public var newTotal: Int64
    /// Rows whose flat or cum changed, largest |flat delta| first, then |cum delta|.
    public var rows: [Row]

    /// Each side with its frame table, both at one granularity (the two tables name frames
    /// independently; rows are matched by name).
    /// Totals, when given, replace each side's own (filtered profiles keep their whole totals).
    public init(base baseProfile: Profile, baseFrames: FrameTable, new newProfile: Profile, newFrames: FrameTable, sampleIndex: Int,
                baseTotal: Int64? = nil, newTotal: Int64? = nil) {
        sampleType = newProfile.sampleTypes[sampleIndex]
        granularity = newFrames.granularity
        var byName: [String: Row] = [:]
        // One side's graph at a time (each holds a value per stack while it lives).
        func add(_ graph: CallGraph, isBase: Bool) {
            for frame in 0..<graph.frames.count where graph.flat[frame] != 0 || graph.cum[frame] != 0 {
                let name = graph.frames.names[frame]
                var row = byName[name] ?? Row(name: name, flat: Values(base: 0, new: 0), cum: Values(base: 0, new: 0))
                if isBase {
                    row.flat.base &+= graph.flat[frame]
                    row.cum.base &+= graph.cum[frame]
                } else {
                    row.flat.new &+= graph.flat[frame]
                    row.cum.new &+= graph.cum[frame]
                }
                byName[name] = row
            }
        }
        do {
            let base = CallGraph(profile: baseProfile, frames: baseFrames, sampleIndex: sampleIndex, totalOverride: baseTotal)
            add(base, isBase: true)
            self.baseTotal = base.total
        }
        do {
            let new = CallGraph(profile: newProfile, frames: newFrames, sampleIndex: sampleIndex, totalOverride: newTotal)
            add(new, isBase: false)
            self.newTotal = new.total
        }
        rows = byName.values.filter { $0.flat.delta != 0 || $0.cum.delta != 0 }.sorted { a, b in
            if abs(a.flat.delta) != abs(b.flat.delta) { return abs(a.flat.delta) > abs(b.flat.delta) }
            if abs(a.cum.delta) != abs(b.cum.delta) { return abs(a.cum.delta) > abs(b.cum.delta) }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }
}
