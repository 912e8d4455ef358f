/// Where a Go frame comes from, judged by its package path: the runtime, sync, the rest of
/// the standard library, or the user's own code (whose first path element is a domain,
/// like github.com/..., or which is package main).
public enum FrameOrigin: String, Sendable, CaseIterable {
    case runtime, sync, standardLibrary, user, native

    public init(functionName name: String) {
        guard !name.isEmpty, !name.hasPrefix("["), name != "<unknown>" else {
            self = .native
            return
        }
        let package = FrameOrigin.packagePath(of: name)
        if package == "runtime" || package.hasPrefix("runtime/") || package.hasPrefix("internal/runtime") {
            self = .runtime
            return
        }
        if package == "sync" || package.hasPrefix("sync/") || package == "internal/sync" {
            self = .sync
            return
        }
        if package == "main" || package.hasPrefix("main.") {
            self = .user
            return
        }
        let firstElement = package.split(separator: "/", maxSplits: 1).first.map(String.init) ?? package
        if package.isEmpty || firstElement.contains(".") {
            self = .user
        } else if Self.looksNonGo(name) {
            // C++, JavaScript, Python and other non-Go names.
            self = .native
        } else {
            self = .standardLibrary
        }
    }

    /// C++ ("a::b"), JavaScript, Python and other names with spaces or bare parentheses.
    static func looksNonGo(_ name: String) -> Bool {
        var previous: UInt8 = 0
        var parenthesis = false
        for byte in name.utf8 {
            if byte == UInt8(ascii: " ") || (byte == UInt8(ascii: ":") && previous == UInt8(ascii: ":")) { return true }
            if byte == UInt8(ascii: "(") && previous != UInt8(ascii: ".") { parenthesis = true }
            previous = byte
        }
        return parenthesis
    }

    /// The import path of a Go function name: "net/http.(*Server).Serve" → "net/http",
    /// "github.com/a/b.F" → "github.com/a/b", "main.main" → "main".
    public static func packagePath(of name: String) -> String {
        let lastSlash = name.lastIndex(of: "/")
        let tail = lastSlash.map { name[name.index(after: $0)...] } ?? Substring(name)
        guard let dot = tail.firstIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }
}
