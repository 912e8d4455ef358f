/// Text from a server or an argument, made safe for one line of an error message.
enum Escaping {
    /// The longest excerpt of a body that a message quotes, in characters.
    static let excerptLength = 160

    /// Control characters become escapes (`\t`, `\n`, `\r`, `\x1b`, `\u{85}`), so that a
    /// message stays on one line and a server cannot drive the terminal.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                result += "\\x" + hex(scalar.value, digits: 2)
            case "\u{80}"..."\u{9F}", "\u{2028}", "\u{2029}":
                result += "\\u{" + hex(scalar.value, digits: 1) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The first non-blank line of a body, decoded as UTF-8 (invalid bytes become U+FFFD),
    /// trimmed, cut to `excerptLength` characters and escaped. Nil when there is none.
    static func firstLine(_ bytes: ArraySlice<UInt8>) -> String? {
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let line = String(decoding: rawLine, as: UTF8.self)
                .trimmed(Set(" \t\r\u{FEFF}"))
            if line.isEmpty { continue }
            if line.count > excerptLength { return oneLine(String(line.prefix(excerptLength))) + "…" }
            return oneLine(line)
        }
        return nil
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension String {
    fileprivate func trimmed(_ characters: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
