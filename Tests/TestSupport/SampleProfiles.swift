import Foundation

/// Where the sample programs' profiles are: the one place that knows the layout, which is
/// `samples/profiles/goX.Y/PROGRAM/KIND.pb.gz` per Go version (the newest is the default), or
/// the older flat `samples/profiles/PROGRAM/KIND.pb.gz`.
public enum SampleProfiles {
    public static let root = Paths.samples.appendingPathComponent("profiles")

    /// The Go version folders ("go1.27", "go1.19"), newest first; empty in the flat layout.
    public static let versions: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        func number(_ name: String) -> [Int] { name.dropFirst(2).split(separator: ".").compactMap { Int($0) } }
        return names.filter { $0.hasPrefix("go1.") }.sorted { number($0).lexicographicallyPrecedes(number($1)) }.reversed()
    }()

    /// The folder of a program's profiles (`version`: a Go version folder; default the newest).
    public static func folder(_ program: String, version: String? = nil) -> URL {
        guard let version = version ?? versions.first else { return root.appendingPathComponent(program) }
        return root.appendingPathComponent(version).appendingPathComponent(program)
    }

    /// One profile of a program: `kind` is cpu, heap, heap-early, mutex, block, goroutine.
    public static func path(_ program: String, _ kind: String = "cpu", version: String? = nil) -> String {
        folder(program, version: version).appendingPathComponent("\(kind).pb.gz").path
    }

    /// The profile as a URL; the samples are committed, so a missing one is an error.
    public static func url(_ program: String, _ file: String, version: String? = nil) throws -> URL {
        let url = folder(program, version: version).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingSample(path: url.path) }
        return url
    }

    public struct MissingSample: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "sample profile not found: \(path) (samples/profiles is committed)" }
    }

    /// The CPU and heap profiles of a program.
    public static func cpuAndHeap(_ program: String, version: String? = nil) -> [String] {
        [path(program, "cpu", version: version), path(program, "heap", version: version)]
    }

    /// The same program's profile recorded with another Go version, when the layout has one.
    public static func otherVersion(_ program: String, _ kind: String = "cpu") -> String? {
        guard versions.count > 1 else { return nil }
        let other = path(program, kind, version: versions[1])
        return FileManager.default.fileExists(atPath: other) ? other : nil
    }

    /// Where a program's source is, relative to the package root.
    public static func source(_ program: String) -> String { "samples/\(program)/main.go" }
}
