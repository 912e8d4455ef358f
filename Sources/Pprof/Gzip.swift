import CZlib

/// Gzip decompression over the system zlib. This is the only file that calls zlib; every zlib
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
    public static func inflate(_ data: UnsafeRawBufferPointer, maxInflatedSize: Int = defaultMaxInflatedSize) throws -> ByteBuffer {
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
    public static func inflate(_ data: UnsafeRawBufferPointer, maxInflatedSize: Int,
                               nextBuffer: () throws -> UnsafeMutableRawBufferPointer,
                               filled: (Int) throws -> Void) throws {
        guard let input = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count > 0 else {
            throw DecodeError.gzip("gzip: empty input")
        }
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
            .gzip("gzip: unexpected end of data after \(data.count) compressed bytes (truncated file?)")
        }
        while true {
            stream.next_in = UnsafeMutablePointer(mutating: input + consumed)
            stream.avail_in = UInt32(clamping: data.count - consumed)
            var status: Int32 = Z_OK
            repeat {
                if used == buffer.count {
                    try filled(used)
                    buffer = try nextBuffer()
                    used = 0
                }
                if stream.avail_in == 0 && consumed + Int(stream.total_in) < data.count {
                    // Inputs above 4 GiB are fed in pieces.
                    stream.avail_in = UInt32(clamping: data.count - consumed - Int(stream.total_in))
                }
                let room = min(buffer.count - used, Int(UInt32.max))
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + used
                stream.avail_out = UInt32(room)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                let written = room - Int(stream.avail_out)
                used += written
                produced += written
                switch status {
                case Z_OK, Z_STREAM_END:
                    break
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { throw truncated() }
                case Z_DATA_ERROR:
                    throw DecodeError.gzip("gzip: corrupt data at compressed byte \(consumed + Int(stream.total_in)): \(message(stream))")
                case Z_MEM_ERROR:
                    throw DecodeError.gzip("zlib: out of memory")
                default:
                    throw DecodeError.gzip("zlib: error \(status): \(message(stream))")
                }
                if produced > maxInflatedSize { throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize) }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0
                    && consumed + Int(stream.total_in) >= data.count {
                    throw truncated()
                }
            } while status != Z_STREAM_END
            consumed += Int(stream.total_in)

            // Another member follows, or the input must end here.
            if consumed == data.count { break }
            if data.count - consumed >= 2 && input[consumed] == 0x1f && input[consumed + 1] == 0x8b {
                guard inflateReset(&stream) == Z_OK else { throw DecodeError.gzip("zlib: cannot reset the inflater") }
                continue
            }
            throw DecodeError.gzip("gzip: invalid header: \(data.count - consumed) trailing bytes after the gzip stream at compressed byte \(consumed)")
        }
        try filled(used)
    }

    /// The inflated size the last member's ISIZE field claims (modulo 2^32), but never more
    /// than a generous multiple of the input: the trailer is untrusted, and a forged or
    /// truncated file must not make the reader reserve gigabytes before inflating a byte.
    public static func sizeHint(_ data: UnsafeRawBufferPointer) -> Int {
        let bound = data.count.multipliedReportingOverflow(by: 16).partialValue + (1 << 20)
        guard data.count >= 18 else { return 1 << 16 }
        let n = data.count
        let size = Int(data[n - 4]) | Int(data[n - 3]) << 8 | Int(data[n - 2]) << 16 | Int(data[n - 1]) << 24
        return max(min(size + 64, bound), 1 << 16)
    }

    private static func message(_ stream: z_stream) -> String {
        guard let msg = stream.msg else { return "invalid data" }
        return String(cString: msg)
    }
}
