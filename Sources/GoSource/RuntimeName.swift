/// A function name as Go's runtime prints it in profiles, split into its package and the part
/// that names the function inside the package:
///
///     example.com/app/cache.(*LRU[...]).Get   ->  package "cache", local "(*LRU[...]).Get"
///     main.main.func1.2                        ->  package "main",  local "main.func1.2"
///     gopkg.in/yaml%2ev3.Marshal               ->  package "yaml.v3", local "Marshal"
///
/// Two names match when their local parts are equal. The package is not compared: a profile
/// names the import path's last element, which need not be the `package` clause's name, and the
/// caller already knows which file the function is in.
///
/// Compiler-made wrappers stand for the source function whose lines they carry: a method value
/// `(*T).M-fm` for `(*T).M`, a range-over-func body `f-range1` for `f` (Go 1.23+), and the
/// `go`/`defer` wrappers `f.gowrap1`, `f.deferwrap1` for `f` (Go 1.22+).
struct RuntimeName: Equatable {
    let package: String
    let local: String

    init?(_ name: String) {
        // "main.f (inline)" and similar annotations.
        var name = Substring(name)
        if let space = name.firstIndex(of: " ") { name = name[..<space] }
        let normalized = Self.collapsingTypeArguments(String(name))
        let afterPath = normalized.lastIndex(of: "/").map { normalized[normalized.index(after: $0)...] } ?? Substring(normalized)
        guard let dot = afterPath.firstIndex(of: ".") else { return nil }
        package = afterPath[..<dot].replacingOccurrences(of: "%2e", with: ".")
        var local = String(afterPath[afterPath.index(after: dot)...])
        // Closures in package-level initializers: `glob..func1` up to Go 1.21, `init.func1` after.
        if local.hasPrefix("glob..") { local = "init." + local.dropFirst("glob..".count) }
        local = Self.strippingWrappers(local)
        guard !local.isEmpty else { return nil }
        self.local = local
    }

    /// `(*T).M-fm` -> `(*T).M`, `f-range1-range2` -> `f`, `main.gowrap3` -> `main`.
    static func strippingWrappers(_ local: String) -> String {
        var name = Substring(local)
        while true {
            if name.hasSuffix("-fm") {
                name = name.dropLast(3)
            } else if let dash = name.lastIndex(of: "-"), name[name.index(after: dash)...].hasPrefix("range"),
                      name[name.index(dash, offsetBy: 6)...].allSatisfy(\.isNumber) {
                name = name[..<dash]
            } else if let dot = name.lastIndex(of: "."), let wrapper = ["gowrap", "deferwrap"].first(where: { name[name.index(after: dot)...].hasPrefix($0) }),
                      name[name.index(dot, offsetBy: 1 + wrapper.count)...].allSatisfy(\.isNumber) {
                name = name[..<dot]
            } else {
                return String(name)
            }
        }
    }

    func matches(_ other: RuntimeName) -> Bool { local == other.local }

    /// `Map[go.shape.int,string]` -> `Map[...]`: profiles print type arguments in several ways.
    static func collapsingTypeArguments(_ name: String) -> String {
        var out = ""
        var depth = 0
        for character in name {
            if character == "[" {
                if depth == 0 { out += "[...]" }
                depth += 1
            } else if character == "]" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                out.append(character)
            }
        }
        return out
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = ""
        var rest = self
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty, count >= target.count else { return nil }
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(target) { return start..<index(start, offsetBy: target.count) }
            start = index(after: start)
        }
        return nil
    }
}
