#if canImport(Glibc)
import Glibc
#endif

/// Output that cannot be written (exit code 73).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Writes a command's output: to standard output for "-", else to a file that appears only
/// when complete (written under a temporary name, then renamed), so that a failure never
/// leaves a partial file. A destination that is not a regular file (/dev/null, /dev/stdout
/// on a pipe, a FIFO) is written in place, and a symbolic link is followed: renaming over
/// either would replace it.
public enum OutputFile {
    /// Whether standard output is a terminal (colour and the flame graph's default file name
    /// depend on it).
    public static var standardOutputIsTerminal: Bool { isatty(1) == 1 }

    /// write(2) until everything is written; false on an error (a closed pipe, a full disk).
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
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

    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        if path == "-" {
            if !writeAll(bytes, to: 1) { throw OutputError(description: "cannot write to standard output") }
            return
        }
        if path.isEmpty { throw OutputError(description: "empty output file name") }
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG && (status.st_mode & S_IFMT) != S_IFDIR {
            return try writeInPlace(bytes, to: path)
        }
        var target = path
        if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK {
            // The file the link names is replaced (created, when the link dangles).
            guard let resolved = realpath(path, nil) else { return try writeInPlace(bytes, to: path) }
            target = String(cString: resolved)
            free(resolved)
        }
        try replace(target, with: bytes, naming: path)
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
    private static func replace(_ path: String, with bytes: [UInt8], naming name: String) throws(OutputError) {
        let temporary = path + ".proflens-tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw OutputError(description: "\(name): cannot write: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        let closed = fclose(handle)
        if written != bytes.count || closed != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(description: "\(name): cannot write: \(reason)")
        }
    }

    /// Opens `path` for writing (truncating a regular file) and writes `bytes` to it.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw OutputError(description: "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        let written = writeAll(bytes, to: descriptor)
        let reason = String(cString: strerror(errno))
        if close(descriptor) != 0 || !written {
            throw OutputError(description: "\(path): cannot write: \(reason)")
        }
    }
}
