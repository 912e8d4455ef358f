/// A buffer that text is copied into until it is handed on: appends check nothing, the writer
/// reserves room first. Used by one thread at a time (`FoldedLineWriter` hands it to the other
/// core for a block, and takes it back when that thread is joined), hence unchecked.
final class TextPiece: @unchecked Sendable {
    private var storage: UnsafeMutableRawBufferPointer
    private var used = 0

    init(size: Int) {
        storage = .allocate(byteCount: max(size, 1), alignment: 1)
    }

    deinit { storage.deallocate() }

    /// Room for `count` more bytes: the buffer doubles until they fit (kept for the next use).
    func reserve(_ count: Int) {
        guard storage.count - used < count else { return }
        var size = storage.count * 2
        while size - used < count { size *= 2 }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        larger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: used)
        storage.deallocate()
        storage = larger
    }

    /// Callers reserve room first.
    func append(_ byte: UInt8) {
        storage[used] = byte
        used += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        (storage.baseAddress! + used).copyMemory(from: source, byteCount: bytes.count)
        used += bytes.count
    }

    /// At most 21 bytes.
    func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var end = used + 20
        var digits = 0
        repeat {
            storage[end - 1] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            end -= 1
            digits += 1
            magnitude /= 10
        } while magnitude > 0
        // Written right-aligned in the 20 bytes ahead; moved to where they belong.
        (storage.baseAddress! + used).copyMemory(from: storage.baseAddress! + end, byteCount: digits)
        used += digits
    }

    func flush(_ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        if used > 0 { try write(UnsafeRawBufferPointer(rebasing: storage[..<used])) }
        used = 0
    }
}
