/// A fixed buffer that text is copied into until it is handed on: appends check nothing, the
/// writer checks room for a whole line first.
final class TextPiece {
    private let storage: UnsafeMutableRawBufferPointer
    private var used = 0

    init(size: Int) {
        storage = .allocate(byteCount: size, alignment: 1)
    }

    deinit { storage.deallocate() }

    func hasRoom(_ count: Int) -> Bool { storage.count - used >= count }

    /// Callers check `hasRoom` first.
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
