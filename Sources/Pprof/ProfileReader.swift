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
public struct ProfileReader: Sendable {
    public var maxInflatedSize: Int

    public init(maxInflatedSize: Int = Gzip.defaultMaxInflatedSize) {
        self.maxInflatedSize = maxInflatedSize
    }

    public func read(path: String) throws(ProfileReadError) -> Profile {
        let contents: ByteBuffer
        do {
            contents = try Self.readFile(path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        do {
            return try decode(contents)
        } catch {
            throw .malformed(path: path, error: error)
        }
    }

    /// Decodes a profile held in memory (gzip-compressed or raw protobuf).
    public func decode(_ contents: ByteBuffer) throws(DecodeError) -> Profile {
        do {
            let protobuf = try contents.withUnsafeBytes { bytes -> ByteBuffer in
                if Gzip.isGzip(bytes) { return try Gzip.inflate(bytes, maxInflatedSize: maxInflatedSize) }
                return contents
            }
            return try protobuf.withUnsafeBytes { bytes in
                if bytes.isEmpty { throw DecodeError.emptyInput }
                return try ProfileDecoder.decode(bytes).resolve(bytes)
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

    struct FileError: Error { let reason: String }

    /// Reads a whole file with read(2): no Foundation, no intermediate copies.
    static func readFile(_ path: String) throws(FileError) -> ByteBuffer {
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 { throw FileError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(reason: String(cString: strerror(errno))) }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw FileError(reason: "is a directory") }
        let buffer = ByteBuffer(capacity: max(Int(status.st_size), 1 << 16))
        while true {
            if buffer.freeCapacity == 0 { buffer.reserve(buffer.count) }
            let n = Glibc.read(descriptor, buffer.freePointer, buffer.freeCapacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            buffer.count += n
        }
        return buffer
    }
}
