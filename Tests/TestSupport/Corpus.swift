import Foundation
import Testing

/// The shared corpus, ../shared/corpus beside the checkout: real profiles from several tools
/// (profiles/) and what go tool pprof printed for them (expected/, Go 1.19's; expected-go1.27/).
/// Every test finds it here, and every test that reads it carries `.needsCorpus`.
public enum Corpus {
    public static let directory = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    public static let profiles = directory.appendingPathComponent("profiles")

    /// A file of the corpus by its relative path, e.g. "expected-go1.27/NAME.cpu.top.txt".
    public static func file(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    /// A profile of the corpus by its file name.
    public static func profile(_ name: String) -> URL { profiles.appendingPathComponent(name) }

    /// The profiles' file names, sorted; empty (a notice printed once) where there is no corpus.
    public static let profileNames: [String] = {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: profiles.path)) ?? []).filter { !$0.hasPrefix(".") }
        if names.isEmpty { print("notice: corpus not found at \(profiles.path); the tests that need it are skipped") }
        return names.sorted()
    }()

    /// Whether this machine has the corpus: the condition of `.needsCorpus`.
    public static var isPresent: Bool { !profileNames.isEmpty }

    /// A profile's bytes, as stored (gzip-compressed or not).
    public static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: profile(name)))
    }
}

extension Trait where Self == ConditionTrait {
    /// A test of the shared corpus: reported as skipped, not passed, where there is none.
    public static var needsCorpus: Self { .enabled(if: Corpus.isPresent, "needs the corpus at \(Corpus.directory.path)") }
}
