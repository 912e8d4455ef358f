import Pprof

/// What changed between two profiles, per function: flat and cum in the base and in the new
/// profile (normalized when the diff is), and the deltas, which are the values
/// `go tool pprof -top -diff_base` prints.
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
    public var baseTotal: Int64
    public var newTotal: Int64
    /// Functions whose flat or cum changed, largest |flat delta| first, then |cum delta|.
    public var rows: [Row]

    public init(_ diff: ProfileDiff, sampleIndex: Int) {
        sampleType = diff.combined.sampleTypes[sampleIndex]
        let base = CallGraph(profile: diff.base, frames: FrameTable(profile: diff.base), sampleIndex: sampleIndex)
        let new = CallGraph(profile: diff.new, frames: FrameTable(profile: diff.new), sampleIndex: sampleIndex)
        baseTotal = base.total
        newTotal = new.total
        var byName: [String: Row] = [:]
        for (graph, isBase) in [(base, true), (new, false)] {
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
        rows = byName.values.filter { $0.flat.delta != 0 || $0.cum.delta != 0 }.sorted { a, b in
            if abs(a.flat.delta) != abs(b.flat.delta) { return abs(a.flat.delta) > abs(b.flat.delta) }
            if abs(a.cum.delta) != abs(b.cum.delta) { return abs(a.cum.delta) > abs(b.cum.delta) }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
    }
}

/// How each anti-pattern fared between the base and the new profiles.
public struct FindingsDiff: Sendable {
    public enum Status: String, Sendable { case fixed, new, persisting }

    public struct Entry: Sendable {
        public var id: String
        public var status: Status
        public var base: Finding?
        public var new: Finding?
        /// New, or more severe (or a larger share at the same level) than before.
        public var worsened: Bool {
            guard let new else { return false }
            guard let base else { return true }
            return new.level > base.level || (new.level == base.level && new.share > base.share * 1.1)
        }
    }

    public var entries: [Entry]

    public init(base: [Finding], new: [Finding]) {
        var ids: [String] = []
        for finding in base + new where !ids.contains(finding.id) { ids.append(finding.id) }
        entries = ids.map { id in
            let before = base.first { $0.id == id }
            let after = new.first { $0.id == id }
            let status: Status = before == nil ? .new : after == nil ? .fixed : .persisting
            return Entry(id: id, status: status, base: before, new: after)
        }
    }
}
