import Foundation
import Pprof

/// Where the shared corpus and the package's own files are, from this file's location.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let samples = packageRoot.appendingPathComponent("samples")

    /// The corpus folder, or nil with a printed notice when this machine has none.
    static func corpusIfPresent() -> URL? {
        if FileManager.default.fileExists(atPath: corpus.appendingPathComponent("profiles").path) { return corpus }
        print("notice: corpus not found at \(corpus.path); skipping corpus checks")
        return nil
    }

    static func files(in folder: URL, suffix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }
}

/// Builds small profiles in code, for cases no real file shows.
struct ProfileBuilder {
    var profile = Profile()
    private var functionIndex: [String: Int32] = [:]

    init(sampleTypes: [(String, String)]) {
        profile.sampleTypes = sampleTypes.map { ValueType(type: $0.0, unit: $0.1) }
        profile.samples.valueCount = sampleTypes.count
    }

    mutating func function(_ name: String) -> Int32 {
        if let index = functionIndex[name] { return index }
        var function = Function()
        function.id = UInt64(profile.functions.count + 1)
        function.name = name
        function.systemName = name
        profile.functions.append(function)
        functionIndex[name] = Int32(profile.functions.count - 1)
        return Int32(profile.functions.count - 1)
    }

    /// A location whose lines are `names`, innermost (inlined) first.
    mutating func location(_ names: [String]) -> UInt32 {
        var location = Location()
        location.id = UInt64(profile.locations.count + 1)
        location.lineStart = Int32(profile.lines.count)
        for name in names {
            var line = Line()
            line.functionIndex = function(name)
            profile.lines.append(line)
        }
        location.lineCount = Int32(names.count)
        profile.locations.append(location)
        return UInt32(profile.locations.count - 1)
    }

    /// A sample whose stack is `locations`, leaf first.
    mutating func sample(_ locations: [UInt32], _ values: [Int64]) {
        profile.samples.append(stack: locations, values: values, labels: [])
    }
}
