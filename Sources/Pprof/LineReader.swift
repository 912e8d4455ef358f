/// Where a legacy profile's bytes come from, a piece at a time (the file being read, the
/// stream being inflated): each piece is valid until the next call; nil at the end.
typealias PieceSource = () throws -> UnsafeRawBufferPointer?

/// Splits bytes arriving in pieces into lines as Go's bufio.Scanner does for pprof: at `\n`,
/// without a carriage return before it, the last line without its `\n`; a line of more than
/// 65535 bytes is an error (the scanner's 64 KiB buffer), so that no line is held longer.
/// Only a line cut by the end of a piece is copied.
final class LineReader {
    static let maxLineLength = 65535
    private let source: PieceSource
    private var piece = UnsafeRawBufferPointer(start: nil, count: 0)
    private var offset = 0
    private var ended = false
    /// The start of a line whose end is in a later piece.
    private let carry = UnsafeMutablePointer<UInt8>.allocate(capacity: LineReader.maxLineLength)
    private var carried = 0
    /// The number of the last line returned (1 for the first).
    private(set) var number = 0

    init(_ source: @escaping PieceSource) {
        self.source = source
    }

    deinit { carry.deallocate() }

    /// The next line (valid until the next call), nil after the last.
    func next() throws -> TextBytes? {
        while true {
            if offset < piece.count {
                let bytes = piece.bindMemory(to: UInt8.self)
                let rest = TextBytes(rebasing: bytes[offset...])
                guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                    try keep(rest)
                    offset = piece.count
                    continue
                }
                let end = offset + newline
                let line = TextBytes(rebasing: bytes[offset..<end])
                offset = end + 1
                if carried == 0 {
                    try checkLength(line.count)
                    return finish(line)
                }
                try keep(line)
                return finish(takeCarried())
            }
            if ended { return nil }
            if let next = try source() {
                piece = next
                offset = 0
                continue
            }
            ended = true
            return carried > 0 ? finish(takeCarried()) : nil
        }
    }

    private func keep(_ bytes: TextBytes) throws {
        try checkLength(carried + bytes.count)
        if let base = bytes.baseAddress { (carry + carried).update(from: base, count: bytes.count) }
        carried += bytes.count
    }

    private func takeCarried() -> TextBytes {
        defer { carried = 0 }
        return TextBytes(start: carry, count: carried)
    }

    private func checkLength(_ length: Int) throws {
        if length > Self.maxLineLength {
            throw LegacyParseError("it is longer than \(Self.maxLineLength) bytes", line: number + 1)
        }
    }

    private func finish(_ line: TextBytes) -> TextBytes {
        number += 1
        if line.last == UInt8(ascii: "\r") { return TextBytes(rebasing: line.dropLast()) }
        return line
    }
}
