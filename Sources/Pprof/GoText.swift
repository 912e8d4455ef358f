/// Bytes of a line of a text profile (a view into a piece being read: valid until the next line).
typealias TextBytes = UnsafeBufferPointer<UInt8>

/// The small text rules go tool pprof reads the legacy text profiles by, on bytes: Go's
/// strings.TrimSpace and strconv's integers, and the lines that pprof skips or stops at.
enum GoText {
    /// The range of `text` without leading and trailing white space as Go's strings.TrimSpace
    /// sees it: ASCII's tab, newline, vertical tab, form feed, carriage return and space, and
    /// Unicode's spaces (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
    /// U+3000), as UTF-8.
    static func trimSpace(_ text: TextBytes) -> Range<Int> {
        var start = 0, end = text.count
        while start < end {
            let width = spaceWidth(text, at: start, end: end)
            if width == 0 { break }
            start += width
        }
        while end > start {
            let width = spaceWidthBefore(text, end: end, start: start)
            if width == 0 { break }
            end -= width
        }
        return start..<end
    }

    static func trimmed(_ text: TextBytes) -> TextBytes { TextBytes(rebasing: text[trimSpace(text)]) }

    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// The length of the white space character starting at `index`, 0 when there is none.
    private static func spaceWidth(_ text: TextBytes, at index: Int, end: Int) -> Int {
        let byte = text[index]
        if byte < 0x80 { return isASCIISpace(byte) ? 1 : 0 }
        for width in 2...3 where index + width <= end && isUnicodeSpace(text, index, width) { return width }
        return 0
    }

    /// The length of the white space character ending at `end`, 0 when there is none.
    private static func spaceWidthBefore(_ text: TextBytes, end: Int, start: Int) -> Int {
        let byte = text[end - 1]
        if byte < 0x80 { return isASCIISpace(byte) ? 1 : 0 }
        for width in 2...3 where end - width >= start && isUnicodeSpace(text, end - width, width) { return width }
        return 0
    }

    private static func isUnicodeSpace(_ text: TextBytes, _ index: Int, _ width: Int) -> Bool {
        let a = text[index], b = text[index + 1]
        if width == 2 { return a == 0xC2 && (b == 0x85 || b == 0xA0) }
        let c = text[index + 2]
        switch (a, b) {
        case (0xE1, 0x9A): return c == 0x80  // U+1680
        case (0xE2, 0x80): return (0x80...0x8A).contains(c) || c == 0xA8 || c == 0xA9 || c == 0xAF  // U+2000–U+200A, U+2028, U+2029, U+202F
        case (0xE2, 0x81): return c == 0x9F  // U+205F
        case (0xE3, 0x80): return c == 0x80  // U+3000
        default: return false
        }
    }

    /// pprof skips blank lines and lines starting with `#` (after white space).
    static func isSpaceOrComment(_ line: TextBytes) -> Bool {
        let range = trimSpace(line)
        return range.isEmpty || line[range.lowerBound] == UInt8(ascii: "#")
    }

    /// The lines after which pprof reads a memory map.
    static func isMemoryMapSentinel(_ line: TextBytes) -> Bool {
        firstIndex(of: memoryMapLine, in: line, from: 0) != nil || firstIndex(of: mappedLibrariesLine, in: line, from: 0) != nil
    }

    private static let memoryMapLine = Array("--- Memory map: ---".utf8)
    private static let mappedLibrariesLine = Array("MAPPED_LIBRARIES:".utf8)

    static func hasPrefix(_ text: TextBytes, _ prefix: String) -> Bool {
        var index = 0
        for byte in prefix.utf8 {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
        }
        return true
    }

    static func firstIndex(of part: String, in text: TextBytes, from start: Int) -> Int? {
        firstIndex(of: Array(part.utf8), in: text, from: start)
    }

    static func firstIndex(of part: [UInt8], in text: TextBytes, from start: Int) -> Int? {
        guard let first = part.first else { return nil }
        var index = start
        while index + part.count <= text.count {
            if text[index] == first {
                var offset = 1
                while offset < part.count && text[index + offset] == part[offset] { offset += 1 }
                if offset == part.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// Text for a message (invalid UTF-8 shown as U+FFFD).
    static func string(_ text: TextBytes) -> String { String(decoding: text, as: UTF8.self) }

    /// Text kept in a profile: its bytes, valid UTF-8 or not (see ProfileText).
    static func profileString(_ text: TextBytes) -> String { ProfileText.decode(text) }

    /// A line as an error message quotes it: in backquotes, cut after 60 characters, control
    /// characters shown as U+FFFD (the message stays one line).
    static func quoted(_ line: TextBytes) -> String {
        let text = String(String.UnicodeScalarView(string(line).unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : $0
        }))
        return "`" + (text.count > 60 ? text.prefix(60) + "…" : text) + "`"
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func hexValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// strconv.ParseInt(text, 10, 64): an optional sign and decimal digits; nil when it is not
    /// one or does not fit.
    static func decimalInt64(_ text: TextBytes) -> Int64? {
        integer(text, literal: false)
    }

    /// strconv.ParseInt(text, 0, 64): a Go integer literal — an optional sign, then `0x`, `0o`
    /// or `0b` (or a leading `0`: octal) before the digits, and underscores between digits.
    static func goInt64(_ text: TextBytes) -> Int64? {
        integer(text, literal: true)
    }

    private static func integer(_ text: TextBytes, literal: Bool) -> Int64? {
        var digits = text[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard let magnitude = unsigned(digits, literal: literal) else { return nil }
        if negative {
            guard magnitude <= UInt64(1) << 63 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude < UInt64(1) << 63 else { return nil }
        return Int64(magnitude)
    }

    private static func unsigned(_ number: Slice<TextBytes>, literal: Bool) -> UInt64? {
        guard let first = number.first else { return nil }
        var digits = number
        var base: UInt64 = 10
        if literal && first == UInt8(ascii: "0") {
            if digits.count >= 3, let prefixed = prefixBase(digits[digits.startIndex + 1]) {
                base = prefixed
                digits = digits.dropFirst(2)
            } else {
                base = 8
                digits = digits.dropFirst()
            }
        }
        var value: UInt64 = 0
        var underscores = false
        for byte in digits {
            if byte == UInt8(ascii: "_") && literal {
                underscores = true
                continue
            }
            guard let digit = hexValue(byte), digit < base else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: base)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            if overflow || carry { return nil }
            value = sum
        }
        if underscores && !underscoresBetweenDigits(number) { return nil }
        return value
    }

    private static func prefixBase(_ letter: UInt8) -> UInt64? {
        switch letter | 0x20 {
        case UInt8(ascii: "x"): return 16
        case UInt8(ascii: "o"): return 8
        case UInt8(ascii: "b"): return 2
        default: return nil
        }
    }

    /// Go's rule for underscores in a literal: each between two digits, a base prefix
    /// counting as a digit.
    private static func underscoresBetweenDigits(_ number: Slice<TextBytes>) -> Bool {
        enum Last { case start, digit, underscore, other }
        var last = Last.start
        var rest = number
        var hex = false
        if number.count >= 2, number.first == UInt8(ascii: "0"), let base = prefixBase(number[number.startIndex + 1]) {
            rest = number.dropFirst(2)
            last = .digit
            hex = base == 16
        }
        for byte in rest {
            if isDigit(byte) || (hex && hexValue(byte) != nil) {
                last = .digit
            } else if byte == UInt8(ascii: "_") {
                if last != .digit { return false }
                last = .underscore
            } else {
                if last == .underscore { return false }
                last = .other
            }
        }
        return last != .underscore
    }

    /// strconv.ParseUint(text, 16, 64) of hex digits (no prefix); nil when it does not fit.
    static func hexUInt64(_ text: TextBytes) -> UInt64? {
        guard !text.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in text {
            guard let digit = hexValue(byte), value >> 60 == 0 else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// The addresses a stack's text holds: every `0x` followed by lower-case hex digits, left
    /// to right, as pprof finds them (its parseHexAddresses); a number over 64 bits is an error.
    static func hexAddresses(_ text: TextBytes, into addresses: inout [UInt64]) throws(LegacyParseError) {
        var index = 0
        while index + 2 < text.count {
            guard text[index] == UInt8(ascii: "0"), text[index + 1] == UInt8(ascii: "x"), isLowerHex(text[index + 2]) else {
                index += 1
                continue
            }
            var end = index + 2
            var value: UInt64 = 0
            var overflow = false
            while end < text.count && isLowerHex(text[end]) {
                if value >> 60 != 0 { overflow = true }
                value = value << 4 | hexValue(text[end])!
                end += 1
            }
            if overflow {
                throw LegacyParseError("\(string(TextBytes(rebasing: text[index..<end]))) does not fit in 64 bits")
            }
            addresses.append(value)
            index = end
        }
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    /// Go's int64(x) of a float64 on amd64: truncation, and the most negative value for NaN and
    /// for what does not fit (where Swift would trap).
    static func int64(_ value: Double) -> Int64 {
        guard value.isFinite, value >= -0x1p63, value < 0x1p63 else { return Int64.min }
        return Int64(value)
    }
}

/// What is wrong with a legacy profile: why, and the line (nil: the line being read, which
/// the reader adds) or the byte offset of a binary profile.
struct LegacyParseError: Error {
    var reason: String
    var line: Int?
    var offset: Int?
    init(_ reason: String, line: Int? = nil, offset: Int? = nil) {
        self.reason = reason
        self.line = line
        self.offset = offset
    }
}

/// A position in a line, moved over what the line's shape says comes next.
struct TextCursor {
    let text: TextBytes
    var position: Int

    init(_ text: TextBytes, at position: Int = 0) {
        self.text = text
        self.position = position
    }

    var isAtEnd: Bool { position >= text.count }
    var current: UInt8? { position < text.count ? text[position] : nil }

    /// Moves over `literal` if it comes next.
    mutating func take(_ literal: String) -> Bool {
        var index = position
        for byte in literal.utf8 {
            guard index < text.count, text[index] == byte else { return false }
            index += 1
        }
        position = index
        return true
    }

    /// Moves over the bytes for which `included` holds; returns them (possibly none).
    @discardableResult
    mutating func run(_ included: (UInt8) -> Bool) -> Range<Int> {
        let start = position
        while position < text.count && included(text[position]) { position += 1 }
        return start..<position
    }

    mutating func spaces() { run { $0 == UInt8(ascii: " ") } }

    /// One or more decimal digits, with a minus sign before them when `signed` and one is there.
    mutating func digits(signed: Bool = false) -> Range<Int>? {
        let start = position
        if signed && current == UInt8(ascii: "-") { position += 1 }
        if run(GoText.isDigit).isEmpty {
            position = start
            return nil
        }
        return start..<position
    }

    func bytes(_ range: Range<Int>) -> TextBytes { TextBytes(rebasing: text[range]) }
}
