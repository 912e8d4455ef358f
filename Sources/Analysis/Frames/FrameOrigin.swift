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
        // A Go name always has a package; one without ("gcWriteBarrier", "aeshashbody",
        // "indexbytebody") is an assembly routine of the runtime.
        if package.isEmpty && !Self.containsDot(name) && !Self.looksNonGo(name) {
            self = .runtime
            return
        }
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
        let firstElement = Self.firstPathElement(package)
        if Self.looksNonGo(name) {
            // C++, JavaScript, Python and other non-Go names.
            self = .native
        } else if Self.standardLibraryRoots.contains(firstElement) {
            self = .standardLibrary
        } else {
            // Any other import path is a module's: github.com/..., or a module named
            // without a dot ("myservice/internal/cache").
            self = .user
        }
    }

    /// `name.contains(".")`, by bytes when the name is ASCII.
    static func containsDot(_ name: String) -> Bool {
        let bytes = name.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.contains(UInt8(ascii: ".")) }
        return name.contains(".")
    }

    /// The import path up to its first "/" (the whole path when it has none).
    static func firstPathElement(_ package: String) -> String {
        let bytes = package.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // As split(separator:): empty elements (leading slashes) do not count.
            let trimmed = bytes.drop { $0 == UInt8(ascii: "/") }
            if trimmed.isEmpty { return package }
            let end = trimmed.firstIndex(of: UInt8(ascii: "/")) ?? trimmed.endIndex
            return String(package[trimmed.startIndex..<end])
        }
        return package.split(separator: "/", maxSplits: 1).first.map(String.init) ?? package
    }

    /// The first elements of the standard library's import paths (Go 1.19 to 1.24).
    static let standardLibraryRoots: Set<String> = [
        "archive", "bufio", "bytes", "cmp", "compress", "container", "context", "crypto", "database",
        "debug", "embed", "encoding", "errors", "expvar", "flag", "fmt", "go", "hash", "html", "image",
        "index", "internal", "io", "iter", "log", "maps", "math", "mime", "net", "os", "path", "plugin",
        "reflect", "regexp", "runtime", "slices", "sort", "strconv", "strings", "structs", "sync",
        "syscall", "testing", "text", "time", "unicode", "unique", "unsafe", "vendor", "weak",
    ]

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
        // ASCII (every Go name): bytes are characters, and bytes are what is cheap to scan.
        let bytes = name.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            let tailStart = bytes.lastIndex(of: UInt8(ascii: "/")).map(bytes.index(after:)) ?? bytes.startIndex
            guard let dot = bytes[tailStart...].firstIndex(of: UInt8(ascii: ".")) else { return "" }
            return String(name[..<dot])
        }
        let lastSlash = name.lastIndex(of: "/")
        let tail = lastSlash.map { name[name.index(after: $0)...] } ?? Substring(name)
        guard let dot = tail.firstIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }
}
