/// The profiles go tool pprof reads besides profile.proto: Go's text profiles (`?debug=1`:
/// heap and allocs, goroutine, threadcreate, mutex, block), the legacy binary CPU profile, and
/// gperftools' and C++ text heap and contention profiles. pprof tries them when protobuf
/// decoding fails, in the order below; none of them decodes as protobuf (their first bytes are
/// not valid fields), so they are told apart by those first bytes before any decoding.
///
/// Each is read into the Profile pprof makes of it: addresses without names (pprof ignores the
/// names in the `#` comments; without the binary it shows `<unknown>`, or `[file]` where a
/// memory map names the mapping), and pprof's sample types, scaling and corrections.
enum LegacyProfile {
    enum Format {
        case cpu
        case heap(HeapTextProfile.Header)
        case count(type: String)
        case contention(ContentionTextProfile.Kind)
    }

    /// The format the input's first bytes (all of it, or at least its first line) are in.
    static func recognize(_ start: UnsafeRawBufferPointer) -> Format? {
        if LegacyCPUProfile.wordFormat(start) != nil { return .cpu }
        let bytes = start.assumingMemoryBound(to: UInt8.self)
        var next = 0
        // The lines in these bytes (the last one possibly cut), without their `\r`.
        func nextLine() -> TextBytes? {
            guard next < bytes.count else { return nil }
            let end = bytes[next...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer { next = end + 1 }
            let line = TextBytes(rebasing: bytes[next..<end])
            return line.last == UInt8(ascii: "\r") ? TextBytes(rebasing: line.dropLast()) : line
        }
        guard let first = nextLine() else { return nil }
        if let header = HeapTextProfile.header(first) { return .heap(header) }
        var line = first
        while GoText.isSpaceOrComment(line), let following = nextLine() { line = following }
        if let type = CountTextProfile.type(ofHeader: line) { return .count(type: type) }
        if let kind = ContentionTextProfile.kind(ofFirstLine: first) { return .contention(kind) }
        return nil
    }

    /// Reads a profile in `format` from `source` (its first piece included).
    static func read(_ format: Format, from source: @escaping PieceSource) throws -> Profile {
        switch format {
        case .cpu:
            var bytes: [UInt8] = []
            while let piece = try source() { bytes.append(contentsOf: piece) }
            do {
                return try bytes.withUnsafeBytes { try LegacyCPUProfile.read($0) }
            } catch let error as LegacyParseError {
                throw DecodeError.legacy(format: LegacyCPUProfile.formatName, at: "byte offset \(error.offset ?? 0)", reason: error.reason)
            }
        case .heap(let header): return try read(HeapTextProfile(header), from: source)
        case .count(let type): return try read(CountTextProfile(type: type), from: source)
        case .contention(let kind): return try read(ContentionTextProfile(kind), from: source)
        }
    }

    private static func read<Parser: LegacyTextProfile>(_ parser: Parser, from source: @escaping PieceSource) throws -> Profile {
        var parser = parser
        let lines = LineReader(source)
        do {
            while let line = try lines.next() { try parser.read(line) }
        } catch let error as LegacyParseError {
            throw DecodeError.legacy(format: parser.formatName, at: "line \(error.line ?? lines.number)", reason: error.reason)
        }
        return parser.finish()
    }
}

/// A text profile's reader: given each line in turn, then asked for the profile.
protocol LegacyTextProfile {
    /// The format's name, as errors give it.
    var formatName: String { get }
    mutating func read(_ line: TextBytes) throws(LegacyParseError)
    mutating func finish() -> Profile
}

extension HeapTextProfile: LegacyTextProfile {}
extension CountTextProfile: LegacyTextProfile {}
extension ContentionTextProfile: LegacyTextProfile {}
