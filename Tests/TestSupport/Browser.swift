import Foundation

/// Headless Chromium (Debian package `chromium`) loading a local page: the document after its
/// scripts ran (`--dump-dom`, with virtual time so timers and the load event have run) and
/// every console message the page produced (`--enable-logging=stderr`), or a screenshot.
/// Tests that need it are enabled only when it is installed (`Browser.isInstalled`), so that
/// without it they are reported as skipped, never as passed.
public enum Browser {
    public static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/local/bin/chromium"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether Chromium is here; prints a notice when it is not.
    public static var isInstalled: Bool {
        if executable == nil { print("notice: chromium not installed; browser tests skipped") }
        return executable != nil
    }

    public struct Page {
        /// The serialized DOM after the scripts ran.
        public var dom: String
        /// The page's console messages (errors, CSP violations, uncaught exceptions, logs).
        public var console: [String]
        public var status: Int32
    }

    public struct NotInstalled: Error {}

    public static func load(_ file: URL, query: String = "", virtualTime: Int = 3000) throws -> Page {
        let url = file.absoluteString + (query.isEmpty ? "" : "?" + query)
        let (status, out, err) = try run(["--dump-dom", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=\(virtualTime)", url])
        // Chromium logs a page's console as "[...:INFO:CONSOLE:12] "message", source: ...".
        let console = err.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Page(dom: out, console: console, status: status)
    }

    public static func screenshot(_ file: URL, to output: URL, width: Int, height: Int) throws -> Int32 {
        try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(output.path)", file.absoluteString]).0
    }

    static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        guard let executable else { throw NotInstalled() }
        let manager = FileManager.default
        let scratch = manager.temporaryDirectory.appendingPathComponent("proflens-browser-\(UUID().uuidString)")
        try manager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: scratch) }
        // A profile of its own: tests may run beside other Chromium instances.
        let result = try Subprocess.run(executable, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                     "--user-data-dir=\(scratch.appendingPathComponent("profile").path)"] + arguments)
        return (result.status, result.stdout, result.stderr)
    }
}
