import ArgumentParser
import Pprof

#if canImport(Glibc)
import Glibc
#endif

/// The one place where errors become a line on stderr and a documented exit code.
enum Failure {
    static let findings: Int32 = 1
    static let usage: Int32 = 64
    static let malformed: Int32 = 65
    static let unreadable: Int32 = 66
    static let cannotWrite: Int32 = 73

    static func exit(_ message: String, code: Int32) -> ExitCode {
        var line = "proflens: " + message
        line = line.replacingNewlines()
        line += "\n"
        _ = Output.writeAll(Array(line.utf8), to: 2)
        return ExitCode(code)
    }

    static func from(_ error: ProfileReadError) -> ExitCode {
        switch error {
        case .unreadable: return exit(error.description, code: unreadable)
        case .malformed: return exit(error.description, code: malformed)
        }
    }
}

extension String {
    /// Error text goes on one line whatever the profile's strings hold.
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
