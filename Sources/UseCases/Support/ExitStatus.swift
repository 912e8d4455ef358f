import Analysis
import Findings
import Pipeline
import Reports

/// The one place where a run's end becomes a documented exit code: 0 ok; 1 findings at or
/// above --fail-on; 64 usage; 65 malformed profile; 66 input not found or unreachable; 73
/// output cannot be written. An error is told as one line on stderr.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let findings: Int32 = 1
    public static let usage: Int32 = 64
    public static let malformed: Int32 = 65
    public static let unreadable: Int32 = 66
    public static let cannotWrite: Int32 = 73

    public static func code(for verdict: Verdict) -> Int32 {
        switch verdict {
        case .pass: return ok
        case .findingsAtFailOn: return findings
        }
    }

    /// The exit code of one of the libraries' errors; nil for any other (the argument parser's
    /// own, help, validation and explicit exit codes, which it reports itself).
    public static func code(for error: Error) -> Int32? {
        switch error {
        case is UsageError: return usage
        case let error as PipelineError:
            switch error {
            case .unreadable: return unreadable
            case .malformed, .incompatible: return malformed
            }
        case is RuleSet.LoadError: return unreadable
        case is OutputError: return cannotWrite
        default: return nil
        }
    }

    /// "proflens: what: why", on one line whatever the profile's strings hold.
    public static func message(for error: Error) -> String {
        "proflens: " + String(describing: error).replacingNewlines()
    }

    /// Writes the error's message to standard error.
    public static func report(_ error: Error) {
        Messages.standardError.write(message(for: error))
    }
}
