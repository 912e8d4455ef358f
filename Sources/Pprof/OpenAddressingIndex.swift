/// The one hash table of the project: it maps keys to dense ids 0, 1, 2, ... in the order they
/// were first seen. The caller keeps the keys in its own arrays, indexed by id, and tells a
/// lookup whether the key of a candidate id is the one sought; the index keeps only slots and
/// each id's hash (so it can grow without asking for the keys again).
///
/// Linear probing over a power-of-two slot array, kept at most half full. Swift's Dictionary
/// costs more per lookup than the whole walk of a stack; this costs a multiply and, almost
/// always, one comparison. A slot holds the id and the high half of its hash, so a probe
/// turns away other keys without touching the caller's arrays: on a large table each such
/// read is a cache miss.
public struct OpenAddressingIndex: Sendable {
    /// 0: empty; else the hash's high 32 bits above id + 1.
    @usableFromInline var slots: [UInt64]
    /// Each id's hash, read only to grow.
    @usableFromInline var hashes: [UInt64] = []

    public init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        slots = [UInt64](repeating: 0, count: capacity)
    }

    /// Number of ids handed out.
    @inlinable
    public var count: Int { hashes.count }

    /// The id whose key `isMatch` accepts among those stored with the same hash; when there is
    /// none, `count` becomes a new id for it (the caller stores the key at that id).
    @inlinable @inline(__always)
    public mutating func findOrInsert(hash: UInt64, isMatch: (Int) -> Bool) -> (id: Int, inserted: Bool) {
        let (slot, found) = lookUp(hash: hash, isMatch: isMatch)
        if let found { return (found, false) }
        return (insert(hash: hash, at: slot), true)
    }

    /// The id whose key `isMatch` accepts, or the empty slot where its key belongs (for
    /// `insert`). Separate from `insert` so that a caller whose `isMatch` reads its own arrays
    /// (in the same struct as the index) reads both, and changes the index only after: Swift's
    /// exclusivity rules forbid changing the index while a closure reads the struct.
    @inlinable @inline(__always)
    public func lookUp(hash: UInt64, isMatch: (Int) -> Bool) -> (slot: Int, id: Int?) {
        let mask = slots.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let word = slots[slot]
            if word == 0 { return (slot, nil) }
            if word & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
                if isMatch(entry) { return (slot, entry) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// A new id, `count`, for the key `lookUp` did not find, in the slot it returned.
    @inlinable @inline(__always)
    public mutating func insert(hash: UInt64, at slot: Int) -> Int {
        let id = hashes.count
        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        hashes.append(hash)
        if hashes.count * 2 > slots.count { grow() }
        return id
    }

    /// The id whose key `isMatch` accepts, without inserting.
    @inlinable
    public func find(hash: UInt64, isMatch: (Int) -> Bool) -> Int? {
        lookUp(hash: hash, isMatch: isMatch).id
    }

    /// The id in `hash`'s home slot when that slot holds the hash's tag: the likely id of the
    /// key, to be confirmed by the caller; -1 otherwise (the key may still be further on).
    @inlinable @inline(__always)
    public func candidate(hash: UInt64) -> Int {
        let word = slots[Int(truncatingIfNeeded: hash) & (slots.count - 1)]
        guard word != 0 && word & 0xFFFF_FFFF_0000_0000 == hash & 0xFFFF_FFFF_0000_0000 else { return -1 }
        return Int(truncatingIfNeeded: word & 0xFFFF_FFFF) - 1
    }

    @usableFromInline
    mutating func grow() {
        precondition(hashes.count < Int(UInt32.max), "OpenAddressingIndex: more than 2^32 - 1 keys")
        slots = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in 0..<hashes.count {
            let hash = hashes[entry]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entry + 1)
        }
    }

    /// A well-spread hash of a 64-bit key (for keys that are integers or pairs of ids): the
    /// low bits, which pick the slot, depend on every bit of the key.
    @inlinable @inline(__always)
    public static func hash(_ key: UInt64) -> UInt64 {
        var hash = key &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }

    /// A 64-bit hash of bytes, eight at a time.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        if index < bytes.count && bytes.count >= 8 {
            // The last eight bytes, overlapping those already read: one load instead of a loop.
            tail = base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
                shift += 8
                index += 1
            }
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
