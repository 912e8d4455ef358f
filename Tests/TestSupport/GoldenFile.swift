import Foundation
import Testing

/// Compares output with a golden file kept in the repository. Goldens are written only on
/// request (`PROFLENS_RECORD=1 swift test --filter ...`), and a run that records one fails, so
/// that a new or changed golden is always looked at before it is committed.
public enum GoldenFile {
    public static var recording: Bool { ProcessInfo.processInfo.environment["PROFLENS_RECORD"] == "1" }

    public static func check(_ actual: [UInt8], against golden: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        if recording {
            do {
                try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual).write(to: golden)
                Issue.record("recorded \(golden.path): review it, then run again without PROFLENS_RECORD", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot record \(golden.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? Data(contentsOf: golden) else {
            Issue.record("missing golden \(golden.path) (PROFLENS_RECORD=1 writes it)", sourceLocation: sourceLocation)
            return
        }
        if Data(actual) != expected {
            let actualText = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let expectedText = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualText, expectedText).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualText.count, expectedText.count)
            let got = first < actualText.count ? String(actualText[first]) : "<end>"
            let want = first < expectedText.count ? String(expectedText[first]) : "<end>"
            Issue.record("\(golden.lastPathComponent) differs at line \(first + 1):\n  got:  \(got)\n  want: \(want)", sourceLocation: sourceLocation)
        }
    }
}
