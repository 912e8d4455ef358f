import Analysis
import FlameGraph
import Foundation
import Pprof
import TestSupport

enum Support {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/profiles")

    /// Folded stacks from `name;name;name value` lines (test input written by hand).
    static func stacks(_ lines: [(String, Int64)], unit: String = "count") -> FoldedStacks {
        var names: [String] = []
        var index: [String: UInt32] = [:]
        var frames: [UInt32] = []
        var starts = [0]
        var values: [Int64] = []
        for (stack, value) in lines {
            for name in stack.split(separator: ";").map(String.init) {
                if index[name] == nil {
                    index[name] = UInt32(names.count)
                    names.append(name)
                }
                frames.append(index[name]!)
            }
            starts.append(frames.count)
            values.append(value)
        }
        return FoldedStacks(names: names, frames: frames, starts: starts, values: values, sampleType: ValueType(type: "samples", unit: unit))
    }

    /// Writes bytes to a fresh temporary file.
    static func write(_ bytes: [UInt8], suffix: String = ".svg") throws -> URL {
        try TemporaryFile.write(bytes, suffix: suffix)
    }

    /// Runs a program, its standard error merged into its output; nil when it is not installed.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)? {
        let candidates = ["/usr/bin/\(executable)", "/bin/\(executable)", "/usr/local/bin/\(executable)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        return try Subprocess.runMerged(path, arguments)
    }

    /// `xmllint --noout` on the files: nil when xmllint is not installed.
    static func xmllint(_ files: [URL]) throws -> (status: Int32, output: String)? {
        try run("xmllint", ["--noout"] + files.map(\.path))
    }
}
