/// The label sets of a sample table, each stored once: a profile with labels on every sample
/// has few distinct sets (a goroutine's labels repeat on each of its samples), so a sample
/// costs an id instead of an array of labels.
public struct LabelSets: Sendable {
    /// Set s is `labels[starts[s]..<starts[s+1]]`.
    public private(set) var labels: [LabelReference] = []
    public private(set) var starts: [Int] = [0]
    /// Built on the first `intern` (a table read from a file only reads its sets).
    private var index: OpenAddressingIndex?

    public init() {}

    /// Sets already interned (the decoder's).
    public init(labels: [LabelReference], starts: [Int]) {
        self.labels = labels
        self.starts = starts
    }

    public var count: Int { starts.count - 1 }

    public subscript(set: Int) -> ArraySlice<LabelReference> { labels[starts[set]..<starts[set + 1]] }

    /// The id of `set`, added if new.
    public mutating func intern<C: Collection>(_ set: C) -> UInt32 where C.Element == LabelReference {
        if index == nil {
            var fresh = OpenAddressingIndex()
            for id in 0..<count { _ = fresh.findOrInsert(hash: Self.hash(self[id])) { _ in false } }
            index = fresh
        }
        let hash = Self.hash(set)
        let (slot, found) = index!.lookUp(hash: hash) { self[$0].elementsEqual(set) }
        if let found { return UInt32(found) }
        labels.append(contentsOf: set)
        starts.append(labels.count)
        return UInt32(index!.insert(hash: hash, at: slot))
    }

    static func hash<C: Collection>(_ set: C) -> UInt64 where C.Element == LabelReference {
        var hash = OpenAddressingIndex.hash(UInt64(set.count))
        for label in set {
            hash = OpenAddressingIndex.hash(hash ^ UInt64(UInt32(bitPattern: label.key)) << 32 ^ UInt64(UInt32(bitPattern: label.str)))
            hash = OpenAddressingIndex.hash(hash ^ UInt64(UInt32(bitPattern: label.numUnit)) ^ UInt64(bitPattern: label.num) &* 0x9E37_79B9_7F4A_7C15)
        }
        return hash
    }
}
