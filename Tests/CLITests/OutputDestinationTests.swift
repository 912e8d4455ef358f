import Foundation
import Testing

/// `-o` and `--svg` write a file by renaming a complete temporary file over it; a destination
/// that is not a regular file (a FIFO, a device such as /dev/null, /dev/stdout on a pipe) is
/// written in place instead, and a symbolic link keeps pointing where it points. (Renaming
/// over them replaced /dev/null with a regular file when proflens ran as root.)
///
/// These tests use a FIFO and a symbolic link in a temporary folder, never /dev itself.
@Suite struct OutputDestinationTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-dest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("graph.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader on the FIFO, as `proflens fold -o >(gzip > out.gz)` has.
        let received = folder.appendingPathComponent("received")
        _ = FileManager.default.createFile(atPath: received.path, contents: nil)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        reader.standardOutput = try FileHandle(forWritingTo: received)
        let readerEnded = DispatchSemaphore(value: 0)
        reader.terminationHandler = { _ in readerEnded.signal() }
        try reader.run()
        let result = try CLI.run(["fold", "-o", fifo, Samples.cpu], timeout: 60)
        if readerEnded.wait(timeout: .now() + 10) == .timedOut {
            reader.terminate()   // proflens never wrote to the FIFO
            kill(reader.processIdentifier, SIGKILL)
            _ = readerEnded.wait(timeout: .now() + 10)   // a failure, never a hang
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(isFIFO(fifo), "the FIFO was replaced by a file")
        let expected = try CLI.run(["fold", Samples.cpu])
        #expect(try Data(contentsOf: received) == expected.stdout)
    }

    @Test func aSymbolicLinkKeepsPointingAtItsFile() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("real.svg"), link = folder.appendingPathComponent("link.svg")
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        let result = try CLI.run(["flame", "-o", link.path, Samples.cpu])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(isSymbolicLink(link.path), "the link was replaced by a file")
        let expected = try CLI.run(["flame", "-o", "-", Samples.cpu])
        #expect(try Data(contentsOf: target) == expected.stdout)
        // Nothing else appeared in the folder (no temporary file left).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["link.svg", "real.svg"])
    }

    @Test func compareSVGThroughASymbolicLink() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("diff.svg"), link = folder.appendingPathComponent("latest.svg")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        // A dangling link: the file it names is created.
        let result = try CLI.run(["compare", "--svg", link.path, Samples.cpuFixed, Samples.cpu])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(isSymbolicLink(link.path))
        #expect(((try? String(contentsOf: target, encoding: .utf8)) ?? "").contains("Differential Flame Graph"))
    }

    func isFIFO(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
    }

    func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }
}
