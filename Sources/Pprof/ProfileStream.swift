/// Decodes a Profile message that arrives in pieces (a gzip stream being inflated, a file
/// being read): complete top-level fields are decoded as soon as their bytes are in, and only
/// an incomplete field's bytes are held over to the next piece. Offsets in errors count from
/// the start of the whole message.
struct ProfileStream {
    private var decoder = ProfileDecoder()
    /// How many bytes the message is expected to have (a file's size, a gzip trailer's claim),
    /// 0 when unknown: the sample arrays are sized from it once the first samples are read,
    /// and again each time the bytes read double, so that they are not copied each time they
    /// grow.
    private var expectedSize: Int
    private var nextSizing = 1 << 18
    /// Bytes of an incomplete field, carried over to the next piece.
    private var pending: [UInt8] = []
    /// Offset in the whole message of the first byte not decoded yet.
    private var offset = 0
    private var received = 0

    init(expectedSize: Int = 0) {
        self.expectedSize = expectedSize
    }

    mutating func feed(_ piece: UnsafeRawBufferPointer) throws {
        guard piece.count > 0 else { return }
        defer {
            if expectedSize > 0 && offset >= nextSizing {
                nextSizing = offset * 2
                decoder.reserveSamples(decodedBytes: offset, expectedBytes: expectedSize)
            }
        }
        received += piece.count
        if pending.isEmpty {
            // Decode straight from the piece; keep only its incomplete tail.
            let stop = try decodeComplete(piece.baseAddress!.assumingMemoryBound(to: UInt8.self), count: piece.count)
            pending.append(contentsOf: piece[stop...])
        } else {
            pending.append(contentsOf: piece)
            var held: [UInt8] = []
            swap(&held, &pending)  // Decoded while not part of self, then put back.
            let stop = try held.withUnsafeBufferPointer { try decodeComplete($0.baseAddress!, count: $0.count) }
            held.removeFirst(stop)
            swap(&held, &pending)
        }
    }

    /// Ends the message: the bytes held over must form complete fields (an error names what
    /// is wrong with them), and the record is handed over.
    mutating func finish() throws -> RawProfile {
        if received == 0 { throw DecodeError.emptyInput }
        if !pending.isEmpty {
            try pending.withUnsafeBufferPointer { bytes in
                var reader = WireReader(base: bytes.baseAddress!, start: 0, end: bytes.count, bias: offset)
                // Decoded as if complete, so the incomplete field throws the same error a
                // whole-buffer decode gives.
                while let field = try reader.nextField() { try decoder.decodeField(field, &reader) }
            }
        }
        return try decoder.finish()
    }

    private mutating func decodeComplete(_ base: UnsafePointer<UInt8>, count: Int) throws -> Int {
        var reader = WireReader(base: base, start: 0, end: count, bias: offset)
        let stop = try decoder.decodeCompleteFields(&reader)
        offset += stop
        return stop
    }
}
