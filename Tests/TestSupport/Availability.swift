import Foundation
import Testing

/// What a test may need that a machine may lack. A test that needs one of them carries the
/// matching condition trait (`.needsCorpus`, `.needsChromium`, `.needsXmllint`, `.needsGo127`,
/// `.needsGo119`), so that without it the test is reported as skipped, with the reason, and
/// never as passed; with it, the test runs and fails when the behaviour breaks. CI (.ci/run)
/// installs all of them. (The corpus is found by `Corpus`.)
public enum Availability {
    /// Headless Chromium (Debian's `chromium`).
    public static var chromium: Bool { Browser.executable != nil }

    /// xmllint (Debian's libxml2-utils), or nil.
    public static let xmllint: String? = ["/usr/bin/xmllint", "/bin/xmllint", "/usr/local/bin/xmllint"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A Go 1.27 `go`: `$GO_1_27`, else `.venv-go/bin/go` at the top of the checkout (as
    /// samples/generate.sh finds it), when `go env GOVERSION` says go1.27; else nil.
    public static let go127: String? = {
        let candidates = [ProcessInfo.processInfo.environment["GO_1_27"] ?? "",
                          Paths.packageRoot.appendingPathComponent(".venv-go/bin/go").path]
        return candidates.first { go in
            guard !go.isEmpty, FileManager.default.isExecutableFile(atPath: go),
                  let version = try? Subprocess.run(go, ["env", "GOVERSION"], environment: goEnvironment),
                  version.status == 0 else { return false }
            let name = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return name == "go1.27" || name.hasPrefix("go1.27.")
        }
    }()

    /// A Go 1.19 `go` (Debian's golang-go): `go` on PATH or where Debian puts it, when
    /// `go version` says go1.19; else nil.
    public static let go119: String? = {
        var candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/go" }
        candidates += ["/usr/bin/go", "/usr/lib/go-1.19/bin/go"]
        return candidates.first { go in
            guard FileManager.default.isExecutableFile(atPath: go),
                  let result = try? Subprocess.run(go, ["version"], environment: goEnvironment) else { return false }
            return result.stdout.hasPrefix("go version go1.19")
        }
    }()

    /// The environment a test runs a Go toolchain in: this toolchain only (no download of
    /// another), no telemetry.
    public static var goEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GOTOOLCHAIN"] = "local"
        environment["GOTELEMETRY"] = "off"
        return environment
    }
}

extension Trait where Self == ConditionTrait {
    /// A test that runs headless Chromium: reported as skipped where there is none.
    public static var needsChromium: Self {
        .enabled(if: Availability.chromium, "needs chromium (Debian's chromium) for the browser checks")
    }

    /// A test that checks XML with xmllint: reported as skipped where there is none.
    public static var needsXmllint: Self {
        .enabled(if: Availability.xmllint != nil, "needs xmllint (Debian's libxml2-utils) to check the SVG")
    }

    /// A test that runs Go 1.19: reported as skipped where there is none.
    public static var needsGo119: Self {
        .enabled(if: Availability.go119 != nil, "needs Go 1.19 (Debian's golang-go: go on PATH or /usr/lib/go-1.19/bin/go)")
    }
}
