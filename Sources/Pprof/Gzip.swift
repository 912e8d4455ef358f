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

    /// Inflates every gzip member in `data` (concatenated members are one stream, as gzip(1)
    /// and Go's gzip.Reader treat them). A stream that ends early, a bad checksum or trailing
    /// bytes that are not another member are errors.
    public static func inflate(_ data: UnsafeRawBufferPointer, maxInflatedSize: Int = defaultMaxInflatedSize) throws -> ByteBuffer {
        guard let input = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count > 0 else {
            throw DecodeError.gzip("gzip: empty input")
        }
        let output = ByteBuffer(capacity: min(capacityHint(data), ByteBuffer.onePast(maxInflatedSize)))

        var stream = z_stream()
        guard proflens_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw DecodeError.gzip("zlib: cannot initialise the inflater")
        }
        defer { inflateEnd(&stream) }

        var consumed = 0
        while true {
            // Inflate one member.
            let remainingInput = data.count - consumed
            stream.next_in = UnsafeMutablePointer(mutating: input + consumed)
            stream.avail_in = UInt32(clamping: remainingInput)
            var status: Int32 = Z_OK
            repeat {
                if output.freeCapacity == 0 {
                    guard output.count < maxInflatedSize else {
                        throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize)
                    }
                    output.grow(limit: maxInflatedSize)
                }
                let chunk = min(output.freeCapacity, Int(UInt32.max))
                stream.next_out = output.freePointer
                stream.avail_out = UInt32(chunk)
                if stream.avail_in == 0 && consumed + Int(stream.total_in) < data.count {
                    // Inputs above 4 GiB are fed in pieces.
                    stream.avail_in = UInt32(clamping: data.count - consumed - Int(stream.total_in))
                }
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                output.count += chunk - Int(stream.avail_out)
                switch status {
                case Z_OK, Z_STREAM_END:
                    break
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        throw DecodeError.gzip("gzip: unexpected end of data after \(data.count) compressed bytes (truncated file?)")
                    }
                case Z_DATA_ERROR:
                    throw DecodeError.gzip("gzip: corrupt data at compressed byte \(consumed + Int(stream.total_in)): \(message(stream))")
                case Z_MEM_ERROR:
                    throw DecodeError.gzip("zlib: out of memory")
                default:
                    throw DecodeError.gzip("zlib: error \(status): \(message(stream))")
                }
                if output.count > maxInflatedSize {
                    throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize)
                }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0
                    && consumed + Int(stream.total_in) >= data.count {
                    throw DecodeError.gzip("gzip: unexpected end of data after \(data.count) compressed bytes (truncated file?)")
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
        return output
    }

    /// A first capacity: the last member's ISIZE field (the inflated size modulo 2^32), but
    /// never more than a generous multiple of the input, because the trailer is untrusted (a
    /// forged or truncated file could otherwise reserve gigabytes before inflating a byte).
    private static func capacityHint(_ data: UnsafeRawBufferPointer) -> Int {
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

