/// One thing a command writes: where it goes and what it is.
public struct CommandOutput {
    public enum Destination: Equatable, Sendable {
        /// A file, or standard output for "-".
        case file(String)
        /// Markup (an SVG or HTML page): the file named, else standard output, unless that is a
        /// terminal, where markup does not belong: then `terminalFile`, said on standard error.
        case markup(String?, terminalFile: String)
        /// Binary data (a pprof profile): the file named, or standard output for "-", unless that
        /// is a terminal, where it does not belong: then a usage error saying `terminalRefusal`.
        case binary(String, terminalRefusal: String)

        public static let standardOutput = Destination.file("-")
    }

    public enum Content {
        case bytes([UInt8])
        /// Made as it is written, a piece at a time, to the writer it is given: output too large
        /// to hold at once (folded stacks, traces, a merged profile).
        case stream((_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void)
    }

    public let destination: Destination
    public let content: Content
    /// What to say on standard error once the output is written, from the number of bytes
    /// written (merge --pgo: how much smaller the profile became).
    public let noteAfterWriting: ((_ size: Int) -> String?)?

    public init(_ destination: Destination, _ content: Content, noteAfterWriting: ((_ size: Int) -> String?)? = nil) {
        self.destination = destination
        self.content = content
        self.noteAfterWriting = noteAfterWriting
    }

    /// The content whole (a stream is made into memory).
    public func bytes() throws -> [UInt8] {
        switch content {
        case .bytes(let bytes): return bytes
        case .stream(let produce):
            var bytes: [UInt8] = []
            try produce { bytes.append(contentsOf: $0) }
            return bytes
        }
    }
}
