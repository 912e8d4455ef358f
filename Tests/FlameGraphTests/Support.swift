import Analysis
import FlameGraph
import Foundation
import Pprof

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
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url
    }

    /// Runs a program; nil when it is not installed.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)? {
        let candidates = ["/usr/bin/\(executable)", "/bin/\(executable)", "/usr/local/bin/\(executable)"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-run-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self))
    }

    /// `xmllint --noout` on the files: nil when xmllint is not installed.
    static func xmllint(_ files: [URL]) throws -> (status: Int32, output: String)? {
        try run("xmllint", ["--noout"] + files.map(\.path))
    }

    /// The frames drawn in an SVG: each frame's <g> attributes and its rect.
    struct DrawnFrame {
        var name: String
        var start: Int64, value: Int64, depth: Int
        var x: Double, y: Double, width: Double
        var classes: String
    }

    static func drawnFrames(_ svg: String) -> [DrawnFrame] {
        var frames: [DrawnFrame] = []
        // Attributes in any order: a browser appends those the script adds.
        let pattern = try! NSRegularExpression(pattern: #"<g ([^>]*data-s="[^>]*)><title>([^\n]*)\n[^<]*</title><rect ([^>]*)/?>"#)
        func attribute(_ name: String, in text: String) -> String? {
            let regex = try! NSRegularExpression(pattern: "(?:^|\\s)\(name)=\"([^\"]*)\"")
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range(at: 1), in: text) else { return nil }
            return String(text[range])
        }
        for match in pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            func group(_ i: Int) -> String { String(svg[Range(match.range(at: i), in: svg)!]) }
            let g = group(1), rect = group(3)
            frames.append(DrawnFrame(
                name: group(2),
                start: Int64(attribute("data-s", in: g)!)!, value: Int64(attribute("data-v", in: g)!)!, depth: Int(attribute("data-d", in: g)!)!,
                x: Double(attribute("x", in: rect)!)!, y: Double(attribute("y", in: rect)!)!, width: Double(attribute("width", in: rect)!)!,
                classes: attribute("class", in: g) ?? ""))
        }
        return frames
    }
}
