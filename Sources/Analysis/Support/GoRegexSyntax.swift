/// Go's regular expression syntax (RE2, as Go's regexp.Compile reads it), written as an ICU
/// pattern that means the same.
///
/// ICU accepts much that Go refuses (lookaround, atomic groups, backreferences, possessive
/// quantifiers, `\Z` and other escapes, `{1001}`, `\p{Alphabetic}`): a pattern Go refuses is
/// refused here with Go's message, so that proflens refuses what `go tool pprof` refuses. What Go
/// accepts is written so that ICU accepts it too (`\pL`, `(?U)`, `(?P<name>re)`, a `{` that
/// starts no repetition, octal `\101`) and reads it as Go does (`\d`, `\s`, `\w` and
/// `[[:alpha:]]` are ASCII; `[a&&b]` and `[a[b]]` are no set operations; `$` is the end of the
/// text). It reads patterns by the rules of Go 1.27's parser (regexp/syntax), as the fixture
/// of Go's own answers checks, but not its size and depth limits ("expression too large",
/// "nests too deeply"), which take thousands of characters.
struct GoRegexSyntax {
    /// The ICU pattern for a Go pattern, or Go's error.
    static func icuPattern(_ pattern: String) throws(GoRegex.SyntaxError) -> String {
        var parser = GoRegexSyntax(Array(pattern.unicodeScalars))
        return try parser.parse()
    }

    private struct Flags: Equatable {
        var foldCase = false, multiLine = false, dotNL = false
        /// `(?U)`: repetitions are lazy unless followed by `?`; ICU has no such flag.
        var nonGreedy = false

        /// The ICU flag group that sets these flags (ICU scopes them to the group, as Go does).
        var icu: String {
            let letters: [(set: Bool, letter: String)] = [(foldCase, "i"), (multiLine, "m"), (dotNL, "s")]
            let on = letters.filter { $0.set }.map(\.letter).joined(), off = letters.filter { !$0.set }.map(\.letter).joined()
            return "(?" + on + (off.isEmpty ? "" : "-" + off) + ")"
        }
        func sameForICU(_ other: Flags) -> Bool {
            foldCase == other.foldCase && multiLine == other.multiLine && dotNL == other.dotNL
        }
    }

    /// The expression a repetition applies to: where its text starts in `out`, the nested repeat
    /// count Go limits (`repeatIsValid`: `(a{100}){11}` repeats `a` 1100 times), and whether ICU
    /// needs it grouped before a repetition (`\b{2}`, or a second repetition that Go allows
    /// after a flag group: `a*(?i)*`).
    private struct Atom {
        var start: Int
        var repeats = 0
        var needsGroup = false
    }

    /// An open group: the state to restore at its `)`.
    private struct Group {
        var flags: Flags, icuFlags: Flags
        var repeats: Int
        var start: Int
    }

    private let s: [Unicode.Scalar]
    private var i = 0
    private var out: [String] = []
    private var flags = Flags()
    /// The flags ICU applies at the end of `out`, set before the next expression when `flags` differ.
    private var icuFlags = Flags()
    private var groups: [Group] = []
    /// The last expression of the current group, if a repetition may follow it (not after `(` or `|`).
    private var top: Atom?
    /// The largest nested repeat count of the current group's earlier expressions.
    private var repeats = 0
    /// Where the previous element started when it was a repetition (Go refuses `a**`, `a*+`).
    private var lastRepeat: Int?

    private init(_ scalars: [Unicode.Scalar]) { s = scalars }

    private mutating func parse() throws(GoRegex.SyntaxError) -> String {
        while i < s.count {
            var repeatStart: Int?
            switch s[i] {
            case "(":
                if i + 1 < s.count && s[i + 1] == "?" {
                    try parseGroupOpening()
                } else {
                    openGroup(capturing: true)
                    i += 1
                }
            case "|":
                finishTop()
                out.append("|")
                i += 1
            case ")":
                guard let group = groups.popLast() else { throw .go("unexpected )", text(0..<s.count)) }
                let inner = max(repeats, top?.repeats ?? 0)
                out.append(")")
                (flags, icuFlags, repeats) = (group.flags, group.icuFlags, group.repeats)
                top = Atom(start: group.start, repeats: inner)
                i += 1
            case "^":
                pushAssertion("^")
                i += 1
            case "$":
                // Go's `$` is the end of the text unless (?m); ICU's also matches before a final "\n".
                pushAssertion(flags.multiLine ? "$" : #"\z"#)
                i += 1
            case ".":
                pushExpression(".")
                i += 1
            case "[":
                pushExpression(try parseClass())
            case "*", "+", "?":
                repeatStart = i
                try repeatTop(String(s[i]), counts: nil, end: i + 1)
            case "{":
                guard let (min, max, end) = parseRepeatCount(at: i) else {
                    pushLiteral(s[i].value)  // not a repetition: a literal, as in Go
                    i += 1
                    break
                }
                if min < 0 || min > 1000 || max > 1000 || max >= 0 && min > max {
                    throw .go("invalid repeat count", text(i..<end))
                }
                repeatStart = i
                let icu = max == min ? "{\(min)}" : max < 0 ? "{\(min),}" : "{\(min),\(max)}"
                try repeatTop(icu, counts: (min, max), end: end)
            case "\\":
                try parseBackslash()
            default:
                pushLiteral(s[i].value)
                i += 1
            }
            lastRepeat = repeatStart
        }
        if !groups.isEmpty { throw .go("missing closing )", text(0..<s.count)) }
        return out.joined()
    }

    // MARK: Groups and flags

    private mutating func openGroup(capturing: Bool) {
        finishTop()
        groups.append(Group(flags: flags, icuFlags: icuFlags, repeats: repeats, start: out.count))
        repeats = 0
        // Names mean nothing to a match, and ICU spells them differently: every group is plain.
        out.append(capturing ? "(" : "(?:")
    }

    /// `(?P<name>`, `(?<name>`, `(?flags)` or `(?flags:` at `i` (Go's parsePerlFlags).
    private mutating func parseGroupOpening() throws(GoRegex.SyntaxError) {
        let startsWithP = s.count - i > 4 && s[i + 2] == "P" && s[i + 3] == "<"
        let startsWithName = s.count - i > 3 && s[i + 2] == "<"
        if startsWithP || startsWithName {
            guard let end = s[i...].firstIndex(of: ">") else { throw .go("invalid named capture", text(i..<s.count)) }
            let name = s[(i + (startsWithP ? 4 : 3))..<end]
            if name.isEmpty || !name.allSatisfy({ $0 == "_" || Self.isAlphanumeric($0) }) {
                throw .go("invalid named capture", text(i..<(end + 1)))
            }
            openGroup(capturing: true)
            i = end + 1
            return
        }
        var k = i + 2
        var newFlags = flags
        var on = true
        var sawFlag = false
        loop: while k < s.count {
            let c = s[k]
            k += 1
            switch c {
            case "i": newFlags.foldCase = on; sawFlag = true
            case "m": newFlags.multiLine = on; sawFlag = true
            case "s": newFlags.dotNL = on; sawFlag = true
            case "U": newFlags.nonGreedy = on; sawFlag = true
            case "-":
                if !on { break loop }
                on = false
                sawFlag = false
            case ":", ")":
                if !on && !sawFlag { break loop }
                if c == ":" { openGroup(capturing: false) }
                // ICU gets the flags before the group's next expression (see pushExpression).
                flags = newFlags
                i = k
                return
            default:
                break loop
            }
        }
        throw .go("invalid or unsupported Perl syntax", text(i..<k))
    }

    // MARK: Expressions

    private mutating func finishTop() {
        if let top { repeats = max(repeats, top.repeats) }
        top = nil
    }

    private mutating func push(_ atom: Atom) {
        finishTop()
        top = atom
    }

    /// An expression a repetition may apply to, after the flags it is read with.
    private mutating func pushExpression(_ icu: String, needsGroup: Bool = false) {
        if !flags.sameForICU(icuFlags) {
            out.append(flags.icu)
            icuFlags = flags
        }
        push(Atom(start: out.count, needsGroup: needsGroup))
        out.append(icu)
    }

    private mutating func pushAssertion(_ icu: String) { pushExpression(icu, needsGroup: true) }

    private mutating func pushLiteral(_ codePoint: UInt32) { pushExpression(Self.literal(codePoint)) }

    /// A literal for ICU, in or out of a class: letters and digits as they are, other ASCII
    /// escaped, everything else by number (no character is special, none is ignored).
    static func literal(_ codePoint: UInt32) -> String {
        guard let scalar = Unicode.Scalar(codePoint), scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F else {
            return #"\x{"# + String(codePoint, radix: 16, uppercase: true) + "}"
        }
        return isAlphanumeric(scalar) ? String(scalar) : "\\" + String(scalar)
    }

    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(c) || ("A"..."Z").contains(c) || ("a"..."z").contains(c)
    }

    // MARK: Repetitions

    /// Applies a repetition (`*`, `+`, `?`, `{n,m}`, the operator ending before `end`) to the
    /// last expression (Go's repeat).
    private mutating func repeatTop(_ icu: String, counts: (min: Int, max: Int)?, end: Int) throws(GoRegex.SyntaxError) {
        let start = i
        var after = end
        var lazy = false
        if after < s.count && s[after] == "?" {
            after += 1
            lazy = true
        }
        // Go has no possessive quantifiers (`a*+`) and refuses a doubled one (`a**`).
        if let lastRepeat { throw .go("invalid nested repetition operator", text(lastRepeat..<after)) }
        guard var atom = top else { throw .go("missing argument to repetition operator", text(start..<after)) }
        if let (min, max) = counts {
            // Go's repeatIsValid: `x{0}` repeats nothing, `x{n,}` counts n, and the counts of
            // nested repetitions multiply.
            let count = max < 0 ? min : max
            atom.repeats = max == 0 ? 0 : count == 0 ? atom.repeats : Swift.max(count, count * atom.repeats)
            if (min >= 2 || max >= 2) && atom.repeats > 1000 { throw .go("invalid repeat count", text(start..<after)) }
        }
        if atom.needsGroup {
            out.insert("(?:", at: atom.start)
            out.append(")")
        }
        out.append(icu + (lazy != flags.nonGreedy ? "?" : ""))
        atom.needsGroup = true
        top = atom
        i = after
    }

    /// `{n}`, `{n,}` or `{n,m}` at `index`: the counts (-1 for a number too large, `max` -1 for
    /// none) and where it ends; nil when it is not a repetition (Go's parseRepeat).
    private func parseRepeatCount(at index: Int) -> (min: Int, max: Int, end: Int)? {
        guard var (min, k) = parseInt(at: index + 1), k < s.count else { return nil }
        var max = min
        if s[k] == "," {
            k += 1
            guard k < s.count else { return nil }
            if s[k] == "}" {
                max = -1
            } else {
                guard let (value, next) = parseInt(at: k) else { return nil }
                (max, k) = (value, next)
                if max < 0 { min = -1 }
            }
        }
        guard k < s.count, s[k] == "}" else { return nil }
        return (min, max, k + 1)
    }

    /// A decimal number without leading zeros at `index`, -1 when too large, and where it ends.
    private func parseInt(at index: Int) -> (value: Int, end: Int)? {
        func digit(_ k: Int) -> Int? { k < s.count && ("0"..."9").contains(s[k]) ? Int(s[k].value) - 48 : nil }
        guard let first = digit(index) else { return nil }
        if first == 0 && digit(index + 1) != nil { return nil }
        var (value, k) = (0, index)
        while let d = digit(k) {
            if value >= 0 { value = value >= 100_000_000 ? -1 : value * 10 + d }
            k += 1
        }
        return (value, k)
    }

    // MARK: Escapes

    /// A backslash at `i` outside a class.
    private mutating func parseBackslash() throws(GoRegex.SyntaxError) {
        if i + 1 < s.count {
            switch s[i + 1] {
            case "A", "b", "B", "z":
                pushAssertion("\\" + String(s[i + 1]))
                i += 2
                return
            case "C":
                throw .go("invalid escape sequence", text(i..<(i + 2)))  // any byte: Go does not support it
            case "Q":
                // \Q...\E: literals, up to \E or the end.
                var k = i + 2
                while k < s.count && !(s[k] == "\\" && k + 1 < s.count && s[k + 1] == "E") {
                    pushLiteral(s[k].value)
                    k += 1
                }
                i = Swift.min(k + 2, s.count)
                return
            default:
                break
            }
        }
        if let (icu, end) = try parseUnicodeClass(at: i) ?? parsePerlClass(at: i) {
            pushExpression(icu)
            i = end
            return
        }
        let (codePoint, end) = try parseEscape(at: i)
        pushLiteral(codePoint)
        i = end
    }

    /// The character of an escape at `index` that is neither a class nor an assertion (Go's
    /// parseEscape): Go knows `\a \f \t \n \r \v`, octal `\0` and `\12` (`\1` alone would be a
    /// backreference), hex `\x41` and `\x{41}`, and any escaped ASCII punctuation.
    private func parseEscape(at index: Int) throws(GoRegex.SyntaxError) -> (UInt32, Int) {
        var t = index + 1
        guard t < s.count else { throw .go("trailing backslash at end of expression", "") }
        let c = s[t]
        t += 1
        func isOctal(_ k: Int) -> Bool { k < s.count && ("0"..."7").contains(s[k]) }
        switch c {
        case "0"..."7" where c == "0" || isOctal(t):
            var value = c.value - 48
            for _ in 1..<3 where isOctal(t) {
                value = value * 8 + s[t].value - 48
                t += 1
            }
            return (value, t)
        case "x":
            guard t < s.count else { break }
            let first = s[t]
            t += 1
            if first == "{" {
                var value: UInt32 = 0
                var digits = 0
                while t < s.count {
                    let next = s[t]
                    t += 1
                    if next == "}" {
                        if digits == 0 { break }
                        return (value, t)
                    }
                    guard let v = Self.hexValue(next) else { break }
                    value = value * 16 + v
                    if value > 0x10FFFF { break }
                    digits += 1
                }
                break
            }
            let second = t < s.count ? s[t] : nil
            if second != nil { t += 1 }
            guard let x = Self.hexValue(first), let y = second.flatMap(Self.hexValue) else { break }
            return (x * 16 + y, t)
        case "a": return (0x07, t)
        case "f": return (0x0C, t)
        case "n": return (0x0A, t)
        case "r": return (0x0D, t)
        case "t": return (0x09, t)
        case "v": return (0x0B, t)
        default:
            if c.isASCII && !Self.isAlphanumeric(c) { return (c.value, t) }
        }
        throw .go("invalid escape sequence", text(index..<t))
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f": c.value - 87
        case "A"..."F": c.value - 55
        default: nil
        }
    }

    // MARK: Classes

    /// `[...]` at `i` (Go's parseClass), as an ICU set of the same characters.
    private mutating func parseClass() throws(GoRegex.SyntaxError) -> String {
        let start = i
        var k = i + 1
        var icu = "["
        if k < s.count && s[k] == "^" {
            icu += "^"
            k += 1
        }
        var first = true  // a "]" first is a member
        while k == s.count || s[k] != "]" || first {
            first = false
            if s.count - k > 2 && s[k] == "[" && s[k + 1] == ":", let (set, end) = try parsePOSIXClass(at: k) {
                icu += set
                k = end
                continue
            }
            if let (set, end) = try parseUnicodeClass(at: k) ?? parsePerlClass(at: k, inClass: true) {
                icu += set
                k = end
                continue
            }
            let rangeStart = k
            let lo = try parseClassCharacter(at: &k, classStart: start)
            var hi = lo
            if s.count - k >= 2 && s[k] == "-" && s[k + 1] != "]" {
                k += 1
                hi = try parseClassCharacter(at: &k, classStart: start)
                if hi < lo { throw .go("invalid character class range", text(rangeStart..<k)) }
            }
            icu += Self.range(lo...hi)
        }
        i = k + 1
        return icu + "]"
    }

    private func parseClassCharacter(at k: inout Int, classStart: Int) throws(GoRegex.SyntaxError) -> UInt32 {
        guard k < s.count else { throw .go("missing closing ]", text(classStart..<s.count)) }
        if s[k] == "\\" {
            let (codePoint, end) = try parseEscape(at: k)
            k = end
            return codePoint
        }
        k += 1
        return s[k - 1].value
    }

    /// `[:alpha:]` at `index` inside a class; nil when no `:]` follows.
    private func parsePOSIXClass(at index: Int) throws(GoRegex.SyntaxError) -> (String, Int)? {
        var k = index + 2
        while k + 1 < s.count && !(s[k] == ":" && s[k + 1] == "]") { k += 1 }
        guard k + 1 < s.count else { return nil }
        let name = text(index..<(k + 2))
        guard let (ranges, negated) = GoRegexClasses.posix[name] else { throw .go("invalid character class range", name) }
        return (Self.set(ranges, negated: negated, inClass: true), k + 2)
    }

    /// `\d`, `\s`, `\w` or a negation at `index`.
    private func parsePerlClass(at index: Int, inClass: Bool = false) -> (String, Int)? {
        guard s.count - index >= 2, s[index] == "\\", let (ranges, negated) = GoRegexClasses.perl[s[index + 1]] else { return nil }
        return (Self.set(ranges, negated: negated, inClass: inClass), index + 2)
    }

    /// `\pL`, `\p{Greek}`, `\P{^Greek}` at `index` (Go's parseUnicodeClass).
    private func parseUnicodeClass(at index: Int) throws(GoRegex.SyntaxError) -> (String, Int)? {
        guard s.count - index >= 2, s[index] == "\\", s[index + 1] == "p" || s[index + 1] == "P" else { return nil }
        var positive = s[index + 1] == "p"
        let end: Int
        var name: String
        if index + 2 < s.count && s[index + 2] == "{" {
            guard let close = s[index...].firstIndex(of: "}") else {
                throw .go("invalid character class range", text(index..<s.count))
            }
            end = close + 1
            name = text((index + 3)..<close)
        } else {
            end = Swift.min(index + 3, s.count)
            name = text((index + 2)..<end)
        }
        if name.hasPrefix("^") {
            positive.toggle()
            name.removeFirst()
        }
        guard let (property, inverted) = GoRegexClasses.unicodeProperty(name) else {
            throw .go("invalid character class range", text(index..<end))
        }
        return ((positive != inverted ? #"\p{"# : #"\P{"#) + property + "}", end)
    }

    /// An ICU set of `ranges`; inside a class, the ranges themselves or a nested negated set.
    private static func set(_ ranges: GoRegexClasses.Ranges, negated: Bool, inClass: Bool) -> String {
        let members = ranges.map(range).joined()
        return inClass && !negated ? members : "[" + (negated ? "^" : "") + members + "]"
    }

    private static func range(_ range: ClosedRange<UInt32>) -> String {
        range.lowerBound == range.upperBound ? literal(range.lowerBound) : literal(range.lowerBound) + "-" + literal(range.upperBound)
    }

    private func text(_ range: Range<Int>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: s[range])
        return text
    }
}

extension GoRegex {
    /// A pattern Go's regexp refuses, with Go's message; or, rarely, one Go accepts and ICU,
    /// which runs it, refuses (`\p{Sidetic}` with an ICU older than Unicode 17).
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        /// Go's words, as regexp.Compile's error has them after "error parsing regexp: "; nil
        /// when Go accepts the pattern.
        public let goMessage: String?
        public let description: String

        static func go(_ code: String, _ expression: String) -> SyntaxError {
            let message = "\(code): `\(expression)`"
            return SyntaxError(goMessage: message, description: hint(code, expression).map { message + "; " + $0 } ?? message)
        }

        static func icu(_ icuPattern: String) -> SyntaxError {
            SyntaxError(goMessage: nil, description: "accepted by Go's regexp, but ICU refuses its translation \(icuPattern)")
        }

        /// What other engines have and Go does not, where Go's message does not say it.
        private static func hint(_ code: String, _ expression: String) -> String? {
            if expression.hasPrefix("(?<=") || expression.hasPrefix("(?<!") { return "Go's regexp has no lookbehind" }
            if expression == "(?=" || expression == "(?!" { return "Go's regexp has no lookahead" }
            if expression == "(?>" { return "Go's regexp has no atomic groups" }
            if code == "invalid escape sequence", ["\\1", "\\2", "\\3", "\\4", "\\5", "\\6", "\\7", "\\8", "\\9", "\\k", "\\g"].contains(expression) {
                return "Go's regexp has no backreferences"
            }
            if code == "invalid nested repetition operator" && expression.hasSuffix("+") { return "Go's regexp has no possessive quantifiers" }
            return nil
        }
    }
}
