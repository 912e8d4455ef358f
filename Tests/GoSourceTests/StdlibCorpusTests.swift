import Foundation
import Testing
import TestSupport

@testable import GoSource

/// The lexer and the block reader over the whole standard library source of the Go toolchains
/// on this machine: Go 1.19 (Debian's golang-go, `Availability.go119`) and Go 1.27
/// (`$GO_1_27` or `.venv-go/bin/go`, `Availability.go127`), both installed in CI; each test is
/// reported as skipped where its toolchain is missing. Every `.go` file must be read without a
/// crash and within a time bound, and for nearly every file the number of function
/// declarations found must equal an independent count: the lines that start with `func `
/// (which differs where Go code sits in raw strings or comments, e.g. test programs and
/// generators).
///
/// `GOSOURCE_GOROOTS=/path/a:/path/b` checks other trees instead.
@Suite struct StdlibCorpusTests {
    struct Toolchain: Sendable, CustomStringConvertible {
        var name: String
        /// The `go` that names its GOROOT; empty for a tree of `GOSOURCE_GOROOTS`.
        var go: String
        var description: String { name }
    }

    /// The trees of `GOSOURCE_GOROOTS`, or nil when it is not set.
    static let otherTrees: [Toolchain]? = ProcessInfo.processInfo.environment["GOSOURCE_GOROOTS"].map { list in
        list.split(separator: ":").map { Toolchain(name: String($0), go: "") }
    }

    static let go119 = Availability.go119.map { Toolchain(name: "Go 1.19 (\($0))", go: $0) }
    static let go127 = Availability.go127.map { Toolchain(name: "Go 1.27 (\($0))", go: $0) }

    /// Seconds one file may take (debug build, busy machine); the largest stdlib file, about
    /// 1 MB, takes well under a second.
    static let timeBoundPerFile = 5.0
    /// Share of files whose declaration count must match the line count.
    static let requiredAgreement = 0.97

    static func goroot(_ go: String) -> String? {
        guard let result = try? Subprocess.run(go, ["env", "GOROOT"], environment: Availability.goEnvironment),
              result.status == 0 else { return nil }
        let root = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return root.isEmpty ? nil : root
    }

    /// The trees to read: those of `GOSOURCE_GOROOTS`, or the toolchains found.
    static let cases: [Toolchain] = otherTrees ?? [go119, go127].compactMap { $0 }

    static func root(of toolchain: Toolchain) -> String? {
        toolchain.go.isEmpty ? toolchain.name : goroot(toolchain.go)
    }

    /// The `.go` files under `src`.
    static func goFiles(_ src: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: src, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [URL] = []
        for case let url as URL in walker where url.pathExtension == "go" {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Lines that begin with `func ` or `func(`: the independent count. (memchr and memcmp:
    /// a byte loop over an array is slow in a debug build.)
    static func linesStartingWithFunc(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            let end = base + buffer.count
            var line = base
            var count = 0
            while line < end {
                if end - line >= 5 && memcmp(line, "func", 4) == 0 && (line[4] == 0x20 || line[4] == 0x28) { count += 1 }
                guard let newline = memchr(line, 0x0A, end - line) else { break }
                line = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return count
        }
    }

    struct Tally {
        var files = 0
        var bytes = 0
        var tokens = 0
        var functions = 0
        var agreeing = 0
        var seconds = 0.0
        var slowest = (seconds: 0.0, file: "")
        var disagreements: [String] = []
        var problems: [String] = []
    }

    @Test(.enabled(if: otherTrees == nil, "GOSOURCE_GOROOTS names the trees to read instead"), .needsGo119)
    func go119StandardLibraryIsRead() throws {
        try Self.readStandardLibrary(try #require(Self.go119))
    }

    @Test(.enabled(if: otherTrees == nil, "GOSOURCE_GOROOTS names the trees to read instead"),
          .enabled(if: go127 != nil, "needs Go 1.27 ($GO_1_27 or .venv-go/bin/go)"))
    func go127StandardLibraryIsRead() throws {
        try Self.readStandardLibrary(try #require(Self.go127))
    }

    /// One test case per tree, so that they run in parallel.
    @Test(.enabled(if: otherTrees != nil, "runs only with GOSOURCE_GOROOTS=/path/a:/path/b"), arguments: otherTrees ?? [])
    func otherTreeIsRead(_ tree: Toolchain) throws {
        try Self.readStandardLibrary(tree)
    }

    static func readStandardLibrary(_ toolchain: Toolchain) throws {
        let root = try #require(Self.root(of: toolchain), "\(toolchain.name): go env GOROOT failed")
        // Debian links GOROOT/src elsewhere: walk the real directory.
        let src = URL(fileURLWithPath: root).appendingPathComponent("src").resolvingSymlinksInPath()
        let files = Self.goFiles(src)
        try #require(!files.isEmpty, "\(toolchain.name): no .go files under \(src.path)")
        var tally = Tally()
        let clock = ContinuousClock()
        for url in files {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let bytes = [UInt8](data)
            let started = clock.now
            let file = GoFile(path: url.path, source: bytes)
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let relative = String(url.path.dropFirst(src.path.count + 1))
            tally.files += 1
            tally.bytes += bytes.count
            tally.tokens += file.tokens.count
            tally.functions += file.functions.count
            tally.seconds += seconds
            if seconds > tally.slowest.seconds { tally.slowest = (seconds, relative) }
            if seconds > Self.timeBoundPerFile { tally.problems.append("\(relative): \(seconds) s") }
            let declared = file.functions.filter { !$0.isLiteral }.count
            let expected = Self.linesStartingWithFunc(bytes)
            if declared == expected {
                tally.agreeing += 1
            } else {
                tally.disagreements.append("\(relative): \(declared) read, \(expected) lines")
            }
            // Every function lies inside the file, and every literal inside its parent.
            for function in file.functions {
                let outer = function.parent.map { file.functions[$0].lines } ?? 1...max(1, file.lineCount)
                if !outer.contains(function.lines.lowerBound) || !outer.contains(function.lines.upperBound) {
                    tally.problems.append("\(relative): \(function.runtimeName) at lines \(function.lines), outside \(outer)")
                }
            }
        }
        let agreement = Double(tally.agreeing) / Double(max(tally.files, 1))
        print("""
            \(toolchain.name) at \(root): \(tally.files) files, \(tally.bytes / 1_000_000) MB, \(tally.tokens) tokens, \
            \(tally.functions) functions (literals included), read in \(String(format: "%.1f", tally.seconds)) s \
            (slowest \(String(format: "%.3f", tally.slowest.seconds)) s: \(tally.slowest.file)); declarations = lines \
            starting with `func ` in \(tally.agreeing) files (\(String(format: "%.1f", agreement * 100))%)
            """)
        for line in tally.disagreements.prefix(5) { print("  differs: \(line)") }
        #expect(tally.problems.isEmpty, "\(toolchain.name): \(tally.problems.prefix(20))")
        #expect(agreement >= Self.requiredAgreement, "\(toolchain.name): only \(tally.agreeing) of \(tally.files) files agree")
    }

    /// The shape checks on the largest file of generated SSA rewrite rules (about 1 MB,
    /// hundreds of functions, thousands of statements each): every pattern on a spread of its
    /// functions, each check within the time bound. A check may read the whole package (for
    /// AP3, where else a map is emptied), so this bounds its cost. One toolchain is enough.
    @Test(.enabled(if: !cases.isEmpty, "needs a Go toolchain: Go 1.19 (Debian's golang-go), Go 1.27 (.venv-go) or GOSOURCE_GOROOTS"))
    func checksOnTheLargestFilesStayFast() throws {
        let toolchain = try #require(Self.cases.first)
        let root = try #require(Self.root(of: toolchain), "\(toolchain.name): go env GOROOT failed")
        let src = URL(fileURLWithPath: root).appendingPathComponent("src").resolvingSymlinksInPath()
        let ssa = src.appendingPathComponent("cmd/compile/internal/ssa")
        let sized = Self.goFiles(ssa).filter { $0.lastPathComponent.hasPrefix("rewrite") }.compactMap { url in
            (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize).map { (url, $0) }
        }
        let largest = sized.sorted { $0.1 > $1.1 }.prefix(1).map(\.0)
        try #require(!largest.isEmpty, "\(toolchain.name): no rewrite*.go under \(ssa.path)")
        let clock = ContinuousClock()
        var slowest = (seconds: 0.0, what: "")
        var checks = 0
        for url in largest {
            let file = GoFile(path: url.lastPathComponent, source: [UInt8](try Data(contentsOf: url)))
            let checker = ShapeChecker(file: file)
            let step = max(1, file.functions.count / 3)
            for function in stride(from: 0, to: file.functions.count, by: step).map({ file.functions[$0] }) {
                for pattern in MapPattern.allCases {
                    let started = clock.now
                    _ = checker.check(pattern, function: function.runtimeName, hotLines: [HotLine(line: function.lines.lowerBound + 1)])
                    let elapsed = clock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    checks += 1
                    if seconds > slowest.seconds { slowest = (seconds, "\(pattern.rawValue) \(function.runtimeName) in \(url.lastPathComponent)") }
                }
            }
        }
        print("\(toolchain.name): \(checks) checks on \(largest.map(\.lastPathComponent)); slowest \(String(format: "%.2f", slowest.seconds)) s (\(slowest.what))")
        #expect(slowest.seconds < Self.timeBoundPerFile, "\(slowest)")
    }
}
