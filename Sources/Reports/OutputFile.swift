#if canImport(Glibc)
import Glibc
#endif

/// Output that cannot be written (exit code 73).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Writes a command's output: to standard output for "-", else to a file that appears only
/// when complete (written under a temporary name, then renamed), so that a failure never
/// leaves a partial file.
public enum OutputFile {
    /// Whether standard output is a terminal (colour and the flame graph's default file name
    /// depend on it).
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
        if path == "-" {
            try produce { piece in
                if !writeAll(piece, to: 1) { throw OutputError(description: "cannot write to standard output") }
            }
            return
        }
        if path.isEmpty { throw OutputError(description: "empty output file name") }
        let temporary = path + ".proflens-tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw OutputError(description: "\(path): cannot write: \(String(cString: strerror(errno)))")
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
            throw OutputError(description: "\(path): cannot write: \(reason)")
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        if path == "-" {
            if !writeAll(bytes, to: 1) { throw OutputError(description: "cannot write to standard output") }
            return
        }
        if path.isEmpty { throw OutputError(description: "empty output file name") }
        let temporary = path + ".proflens-tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw OutputError(description: "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        let closed = fclose(handle)
        if written != bytes.count || closed != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(description: "\(path): cannot write: \(reason)")
        }
    }
}
