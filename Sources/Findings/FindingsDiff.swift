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
