import Pprof

/// Profile strings made safe for text meant for people (summaries, findings, comparisons):
/// bytes that were not valid UTF-8 become U+FFFD, and so do control characters (a frame name
/// must not move the cursor, recolour the terminal or split a line) and the bidirectional
/// overrides that can make text read differently from what it is. The pprof-exact reports do
/// not use this: they print a profile's bytes as `go tool pprof` does.
public enum TerminalText {
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacement) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(needsReplacement(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(scalars)
    }

    static func needsReplacement(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value) || ProfileText.isEscapedByte(scalar)
    }
}
