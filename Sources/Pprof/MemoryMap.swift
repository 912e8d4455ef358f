/// The memory map that may follow a legacy profile's samples, read line by line as go tool
/// pprof reads it: /proc/self/maps lines (`start-end perms offset dev inode file`) or the brief
/// form (`start-end file (@offset) build-id`), a logging prefix (`I0101 … file.cc:42] `)
/// dropped, non-executable entries skipped, and `name=value` lines (not mappings) defining
/// `$name` for the lines after them. Other lines are ignored.
struct MemoryMapReader {
    private(set) var mappings: [Mapping] = []
    /// `$name` and its value, in the order defined: the first definition of a name is the one
    /// used, as Go's strings.Replacer does.
    private var attributes: [(name: [UInt8], value: [UInt8])] = []
    private var scratch = LinePattern.Scratch()

    mutating func read(_ line: TextBytes) throws(LegacyParseError) {
        var line = line
        // (Only a line with a `]` can have a logging prefix.)
        if line.contains(UInt8(ascii: "]")), let prefix = Self.loggingPrefix.match(line, scratch: &scratch), let end = prefix[0]?.upperBound {
            line = TextBytes(rebasing: line[end...])
        }
        if attributes.isEmpty {
            read(substituted: line)
        } else {
            let substituted = try substitute(line)
            substituted.withUnsafeBufferPointer { read(substituted: $0) }
        }
    }

    private mutating func read(substituted line: TextBytes) {
        switch entry(line) {
        case .mapping(let mapping): mappings.append(mapping)
        case .notExecutable: break
        case .unrecognized:
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { return }
            let name = [UInt8(ascii: "$")] + GoText.trimmed(TextBytes(rebasing: line[..<equals]))
            attributes.append((name, Array(GoText.trimmed(TextBytes(rebasing: line[(equals + 1)...])))))
        }
    }

    private enum Entry {
        case mapping(Mapping)
        case notExecutable
        case unrecognized
    }

    private mutating func entry(_ line: TextBytes) -> Entry {
        // Both shapes start with white space and a hex digit (after an optional 0x).
        guard let first = line.first(where: { !ByteClass.space.contains($0) }), ByteClass.hexDigit.contains(first) else {
            return .unrecognized
        }
        let start, end, permissions, offset, file: Range<Int>?
        var buildID: Range<Int>?
        if let match = Self.procMapsLine.match(line, scratch: &scratch) {
            (start, end, permissions, offset, file) = (match[1], match[2], match[3], match[4], match[5])
        } else if let match = Self.briefLine.match(line, scratch: &scratch) {
            (start, end, permissions, file, offset, buildID) = (match[1], match[2], match[3], match[4], match[5], match[6])
        } else {
            return .unrecognized
        }
        func text(_ range: Range<Int>?) -> TextBytes { range.map { TextBytes(rebasing: line[$0]) } ?? TextBytes(start: nil, count: 0) }
        if !text(permissions).isEmpty && !text(permissions).contains(UInt8(ascii: "x")) { return .notExecutable }
        var mapping = Mapping()
        guard let low = GoText.hexUInt64(text(start)), let high = GoText.hexUInt64(text(end)) else { return .unrecognized }
        mapping.memoryStart = low
        mapping.memoryLimit = high
        if !text(offset).isEmpty {
            guard let value = GoText.hexUInt64(text(offset)) else { return .unrecognized }
            mapping.fileOffset = value
        }
        mapping.filename = GoText.profileString(text(file))
        mapping.buildID = GoText.profileString(text(buildID))
        return .mapping(mapping)
    }

    /// The line with each `$name` replaced by its value, left to right: at each `$`, the first
    /// defined name that starts there. A line whose replacing would compare more than 64 bytes
    /// per byte of it (names that mostly match, over and over) is refused: no memory map needs
    /// that, and its time would grow as the square of the line.
    private func substitute(_ line: TextBytes) throws(LegacyParseError) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(line.count)
        var budget = 64 * line.count + 4096
        var index = 0
        next: while index < line.count {
            if line[index] == UInt8(ascii: "$") {
                for (name, value) in attributes {
                    var same = 0
                    while same < name.count && index + same < line.count && name[same] == line[index + same] { same += 1 }
                    budget -= same + 1
                    if budget < 0 { throw LegacyParseError("its $name substitutions are too many to make") }
                    if same == name.count {
                        result += value
                        index += name.count
                        continue next
                    }
                }
            }
            result.append(line[index])
            index += 1
        }
        return result
    }

    // The shapes of the lines, as pprof's patterns give them (Go regexp syntax in comments).

    private static let bracket = ByteClass(Array("[]".utf8))
    private static let permission = ByteClass(Array("-rwxp".utf8))

    /// `^[^\[\]]+:[0-9]+]\s`: a glog prefix, up to the first bracket.
    private static let loggingPrefix = LinePattern([
        .oneOrMore(ByteClass { !bracket.contains($0) }),
    ] + LinePattern.Piece.literal(":") + [.oneOrMore(.digit)] + LinePattern.Piece.literal("]") + [
        .bytes(.space, min: 1, max: 1),
    ])

    /// `\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?`
    private static let addressRange: [LinePattern.Piece] = [
        .zeroOrMore(.space), .optional(LinePattern.Piece.literal("0x")), .capture(1, [.oneOrMore(.hexDigit)]),
        .zeroOrOne(ByteClass(Array("\t\n\u{0C}\r -".utf8))), .zeroOrMore(.space),
        .optional(LinePattern.Piece.literal("0x")), .capture(2, [.oneOrMore(.hexDigit)]), .zeroOrOne(ByteClass([UInt8(ascii: ":")])),
    ]

    /// `^` range `(?:\s+([-rwxp]+))?(?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))?`
    private static let procMapsLine = LinePattern(addressRange + [
        .optional([.oneOrMore(.space), .capture(3, [.oneOrMore(permission)])]),
        .optional([.oneOrMore(.space), .capture(4, [.oneOrMore(.hexDigit)])]),
        .oneOrMore(.space), .oneOrMore(.hexDigit),
    ] + LinePattern.Piece.literal(":") + [
        .oneOrMore(.hexDigit), .oneOrMore(.space), .oneOrMore(.digit),
        .optional([.oneOrMore(.space), .capture(5, [.oneOrMore(.notSpace)])]),
    ])

    /// `^` range `(?:\s+([-rwxp]+))?(?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))?`
    private static let briefLine = LinePattern(addressRange + [
        .optional([.oneOrMore(.space), .capture(3, [.oneOrMore(permission)])]),
        .optional([.oneOrMore(.space), .capture(4, [.oneOrMore(.notSpace)])]),
        .optional([.oneOrMore(.space)] + LinePattern.Piece.literal("(@") + [.capture(5, [.oneOrMore(.hexDigit)])]
                  + LinePattern.Piece.literal(")")),
        .optional([.oneOrMore(.space), .capture(6, [.oneOrMore(.hexDigit)])]),
    ])
}

extension MemoryMapReader {
    /// pprof's corrections to a memory map as read: pieces of one mapping split over adjacent
    /// lines become one, and the first mapping that looks like the program (a file that is not
    /// a shared library or `[special]`) is moved first.
    static func massaged(_ read: [Mapping]) -> [Mapping] {
        var mappings: [Mapping] = []
        for mapping in read {
            if var last = mappings.last, adjacent(last, mapping) {
                last.memoryLimit = mapping.memoryLimit
                if !mapping.filename.isEmpty { last.filename = mapping.filename }
                if !mapping.buildID.isEmpty { last.buildID = mapping.buildID }
                mappings[mappings.count - 1] = last
            } else {
                mappings.append(mapping)
            }
        }
        if let main = mappings.firstIndex(where: looksLikeProgram) { mappings.swapAt(0, main) }
        return mappings
    }

    /// Two lines of one mapping: the same file and build id (where both name one), the
    /// second starting where the first ends, at the file offset that follows (where both
    /// give one).
    private static func adjacent(_ first: Mapping, _ second: Mapping) -> Bool {
        if !first.filename.isEmpty && !second.filename.isEmpty && first.filename != second.filename { return false }
        if !first.buildID.isEmpty && !second.buildID.isEmpty && first.buildID != second.buildID { return false }
        if first.memoryLimit != second.memoryStart { return false }
        if first.fileOffset != 0 && second.fileOffset != 0 {
            return first.fileOffset &+ (first.memoryLimit &- first.memoryStart) == second.fileOffset
        }
        return true
    }

    private static func looksLikeProgram(_ mapping: Mapping) -> Bool {
        let name = ProfileText.rawBytes(mapping.filename).replacing(Array("(deleted)".utf8), with: [UInt8]())
        let file = name.withUnsafeBufferPointer { Array(GoText.trimmed($0)) }
        guard let first = file.first else { return false }
        return !isSharedLibrary(file) && first != UInt8(ascii: "[")
    }

    /// A name ending in `.so`, or with `.so.` or `.so_` and a digit in it.
    private static func isSharedLibrary(_ file: [UInt8]) -> Bool {
        let so = Array(".so".utf8)
        if file.count >= 3 && file.suffix(3).elementsEqual(so) { return true }
        var index = 0
        while index + 4 < file.count {
            if file[index..<index + 3].elementsEqual(so), file[index + 3] == UInt8(ascii: ".") || file[index + 3] == UInt8(ascii: "_"),
               GoText.isDigit(file[index + 4]) {
                return true
            }
            index += 1
        }
        return false
    }
}
