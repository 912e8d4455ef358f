import Analysis
import Reports

/// Writes what a use case returned, the one way every command writes: each output in order
/// (a file appears only when complete, see `OutputFile`; the first that cannot be written
/// stops the run with an `OutputError`), then the notes on standard error.
public enum ResultWriter {
    /// Writes `result`; returns its exit status (0, or 1 for findings at `--fail-on`).
    public static func write(_ result: CommandResult) throws -> Int32 {
        for output in result.outputs { try write(output) }
        for note in result.notes { Messages.standardError.note(note) }
        return ExitStatus.code(for: result.verdict)
    }

    static func write(_ output: CommandOutput) throws {
        let (path, onTerminal) = try resolve(output.destination)
        var size = 0
        do {
            try OutputFile.stream(to: path) { write in
                func counting(_ piece: UnsafeRawBufferPointer) throws {
                    try write(piece)
                    size += piece.count
                }
                switch output.content {
                case .bytes(let bytes): try bytes.withUnsafeBytes { try counting($0) }
                case .stream(let produce): try produce(counting)
                }
            }
        } catch let error as OutputError {
            throw error
        } catch {
            // What made the output failed (compressing it, say): it was not written.
            throw OutputError(description: "\(path): cannot write: \(error)")
        }
        if onTerminal { Messages.standardError.note("wrote \(path)") }
        if let note = output.noteAfterWriting?(size) { Messages.standardError.note(note) }
    }

    /// The path to write (standard output is "-"), and whether it is the file markup goes to
    /// in place of a terminal; binary output for a terminal is a usage error, found here, as
    /// the output is opened (not among the options, whose checks are of their shape only).
    package static func resolve(_ destination: CommandOutput.Destination,
                                standardOutputIsTerminal: Bool = OutputFile.standardOutputIsTerminal) throws(UsageError) -> (path: String, onTerminal: Bool) {
        switch destination {
        case .file(let path): return (path, false)
        case .markup(let path?, _): return (path, false)
        case .markup(nil, let terminalFile):
            return standardOutputIsTerminal ? (terminalFile, true) : ("-", false)
        case .binary(let path, let refusal):
            if path == "-" && standardOutputIsTerminal { throw UsageError(refusal) }
            return (path, false)
        }
    }
}
