import ArgumentParser
import Findings
import Pipeline
import Reports

#if canImport(Glibc)
import Glibc
#endif

/// The one place where errors become a line on stderr and a documented exit code:
/// 0 ok; 1 findings at or above --fail-on; 64 usage; 65 malformed profile; 66 input not found
/// or unreachable; 73 output cannot be written.
enum ExitStatus {
    static let findings: Int32 = 1
    static let usage: Int32 = 64
    static let malformed: Int32 = 65
    static let unreadable: Int32 = 66
    static let cannotWrite: Int32 = 73

    /// The exit code of one of the libraries' errors; nil for the argument parser's own (help,
    /// validation, an explicit exit code), which it reports itself.
    static func code(for error: Error) -> Int32? {
        switch error {
        case let error as PipelineError:
            switch error {
            case .usage: return usage
            case .unreadable: return unreadable
            case .malformed, .incompatible: return malformed
            }
        case is OutputError: return cannotWrite
        case let error as RuleSet.LoadError:
            switch error {
            case .unreadable: return unreadable
            case .invalid: return usage
            }
        case is UsageError: return usage
        default: return nil
        }
    }

    /// Writes "proflens: message" on one line to stderr.
    static func report(_ error: Error) {
        let message = "proflens: " + String(describing: error).replacingNewlines() + "\n"
        _ = OutputFile.writeAll(Array(message.utf8), to: 2)
    }
}

/// A combination of options a command cannot honour, found after parsing.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// Error text goes on one line whatever the profile's strings hold.
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
