import Reports

/// Where a run's lines for standard error go: as it runs (a URL being fetched, where a fetched
/// profile was saved, a filter that matched nothing) and once it has written its outputs. The
/// tool writes them to standard error; a test collects them.
public struct Messages: Sendable {
    /// Takes one line, without its newline.
    public let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardError = Messages { line in
        _ = OutputFile.writeAll(Array((line + "\n").utf8), to: 2)
    }

    /// "proflens: note", on one line.
    public func note(_ text: String) { write("proflens: " + text.replacingNewlines()) }

    /// What go tool pprof says before it fetches a URL.
    public func fetching(_ name: String) { write("Fetching profile over HTTP from \(name)") }
}

extension String {
    /// Text for standard error goes on one line whatever the profile's strings hold.
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
