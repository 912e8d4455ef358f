import Foundation
import Testing

extension Paths {
    /// Whether this machine has ../shared/corpus (a notice is printed once when not).
    public static let corpusIsPresent = corpusIfPresent() != nil
}

extension Trait where Self == ConditionTrait {
    /// A test of the shared corpus: reported as skipped, not passed, where there is none.
    public static var needsCorpus: Self { .enabled(if: Paths.corpusIsPresent, "needs ../shared/corpus") }
}
