/// Names what an input is when it is not a pprof profile, from its first bytes: the page a
/// server answered instead, a Go execution trace, a JFR recording, Go's text profiles (which
/// `go tool pprof` reads and proflens does not). Asked only after decoding failed.
enum InputSniffer {
    /// How many leading bytes it reads.
    static let length = 64

    static func whatItIs(_ start: [UInt8]) -> String? {
        guard !start.isEmpty else { return nil }
        let text = String(decoding: start, as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") || lower.hasPrefix("<head") || lower.hasPrefix("<body") {
            return "it is an HTML page"
        }
        if start.starts(with: Array("FLR\0".utf8)) { return "it is a Java Flight Recorder (JFR) recording" }
        if trimmed.hasPrefix("go 1."), trimmed.prefix(16).contains(" trace") {
            return "it is a Go execution trace (/debug/pprof/trace); open it with go tool trace"
        }
        if start.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "it is an executable (ELF)" }
        let goText: [(String, String)] = [
            ("heap profile:", "heap"), ("goroutine profile: total", "goroutine"), ("--- mutex:", "mutex"),
            ("--- contention:", "block"), ("--- threadcreate", "threadcreate"),
        ]
        if let (_, kind) = goText.first(where: { trimmed.hasPrefix($0.0) }) {
            return "it is Go's text \(kind) profile (?debug=1), which proflens does not read; fetch it without debug=1"
        }
        if trimmed.hasPrefix("goroutine ") && trimmed.contains(" [") { return "it is a goroutine dump (?debug=2), which proflens does not read; fetch it without debug=2" }
        if lower.hasPrefix("<?xml") { return "it is an XML document" }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { if isText(start) { return "it is a JSON document" } }
        if isText(start) { return "it is a text file" }
        return nil
    }

    /// Printable UTF-8 with ordinary whitespace (a cut-off last character is allowed).
    private static func isText(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        var replacements = 0
        for scalar in text.unicodeScalars {
            if scalar == "\u{FFFD}" { replacements += 1; continue }
            if scalar.value < 0x20 && scalar != "\n" && scalar != "\r" && scalar != "\t" { return false }
            if scalar.value == 0x7F { return false }
        }
        return replacements <= 1
    }
}
