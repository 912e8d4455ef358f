import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct OutputError: Error, CustomStringConvertible {
    var description: String
}

/// Where the encoded profile goes: a file (or stdout), either directly or
/// through an external `gzip` process.
///
/// There is no zlib in this target (the package links zlib only through the
/// Pprof target, which the generator must not depend on), so `--gzip` pipes
/// through the system's `gzip` instead. It runs in parallel with the encoder.
final class OutputSink {
    private let fd: Int32
    private let ownsFD: Bool
    private var gzip: Process?
    private(set) var bytesWritten: Int = 0

    /// `path` "-" means standard output. `gzipLevel` nil writes raw protobuf.
    init(path: String, gzipLevel: Int?) throws {
        let target: Int32
        if path == "-" {
            target = 1
            ownsFD = false
        } else {
            target = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard target >= 0 else {
                throw OutputError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            ownsFD = true
        }

        guard let level = gzipLevel else {
            fd = target
            return
        }
        // gzip reads our pipe and writes the file.
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", "-\(level)", "-n"]
        process.standardInput = pipe
        process.standardOutput = FileHandle(fileDescriptor: target, closeOnDealloc: false)
        do {
            try process.run()
        } catch {
            throw OutputError(description: "cannot start gzip: \(error)")
        }
        if ownsFD { close(target) }
        // Keep only our end of the pipe open.
        try? pipe.fileHandleForReading.close()
        fd = dup(pipe.fileHandleForWriting.fileDescriptor)
        try? pipe.fileHandleForWriting.close()
        gzip = process
    }

    /// Writes all of `bytes` (uncompressed) to the sink.
    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                let n = Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(description: "write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        bytesWritten += bytes.count
    }

    /// Flushes and closes; waits for gzip and checks that it succeeded.
    func finish() throws {
        if gzip != nil || ownsFD {
            if close(fd) != 0 {
                throw OutputError(description: "close failed: \(String(cString: strerror(errno)))")
            }
        }
        if let process = gzip {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw OutputError(description: "gzip exited with status \(process.terminationStatus)")
            }
        }
    }
}
