import Foundation

/// A regular expression with Go's (RE2) matching semantics for the patterns profiles and
/// users write: unanchored search by default, `^(...)$` when anchored.
public struct GoRegex: @unchecked Sendable {
    private let regex: NSRegularExpression
    /// Text every match must start with (from a pattern like `^runtime\.(a|b)`): a cheap test
    /// that spares the regular expression engine most names.
    private let requiredPrefix: String

    public init(_ pattern: String, anchored: Bool = false) throws {
        regex = try NSRegularExpression(pattern: anchored ? "^(?:" + pattern + ")$" : pattern)
        requiredPrefix = anchored ? "" : Self.literalPrefix(of: pattern)
    }

    public func matches(_ text: String) -> Bool {
        if !requiredPrefix.isEmpty && !text.hasPrefix(requiredPrefix) { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The literal text right after a leading `^`, up to the first special character; a
    /// character followed by a quantifier is not required, so it is left out.
    static func literalPrefix(of pattern: String) -> String {
        guard pattern.hasPrefix("^") else { return "" }
        var prefix: [Character] = []
        var characters = Array(pattern.dropFirst())[...]
        while let next = characters.first {
            if next == "\\", characters.count >= 2, let escaped = characters.dropFirst().first, "./-_()[]{}*+?|^$".contains(escaped) {
                prefix.append(escaped)
                characters = characters.dropFirst(2)
            } else if next.isLetter || next.isNumber || next == "/" || next == "_" || next == "-" {
                prefix.append(next)
                characters = characters.dropFirst()
            } else {
                if "*?{".contains(next), !prefix.isEmpty { prefix.removeLast() }
                break
            }
        }
        return hasTopLevelAlternative(pattern) ? "" : String(prefix)
    }

    /// Whether `a|b` alternation happens outside every group (then no prefix is required).
    static func hasTopLevelAlternative(_ pattern: String) -> Bool {
        var depth = 0
        var inClass = false
        var escaped = false
        for character in pattern {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass: depth -= 1
            case "|" where !inClass && depth == 0: return true
            default: break
            }
        }
        return false
    }
}
