#if canImport(Glibc)
import Glibc
#endif

/// Output that cannot be written (exit code 73).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Writes a command's output: to standard output for "-", else to a file that appears only
/// when complete (written under a temporary name, then renamed), so that a failure never
/// leaves a partial file. A destination that is not a regular file (/dev/null, /dev/stdout
/// on a pipe, a FIFO) is written in place, and a symbolic link is followed: renaming over
/// either would replace it.
public enum OutputFile {
    /// Whether standard output is a terminal (colour, and where markup goes when no file is
    /// named, depend on it).
    public static var standardOutputIsTerminal: Bool { isatty(1) == 1 }

    /// write(2) until everything is written; false on an error (a closed pipe, a full disk).
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
    }

    @discardableResult
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        bytes.withMemoryRebound(to: UInt8.self) { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// Writes what `produce` hands to its writer, a piece at a time, with `write`'s rules (a
    /// file appears only when complete).
    public static func stream(to path: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        switch try destination(of: path) {
        case .standardOutput:
            try produce { piece in
                if !writeAll(piece, to: 1) { throw OutputError(description: "cannot write to standard output") }
            }
        case .inPlace(let path):
            try writeInPlace(to: path, produce)
        case .replacing(let target, let name):
            try replace(target, naming: name, produce)
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        do {
            try stream(to: path) { write in try bytes.withUnsafeBytes { try write($0) } }
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(description: "\(path): cannot write: \(error)")
        }
    }

    private enum Destination {
        case standardOutput
        /// Not a regular file (a FIFO, a device): opened and written.
        case inPlace(String)
        /// A regular file (or none yet), `target` after following a symbolic link.
        case replacing(target: String, name: String)
    }

    private static func destination(of path: String) throws(OutputError) -> Destination {
        if path == "-" { return .standardOutput }
        if path.isEmpty { throw OutputError(description: "empty output file name") }
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG && (status.st_mode & S_IFMT) != S_IFDIR {
            return .inPlace(path)
        }
        if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK {
            // The file the link names is replaced (created, when the link dangles).
            guard let resolved = realpath(path, nil) else { return .inPlace(path) }
            defer { free(resolved) }
            return .replacing(target: String(cString: resolved), name: path)
        }
        return .replacing(target: path, name: path)
    }

    /// Writes to a temporary file beside `path`, then renames it over `path`.
    private static func replace(_ path: String, naming name: String,
                                _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let temporary = path + ".proflens-tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw OutputError(description: "\(name): cannot write: \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        do {
            try produce { piece in
                if failure == 0 && fwrite(piece.baseAddress, 1, piece.count, handle) != piece.count { failure = errno }
            }
        } catch {
            fclose(handle)
            unlink(temporary)
            throw error
        }
        let closed = fclose(handle)
        if failure != 0 || closed != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temporary)
            throw OutputError(description: "\(name): cannot write: \(reason)")
        }
    }

    /// Opens `path` for writing (no temporary file: it is a FIFO or a device) and writes to it.
    private static func writeInPlace(to path: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw OutputError(description: "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        do {
            try produce { piece in
                if failure == 0 && !writeAll(piece, to: descriptor) { failure = errno }
            }
        } catch {
            close(descriptor)
            throw error
        }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            throw OutputError(description: "\(path): cannot write: \(String(cString: strerror(failure)))")
        }
    }
}
