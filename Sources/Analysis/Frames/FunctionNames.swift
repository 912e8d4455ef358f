import Pprof

/// Function names as `go tool pprof` shows them. Its symbolization step (run by default on
/// every profile) fills an empty name from the system name, and simplifies a name that looks
/// like demangled C++ (contains "::", "<", ">", "[" or "]") by removing its "(...)" and
/// "<...>" groups, unless it looks like Java ("class.<init>") or Go generics ("(*T[...]).M").
///
/// Not done: demangling of still-mangled C++/Rust symbols (`_Z...`, `_R...`); no profile in the
/// corpus carries one.
public enum FunctionNames {
    public static func displayName(_ function: Function) -> String {
        if !function.name.isEmpty && function.name != function.systemName { return function.name }
        let name = function.systemName
        guard looksLikeDemangledCPlusPlus(name) else { return name }
        return removeMatching(removeMatching(name, open: UInt8(ascii: "("), close: UInt8(ascii: ")")),
                              open: UInt8(ascii: "<"), close: UInt8(ascii: ">"))
    }

    static func looksLikeDemangledCPlusPlus(_ name: String) -> Bool {
        if contains(name, ".<") || contains(name, "]).") { return false }
        return contains(name, "::") || name.utf8.contains { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
    }

    /// `name.contains(needle)`: byte for byte when the name is ASCII (the same answer, without
    /// the thousands of instructions of Foundation's Unicode-aware search), else Foundation's.
    static func contains(_ name: String, _ needle: String) -> Bool {
        let bytes = name.utf8
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return name.contains(needle) }
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return pattern.isEmpty }
        return bytes.withContiguousStorageIfAvailable { text in
            var start = 0
            while start + pattern.count <= text.count {
                if text[start] == first && text[start..<start + pattern.count].elementsEqual(pattern) { return true }
                start += 1
            }
            return false
        } ?? name.contains(needle)
    }

    /// Removes balanced `open...close` groups, nested ones whole. An unbalanced `close` stops
    /// the work and keeps what was removed so far.
    static func removeMatching(_ name: String, open: UInt8, close: UInt8) -> String {
        var bytes = Array(name.utf8)
        var nesting = 0
        var first = 0
        var current = 0
        while current < bytes.count {
            let byte = bytes[current]
            if byte == open {
                nesting += 1
                if nesting == 1 { first = current }
            } else if byte == close {
                nesting -= 1
                if nesting < 0 { break }
                if nesting == 0 {
                    bytes.removeSubrange(first...current)
                    current = first
                    continue
                }
            }
            current += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
