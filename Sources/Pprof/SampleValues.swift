/// The values of a sample table, sample after sample. They are held in 32 bits while every
/// value fits (counts, a few seconds of nanoseconds, the bytes of one allocation site: most
/// profiles) and in 64 bits from the first that does not, which halves the largest array of
/// a profile with many samples.
public struct SampleValues: RandomAccessCollection, Equatable, Sendable {
    private var narrow: [Int32] = []
    private var wide: [Int64]?

    public init() {}

    /// The same values, however they are stored.
    public static func == (a: SampleValues, b: SampleValues) -> Bool { a.elementsEqual(b) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { wide?.count ?? narrow.count }

    @inlinable
    public subscript(position: Int) -> Int64 { value(at: position) }

    @usableFromInline
    func value(at position: Int) -> Int64 {
        if let wide { return wide[position] }
        return Int64(narrow[position])
    }

    public mutating func append(_ value: Int64) {
        if wide == nil, let small = Int32(exactly: value) {
            narrow.append(small)
            return
        }
        widen()
        wide!.append(value)
    }

    public mutating func append<C: Collection>(contentsOf values: C) where C.Element == Int64 {
        for value in values { append(value) }
    }

    public mutating func reserveCapacity(_ count: Int) {
        if wide == nil { narrow.reserveCapacity(count) } else { wide!.reserveCapacity(count) }
    }

    /// From here on, 64 bits a value.
    private mutating func widen() {
        guard wide == nil else { return }
        wide = narrow.map(Int64.init)
        narrow = []
    }

    /// Runs `narrow` or `wide` over the values as stored: a loop written once as a generic
    /// function, passed as both, runs at the speed of either width.
    public func withStorage<R>(narrow: (UnsafeBufferPointer<Int32>) throws -> R, wide: (UnsafeBufferPointer<Int64>) throws -> R) rethrows -> R {
        if let values = self.wide { return try values.withUnsafeBufferPointer(wide) }
        return try self.narrow.withUnsafeBufferPointer(narrow)
    }
}
