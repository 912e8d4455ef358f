import Pprof

/// Escaping for SVG (XML) and HTML text and attribute values. Profile strings are untrusted:
/// every one that reaches a document goes through here (the flame graph's, and the HTML
/// report's through its `HTMLWriter`), so a frame named `</text><script>alert(1)</script>`
/// stays text, and a name reads the same in a graph's frame and in the page around it.
public enum Markup {
    public static func escape(_ text: String) -> String {
        // Most names need nothing: printable ASCII without a character XML gives a meaning.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "&") && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">")
                                  && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += " "
            default:
                // XML 1.0 forbids most control characters and U+FFFE/U+FFFF; bytes that were
                // not UTF-8 in the profile have no character either.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF || ProfileText.isEscapedByte(scalar) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate with two decimals at most, the same text on every machine.
    static func number(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
