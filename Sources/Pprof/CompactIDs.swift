/// Ids, one per sample (each sample's label set), in the fewest bytes that hold the largest so
/// far: one, then two, then four. Profiles carry a handful of label sets as a rule, and one of
/// millions of samples then holds a byte a sample for them rather than four.
public struct CompactIDs: RandomAccessCollection, Equatable, Sendable {
    private var bytes: [UInt8] = []
    private var halves: [UInt16]?
    private var words: [UInt32]?

    public init() {}

    public init<S: Sequence>(_ ids: S) where S.Element == UInt32 {
        for id in ids { append(id) }
    }

    /// The same ids, however they are stored.
    public static func == (a: CompactIDs, b: CompactIDs) -> Bool { a.elementsEqual(b) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { words?.count ?? halves?.count ?? bytes.count }

    public subscript(position: Int) -> UInt32 {
        if let words { return words[position] }
        if let halves { return UInt32(halves[position]) }
        return UInt32(bytes[position])
    }

    public mutating func append(_ id: UInt32) {
        if words != nil {
            words!.append(id)
        } else if id > UInt16.max {
            // From here on, four bytes an id.
            words = Array(self) + [id]
            halves = nil
            bytes = []
        } else if halves != nil {
            halves!.append(UInt16(id))
        } else if id > UInt8.max {
            halves = bytes.map(UInt16.init) + [UInt16(id)]
            bytes = []
        } else {
            bytes.append(UInt8(id))
        }
    }

    public mutating func reserveCapacity(_ count: Int) {
        if words != nil {
            words!.reserveCapacity(count)
        } else if halves != nil {
            halves!.reserveCapacity(count)
        } else {
            bytes.reserveCapacity(count)
        }
    }
}
