/// A Go pattern written for Debian's RE2 (2022-06-01). Go's regexp/syntax is RE2's syntax, and
/// RE2 reads almost every pattern as Go 1.27 does; where they part, the pattern is rewritten
/// (or refused with Go's message) here:
/// - `(?<name>re)`, Go's spelling since 1.22, becomes `(?P<name>re)`, the one this RE2 knows;
/// - `\C` (any byte in RE2) is refused, as Go refuses it;
/// - `\p{name}` takes Go's names (GoRegexClasses): `\p{greek}`, `\p{Letter}`, `\p{ASCII}`, …;
/// - a repeat count of ten digits or more is refused, as Go does (RE2 reads it as literal text).
/// Everything else reaches RE2 unchanged. One pattern with two errors may be refused for
/// another one of them than Go names, when one of them is a case above.
struct GoRegexDialect {
    /// The pattern RE2 compiles (UTF-8).
    private(set) var re2: [UInt8] = []
    /// For each byte of `re2` and its end, the offset in the Go pattern it was written from.
    private var origin: [Int] = []
    private let go: [UInt8]

    init(_ pattern: String) throws(GoRegex.SyntaxError) {
        go = Array(pattern.utf8)
        var reader = Reader(go)
        while let next = reader.peek() {
            let start = reader.index, written = re2.count
            if next == UInt8(ascii: "\\") {
                try escape(&reader)
            } else if reader.inClass {
                reader.classCharacter()
            } else if next == UInt8(ascii: "(") && reader.startsWith("(?<") && reader.remaining > 3 {
                try namedCapture(&reader)
            } else if next == UInt8(ascii: "{") {
                try repeatCount(&reader)
            } else {
                reader.outsideCharacter()
            }
            // What was not rewritten is RE2's as it is.
            if re2.count == written { copy(start..<reader.index) }
        }
        origin.append(go.count)
    }

    /// The part of the Go pattern that `fragment`, a part of `re2` (RE2 names what it refused),
    /// was written from.
    func original(of fragment: String) -> String {
        let bytes = Array(fragment.utf8)
        if re2 == go || bytes.isEmpty { return fragment }
        guard let start = (0...(re2.count - bytes.count)).first(where: { re2[$0..<$0 + bytes.count].elementsEqual(bytes) }) else {
            return fragment
        }
        return String(decoding: go[origin[start]..<origin[start + bytes.count]], as: UTF8.self)
    }

    private mutating func copy(_ range: Range<Int>) {
        re2.append(contentsOf: go[range])
        origin.append(contentsOf: range)
    }

    /// Writes `text` in place of the Go pattern's `range`.
    private mutating func write(_ text: String, for range: Range<Int>) {
        re2.append(contentsOf: text.utf8)
        origin.append(contentsOf: repeatElement(range.lowerBound, count: text.utf8.count))
    }

    private mutating func escape(_ reader: inout Reader) throws(GoRegex.SyntaxError) {
        let start = reader.index
        reader.skip(1)
        guard let letter = reader.peek() else { return }   // a trailing `\`: RE2 refuses it as Go does
        switch letter {
        case UInt8(ascii: "C"):
            throw .go("invalid escape sequence", "\\C")
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            reader.skip(1)
            try unicodeClass(&reader, negated: letter == UInt8(ascii: "P"), start: start)
        case UInt8(ascii: "Q") where !reader.inClass:
            reader.skip(to: "\\E")
        case UInt8(ascii: "x") where reader.startsWith("x{"):
            reader.skip(to: "}")
        default:
            reader.skip(1)
        }
    }

    /// `\pL`, `\p{Greek}`, `\p{^Greek}`, `\P{…}`, read by Go's names.
    private mutating func unicodeClass(_ reader: inout Reader, negated: Bool, start: Int) throws(GoRegex.SyntaxError) {
        var name: String
        if reader.peek() == UInt8(ascii: "{") {
            guard let end = reader.offset(of: "}") else {
                throw .go("invalid character class range", reader.text(start..<go.count))
            }
            name = reader.text(reader.index + 1..<end)
            reader.skip(end + 1 - reader.index)
        } else {
            guard reader.peek() != nil else { return }   // `\p` at the end: RE2 refuses it as Go does
            reader.skipScalar()
            name = reader.text(start + 2..<reader.index)
        }
        var negated = negated
        if name.hasPrefix("^") {
            negated.toggle()
            name.removeFirst()
        }
        let sequence = reader.text(start..<reader.index)
        guard let goClass = GoRegexClasses.lookup(name) else { throw .go("invalid character class range", sequence) }
        switch goClass {
        case .named(let re2Name):
            write((negated ? "\\P{" : "\\p{") + re2Name + "}", for: start..<reader.index)
        case .written(let members, let complement):
            let written: String?
            if reader.inClass {
                written = negated ? complement : members
            } else if let inside = negated ? complement : members {
                written = "[" + inside + "]"
            } else {
                written = (negated ? members : complement).map { "[^" + $0 + "]" }
            }
            guard let written else {
                throw .unsupported("\(sequence) inside a bracket class: RE2 cannot write it there; write it outside the brackets (\(sequence)|[…])")
            }
            write(written, for: start..<reader.index)
        }
    }

    /// `(?<name>` (anything after `(?<`, as Go reads it): `(?P<name>` when the name is valid.
    private mutating func namedCapture(_ reader: inout Reader) throws(GoRegex.SyntaxError) {
        let start = reader.index
        guard let end = reader.offset(of: ">") else {
            throw .go("invalid named capture", reader.text(start..<go.count))
        }
        let name = go[start + 3..<end]
        let isValid = !name.isEmpty && name.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
        guard isValid else { throw .go("invalid named capture", reader.text(start..<end + 1)) }
        write("(?P<" + reader.text(start + 3..<end + 1), for: start..<end + 1)
        reader.skip(end + 1 - start)
    }

    /// `{n}`, `{n,}`, `{n,m}`: a number Go's parser stops at (10 digits or more, without a
    /// leading zero) makes the repetition invalid in Go.
    private mutating func repeatCount(_ reader: inout Reader) throws(GoRegex.SyntaxError) {
        let start = reader.index
        reader.skip(1)
        guard let end = reader.offset(of: "}") else { return }
        let numbers = go[start + 1..<end].split(separator: UInt8(ascii: ","), maxSplits: 1, omittingEmptySubsequences: false)
        let isNumber = { (digits: ArraySlice<UInt8>) in
            !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                && !(digits.count > 1 && digits.first == UInt8(ascii: "0"))
        }
        guard isNumber(numbers[0]), numbers.count == 1 || numbers[1].isEmpty || isNumber(numbers[1]) else { return }
        if numbers.contains(where: { $0.count >= 10 }) {
            throw .go("invalid repeat count", reader.text(start..<end + 1))
        }
    }
}

/// Walks a Go pattern's bytes, knowing whether it is inside a bracket class.
private struct Reader {
    let bytes: [UInt8]
    private(set) var index = 0
    private(set) var inClass = false
    /// Where the current class's members start: a `]` there is a member (`[]a]`, `[^]a]`).
    private var classStart = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - index }
    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
    func startsWith(_ text: String) -> Bool { bytes[index...].starts(with: text.utf8) }
    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The offset of the next `byte` from here, nil when there is none.
    func offset(of byte: Character) -> Int? { bytes[index...].firstIndex(of: byte.asciiValue!) }

    mutating func skip(_ count: Int) { index = min(index + count, bytes.count) }

    /// Past the next `text` (`\E`, `}`), or to the end.
    mutating func skip(to text: String) {
        let needle = Array(text.utf8)
        while index < bytes.count && !bytes[index...].starts(with: needle) { index += 1 }
        skip(needle.count)
    }

    /// One whole UTF-8 scalar.
    mutating func skipScalar() {
        index += 1
        while index < bytes.count && bytes[index] & 0xC0 == 0x80 { index += 1 }
    }

    mutating func outsideCharacter() {
        if bytes[index] == UInt8(ascii: "[") {
            inClass = true
            index += 1
            if peek() == UInt8(ascii: "^") { index += 1 }
            classStart = index
        } else {
            index += 1
        }
    }

    mutating func classCharacter() {
        if startsWith("[:"), let end = bytes[(index + 2)...].firstRange(of: Array(":]".utf8)) {
            index = end.upperBound
        } else {
            if bytes[index] == UInt8(ascii: "]") && index > classStart { inClass = false }
            index += 1
        }
    }
}
