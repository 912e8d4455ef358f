import CZlib

/// Gzip over the system zlib: decompression, and compression for the profiles proflens writes.
/// This is the only file that calls zlib; every zlib
/// return code becomes a `DecodeError` here.
public enum Gzip {
    /// The default cap on the inflated size, so that a gzip bomb is an error, not an outage.
    public static let defaultMaxInflatedSize = 4 << 30

    /// True when the bytes start with the gzip magic number.
    public static func isGzip(_ data: UnsafeRawBufferPointer) -> Bool {
        data.count >= 2 && data[0] == 0x1f && data[1] == 0x8b
    }

    /// Inflates every gzip member in `data` into one buffer (concatenated members are one
    /// stream, as gzip(1) and Go's gzip.Reader treat them).
    /// (Tests' use: readers inflate a piece at a time, with `inflate(read:...)`.)
    package static func inflate(_ data: UnsafeRawBufferPointer, maxInflatedSize: Int = defaultMaxInflatedSize) throws -> ByteBuffer {
        let output = ByteBuffer(capacity: min(sizeHint(data), ByteBuffer.onePast(maxInflatedSize)))
        try inflate(data, maxInflatedSize: maxInflatedSize, nextBuffer: {
            if output.freeCapacity == 0 { output.grow(limit: maxInflatedSize) }
            return UnsafeMutableRawBufferPointer(start: output.freePointer, count: output.freeCapacity)
        }, filled: { output.count += $0 })
        return output
    }

    /// Inflates `data` piece by piece: `nextBuffer` gives room to write to, `filled` is told
    /// how many bytes were written there before the next piece (or the end). A stream that
    /// ends early, a bad checksum, trailing bytes that are not another member, or more than
    /// `maxInflatedSize` bytes of output are errors.
    package static func inflate(_ data: UnsafeRawBufferPointer, maxInflatedSize: Int,
                               nextBuffer: () throws -> UnsafeMutableRawBufferPointer,
                               filled: (Int) throws -> Void) throws {
        var offset = 0
        try inflate(read: { room in
            let count = min(room.count, data.count - offset)
            if count > 0 { room.baseAddress!.copyMemory(from: data.baseAddress! + offset, byteCount: count) }
            offset += count
            return count
        }, maxInflatedSize: maxInflatedSize, nextBuffer: nextBuffer, filled: filled)
    }

    /// As `inflate(_:...)`, with the compressed bytes read a piece at a time: `read` fills the
    /// room it is given as read(2) does (the count, 0 at the end). A file need not be held
    /// whole in memory.
    public static func inflate(read: (UnsafeMutableRawBufferPointer) throws -> Int, maxInflatedSize: Int,
                               nextBuffer: () throws -> UnsafeMutableRawBufferPointer,
                               filled: (Int) throws -> Void) throws {
        // The reader is kept by the input for this call only.
        try withoutActuallyEscaping(read) { read in
            try inflate(CompressedInput(read: read), maxInflatedSize: maxInflatedSize, nextBuffer: nextBuffer, filled: filled)
        }
    }

    private static func inflate(_ input: consuming CompressedInput, maxInflatedSize: Int,
                                nextBuffer: () throws -> UnsafeMutableRawBufferPointer,
                                filled: (Int) throws -> Void) throws {
        var input = input
        defer { input.deallocate() }
        guard try input.refill(atLeast: 1) else { throw DecodeError.gzip("gzip: empty input") }
        var stream = z_stream()
        guard proflens_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw DecodeError.gzip("zlib: cannot initialise the inflater")
        }
        defer { inflateEnd(&stream) }

        var produced = 0
        var buffer = try nextBuffer()
        var used = 0
        var consumed = 0  // Compressed bytes of the members before the current one.
        func truncated() -> DecodeError {
            .gzip("gzip: unexpected end of data after \(input.total) compressed bytes (truncated file?)")
        }
        while true {
            var status: Int32 = Z_OK
            repeat {
                if used == buffer.count {
                    try filled(used)
                    buffer = try nextBuffer()
                    used = 0
                }
                if input.available == 0 { _ = try input.refill(atLeast: 1) }
                let room = min(buffer.count - used, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: input.next)
                stream.avail_in = UInt32(input.available)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + used
                stream.avail_out = UInt32(room)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                input.consume(input.available - Int(stream.avail_in))
                let written = room - Int(stream.avail_out)
                used += written
                produced += written
                switch status {
                case Z_OK, Z_STREAM_END:
                    break
                case Z_BUF_ERROR:
                    if input.available == 0 && input.ended { throw truncated() }
                case Z_DATA_ERROR:
                    throw DecodeError.gzip("gzip: corrupt data at compressed byte \(consumed + Int(stream.total_in)): \(message(stream))")
                case Z_MEM_ERROR:
                    throw DecodeError.gzip("zlib: out of memory")
                default:
                    throw DecodeError.gzip("zlib: error \(status): \(message(stream))")
                }
                if produced > maxInflatedSize { throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize) }
                if status == Z_OK && input.available == 0 && stream.avail_out != 0 {
                    if try !input.refill(atLeast: 1) { throw truncated() }
                }
            } while status != Z_STREAM_END
            consumed += Int(stream.total_in)

            // Another member follows, or the input must end here.
            _ = try input.refill(atLeast: 2)
            if input.available == 0 { break }
            if input.available >= 2 && input.next[0] == 0x1f && input.next[1] == 0x8b {
                guard inflateReset(&stream) == Z_OK else { throw DecodeError.gzip("zlib: cannot reset the inflater") }
                continue
            }
            let trailing = try input.countRest()
            throw DecodeError.gzip("gzip: invalid header: \(trailing) trailing bytes after the gzip stream at compressed byte \(consumed)")
        }
        try filled(used)
    }

    /// The inflated size the last member's ISIZE field claims (modulo 2^32), but never more
    /// than a generous multiple of the input: the trailer is untrusted, and a forged or
    /// truncated file must not make the reader reserve gigabytes before inflating a byte.
    public static func sizeHint(_ data: UnsafeRawBufferPointer) -> Int {
        guard data.count >= 18 else { return 1 << 16 }
        return sizeHint(trailer: UnsafeRawBufferPointer(rebasing: data[(data.count - 4)...]), compressedSize: data.count)
    }

    /// The same, from the last four bytes of `compressedSize` bytes of gzip.
    public static func sizeHint(trailer: UnsafeRawBufferPointer, compressedSize: Int) -> Int {
        let bound = compressedSize.multipliedReportingOverflow(by: 16).partialValue + (1 << 20)
        let size = Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
        return max(min(size + 64, bound), 1 << 16)
    }

    /// Go's compress/gzip default level, which pprof's Profile.Write uses.
    public static let defaultLevel: Int32 = 6

    /// Compresses `data` as one gzip member, handing the compressed bytes to `write` a piece
    /// at a time (no second copy of the whole output is held). zlib's own single-threaded
    /// output: what the tests hold `ParallelGzip`'s against (proflens writes through that).
    package static func deflate(_ data: UnsafeRawBufferPointer, level: Int32 = defaultLevel,
                               write: (UnsafeRawBufferPointer) throws -> Void) throws {
        var stream = z_stream()
        guard proflens_deflateInit2(&stream, level, 15 + 16) == Z_OK else {
            throw DecodeError.gzip("zlib: cannot initialise the deflater")
        }
        defer { deflateEnd(&stream) }
        let room = 1 << 18
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: room, alignment: 16)
        defer { output.deallocate() }
        var offset = 0
        var status: Int32 = Z_OK
        repeat {
            // zlib counts input in 32 bits: hand it at most 1 GiB at a time.
            if stream.avail_in == 0 && offset < data.count {
                let count = min(data.count - offset, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset)
                stream.avail_in = UInt32(count)
                offset += count
            }
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(room)
            status = CZlib.deflate(&stream, offset == data.count ? Z_FINISH : Z_NO_FLUSH)
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw DecodeError.gzip("zlib: error \(status) while compressing: \(message(stream))")
            }
            let produced = room - Int(stream.avail_out)
            if produced > 0 { try write(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
        } while status != Z_STREAM_END
    }

    /// One piece of a gzip member's deflate stream, compressed on its own (so that pieces can
    /// be compressed at once on several cores) and joined to the others by concatenation: raw
    /// deflate (no header or trailer), primed with `dictionary`, the up to 32 KiB of input just
    /// before the piece, so that matches reach back across the seam as in one stream; it ends
    /// on a byte boundary (a sync flush) unless it is the `last` piece, which has the final block.
    static func deflatePiece(_ data: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, last: Bool,
                             level: Int32) throws -> [UInt8] {
        var stream = z_stream()
        guard proflens_deflateInit2(&stream, level, -15) == Z_OK else {
            throw DecodeError.gzip("zlib: cannot initialise the deflater")
        }
        defer { deflateEnd(&stream) }
        if dictionary.count > 0 {
            let status = deflateSetDictionary(&stream, dictionary.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                              UInt32(dictionary.count))
            guard status == Z_OK else { throw DecodeError.gzip("zlib: error \(status) while setting a dictionary") }
        }
        stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(data.count)
        // Room for the worst case (stored blocks) and the flush marker, grown should it be short.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        var produced = 0
        while true {
            let status = output.withUnsafeMutableBufferPointer { output in
                stream.next_out = output.baseAddress! + produced
                stream.avail_out = UInt32(output.count - produced)
                let status = CZlib.deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
                produced = output.count - Int(stream.avail_out)
                return status
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw DecodeError.gzip("zlib: error \(status) while compressing: \(message(stream))")
            }
            // Done when all the input went in and the output was not filled (nothing is pending).
            if last ? status == Z_STREAM_END : stream.avail_in == 0 && stream.avail_out > 0 { break }
            output += [UInt8](repeating: 0, count: output.count)
        }
        output.removeSubrange(produced...)
        return output
    }

    /// The CRC-32 that a gzip trailer holds, of `data` (pieces' CRCs are joined by `crc32Combine`).
    static func crc32(_ data: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(CZlib.crc32(0, data.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(data.count)))
    }

    /// The CRC-32 of two byte runs one after the other, from the CRC of each and the second's length.
    static func crc32Combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(CZlib.crc32_combine(UInt(first), UInt(second), .init(secondLength)))
    }

    private static func message(_ stream: z_stream) -> String {
        guard let msg = stream.msg else { return "invalid data" }
        return String(cString: msg)
    }
}

/// The compressed bytes not yet inflated, read a piece at a time into a buffer of its own.
private struct CompressedInput {
    private let read: (UnsafeMutableRawBufferPointer) throws -> Int
    private let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
    private var start = 0
    private var end = 0
    /// Bytes read so far, and whether `read` has said there are no more.
    private(set) var total = 0
    private(set) var ended = false

    init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.read = read
    }

    func deallocate() { storage.deallocate() }

    var available: Int { end - start }
    var next: UnsafePointer<UInt8> { UnsafePointer(storage.baseAddress!.assumingMemoryBound(to: UInt8.self) + start) }

    mutating func consume(_ count: Int) { start += count }

    /// Reads until at least `count` bytes are available or the input ends; false when none are.
    mutating func refill(atLeast count: Int) throws -> Bool {
        if available < count && !ended {
            // What is left moves to the front, and the room after it is filled.
            if start > 0 {
                if available > 0 { storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: available) }
                end = available
                start = 0
            }
            while end - start < count && !ended {
                let n = try read(UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
                if n == 0 { ended = true }
                end += n
                total += n
            }
        }
        return available > 0
    }

    /// The bytes left, counted to the end of the input.
    mutating func countRest() throws -> Int {
        var count = available
        start = end
        while try refill(atLeast: 1) {
            count += available
            start = end
        }
        return count
    }
}
