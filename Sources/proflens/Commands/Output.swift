import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// Writes command output: to stdout for "-", else to a file that appears only when complete
/// (written to a temporary name, then renamed), so a failure never leaves a partial file.
enum Output {
    /// Whether standard output is a terminal (colour is for terminals only).
    static var isTerminal: Bool { isatty(1) == 1 }

    /// write(2) until everything is written; false on an error (a closed pipe, a full disk).
    @discardableResult
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
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

    static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            if !writeAll(bytes, to: 1) { throw Failure.exit("cannot write to standard output", code: Failure.cannotWrite) }
            return
        }
        let temporary = path + ".proflens-tmp-\(getpid())"
        guard let handle = fopen(temporary, "wb") else {
            throw Failure.exit("\(path): cannot write: \(String(cString: strerror(errno)))", code: Failure.cannotWrite)
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, handle) }
        let closed = fclose(handle)
        if written != bytes.count || closed != 0 || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure.exit("\(path): cannot write: \(reason)", code: Failure.cannotWrite)
        }
    }
}
