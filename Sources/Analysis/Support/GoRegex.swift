import CRE2

/// A regular expression as Go's regexp reads and matches it: RE2 syntax over UTF-8, an
/// unanchored search (`regexp.MatchString`), or the whole text when anchored (as pprof anchors
/// drop_frames). RE2 runs it (Debian's libre2, through CRE2): matching takes time linear in the
/// text, whatever the pattern, as in Go. Compile once, match many: a GoRegex is shared by the
/// threads that match with it.
public struct GoRegex: Sendable {
    private let compiled: CompiledRE2
    /// The pattern as given.
    public let pattern: String

    /// Throws a `SyntaxError` for a pattern Go's regexp refuses.
    public init(_ pattern: String, anchored: Bool = false) throws {
        self.pattern = pattern
        // pprof anchors a pattern as `^(pattern)$`, in Go's syntax.
        let dialect = try GoRegexDialect(anchored ? "^(?:" + pattern + ")$" : pattern)
        compiled = CompiledRE2(dialect.re2)
        if let (code, expression) = compiled.error {
            throw SyntaxError.re2(code: code, expression: dialect.original(of: expression))
        }
    }

    public func matches(_ text: String) -> Bool {
        var text = text
        // Native strings are contiguous UTF-8 already: no copy.
        return text.withUTF8 { compiled.matches($0) }
    }
}

/// An RE2 object, freed with the last GoRegex that holds it. RE2 objects are safe to match with
/// from several threads at once (their state is guarded inside RE2).
private final class CompiledRE2: @unchecked Sendable {
    private let handle: OpaquePointer

    init(_ pattern: [UInt8]) {
        handle = pattern.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { proflens_re2_new($0.baseAddress, $0.count) }
        }
    }

    deinit { proflens_re2_free(handle) }

    /// RE2's error code and the part of the pattern it refused; nil when it compiled.
    var error: (code: Int32, expression: String)? {
        let code = proflens_re2_error_code(handle)
        return code == 0 ? nil : (code, String(cString: proflens_re2_error_arg(handle)))
    }

    func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.withMemoryRebound(to: CChar.self) { proflens_re2_partial_match(handle, $0.baseAddress, $0.count) }
    }
}
