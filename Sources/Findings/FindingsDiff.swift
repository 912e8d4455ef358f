import Analysis
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

    /// One entry per finding as `Classifier.findings` keeps them (rule and culprit), the most
    /// severe first (by the worse of its two sides).
    public init(base: [Finding], new: [Finding]) {
        var keys: [String] = []
        for finding in base + new where !keys.contains(finding.identity) { keys.append(finding.identity) }
        let unordered = keys.map { key in
            let before = base.first { $0.identity == key }
            let after = new.first { $0.identity == key }
            let status: Status = before == nil ? .new : after == nil ? .fixed : .persisting
            return Entry(id: (after ?? before)!.id, status: status, base: before, new: after)
        }
        func severity(_ entry: Entry) -> (Finding.Level, Double) {
            let sides = [entry.new, entry.base].compactMap { $0 }
            return (sides.map(\.level).max()!, sides.map(\.share).max()!)
        }
        entries = unordered.enumerated().sorted { a, b in
            severity(a.element) != severity(b.element) ? severity(a.element) > severity(b.element) : a.offset < b.offset
        }.map(\.element)
    }
}
