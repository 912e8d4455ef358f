import Foundation
import GoSource

/// Where the package's files are, from this file's location.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("samples")

    static func sample(_ name: String) throws -> GoFile {
        let url = samples.appendingPathComponent("\(name)/main.go")
        return GoFile(path: "samples/\(name)/main.go", source: [UInt8](try Data(contentsOf: url)))
    }

    static func sampleText(_ name: String) throws -> String {
        try String(contentsOf: samples.appendingPathComponent("\(name)/main.go"), encoding: .utf8)
    }
}

extension GoFile {
    /// The line of the first occurrence of `needle` at or after line `from` (trimmed line
    /// prefix match when `prefix`, else substring); fails the test (returns 0) when absent, so
    /// hot lines follow the source instead of going stale.
    func lineOf(_ needle: String, from: Int = 1, prefix: Bool = false) -> Int {
        for number in max(1, from)...max(1, lineCount) {
            let line = self.line(number).trimmingCharacters(in: .whitespaces)
            if prefix ? line.hasPrefix(needle) : line.contains(needle) { return number }
        }
        return 0
    }

    /// The first line of function `name` (as the runtime prints it), or 0.
    func start(of name: String) -> Int { function(named: name)?.lines.lowerBound ?? 0 }

    /// Hot lines for the given statements, each found after `from`, with falling costs.
    func hotLines(_ needles: [String], from: Int) -> [HotLine] {
        needles.enumerated().map { HotLine(line: lineOf($0.element, from: from), cost: Int64(100 - $0.offset)) }
    }
}
