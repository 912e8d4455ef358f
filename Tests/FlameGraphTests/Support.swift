import Analysis
import FlameGraph
import Foundation
import Pprof
import TestSupport

enum Support {
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

    /// `xmllint --noout` on the files, its standard error merged into its output. The tests
    /// that call it carry `.needsXmllint`; without xmllint it throws.
    static func xmllint(_ files: [URL]) throws -> (status: Int32, output: String) {
        guard let xmllint = Availability.xmllint else { throw FixtureError("xmllint is not installed") }
        return try Subprocess.runMerged(xmllint, ["--noout"] + files.map(\.path))
    }
}
