import Foundation
import Pprof

/// Where the shared corpus and the package's own files are, from this file's location.
public enum Paths {
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    public static let samples = packageRoot.appendingPathComponent("samples")

    /// The corpus folder, or nil with a printed notice when this machine has none.
    public static func corpusIfPresent() -> URL? {
        if FileManager.default.fileExists(atPath: corpus.appendingPathComponent("profiles").path) { return corpus }
        print("notice: corpus not found at \(corpus.path); skipping corpus checks")
        return nil
    }

    /// The folders in `folder`, sorted by name.
    public static func directories(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }.filter { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    public static func files(in folder: URL, suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }
}
