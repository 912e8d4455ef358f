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
        case .malformed(let path, let error):
            if case .notAProfile = error { return "\(path): \(error)" }
            return "\(path): malformed profile: \(error)"
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
        return try read(file, name: path)
    }

    /// Reads a profile from standard input (a pipe or a redirected file), named `-` in errors.
    /// At most `maxInflatedSize` bytes are read.
    public func readStandardInput() throws(ProfileReadError) -> Profile {
        try read(InputFile(standardInput: ()), name: "-")
    }

    /// Reads a profile from an open descriptor (a pipe, a socket: a download as it arrives),
    /// named `name` in errors, as standard input is read. The descriptor is not closed.
    public func read(fileDescriptor: Int32, name: String) throws(ProfileReadError) -> Profile {
        try read(InputFile(descriptor: fileDescriptor), name: name)
    }

    private func read(_ file: InputFile, name: String) throws(ProfileReadError) -> Profile {
        // The first bytes of an input that is not gzip: what it is, when it is not a profile.
        var start: [UInt8] = []
        // Errors in a format recognized need no guess at what the input is.
        var recognized = false
        do {
            // Raw protobuf is decoded as it is read; so is gzip, inflated on a second thread as
            // it is read, from a file, standard input or a download alike. A stream of unknown
            // size is refused as soon as more than the size cap has come, compressed or not.
            let head = try file.readHead()
            if head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b {
                if file.size > maxInflatedSize { throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize) }
                var headLeft = head[...]
                var compressed = 0
                let limit = maxInflatedSize
                let reader = CompressedReader { room in
                    // The head first, then the rest of the input.
                    if !headLeft.isEmpty {
                        let count = min(room.count, headLeft.count)
                        for index in 0..<count { room[index] = headLeft[headLeft.startIndex + index] }
                        headLeft = headLeft.dropFirst(count)
                        return count
                    }
                    let count = try file.read(into: room)
                    compressed += count
                    if compressed > limit { throw DecodeError.inflatedSizeLimit(limit: limit) }
                    return count
                }
                let expectedSize = file.isRegular ? min(file.gzipSizeHint(), maxInflatedSize) : 0
                return try inflateAndDecode(reader, expectedSize: expectedSize)
            }
            // The first piece (all of a small input) tells a legacy profile from protobuf.
            let piece = ByteBuffer(capacity: Self.pieceSize)
            piece.append(head)
            var total = try file.read(into: piece) + head.count
            if total > maxInflatedSize { throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize) }
            start = Array(piece.bytes.prefix(InputSniffer.length))
            if let format = LegacyProfile.recognize(piece.bytes) {
                recognized = true
                var first = true
                let limit = maxInflatedSize
                return try LegacyProfile.read(format) {
                    if first {
                        first = false
                        return piece.bytes
                    }
                    piece.count = 0
                    let count = try file.read(into: piece)
                    total += count
                    if total > limit { throw DecodeError.inflatedSizeLimit(limit: limit) }
                    return count == 0 ? nil : piece.bytes
                }
            }
            var stream = ProfileStream(expectedSize: file.size)
            while piece.count > 0 {
                try piece.withUnsafeBytes { try stream.feed($0) }
                piece.count = 0
                let n = try file.read(into: piece)
                total += n
                if total > maxInflatedSize { throw DecodeError.inflatedSizeLimit(limit: maxInflatedSize) }
            }
            var raw = try stream.finish()
            return try raw.resolve()
        } catch let error as FileError {
            throw .unreadable(path: name, reason: error.reason)
        } catch let error as DecodeError {
            if recognized { throw .malformed(path: name, error: error) }
            // The decoder may stop within the first bytes: read up to the sniffer's length.
            if !start.isEmpty && start.count < InputSniffer.length {
                let more = ByteBuffer(capacity: InputSniffer.length - start.count)
                if let count = try? file.read(into: more), count > 0 { more.withUnsafeBytes { start += $0.prefix(count) } }
            }
            if let what = InputSniffer.whatItIs(start) { throw .malformed(path: name, error: .notAProfile(what: what, decoding: error.description)) }
            throw .malformed(path: name, error: error)
        } catch {
            throw .unreadable(path: name, reason: "\(error)")
        }
    }

    /// Decodes a profile held in memory (gzip-compressed or raw protobuf).
    public func decode(_ contents: ByteBuffer) throws(DecodeError) -> Profile {
        do {
            return try contents.withUnsafeBytes { bytes -> Profile in
                if Gzip.isGzip(bytes) {
                    var offset = 0
                    return try inflateAndDecode(CompressedReader { room in
                        let count = min(room.count, bytes.count - offset)
                        if count > 0 { room.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count) }
                        offset += count
                        return count
                    }, expectedSize: min(Gzip.sizeHint(bytes), maxInflatedSize))
                }
                if bytes.isEmpty { throw DecodeError.emptyInput }
                if let format = LegacyProfile.recognize(bytes) {
                    var sent = false
                    return try LegacyProfile.read(format) {
                        defer { sent = true }
                        return sent ? nil : bytes
                    }
                }
                var raw = try ProfileDecoder.decode(bytes)
                return try raw.resolve()
            }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .gzip("\(error)")
        }
    }

    public func decode(_ bytes: [UInt8]) throws(DecodeError) -> Profile {
        try decode(ByteBuffer(bytes))
    }

    /// Inflates on a second thread into a ring of pieces and decodes them here: as protobuf,
    /// or as the legacy profile the first piece shows. The thread is joined on every path, so
    /// the ring and the thread never outlive this call.
    private func inflateAndDecode(_ input: CompressedReader, expectedSize: Int) throws -> Profile {
        let ring = PieceRing(pieces: 4, pieceSize: Self.pieceSize)
        let maxInflatedSize = maxInflatedSize
        let inflater = JoinableThread(willExit: { ProfileReader.inflaterWillExit?() }) {
            do {
                try Gzip.inflate(read: input.read, maxInflatedSize: maxInflatedSize,
                                 nextBuffer: { try ring.acquireEmpty() },
                                 filled: { ring.publish($0) })
                ring.finish(error: nil)
            } catch {
                ring.finish(error: error)
            }
        }
        var raw: RawProfile
        do {
            let first = try ring.nextFilled()
            if let first, let format = LegacyProfile.recognize(first) {
                var held = true  // The first piece, not yet released.
                let profile = try LegacyProfile.read(format) {
                    if held {
                        held = false
                        return first
                    }
                    ring.release()
                    return try ring.nextFilled()
                }
                inflater.join()
                return profile
            }
            var stream = ProfileStream(expectedSize: expectedSize)
            var piece = first
            while let filled = piece {
                try stream.feed(filled)
                ring.release()
                piece = try ring.nextFilled()
            }
            raw = try stream.finish()
        } catch {
            ring.cancel()
            inflater.join()
            // A gzip error explains a garbled profile better than the decoder's error does.
            if let inflateError = ring.producerFailure { throw inflateError }
            throw error
        }
        inflater.join()
        return try raw.resolve()
    }

    /// Tests only: runs on the inflating thread after its work, when it holds nothing but is
    /// not over yet (to check that the reader waits for it).
    package nonisolated(unsafe) static var inflaterWillExit: (@Sendable () -> Void)?

    struct FileError: Error { let reason: String }

}

/// An open file (or standard input) read with read(2): no Foundation, no intermediate copies.
private final class InputFile {
    private let descriptor: Int32
    private let owned: Bool
    /// The size when it is a regular file (a hint for buffers), else 0.
    let size: Int

    init(path: String) throws(ProfileReader.FileError) {
        descriptor = open(path, O_RDONLY)
        if descriptor < 0 { throw ProfileReader.FileError(reason: String(cString: strerror(errno))) }
        owned = true
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
        size = (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
    }

    convenience init(standardInput: ()) {
        self.init(descriptor: 0)
    }

    /// An open descriptor, left open.
    init(descriptor: Int32) {
        self.descriptor = descriptor
        owned = false
        var status = stat()
        size = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
    }

    func close() { if owned { Glibc.close(descriptor) } }

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

    var isRegular: Bool { size > 0 }

    /// The inflated size a gzip file's trailer claims (its last member's ISIZE, modulo 2^32,
    /// bounded as `Gzip.sizeHint` bounds it), read without moving the file's position; 0 when
    /// it cannot be read.
    func gzipSizeHint() -> Int {
        guard size >= 18 else { return 0 }
        var trailer = [UInt8](repeating: 0, count: 4)
        let n = trailer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, off_t(size - 4)) }
        guard n == 4 else { return 0 }
        return trailer.withUnsafeBytes { Gzip.sizeHint(trailer: $0, compressedSize: size) }
    }

    /// One read(2) into `room` (retried when interrupted): the count, 0 at the end.
    func read(into room: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, room.baseAddress, room.count)
            if n >= 0 { return n }
            if errno != EINTR { throw ProfileReader.FileError(reason: String(cString: strerror(errno))) }
        }
    }

    /// The first bytes (enough to tell gzip from protobuf), read so that a pipe works too.
    func readHead() throws -> [UInt8] {
        let head = ByteBuffer(capacity: 2)
        _ = try read(into: head)
        return head.withUnsafeBytes { Array($0) }
    }
}

/// Where the inflating thread reads the compressed bytes: a file or a buffer that this
/// thread does not touch until the inflater is joined, which is before they go.
private struct CompressedReader: @unchecked Sendable {
    let read: (UnsafeMutableRawBufferPointer) throws -> Int
}

/// A fixed ring of output pieces between one producer (the inflater) and one consumer (the
/// decoder). Semaphores count empty and filled pieces; the producer's end or error travels
/// as a last, empty piece.
final class PieceRing: @unchecked Sendable {
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

    /// Rings alive now (tests check that none outlives a read).
    package static let live = LiveCounter()

    init(pieces: Int, pieceSize: Int) {
        Self.live.add(1)
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
        Self.live.add(-1)
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

/// A counter that several threads update (live objects, for leak tests).
package final class LiveCounter: @unchecked Sendable {
    private var value = 0
    // Allocated, not a stored property: a pthread mutex must not move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func add(_ delta: Int) {
        pthread_mutex_lock(mutex)
        value += delta
        pthread_mutex_unlock(mutex)
    }

    package var current: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return value
    }
}
