import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One gzip member compressed on every core as its input is written: zlib compresses on one,
/// and a merged fleet's profile is hundreds of megabytes, whose compression at pprof's level
/// took a fifth of a merge's time, after the encoding. The input is cut into pieces of a fixed
/// size, each compressed on a worker thread as a run of deflate blocks that starts where the
/// one before ended (`Gzip.deflatePiece`: it keeps the 32 KiB window of one stream, so the
/// output is the size of zlib's, within a few bytes a piece), while the writer goes on
/// producing the next; the pieces, and one CRC-32 combined from theirs, make one member,
/// which any gzip reader reads as it reads zlib's. The bytes do not depend on the number of
/// threads. Not for several threads at once: one writes, the workers only compress.
public final class ParallelGzip {
    /// Bytes of input a piece: large enough that the per-piece cost (a dictionary, a flush)
    /// does not count, small enough that every core has work to the end.
    static let pieceSize = 1 << 20
    /// The deflate window: what a piece is primed with from the one before.
    static let window = 1 << 15

    private let level: Int32
    private let write: (UnsafeRawBufferPointer) throws -> Void
    /// Nil with one thread: each piece is compressed where it is handed over.
    private let queue: PieceQueue?
    private var workers: [JoinableThread] = []
    /// The pieces handed over and not yet written, oldest first.
    private var inFlight: [PieceJob] = []
    private let maxInFlight: Int
    /// The input not yet handed over, after the window of the input before it.
    private var current: [UInt8] = []
    private var currentStart = 0
    private var crc: UInt32 = 0
    private var total = 0
    /// The first error (the sink's or zlib's): what `finish` throws; nothing is done after it.
    private var failure: Error?

    /// Compresses what `produce` appends at `level` into one gzip member, handed to `write` in
    /// order (on this thread); returns when all is written. With `threads` 1 (or one core),
    /// the same bytes, compressed here.
    public static func deflate(level: Int32 = Gzip.defaultLevel, threads: Int = ParallelGzip.cores,
                               produce: (ParallelGzip) -> Void,
                               write: (UnsafeRawBufferPointer) throws -> Void) throws {
        try withoutActuallyEscaping(write) { write in
            let gzip = ParallelGzip(level: level, threads: threads, write: write)
            defer { gzip.stopWorkers() }
            produce(gzip)
            try gzip.finish()
        }
    }

    /// `data` as one gzip member (`deflate(level:threads:produce:write:)` of it), for the tests.
    package static func deflate(_ data: UnsafeRawBufferPointer, level: Int32 = Gzip.defaultLevel,
                               threads: Int = ParallelGzip.cores, write: (UnsafeRawBufferPointer) throws -> Void) throws {
        try deflate(level: level, threads: threads, produce: { $0.append(data) }, write: write)
    }

    /// The cores online (at least 1).
    public static var cores: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    private init(level: Int32, threads: Int, write: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.level = level
        self.write = write
        maxInFlight = 2 * threads
        current.reserveCapacity(Self.window + Self.pieceSize)
        // Workers wait for pieces: one that cannot get a thread is not made (and with none,
        // the pieces are compressed here).
        let pieces = PieceQueue()
        workers = threads > 1 ? (0..<threads).compactMap { _ in JoinableThread.start { pieces.work() } } : []
        queue = workers.isEmpty ? nil : pieces
        // RFC 1952's header: deflate, no flags or time, the level's extra flags, Unix.
        let extraFlags: UInt8 = level == 9 ? 2 : level == 1 ? 4 : 0
        emit([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3])
    }

    /// More input. A piece is handed over once input follows it (the last one is compressed
    /// differently), and the pieces done so far are written.
    public func append(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count && failure == nil {
            if current.count - currentStart == Self.pieceSize { handOver(last: false) }
            let count = min(bytes.count - offset, Self.pieceSize - (current.count - currentStart))
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
            offset += count
        }
    }

    /// Compresses the last piece, writes what is left and the trailer; throws the first error.
    private func finish() throws {
        if failure == nil {
            handOver(last: true)
            while !inFlight.isEmpty && failure == nil { writeOldest() }
        }
        if failure == nil {
            // The trailer: the CRC-32 and the size modulo 2^32, little-endian.
            let size = UInt32(truncatingIfNeeded: total)
            emit((0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) } + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) })
        }
        if let failure { throw failure }
    }

    /// The current piece to a worker (with the window before it), the next started with its
    /// window; pieces written while too many are in flight.
    private func handOver(last: Bool) {
        let job = PieceJob(input: current, start: currentStart, last: last, level: level)
        total += current.count - currentStart
        let window = current.suffix(Self.window)
        current.removeAll(keepingCapacity: true)
        current.append(contentsOf: window)
        currentStart = current.count
        inFlight.append(job)
        if let queue { queue.submit(job) } else { job.run() }
        while inFlight.count > maxInFlight || (inFlight.first?.isDone ?? false) {
            writeOldest()
            if failure != nil { return }
        }
    }

    /// Waits for the oldest piece and writes it.
    private func writeOldest() {
        let job = inFlight.removeFirst()
        do {
            let (compressed, pieceCRC, length) = try job.result()
            crc = Gzip.crc32Combine(crc, pieceCRC, secondLength: length)
            try compressed.withUnsafeBytes { try write($0) }
        } catch {
            failure = error
        }
    }

    private func emit(_ bytes: [UInt8]) {
        do { try bytes.withUnsafeBytes { try write($0) } } catch { failure = error }
    }

    private func stopWorkers() {
        queue?.stop()
        for worker in workers { worker.join() }
    }
}

/// One piece: its input (after its window), compressed by a worker; `result` waits for it.
private final class PieceJob: @unchecked Sendable {
    private let input: [UInt8]
    private let start: Int
    private let last: Bool
    private let level: Int32
    private let done = DispatchSemaphore(value: 0)
    /// Written by the worker before `done` is signalled, read after it is waited for.
    private var outcome: Result<([UInt8], UInt32, Int), Error>?
    private var finished = false
    private let lock = DispatchSemaphore(value: 1)

    init(input: [UInt8], start: Int, last: Bool, level: Int32) {
        self.input = input
        self.start = start
        self.last = last
        self.level = level
    }

    func run() {
        let outcome = Result { () throws -> ([UInt8], UInt32, Int) in
            try input.withUnsafeBytes { bytes in
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start...])
                let window = UnsafeRawBufferPointer(rebasing: bytes[..<start])
                return (try Gzip.deflatePiece(piece, dictionary: window, last: last, level: level), Gzip.crc32(piece), piece.count)
            }
        }
        lock.wait()
        self.outcome = outcome
        finished = true
        lock.signal()
        done.signal()
    }

    var isDone: Bool {
        lock.wait()
        defer { lock.signal() }
        return finished
    }

    /// The compressed bytes, the input's CRC-32 and length.
    func result() throws -> ([UInt8], UInt32, Int) {
        done.wait()
        done.signal()
        return try outcome!.get()
    }
}

/// Pieces waiting for a worker, in order; workers take them until `stop`.
private final class PieceQueue: @unchecked Sendable {
    private var waiting: [PieceJob] = []
    private var stopped = false
    private let lock = DispatchSemaphore(value: 1)
    /// Counts the pieces waiting (and, once stopped, wakes every worker).
    private let available = DispatchSemaphore(value: 0)

    func submit(_ job: PieceJob) {
        lock.wait()
        waiting.append(job)
        lock.signal()
        available.signal()
    }

    /// A worker: runs pieces as they come, until stopped.
    func work() {
        while true {
            available.wait()
            lock.wait()
            if stopped {
                lock.signal()
                available.signal()  // For the next worker to stop too.
                return
            }
            let job = waiting.removeFirst()  // (of a few: the writer keeps a few in flight)
            lock.signal()
            job.run()
        }
    }

    func stop() {
        lock.wait()
        stopped = true
        lock.signal()
        available.signal()
    }
}
