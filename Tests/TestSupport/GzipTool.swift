import Foundation

/// Compresses with /bin/gzip, without a name or time in the header (`-n`): its input and
/// output in files, so no pipe can fill up. A failing gzip throws with what it said.
public func gzipWithTool(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
    let input = try TemporaryFile.write(bytes, label: "gzip-input")
    defer { try? FileManager.default.removeItem(at: input) }
    let result = try Subprocess.runForData("/bin/gzip", ["-c", "-n", "-\(level)", input.path])
    guard result.status == 0 else {
        throw FixtureError("gzip exited with \(result.status): \(String(decoding: result.stderr, as: UTF8.self))")
    }
    return Array(result.stdout)
}
