import Dispatch
import Foundation

/// A regular expression with Go's (RE2) matching semantics for the patterns profiles and
/// users write: unanchored search by default, `^(...)$` when anchored. The pattern is read in
/// Go's syntax (GoRegexSyntax): what Go's regexp refuses is refused, with Go's message.
///
/// ICU, which runs it, backtracks: a pattern with repetitions can take exponential time on
/// some names (`(.*)*(.*)*Q`, `(a|aa)*$`) or quadratic time on very long ones (`.*Q` on a
/// name of 100,000 characters), where Go's RE2 is linear. So a pattern with a repetition
/// operator matches under a time limit: a match that runs longer than `matchTimeLimit` is
/// abandoned, the expression is marked (`exceededTimeLimit`), and from then on it matches
/// nothing. Callers that can refuse the pattern check the mark (the pipeline's filters: a
/// usage error); the others get no match, and never hang.
public struct GoRegex: @unchecked Sendable {
    private let regex: NSRegularExpression
    /// Text every match must start with (from a pattern like `^runtime\.(a|b)`): a cheap test
    /// that spares the regular expression engine most names.
    private let requiredPrefix: String
    /// Whether the pattern can backtrack at length (it has `*`, `+`, `?` or `{`): only those
    /// pay for the time limit's progress callbacks.
    private let isTimed: Bool
    private let limit = MatchLimit()
    /// The pattern as given.
    public let pattern: String

    /// The longest a single match may run, in seconds.
    public static let matchTimeLimit = 0.5

    /// Throws a `SyntaxError` for a pattern Go's regexp refuses.
    public init(_ pattern: String, anchored: Bool = false) throws {
        self.pattern = pattern
        // pprof anchors a pattern as `^(pattern)$`, in Go's syntax.
        let icu = try GoRegexSyntax.icuPattern(anchored ? "^(?:" + pattern + ")$" : pattern)
        do {
            // Go's empty expression matches everywhere; ICU refuses an empty pattern.
            regex = try NSRegularExpression(pattern: icu.isEmpty ? "(?:)" : icu)
        } catch {
            throw SyntaxError.icu(icu)
        }
        requiredPrefix = anchored ? "" : Self.literalPrefix(of: pattern)
        isTimed = pattern.contains { "*+?{".contains($0) }
    }

    /// Whether a match was abandoned for running longer than `matchTimeLimit`.
    public var exceededTimeLimit: Bool { limit.exceeded }

    public func matches(_ text: String) -> Bool {
        if !requiredPrefix.isEmpty && !text.hasPrefix(requiredPrefix) { return false }
        let range = NSRange(text.startIndex..., in: text)
        guard isTimed else { return regex.firstMatch(in: text, range: range) != nil }
        if limit.exceeded { return false }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.matchTimeLimit * 1e9)
        var found = false
        var calls = 0
        // With .reportProgress ICU calls back at every start position and every few thousand
        // steps of a long match; the clock is read every 64 calls.
        regex.enumerateMatches(in: text, options: .reportProgress, range: range) { result, _, stop in
            if result != nil {
                found = true
                stop.pointee = true
                return
            }
            calls &+= 1
            if calls & 63 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                limit.markExceeded()
                stop.pointee = true
            }
        }
        return found
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

/// Whether an expression's match ran out of time; shared by the copies of a GoRegex.
private final class MatchLimit: @unchecked Sendable {
    private let lock = NSLock()
    private var _exceeded = false

    var exceeded: Bool { lock.withLock { _exceeded } }
    func markExceeded() { lock.withLock { _exceeded = true } }
}
