import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a profile could not be read: the file itself, or what is in it.
public enum ProfileReadError: Error, CustomStringConvertible, Sendable {
    /// The file is missing or cannot be read (exit code 66).
    case unreadable(path: String, reason: String)
    /// The bytes are not a valid profile (exit code 65).
    case malformed(path: String, error: DecodeError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .malformed(let path, let error): return "\(path): malformed profile: \(error)"
        }
    }
}

/// Turns bytes or a file into a `Profile`: gzip detection by magic bytes, inflation with a
/// size cap, protobuf decoding, resolution and validation.
///
/// Gzip input is inflated on a second thread while this one decodes what is already
/// inflated, a piece at a time: the inflated protobuf is never held whole, and the two cores
/// share the work.
public struct ProfileReader: Sendable {
    public var maxInflatedSize: Int
    /// Size of the pieces passed from the inflater to the decoder.
    static let pieceSize = 1 << 20

    public init(maxInflatedSize: Int = Gzip.defaultMaxInflatedSize) {
        self.maxInflatedSize = maxInflatedSize
    }

    public func read(path: String) throws(ProfileReadError) -> Profile {
        let file: InputFile
        do { file = try InputFile(path: path) } catch { throw .unreadable(path: path, reason: error.reason) }
        defer { file.close() }
        do {
            // Raw protobuf is decoded as it is read; gzip is read whole (it is the smaller).
            if try file.startsWithGzipMagic() {
                return try decode(try file.readAll())
            }
            var stream = ProfileStream()
            let piece = ByteBuffer(capacity: Self.pieceSize)
            while true {
                piece.count = 0
                let n = try file.read(into: piece)
                if n == 0 { break }
                try piece.withUnsafeBytes { try stream.feed($0) }
            }
            var raw = try stream.finish()
            return try raw.resolve()
        } catch let error as FileError {
            throw .unreadable(path: path, reason: error.reason)
        } catch let error as DecodeError {
            throw .malformed(path: path, error: error)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Decodes a profile held in memory (gzip-compressed or raw protobuf).
    public func decode(_ contents: ByteBuffer) throws(DecodeError) -> Profile {
        do {
            var raw = try contents.withUnsafeBytes { bytes -> RawProfile in
                if Gzip.isGzip(bytes) { return try inflateAndDecode(bytes) }
                if bytes.isEmpty { throw DecodeError.emptyInput }
                return try ProfileDecoder.decode(bytes)
            }
            return try raw.resolve()
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .gzip("\(error)")
        }
    }

    public func decode(_ bytes: [UInt8]) throws(DecodeError) -> Profile {
        try decode(ByteBuffer(bytes))
    }

    /// Inflates on a background thread into a ring of pieces; decodes them here.
    private func inflateAndDecode(_ compressed: UnsafeRawBufferPointer) throws -> RawProfile {
        let ring = PieceRing(pieces: 4, pieceSize: Self.pieceSize)
        let maxInflatedSize = maxInflatedSize
        let input = SendableBytes(compressed)
        let producer = DispatchGroup()
        producer.enter()
        Thread.detach {
            defer { producer.leave() }
            do {
                try Gzip.inflate(input.bytes, maxInflatedSize: maxInflatedSize,
                                 nextBuffer: { try ring.acquireEmpty() },
                                 filled: { ring.publish($0) })
                ring.finish(error: nil)
            } catch {
                ring.finish(error: error)
            }
        }
        var stream = ProfileStream()
        do {
            while let piece = try ring.nextFilled() {
                try stream.feed(piece)
                ring.release()
            }
        } catch {
            ring.cancel()
            producer.wait()
            // A gzip error explains a garbled protobuf better than the protobuf error does.
            if let inflateError = ring.producerFailure { throw inflateError }
            throw error
        }
        producer.wait()
        return try stream.finish()
    }

    struct FileError: Error { let reason: String }

}

/// An open file read with read(2): no Foundation, no intermediate copies.
private final class InputFile {
    private let descriptor: Int32
    let size: Int

    init(path: String) throws(ProfileReader.FileError) {
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 { throw ProfileReader.FileError(reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw ProfileReader.FileError(reason: reason)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(descriptor)
            throw ProfileReader.FileError(reason: "is a directory")
        }
        size = Int(status.st_size)
    }

    func close() { Glibc.close(descriptor) }

    /// Fills `buffer`'s free room; returns the bytes read, 0 at the end.
    func read(into buffer: ByteBuffer) throws -> Int {
        var total = 0
        while buffer.freeCapacity > 0 {
            let n = Glibc.read(descriptor, buffer.freePointer, buffer.freeCapacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw ProfileReader.FileError(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            buffer.count += n
            total += n
        }
        return total
    }

    /// Whether the file starts with 1f 8b; the file position is back at the start after.
    func startsWithGzipMagic() throws -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        if n < 0 { throw ProfileReader.FileError(reason: String(cString: strerror(errno))) }
        return n == 2 && magic.0 == 0x1f && magic.1 == 0x8b
    }

    func readAll() throws -> ByteBuffer {
        // One byte more than the size, so that the end is seen without growing the buffer.
        let buffer = ByteBuffer(capacity: max(size + 1, 1 << 16))
        while true {
            if buffer.freeCapacity == 0 { buffer.reserve(buffer.count) }
            if try read(into: buffer) == 0 { break }
        }
        return buffer
    }
}

/// The compressed bytes, shared read-only with the inflating thread, which ends before they
/// are released.
private struct SendableBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
}

/// Starts a plain thread (the inflater blocks on semaphores, which Dispatch's pool is not for).
private enum Thread {
    static func detach(_ body: @escaping @Sendable () -> Void) {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if result != 0 {
            // No thread: run here (slower, same result).
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        } else {
            pthread_detach(thread)
        }
    }
}

/// A fixed ring of output pieces between one producer (the inflater) and one consumer (the
/// decoder). Semaphores count empty and filled pieces; the producer's end or error travels
/// as a last, empty piece.
private final class PieceRing: @unchecked Sendable {
    private let storage: UnsafeMutableRawPointer
    private let pieceSize: Int
    private let count: Int
    private let lengths: UnsafeMutablePointer<Int>
    private let empty: DispatchSemaphore
    private let filledPieces = DispatchSemaphore(value: 0)
    // Pieces published and consumed so far; a slot is the count modulo the ring size (counts,
    // not slot numbers, so that a full ring is not mistaken for an empty one).
    private var published = 0
    private var consumed = 0
    private var ended = false
    private var producerError: Error?
    private var cancelled = false
    private let lock = DispatchSemaphore(value: 0)

    struct Cancelled: Error {}

    init(pieces: Int, pieceSize: Int) {
        count = pieces
        self.pieceSize = pieceSize
        storage = .allocate(byteCount: pieces * pieceSize, alignment: 16)
        lengths = .allocate(capacity: pieces)
        lengths.initialize(repeating: 0, count: pieces)
        lock.signal()
        // Created at zero and raised: libdispatch traps on disposing a semaphore whose value
        // is below the one it was created with.
        empty = DispatchSemaphore(value: 0)
        for _ in 0..<pieces { empty.signal() }
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
    }

    // Producer side.
    func acquireEmpty() throws -> UnsafeMutableRawBufferPointer {
        empty.wait()
        if isCancelled { throw Cancelled() }
        return UnsafeMutableRawBufferPointer(start: storage + (published % count) * pieceSize, count: pieceSize)
    }

    func publish(_ length: Int) {
        lengths[published % count] = length
        lock.wait()
        published += 1
        lock.signal()
        filledPieces.signal()
    }

    func finish(error: Error?) {
        lock.wait()
        producerError = error
        ended = true
        lock.signal()
        filledPieces.signal()
    }

    // Consumer side: the next filled piece, nil at the end; the producer's error is rethrown.
    func nextFilled() throws -> UnsafeRawBufferPointer? {
        filledPieces.wait()
        lock.wait()
        let isEnd = ended && consumed == published
        let error = producerError
        lock.signal()
        if isEnd {
            if let error { throw error }
            return nil
        }
        let slot = consumed % count
        return UnsafeRawBufferPointer(start: storage + slot * pieceSize, count: lengths[slot])
    }

    func release() {
        lock.wait()
        consumed += 1
        lock.signal()
        empty.signal()
    }

    /// The producer's error, unless it only stopped because it was cancelled.
    var producerFailure: Error? {
        lock.wait()
        defer { lock.signal() }
        return producerError is Cancelled ? nil : producerError
    }

    func cancel() {
        lock.wait()
        cancelled = true
        lock.signal()
        empty.signal()
    }

    private var isCancelled: Bool {
        lock.wait()
        defer { lock.signal() }
        return cancelled
    }
}
