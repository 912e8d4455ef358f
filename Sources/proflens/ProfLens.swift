import ArgumentParser
import CMalloc
import Pipeline
import Reports
import UseCases

#if canImport(Glibc)
import Glibc
#endif

@main
struct ProfLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proflens",
        abstract: "Reads pprof profiles and shows what is wrong with a Go program's maps.",
        discussion: """
            Exit codes: 0 ok; 1 findings at or above --fail-on; 64 usage; 65 malformed profile; \
            66 input not found or unreadable; 73 output cannot be written.
            """,
        version: ToolInfo.version,
        subcommands: [Analyze.self, Compare.self, Flame.self, Fold.self, List.self, Merge.self, Report.self, Rules.self, Top.self, Traces.self]
    )

    /// Runs the command; the libraries' errors get their exit codes in `ExitStatus`.
    static func main() {
        // A wide profile's arrays are tens of megabytes: each is given back when freed.
        proflens_give_back_freed_memory()
        do {
            var command = try parseAsRoot()
            try command.run()
            Pipeline.endFetches()
        } catch {
            Pipeline.endFetches()
            if let code = ExitStatus.code(for: error) {
                ExitStatus.report(error)
                Glibc.exit(code)
            }
            exit(withError: error)
        }
    }
}

extension ParsableCommand {
    /// Every command's last step: writes what its use case returned, and exits 1 when its
    /// findings reach --fail-on.
    func deliver(_ result: CommandResult) throws {
        let status = try ResultWriter.write(result)
        if status != ExitStatus.ok { throw ExitCode(status) }
    }
}
