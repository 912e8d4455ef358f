import Foundation
import Pprof

/// Finds the source files a profile names, as `go tool pprof` does with `-source_path` and
/// `-trim_path`, but without leaving the search directories: a profile's file name is an
/// absolute path, a module-relative path (`-trimpath` builds:
/// `example.com/svc/internal/cache/store.go`) or a GOROOT path, and it is looked up under each
/// search directory by its whole relative path and then by its trailing path components
/// (`internal/cache/store.go`, `cache/store.go`, ...). Nothing outside the search directories
/// is read, except an absolute path the profile names. Missing source is normal.
public final class SourceLocator: @unchecked Sendable {
    /// Directories to search (pprof's -source_path; default: the current directory).
    public let searchPaths: [String]
    /// Prefixes to remove from the profile's file names (pprof's -trim_path).
    public let trimPaths: [String]
    /// Whether the search directories were given (pprof then also trims a profile's paths
    /// up to a search directory's name: see `displayName`).
    public let searchPathsGiven: Bool
    private let lock = NSLock()
    private var found: [String: [String]?] = [:]

    public init(searchPaths: [String] = [], trimPaths: [String] = []) {
        let paths = searchPaths.filter { !$0.isEmpty }
        searchPathsGiven = !paths.isEmpty
        self.searchPaths = paths.isEmpty ? [FileManager.default.currentDirectoryPath] : paths
        self.trimPaths = trimPaths.filter { !$0.isEmpty }
    }

    /// `DIR[:DIR...]` lists, as pprof takes them.
    public convenience init(sourcePath: String?, trimPath: String?) {
        self.init(searchPaths: sourcePath.map { $0.split(separator: ":").map(String.init) } ?? [],
                  trimPaths: trimPath.map { $0.split(separator: ":").map(String.init) } ?? [])
    }

    /// The file's lines (line n is element n-1), or nil when it cannot be found or read.
    public func lines(of profilePath: String) -> [String]? {
        lock.lock()
        if let cached = found[profilePath] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let lines = locate(profilePath).flatMap(Self.read)
        lock.lock()
        found[profilePath] = .some(lines)
        lock.unlock()
        return lines
    }

    /// The file the profile's path refers to, or nil.
    public func locate(_ profilePath: String) -> String? {
        let path = trimmed(displayName(profilePath))
        if path.hasPrefix("/") && Self.isRegularFile(path) { return path }
        // Relative components only: ".." could leave the search directory.
        let components = path.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
        guard !components.isEmpty, !components.contains("..") else { return nil }
        for directory in searchPaths {
            for first in components.indices {
                let candidate = directory + "/" + components[first...].joined(separator: "/")
                if Self.isRegularFile(candidate) { return candidate }
            }
        }
        return nil
    }

    /// The file name as `go tool pprof -list` prints it: without a -trim_path prefix, or, when
    /// none is given but search directories are, without everything up to a search
    /// directory's own name ("/remote/my-project/foo.go" with -source_path=/local/my-project
    /// is "foo.go").
    public func displayName(_ path: String) -> String {
        if trimPaths.isEmpty && searchPathsGiven {
            for directory in searchPaths {
                let base = directory.split(separator: "/").last.map(String.init) ?? directory
                if let range = path.range(of: "/" + base + "/") { return String(path[range.upperBound...]) }
            }
        }
        return trimmed(path)
    }

    /// The profile's path with a configured prefix removed (and the prefixes build systems
    /// leave, as pprof removes them).
    func trimmed(_ path: String) -> String {
        for prefix in trimPaths + ["/proc/self/cwd/./", "/proc/self/cwd/"] {
            let withSlash = prefix.hasSuffix("/") ? prefix : prefix + "/"
            if path.hasPrefix(withSlash) { return String(path.dropFirst(withSlash.count)) }
        }
        return path
    }

    static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// A file's lines as Go's bufio.Scanner splits them (a final line without a newline
    /// counts, a trailing "\r" is dropped); bytes that are not UTF-8 are kept as profile
    /// strings are. Files over 16 MB are not source worth showing.
    static func read(_ path: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 16 << 20 else { return nil }
        var lines: [String] = []
        var start = data.startIndex
        func append(_ end: Data.Index) {
            var slice = data[start..<end]
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            lines.append(slice.withUnsafeBytes { ProfileText.decode($0.bindMemory(to: UInt8.self)) })
        }
        for index in data.indices where data[index] == UInt8(ascii: "\n") {
            append(index)
            start = data.index(after: index)
        }
        if start < data.endIndex { append(data.endIndex) }
        return lines
    }
}
