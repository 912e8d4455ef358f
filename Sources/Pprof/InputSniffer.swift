/// Names what an input is when it is not a pprof profile, from its first bytes: the page a
/// server answered instead, a Go execution trace, a JFR recording, a goroutine dump, the
/// legacy profiles `go tool pprof` reads and proflens does not (threadz, Java's), a text
/// profile whose header pprof would not read. Asked only after decoding failed, and after the
/// legacy profiles proflens reads were not recognized.
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
        if isJavaCPUProfile(start) {
            return "it is a Java CPU profile in the legacy binary format, which go tool pprof reads and proflens does not"
        }
        let notRead: [(String, String)] = [
            ("--- threadz ", "a threadz profile"), ("--- Thread ", "a threadz profile"), ("--- heapz 1 ---", "a Java heap profile"),
        ]
        if let (_, kind) = notRead.first(where: { trimmed.hasPrefix($0.0) }) {
            return "it is \(kind), which go tool pprof reads and proflens does not"
        }
        // The text profiles proflens reads, with a first line that is not a header pprof reads.
        if trimmed.hasPrefix("heap profile:") {
            return "it starts like a text heap profile, but its first line is not a header go tool pprof reads"
        }
        if let type = trimmed.split(separator: " ", maxSplits: 1).first, trimmed.dropFirst(type.count).hasPrefix(" profile: total") {
            return "it starts like Go's text \(type) profile (?debug=1), but its first line is not a header go tool pprof reads"
        }
        if trimmed.hasPrefix("goroutine ") && trimmed.contains(" [") { return "it is a goroutine dump (?debug=2), which proflens does not read; fetch it without debug=2" }
        if lower.hasPrefix("<?xml") { return "it is an XML document" }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { if isText(start) { return "it is a JSON document" } }
        if isText(start) { return "it is a text file" }
        return nil
    }

    /// The legacy binary CPU profile's header with a third word of 1 (0, 3, 1, period, 0).
    private static func isJavaCPUProfile(_ bytes: [UInt8]) -> Bool {
        for size in [4, 8] {
            for bigEndian in [false, true] {
                guard bytes.count >= 5 * size else { continue }
                let words = (0..<5).map { index in
                    (0..<size).reduce(UInt64(0)) { value, byte in
                        let at = index * size + (bigEndian ? byte : size - 1 - byte)
                        return value << 8 | UInt64(bytes[at])
                    }
                }
                if words[0] == 0 && words[1] == 3 && words[2] == 1 && words[3] > 0 && words[4] == 0 { return true }
            }
        }
        return false
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
