/// An owned, growable run of bytes: a decompressed profile or a file's contents. It grows
/// without zero-filling what is about to be overwritten, and hands out its storage as a raw
/// pointer so decoding never copies it.
public final class ByteBuffer: @unchecked Sendable {
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    public internal(set) var count = 0

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    public convenience init(_ bytes: some Collection<UInt8>) {
        self.init(capacity: bytes.count)
        for (index, byte) in bytes.enumerated() { storage[index] = byte }
        count = bytes.count
    }

    deinit { storage.deallocate() }

    var freeCapacity: Int { capacity - count }
    var freePointer: UnsafeMutablePointer<UInt8> { storage + count }

    /// Doubles the capacity, never beyond `limit + 1` bytes (one past the limit, so that going
    /// over it is noticed rather than silently cut).
    func grow(limit: Int) {
        let newCapacity = min(max(capacity * 2, 1 << 16), Self.onePast(limit))
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// `limit + 1`, saturating at Int.max (a limit of Int.max means "no limit").
    static func onePast(_ limit: Int) -> Int {
        let (next, overflow) = limit.addingReportingOverflow(1)
        return overflow ? Int.max : next
    }

    /// Reserves room for `additional` more bytes.
    func reserve(_ additional: Int) {
        guard freeCapacity < additional else { return }
        let newCapacity = count + additional
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// Appends bytes, growing as needed.
    func append(_ bytes: [UInt8]) {
        reserve(bytes.count)
        for byte in bytes {
            storage[count] = byte
            count += 1
        }
    }

    /// The bytes, valid until the buffer changes or goes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }
}
