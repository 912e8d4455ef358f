import Foundation
import Testing

/// Go 1.27's `go tool pprof`, the reference proflens reproduces, for the tests that run it:
/// `$GO_1_27`, else `.venv-go/bin/go` at the top of the checkout (as samples/generate.sh and
/// scripts/merge-goldens.sh find it), when it says it is go1.27.
public enum GoPprof {
    /// The pprof binary `go tool pprof` runs (`go tool -n pprof` names it): the same output,
    /// without the go command's start-up on each call. Nil, after a printed notice, without Go 1.27.
    public static let binary: String? = {
        if let go = Availability.go127 {
            // `go tool -n` names the binary; `go tool pprof -h` builds it first if needed.
            _ = try? Subprocess.run(go, ["tool", "pprof", "-h"], environment: goEnvironment)
            if let named = try? Subprocess.run(go, ["tool", "-n", "pprof"], environment: goEnvironment) {
                let path = named.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                if named.status == 0 && FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        print("notice: no Go 1.27 ($GO_1_27 or .venv-go/bin/go): the checks against go tool pprof are SKIPPED")
        return nil
    }()

    public static var isAvailable: Bool { binary != nil }

    /// An empty folder for pprof's HOME, PPROF_BINARY_PATH and PPROF_TMPDIR: it finds no
    /// binary to symbolize with, and writes nothing elsewhere.
    static let sandbox: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-pprof-home-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static var goEnvironment: [String: String] { Availability.goEnvironment }

    /// Runs pprof with `arguments` in the environment the goldens were made in (TZ=UTC,
    /// LC_ALL=C, an empty HOME): its standard output, or a thrown error with its stderr when
    /// it fails.
    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> Data {
        guard let binary else { throw FixtureError("no Go 1.27 pprof") }
        var environment = goEnvironment
        environment["TZ"] = "UTC"
        environment["LC_ALL"] = "C"
        for name in ["HOME", "PPROF_BINARY_PATH", "PPROF_TMPDIR"] { environment[name] = sandbox.path }
        let result = try Subprocess.runForData(binary, arguments, in: directory, environment: environment)
        guard result.status == 0 else {
            throw FixtureError("pprof \(arguments.joined(separator: " ")) exited with \(result.status): "
                               + String(decoding: result.stderr, as: UTF8.self))
        }
        return result.stdout
    }
}

extension Trait where Self == ConditionTrait {
    /// A test that runs Go 1.27's pprof: reported as skipped where there is none.
    public static var needsGo127: Self { .enabled(if: GoPprof.isAvailable, "needs Go 1.27 ($GO_1_27 or .venv-go/bin/go)") }
}
