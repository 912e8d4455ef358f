import Foundation
import Pprof

extension Profile {
    /// The profile with its drop_frames/keep_frames applied, as pprof applies them when it
    /// loads a profile (Profile.Prune): a location whose function matches drop_frames (and not
    /// keep_frames) is cut from stacks together with everything it calls, but never before the
    /// first frame, counted from the root, that does not match. A location matched below its
    /// outermost line keeps only the lines outside the match.
    public func applyingDropFrames() -> Profile {
        guard !dropFrames.isEmpty, let drop = try? GoRegex(dropFrames, anchored: true) else { return self }
        let keep = keepFrames.isEmpty ? nil : try? GoRegex(keepFrames, anchored: true)
        var result = self
        // Applied once: the result carries no drop_frames of its own.
        result.dropFrames = ""
        result.keepFrames = ""
        var pruneWhole = [Bool](repeating: false, count: locations.count)
        var pruneBeneath = [Bool](repeating: false, count: locations.count)
        var matchCache = [Bool?](repeating: nil, count: functions.count)
        for (index, location) in locations.enumerated() {
            let lines = self.lines(of: location)
            for (position, line) in lines.enumerated().reversed() {
                let function = Int(line.functionIndex)
                let name = FunctionNames.displayName(functions[function])
                if name.isEmpty { continue }
                let matched: Bool
                if let cached = matchCache[function] {
                    matched = cached
                } else {
                    let simple = Self.simplifiedFunctionName(name)
                    matched = drop.matches(simple) && !(keep?.matches(simple) ?? false)
                    matchCache[function] = matched
                }
                guard matched else { continue }
                pruneBeneath[index] = true
                if position == lines.count - 1 {
                    pruneWhole[index] = true
                } else {
                    // Lines are innermost first: keep those outside the match.
                    let removed = Int32(position + 1)
                    result.locations[index].lineStart += removed
                    result.locations[index].lineCount -= removed
                }
                break
            }
        }
        result.samples = samples.mapStacks { stack in
            var foundUserFrame = false
            var position = stack.endIndex - 1
            while position >= stack.startIndex {
                let location = Int(stack[position])
                if !pruneWhole[location] && !pruneBeneath[location] {
                    foundUserFrame = true
                } else if foundUserFrame {
                    return stack[(pruneWhole[location] ? position + 1 : position)...]
                }
                position -= 1
            }
            return stack
        }
        return result
    }

    /// A function name without its argument list, as pprof's simplifyFunc: "(anonymous
    /// namespace)" and "operator()" are not argument lists.
    static func simplifiedFunctionName(_ name: String) -> String {
        var text = Substring(name)
        if text.hasPrefix(".") { text.removeFirst() }
        var search = text.startIndex
        while let paren = text[search...].firstIndex(of: "(") {
            let rest = text[paren...]
            if rest.hasPrefix("(anonymous namespace)") {
                search = text.index(paren, offsetBy: "(anonymous namespace)".count)
            } else if text[..<paren].hasSuffix("operator"), rest.hasPrefix("()") {
                search = text.index(paren, offsetBy: 2)
            } else {
                return String(text[..<paren])
            }
        }
        return String(text)
    }
}

extension SampleTable {
    /// The same samples, in order, with each stack (leaf first) replaced by `transform`'s
    /// result, or dropped where it returns nil. Values and labels follow. `transform` runs
    /// once per distinct stack.
    /// `keepSample`, when given, can drop samples one by one (by their labels, say).
    func mapStacks(keepSample: ((Int) -> Bool)? = nil, _ transform: (ArraySlice<UInt32>) -> ArraySlice<UInt32>?) -> SampleTable {
        let mapped = (0..<stackCount).map { transform(stack($0)) }
        var result = SampleTable()
        result.valueCount = valueCount
        for sample in 0..<count {
            guard let stack = mapped[Int(sampleStacks[sample])], keepSample?(sample) ?? true else { continue }
            result.append(stack: stack, values: values[sample * valueCount..<(sample + 1) * valueCount], labels: labels(of: sample))
        }
        return result
    }
}

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
